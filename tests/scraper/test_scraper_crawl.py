"""Crawls through run_crawl (a real child process) against servers on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from scraper.errors import CrawlFailed, CrawlTimeout, UnknownCrawlKind
from scraper.items import CrawlJob, FetchedPage
from scraper.runner import run_crawl
from scraper.spiders.pages import LOST_MESSAGE

TEST_UA = "syndiwatch-test/1.0 (+http://127.0.0.1/)"
# Fast and deterministic on loopback: no politeness delay, no retries, a short timeout.
LOOPBACK_SETTINGS: dict[str, Any] = {
    "SYNDIWATCH_ALLOW_PRIVATE": True,
    "AUTOTHROTTLE_START_DELAY": 0,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 2,
    "USER_AGENT": TEST_UA,
    "LOG_LEVEL": "WARNING",
}
CRAWL_LIMIT = 60.0  # wall-clock bound so a broken crawl fails the test instead of hanging it


def crawl(urls: list[str], **settings: Any) -> dict[str, FetchedPage]:
    job = CrawlJob(
        kind="pages",
        urls=tuple(urls),
        settings={**LOOPBACK_SETTINGS, **settings},
        meta={"source_id": 7},
    )
    pages = list(run_crawl(job, timeout=CRAWL_LIMIT))
    assert len(pages) == len({p.request_url for p in pages}), "one FetchedPage per URL"
    return {page.request_url: page for page in pages}


@pytest.fixture(scope="module")
def loopback_crawl(
    site: HTTPServer, tricky_server: Any, closed_port: int
) -> dict[str, FetchedPage]:
    """One crawl of every case that loopback fixtures can show (allow_private on)."""
    urls = [
        site.url_for("/article"),
        site.url_for("/moved"),
        site.url_for("/gone"),
        site.url_for("/private/page"),
        tricky_server.url("/loop/a"),
        tricky_server.url("/hang?tag=download-timeout"),
        tricky_server.url("/big"),
        tricky_server.url("/big-stream"),
        f"http://127.0.0.1:{closed_port}/closed",
        "http://nx.invalid/page",
        "ftp://127.0.0.1/file.txt",
        "http:///no-host",
    ]
    return crawl(urls)


def test_every_url_yields_exactly_one_page(loopback_crawl: dict[str, FetchedPage]) -> None:
    assert len(loopback_crawl) == 12
    assert all(page.meta == {"source_id": 7} for page in loopback_crawl.values())
    assert all(page.fetched_at.endswith("Z") for page in loopback_crawl.values())


def test_ok_page_has_body_headers_and_url(
    loopback_crawl: dict[str, FetchedPage], site: HTTPServer, article_html: str
) -> None:
    page = loopback_crawl[site.url_for("/article")]
    assert page.ok
    assert (page.status, page.error, page.error_kind) == (200, None, None)
    assert page.body == article_html.encode()
    assert page.headers["X-Test"] == "yes"
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.url == site.url_for("/article")


def test_redirect_reports_final_url(
    loopback_crawl: dict[str, FetchedPage], site: HTTPServer, article_html: str
) -> None:
    page = loopback_crawl[site.url_for("/moved")]
    assert page.status == 200
    assert page.request_url == site.url_for("/moved")
    assert page.url == site.url_for("/article")
    assert page.body == article_html.encode()


def test_configured_user_agent_is_sent(
    loopback_crawl: dict[str, FetchedPage], site: HTTPServer
) -> None:
    agents = {request.headers.get("User-Agent") for request, _response in site.log}
    assert agents == {TEST_UA}


def test_http_404_is_a_page_with_an_error(
    loopback_crawl: dict[str, FetchedPage], site: HTTPServer
) -> None:
    page = loopback_crawl[site.url_for("/gone")]
    assert (page.status, page.error, page.error_kind) == (404, "HTTP 404 Not Found", "http")
    assert not page.ok


def test_robots_txt_denial(loopback_crawl: dict[str, FetchedPage], site: HTTPServer) -> None:
    url = site.url_for("/private/page")
    page = loopback_crawl[url]
    assert (page.status, page.error_kind) == (0, "robots")
    assert page.error == f"robots.txt forbids fetching {url}"
    assert all(request.path != "/private/page" for request, _response in site.log)


def test_redirect_loop(loopback_crawl: dict[str, FetchedPage], tricky_server: Any) -> None:
    page = loopback_crawl[tricky_server.url("/loop/a")]
    assert (page.error, page.error_kind) == ("redirect loop or more than 20 redirects", "redirect")


def test_download_timeout(loopback_crawl: dict[str, FetchedPage], tricky_server: Any) -> None:
    page = loopback_crawl[tricky_server.url("/hang?tag=download-timeout")]
    assert (page.status, page.error, page.error_kind) == (0, "timed out after 2 s", "timeout")


@pytest.mark.parametrize("path", ["/big", "/big-stream"])
def test_page_over_size_limit(
    loopback_crawl: dict[str, FetchedPage], tricky_server: Any, path: str
) -> None:
    page = loopback_crawl[tricky_server.url(path)]
    assert page.error == "page larger than max_page_bytes (5000000 bytes)"
    assert (page.error_kind, page.body) == ("too_large", b"")


def test_connection_refused(loopback_crawl: dict[str, FetchedPage], closed_port: int) -> None:
    page = loopback_crawl[f"http://127.0.0.1:{closed_port}/closed"]
    assert page.error == f"connection refused by 127.0.0.1:{closed_port}"
    assert page.error_kind == "refused"


def test_dns_failure(loopback_crawl: dict[str, FetchedPage]) -> None:
    page = loopback_crawl["http://nx.invalid/page"]
    assert (page.status, page.error, page.error_kind) == (
        0,
        "DNS lookup failed for nx.invalid",
        "dns",
    )


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file.txt", "http:///no-host"])
def test_unfetchable_url(loopback_crawl: dict[str, FetchedPage], url: str) -> None:
    page = loopback_crawl[url]
    assert page.error_kind == "other"
    assert page.error is not None
    assert url in page.error


def test_private_addresses_refused_before_any_connection(site: HTTPServer) -> None:
    port = site.port
    urls = [
        site.url_for("/article"),
        f"http://localhost:{port}/article",
        f"http://[::1]:{port}/article",
        f"http://[::ffff:127.0.0.1]:{port}/article",
        f"http://0.0.0.0:{port}/article",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
    ]
    site.clear_log()
    pages = crawl(urls, SYNDIWATCH_ALLOW_PRIVATE=False)
    assert {url: pages[url].error_kind for url in urls} == dict.fromkeys(urls, "private_address")
    assert pages[site.url_for("/article")].error == (
        "refused: 127.0.0.1 is a loopback address (set [network] allow_private = true to allow it)"
    )
    assert pages["http://169.254.169.254/latest/meta-data/"].error == (
        "refused: 169.254.169.254 is a link-local address"
        " (set [network] allow_private = true to allow it)"
    )
    assert pages[f"http://localhost:{port}/article"].error.startswith(
        "refused: localhost resolves to"
    )
    assert site.log == []  # not even robots.txt was asked for


def test_guard_reports_dns_failure(site: HTTPServer) -> None:
    pages = crawl(["http://nx.invalid/"], SYNDIWATCH_ALLOW_PRIVATE=False)
    assert pages["http://nx.invalid/"].error_kind == "dns"


def test_crawl_timeout_kills_hung_child(tricky_server: Any) -> None:
    job = CrawlJob(
        kind="pages",
        urls=(tricky_server.url("/hang?tag=crawl-timeout"),),
        settings={**LOOPBACK_SETTINGS, "DOWNLOAD_TIMEOUT": 600},
    )
    with pytest.raises(CrawlTimeout, match="did not finish within 5 s"):
        list(run_crawl(job, timeout=5))
    assert tricky_server.arrived("crawl-timeout").is_set()
    # The killed child's socket closes, which the server notices.
    assert tricky_server.disconnected("crawl-timeout").wait(30)


def test_closing_the_stream_early_kills_the_child(site: HTTPServer, tricky_server: Any) -> None:
    job = CrawlJob(
        kind="pages",
        urls=(site.url_for("/article"), tricky_server.url("/hang?tag=early-close")),
        settings={**LOOPBACK_SETTINGS, "DOWNLOAD_TIMEOUT": 600},
    )
    stream = run_crawl(job, timeout=CRAWL_LIMIT)
    first = next(stream)
    assert first.request_url == site.url_for("/article")
    assert tricky_server.arrived("early-close").wait(30)
    stream.close()
    assert tricky_server.disconnected("early-close").wait(30)


def test_child_failure_raises_crawl_failed() -> None:
    job = CrawlJob(
        kind="pages",
        urls=("http://127.0.0.1:1/",),
        settings={**LOOPBACK_SETTINGS, "ITEM_PIPELINES": {"scraper.no_such_module.Pipe": 1}},
    )
    with pytest.raises(CrawlFailed, match="no_such_module") as caught:
        list(run_crawl(job, timeout=CRAWL_LIMIT))
    assert caught.value.stderr_tail


def test_unknown_kind_is_refused_before_starting() -> None:
    with pytest.raises(UnknownCrawlKind, match="unknown crawl kind 'carrier-pigeon'"):
        list(run_crawl(CrawlJob(kind="carrier-pigeon", urls=())))


def test_resolver_refuses_private_answers_even_without_the_middleware(site: HTTPServer) -> None:
    """The connection-time lookup is checked too (a rebinding name passes the first check)."""
    url = f"http://localhost:{site.port}/article"
    site.clear_log()
    pages = crawl(
        [url],
        SYNDIWATCH_ALLOW_PRIVATE=False,
        DOWNLOADER_MIDDLEWARES={"scraper.middlewares.PrivateAddressGuardMiddleware": None},
    )
    assert pages[url].error_kind == "private_address"
    assert pages[url].error == (
        "refused: localhost resolves to 127.0.0.1, a loopback address"
        " (set [network] allow_private = true to allow it)"
    )
    assert site.log == []


def test_url_dropped_silently_inside_the_crawl_is_still_reported(closed_port: int) -> None:
    """Scrapy's UrlLengthMiddleware drops a long URL without an errback; the spider notices."""
    long_url = f"http://127.0.0.1:{closed_port}/" + "x" * 40
    short_url = f"http://127.0.0.1:{closed_port}/"
    pages = crawl([long_url, short_url], URLLENGTH_LIMIT=len(short_url) + 5)
    assert (pages[long_url].error, pages[long_url].error_kind) == (LOST_MESSAGE, "other")
    assert pages[short_url].error_kind == "refused"
