"""Offline tests: address rules, failure wording, the spider's callbacks, pipeline, settings."""

from __future__ import annotations

import asyncio
import io
import ipaddress
import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    DropItem,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from scrapy.http.headers import Headers
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from scraper.addresses import classify_address, parse_ip, refusal_reason
from scraper.child import build_settings
from scraper.errors import UnknownCrawlKind
from scraper.failures import describe_exception, describe_status
from scraper.items import CrawlJob, FetchedPage
from scraper.middlewares import PrivateAddressGuardMiddleware, PrivateAddressRefused, find_refusal
from scraper.pipelines import FetchedPageStreamPipeline
from scraper.registry import spider_name_for
from scraper.spiders.common import (
    REQUEST_URL_KEY,
    check_url,
    decode_headers,
    parse_mapping,
    parse_url_list,
)
from scraper.spiders.pages import LOST_MESSAGE, PagesSpider

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback"),
        ("127.8.9.10", "a loopback"),
        ("::1", "a loopback"),
        ("::ffff:127.0.0.1", "a loopback"),
        ("::ffff:10.1.2.3", "a private"),
        ("2002:7f00:1::", "a loopback"),  # 6to4 wrapping 127.0.0.1
        ("10.0.0.1", "a private"),
        ("172.16.5.4", "a private"),
        ("192.168.1.1", "a private"),
        ("fc00::1", "a private"),
        ("169.254.169.254", "a link-local"),
        ("fe80::", "a link-local"),
        ("fe80::1", "a link-local"),
        ("224.0.0.1", "a multicast"),
        ("ff02::1", "a multicast"),
        ("0.0.0.0", "an unspecified"),
        ("::", "an unspecified"),
        ("240.0.0.1", "a reserved"),
        ("100.64.0.1", "a non-public"),
        ("93.184.216.34", None),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_classify_address(address: str, kind: str | None) -> None:
    assert classify_address(ipaddress.ip_address(address)) == kind


def test_parse_ip_accepts_brackets_and_zones_and_refuses_names() -> None:
    assert parse_ip("[::1]") == ipaddress.ip_address("::1")
    assert parse_ip("fe80::1%eth0") == ipaddress.ip_address("fe80::1")
    assert parse_ip("localhost") is None


def test_refusal_reason_names_host_and_address() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    hint = "(set [network] allow_private = true to allow it)"
    assert refusal_reason("127.0.0.1", loopback, "a loopback") == (
        f"refused: 127.0.0.1 is a loopback address {hint}"
    )
    assert refusal_reason("intranet.example", loopback, "a loopback") == (
        f"refused: intranet.example resolves to 127.0.0.1, a loopback address {hint}"
    )


def test_one_private_address_among_public_ones_is_refused() -> None:
    addresses = (ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.7"))
    reason = find_refusal("mixed.example", addresses)
    assert reason is not None
    assert "10.0.0.7, a private address" in reason
    assert find_refusal("public.example", addresses[:1]) is None


def test_guard_refuses_ip_literal_and_counts_it() -> None:
    crawler = get_crawler(PagesSpider, settings_dict={"SYNDIWATCH_ALLOW_PRIVATE": False})
    guard = PrivateAddressGuardMiddleware.from_crawler(crawler)
    with pytest.raises(PrivateAddressRefused, match=r"refused: 169\.254\.169\.254 is a link-local"):
        asyncio.run(guard.process_request(Request("http://169.254.169.254/latest/")))
    assert asyncio.run(guard.process_request(Request("http://93.184.216.34/"))) is None
    assert asyncio.run(guard.process_request(Request("data:,hello"))) is None
    assert crawler.stats is not None
    assert crawler.stats.get_value("syndiwatch/private_address_refused") == 1


def test_guard_is_off_when_private_addresses_are_allowed() -> None:
    crawler = get_crawler(PagesSpider, settings_dict={"SYNDIWATCH_ALLOW_PRIVATE": True})
    with pytest.raises(NotConfigured):
        PrivateAddressGuardMiddleware.from_crawler(crawler)


SETTINGS = Settings(
    {"DOWNLOAD_TIMEOUT": 30, "DOWNLOAD_MAXSIZE": 5_000_000, "REDIRECT_MAX_TIMES": 20}
)


@pytest.mark.parametrize(
    ("exc", "message", "kind"),
    [
        (DownloadTimeoutError("took too long"), "timed out after 30 s", "timeout"),
        (CannotResolveHostError("no"), "DNS lookup failed for nx.invalid", "dns"),
        (DownloadConnectionRefusedError("no"), "connection refused by nx.invalid:8080", "refused"),
        (
            DownloadCancelledError(""),
            "page larger than max_page_bytes (5000000 bytes)",
            "too_large",
        ),
        (IgnoreRequest("Forbidden by robots.txt"), None, "robots"),
        (
            IgnoreRequest("max redirections reached"),
            "redirect loop or more than 20 redirects",
            "redirect",
        ),
        (PrivateAddressRefused("refused: 10.0.0.1 is a private address"), None, "private_address"),
        (
            ResponseDataLossError("lost\nbytes"),
            "connection to nx.invalid:8080 failed: lost bytes",
            "connection",
        ),
        (RuntimeError("odd"), "RuntimeError: odd", "other"),
    ],
)
def test_describe_exception(exc: Exception, message: str | None, kind: str) -> None:
    request = Request("http://nx.invalid:8080/a")
    described = describe_exception(exc, request, SETTINGS)
    assert described.kind == kind
    if message is not None:
        assert described.message == message
    assert "\n" not in described.message


def test_describe_status() -> None:
    assert describe_status(200) is None
    assert describe_status(304) is None
    error = describe_status(410)
    assert error is not None
    assert (error.message, error.kind) == ("HTTP 410 Gone", "http")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("https://news.example/a", None),
        ("http://news.example:8080/a?b=c", None),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("news.example/a", "not an http(s) URL"),
        ("http:///a", "no host"),
        ("http://news.example:99999/", "malformed URL"),
        ("http://[::1/", "malformed URL"),
    ],
)
def test_check_url(url: str, fragment: str | None) -> None:
    problem = check_url(url)
    if fragment is None:
        assert problem is None
    else:
        assert problem is not None
        assert fragment in problem


def test_parse_url_list_accepts_a_string_and_drops_repeats() -> None:
    assert parse_url_list("http://a/, http://b/  http://a/") == ("http://a/", "http://b/")
    assert parse_url_list(["http://a/", "http://a/"]) == ("http://a/",)


def test_parse_mapping_accepts_json_from_the_command_line() -> None:
    assert parse_mapping('{"source_id": 4}', "meta") == {"source_id": 4}
    assert parse_mapping({"a": 1}, "meta") == {"a": 1}
    assert parse_mapping(None, "meta") == {}
    with pytest.raises(ValueError, match="meta must be a JSON object"):
        parse_mapping("[1, 2]", "meta")
    with pytest.raises(ValueError, match="options must be a JSON object"):
        parse_mapping("{oops", "options")


def test_decode_headers_keeps_first_value_as_text() -> None:
    headers = Headers({"Set-Cookie": ["a=1", "b=2"], "X-Name": "caf\xe9".encode("latin-1")})
    assert decode_headers(headers) == {"Set-Cookie": "a=1", "X-Name": "café"}


def make_spider(**kwargs: object) -> PagesSpider:
    crawler = get_crawler(PagesSpider)
    spider = PagesSpider.from_crawler(crawler, **kwargs)
    crawler.spider = spider
    return spider


def test_start_turns_unfetchable_urls_into_pages_and_keeps_going() -> None:
    spider = make_spider(urls=["file:///etc/passwd", "https://news.example/a"])
    refused = spider.request_for("file:///etc/passwd")
    assert isinstance(refused, FetchedPage)
    assert refused.error_kind == "other"
    request = spider.request_for("https://news.example/a")
    assert isinstance(request, Request)
    assert request.meta[REQUEST_URL_KEY] == "https://news.example/a"
    assert list(spider.pending) == ["https://news.example/a"]


def test_callback_turns_a_response_into_a_page() -> None:
    spider = make_spider(urls=["http://news.example/old"], meta={"source_id": 3})
    spider.pending["http://news.example/old"] = None
    request = Request("http://news.example/new", meta={REQUEST_URL_KEY: "http://news.example/old"})
    response = HtmlResponse(
        "http://news.example/new",
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=b"<html><body><p>Story</p></body></html>",
        request=request,
    )
    (page,) = list(spider.parse(response))
    assert page.request_url == "http://news.example/old"
    assert page.url == "http://news.example/new"
    assert (page.status, page.error, page.ok) == (200, None, True)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.body == b"<html><body><p>Story</p></body></html>"
    assert page.meta == {"source_id": 3}
    assert spider.pending == {}


def test_callback_marks_http_errors() -> None:
    spider = make_spider(urls=["http://news.example/gone"])
    request = Request(
        "http://news.example/gone", meta={REQUEST_URL_KEY: "http://news.example/gone"}
    )
    response = HtmlResponse("http://news.example/gone", status=404, body=b"", request=request)
    (page,) = list(spider.parse(response))
    assert (page.status, page.error, page.error_kind) == (404, "HTTP 404 Not Found", "http")


def test_errback_turns_a_failure_into_a_page() -> None:
    spider = make_spider(urls=["http://news.example/slow"])
    request = Request(
        "http://news.example/slow", meta={REQUEST_URL_KEY: "http://news.example/slow"}
    )
    failure = Failure(DownloadTimeoutError("slow"))
    failure.request = request  # type: ignore[attr-defined]
    (page,) = list(spider.on_error(failure))
    assert (page.status, page.error, page.error_kind) == (0, "timed out after 180 s", "timeout")


def test_urls_that_produced_nothing_are_reported_not_lost() -> None:
    spider = make_spider(urls=["http://a.example/", "http://b.example/"])
    spider.pending.update(dict.fromkeys(["http://a.example/", "http://b.example/"]))
    spider.finish("http://a.example/", status=200, problem=None)
    pages = list(spider.report_lost(HtmlResponse("data:,", body=b"")))
    assert [(p.request_url, p.error, p.error_kind) for p in pages] == [
        ("http://b.example/", LOST_MESSAGE, "other")
    ]
    assert spider.pending == {}


def test_pipeline_writes_one_json_line_per_page() -> None:
    stream = io.StringIO()
    pipeline = FetchedPageStreamPipeline(stream)
    page = FetchedPage(request_url="http://a/", url="http://a/", status=200, body=b"\x00\xff")
    assert pipeline.process_item(page) is page
    (line,) = stream.getvalue().splitlines()
    assert FetchedPage.from_json(line) == page
    with pytest.raises(DropItem, match="not a FetchedPage: dict"):
        pipeline.process_item({"url": "http://a/"})


def test_job_settings_win_over_project_settings() -> None:
    default = build_settings(CrawlJob(kind="pages", urls=()))
    assert default["USER_AGENT"] == "syndiwatch/0.1 (+https://example.org/bot)"
    assert default.getbool("ROBOTSTXT_OBEY") is True
    assert default.getint("DOWNLOAD_MAXSIZE") == 5_000_000
    assert default.getbool("SYNDIWATCH_ALLOW_PRIVATE") is False
    job = CrawlJob(kind="pages", urls=(), settings={"USER_AGENT": "other/1", "RETRY_TIMES": 0})
    custom = build_settings(job, output_fd=9)
    assert (custom["USER_AGENT"], custom.getint("RETRY_TIMES")) == ("other/1", 0)
    assert custom.getint("SYNDIWATCH_OUTPUT_FD") == 9


def test_registry_names_spiders_and_refuses_unknown_kinds() -> None:
    assert spider_name_for("pages") == "pages"
    with pytest.raises(UnknownCrawlKind, match=r"known: feed, pages, site, sitemap\)"):
        spider_name_for("telepathy")


def test_scrapy_list_from_repo_root() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "pages" in result.stdout.split()


def test_child_rejects_a_bad_job_with_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scraper.runner"],
        cwd=REPO_ROOT,
        input=json.dumps({"kind": "pages"}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().startswith("syndiwatch crawl: bad job:")
