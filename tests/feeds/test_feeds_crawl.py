"""Feeds fetched through the real crawl (scraper.runner, Scrapy in a child process) from
pytest-httpserver on 127.0.0.1, then parsed: the bytes and headers Scrapy hands over are
what feeds.parse expects."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feeds import FeedError, parse
from scraper.items import CrawlJob
from scraper.runner import run_crawl

DATA = Path(__file__).parent / "data"
LOOPBACK_SETTINGS = {
    "SYNDIWATCH_ALLOW_PRIVATE": True,
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 0,
    "LOG_LEVEL": "WARNING",
}
MISLABELED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>C</title>'
    "<item><title>\u201cCaf\xe9\u201d</title><link>/a/1</link></item></channel></rss>"
).encode("windows-1252")


def test_feeds_crawled_by_scrapy_parse(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss.xml").respond_with_data(
        (DATA / "rss20.xml").read_bytes(), content_type="application/rss+xml"
    )
    httpserver.expect_request("/atom.xml").respond_with_data(
        (DATA / "atom.xml").read_bytes(), content_type="application/atom+xml"
    )
    httpserver.expect_request("/cp1252.xml").respond_with_data(
        MISLABELED, content_type="text/xml; charset=utf-8"
    )
    httpserver.expect_request("/home").respond_with_data(
        "<!doctype html><html><body><p>Home</p></body></html>", content_type="text/html"
    )
    paths = ("/rss.xml", "/atom.xml", "/cp1252.xml", "/home")
    job = CrawlJob(
        kind="pages",
        urls=tuple(httpserver.url_for(p) for p in paths),
        settings=LOOPBACK_SETTINGS,
    )
    pages = {p.request_url: p for p in run_crawl(job, timeout=60)}
    rss, atom, cp1252, home = (pages[httpserver.url_for(p)] for p in paths)

    feed = parse(rss.body, rss.url, rss.headers)
    assert [e.link for e in feed.entries][:2] == [
        httpserver.url_for("/a/123"),
        httpserver.url_for("/stories/second"),
    ]
    assert parse(atom.body, atom.url, atom.headers).entries[0].authors == ("Jane Doe", "John Roe")
    assert parse(cp1252.body, cp1252.url, cp1252.headers).entries[0].title == "\u201cCaf\xe9\u201d"
    with pytest.raises(FeedError, match="is an HTML page"):
        parse(home.body, home.url, home.headers)
