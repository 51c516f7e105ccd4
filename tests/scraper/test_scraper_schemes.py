"""Only http(s) is ever fetched: links, redirects and job URLs of any other scheme.

A hostile page can link to `file://`, `ftp://`, `data:` or `s3://` URLs, or redirect
to them. Each crawl here runs in a real child process against a real server on
127.0.0.1 and must neither read the local file nor talk FTP, and must finish promptly.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer
from scrapy import Request
from scrapy.utils.test import get_crawler
from werkzeug import Response

import scraper.settings
from scraper.handlers import INTERNAL_KEY, SWEEP_URL
from scraper.items import CrawlJob, FetchedPage
from scraper.middlewares import SchemeGuardMiddleware, SchemeRefused
from scraper.runner import run_crawl
from scraper.spiders.common import followable, host_key
from scraper.spiders.pages import PagesSpider

SETTINGS: dict[str, Any] = {
    "SYNDIWATCH_ALLOW_PRIVATE": True,  # the loopback server; the scheme guard stays on
    "AUTOTHROTTLE_START_DELAY": 0,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 3,
    "LOG_LEVEL": "WARNING",
}
SECRET = "local-secret-3f9a1c"
PAGE = "<html><body><article><p>{}</p></article>{}</body></html>"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.html"
    path.write_text(PAGE.format(SECRET, ""))
    return path


def hostile_links(server: HTTPServer, secret: Path) -> list[str]:
    """Every way a page can point a crawler at something that is not http(s)."""
    host = urlsplit(server.url_for("/")).netloc  # the site's host:port, so a host check passes
    return [
        f"file://{host}{secret}",
        f"file://{secret}",
        "file:///dev/zero",
        f"ftp://{host}/pub/file.txt",
        "data:text/html;base64,PGh0bWw+PC9odG1sPg==",
        f"s3://{host}/bucket/key",
        SWEEP_URL,
    ]


def serve_hostile_site(server: HTTPServer, secret: Path) -> None:
    links = "".join(f'<a href="{url}">x</a>' for url in hostile_links(server, secret))
    links += '<a href="/to-file">r</a><a href="/ok">ok</a>'
    server.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    server.expect_request("/").respond_with_data(
        PAGE.format("Start page of a hostile site.", links), content_type="text/html"
    )
    server.expect_request("/ok").respond_with_data(
        PAGE.format("An ordinary page.", ""), content_type="text/html"
    )
    server.expect_request("/to-file").respond_with_response(
        Response(status=302, headers={"Location": f"file://{secret}"})
    )
    server.expect_request("/to-ftp").respond_with_response(
        Response(
            status=302, headers={"Location": f"ftp://{urlsplit(server.url_for('/')).netloc}/x"}
        )
    )


def assert_nothing_local(pages: list[FetchedPage]) -> None:
    for page in pages:
        assert SECRET.encode() not in page.body
        assert page.url.startswith("http://") or (page.status, page.body) == (0, b""), page.url


def test_site_crawl_follows_only_http_links(httpserver: HTTPServer, secret_file: Path) -> None:
    serve_hostile_site(httpserver, secret_file)
    job = CrawlJob(
        kind="site",
        urls=(httpserver.url_for("/"),),
        settings=SETTINGS,
        options={"sources": [{"id": 1, "url": httpserver.url_for("/")}], "max_pages": 50},
    )
    started = time.monotonic()
    pages = list(run_crawl(job, timeout=60))
    assert time.monotonic() - started < 45  # an FTP handler would hang past this
    assert_nothing_local(pages)
    fetched = {p.request_url: p for p in pages}
    assert fetched[httpserver.url_for("/ok")].ok
    # The redirect to file:// is not followed: the 302 itself is what the page answered.
    moved = fetched[httpserver.url_for("/to-file")]
    assert (moved.status, moved.body) == (302, b"")
    assert not any(p.request_url.split(":", 1)[0] in ("file", "ftp", "data", "s3") for p in pages)


def test_pages_crawl_refuses_redirects_and_urls_of_other_schemes(
    httpserver: HTTPServer, secret_file: Path
) -> None:
    serve_hostile_site(httpserver, secret_file)
    urls = [httpserver.url_for("/to-file"), httpserver.url_for("/to-ftp"), f"file://{secret_file}"]
    job = CrawlJob(kind="pages", urls=tuple(urls), settings=SETTINGS)
    started = time.monotonic()
    pages = {p.request_url: p for p in run_crawl(job, timeout=60)}
    assert time.monotonic() - started < 45
    assert set(pages) == set(urls)  # each URL ends as exactly one page
    assert_nothing_local(list(pages.values()))
    for url in urls[:2]:  # the redirect is not followed: its own 302 is the answer
        assert (pages[url].status, pages[url].body) == (302, b"")
    assert "not an http(s) URL" in (pages[urls[2]].error or "")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "FILE:///etc/hostname",
        "ftp://127.0.0.1/x",
        "data:,hello",
        "s3://bucket/key",
        "gopher://127.0.0.1/",
        SWEEP_URL,  # the crawl's own scheme, but not marked by the spider
    ],
)
def test_scheme_guard_refuses_everything_but_http(url: str) -> None:
    crawler = get_crawler(PagesSpider, settings_dict={"SYNDIWATCH_ALLOW_PRIVATE": True})
    guard = SchemeGuardMiddleware.from_crawler(crawler)
    with pytest.raises(SchemeRefused, match="not an http"):
        asyncio.run(guard.process_request(Request(url)))
    assert crawler.stats is not None
    assert crawler.stats.get_value("syndiwatch/scheme_refused") == 1


def test_scheme_guard_lets_http_and_the_spiders_own_sweep_through() -> None:
    crawler = get_crawler(PagesSpider)
    guard = SchemeGuardMiddleware.from_crawler(crawler)
    for request in (
        Request("http://news.example/a"),
        Request("HTTPS://news.example/a"),
        Request(SWEEP_URL, meta={INTERNAL_KEY: True}),
    ):
        assert asyncio.run(guard.process_request(request)) is None


def test_download_handlers_for_other_schemes_are_off() -> None:
    handlers = scraper.settings.DOWNLOAD_HANDLERS
    assert all(handlers[scheme] is None for scheme in ("file", "ftp", "s3", "data"))
    middlewares = scraper.settings.DOWNLOADER_MIDDLEWARES
    assert middlewares["scraper.middlewares.SchemeGuardMiddleware"] < 40


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://news.example:8080/a", True),
        ("HTTP://NEWS.example:8080/b", True),
        ("http://news.example/a", False),  # another port
        ("http://other.example:8080/a", False),
        ("file://news.example:8080/etc/passwd", False),  # the site's host and port
        ("ftp://news.example:8080/x", False),
        ("data:text/html,x", False),
        ("http://news.example:99999/", False),
    ],
)
def test_site_crawls_follow_only_http_links_on_their_host(url: str, expected: bool) -> None:
    """The one rule the site spider and the queue spider both follow links by."""
    assert followable(url, host_key("http://news.example:8080/")) is expected
