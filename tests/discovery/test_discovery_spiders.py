"""Offline tests of the discovery spiders' callbacks: responses built in memory, no network."""

from __future__ import annotations

import gzip
from typing import Any

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from scraper.spiders.feed import FeedSourceSpider
from scraper.spiders.found import tag
from scraper.spiders.site import SiteSourceSpider
from scraper.spiders.sitemap import SitemapSourceSpider, read_sitemap

FEED_URL = "http://republisher.example/rss.xml"
ITEM = "<item><title>{0}</title><link>http://republisher.example/{0}</link></item>"
RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>{}</channel></rss>'


def spider(cls: type[scrapy.Spider], **kwargs: Any) -> Any:
    return cls.from_crawler(get_crawler(cls), **kwargs)


def feed_response(body: bytes, status: int = 200, role: str = "feed") -> Response:
    request = scrapy.Request(FEED_URL, meta=tag(7, role))
    headers = {"ETag": '"v2"', "Content-Type": "application/rss+xml"}
    return TextResponse(FEED_URL, status=status, body=body, headers=headers, request=request)


def test_feed_follows_only_unseen_entries_and_hands_back_the_new_state() -> None:
    state = {"etag": '"v1"', "seen": ["http://republisher.example/old"]}
    s = spider(FeedSourceSpider, options={"sources": [{"id": 7, "url": FEED_URL, "state": state}]})
    body = RSS.format(ITEM.format("old") + ITEM.format("new")).encode()
    out = list(s.parse_feed(feed_response(body)))
    feed_item, *requests = out
    assert feed_item.meta["role"] == "feed"
    assert feed_item.meta["source"] == 7
    assert feed_item.body == b""  # a parsed feed is not sent on
    assert feed_item.meta["state"]["etag"] == '"v2"'
    assert set(feed_item.meta["state"]["seen"]) == {
        "http://republisher.example/old", "http://republisher.example/new"}  # fmt: skip
    assert [r.url for r in requests] == ["http://republisher.example/new"]
    assert requests[0].meta["syndiwatch_role"] == "page"


def test_feed_304_costs_no_parsing_and_keeps_the_seen_entries() -> None:
    state = {"etag": '"v1"', "seen": ["k"]}
    s = spider(FeedSourceSpider, options={"sources": [{"id": 7, "url": FEED_URL, "state": state}]})
    (item,) = s.parse_feed(feed_response(b"", status=304))
    assert item.status == 304
    assert item.meta["state"]["seen"] == ["k"]
    assert item.meta["state"]["etag"] == '"v2"'


def test_html_served_as_a_feed_is_one_error_line() -> None:
    s = spider(FeedSourceSpider, options={"sources": [{"id": 7, "url": FEED_URL}]})
    (item,) = s.parse_feed(feed_response(b"<!doctype html><html><body>Hi</body></html>"))
    assert item.error is not None
    assert item.error.startswith("not a feed:")
    assert item.error_kind == "feed"


def test_full_text_entry_becomes_a_page_of_its_own() -> None:
    words = " ".join(f"word{i}" for i in range(200))
    entry = (
        "<item><title>Full</title><link>http://republisher.example/full</link>"
        f"<description>{words}.</description></item>"
    )
    s = spider(FeedSourceSpider, options={"sources": [{"id": 7, "url": FEED_URL}]})
    _, page = list(s.parse_feed(feed_response(RSS.format(entry).encode())))
    assert page.meta["role"] == "entry"
    assert page.url == "http://republisher.example/full"
    assert b"word199" in page.body
    assert b'rel="canonical" href="http://republisher.example/full"' in page.body


def test_sitemap_reads_news_dates_and_keeps_what_parsed_of_broken_xml() -> None:
    news = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://a.example/1'
        "</loc><news:news><news:publication_date>2026-11-18T10:00:00Z</news:publication_date>"
        "</news:news></url><url><loc>http://a.example/2</loc><lastmod>2026-11-1"
    )
    kind, entries, _ = read_sitemap(news.encode())
    assert kind == "urlset"
    assert entries[0]["news_date"] == "2026-11-18T10:00:00Z"
    assert read_sitemap(b"not xml at all")[0] in ("", "html")


def test_sitemap_skips_known_unchanged_urls_and_other_sites() -> None:
    sitemap_url = "http://a.example/sitemap.xml.gz"
    known = {"http://a.example/old": "2026-11-18T00:00:00+00:00"}
    s = spider(
        SitemapSourceSpider,
        options={"sources": [{"id": 3, "url": sitemap_url, "known": known}], "max_pages": 10},
    )
    s.visited[3].add(sitemap_url)
    rows = "".join(
        f"<url><loc>{u}</loc><lastmod>{m}</lastmod></url>"
        for u, m in [("http://a.example/old", "2026-11-17"), ("http://a.example/new", "2026-11-18"),
                     ("http://b.example/elsewhere", "2026-11-18"),
                     ("http://a.example/old?utm_source=x", "2026-11-17")]
    )  # fmt: skip
    body = gzip.compress(f"<urlset>{rows}</urlset>".encode())
    request = scrapy.Request(sitemap_url, meta=tag(3, "sitemap"))
    response = Response(sitemap_url, body=body, request=request)
    item, *requests = list(s._parse_sitemap(response))
    assert item.meta["urls"] == 4
    assert item.meta["fresh"] == 1
    assert [r.url for r in requests] == ["http://a.example/new"]


def test_sitemap_index_listing_itself_is_a_loop_note() -> None:
    url = "http://a.example/sitemap.xml"
    s = spider(SitemapSourceSpider, options={"sources": [{"id": 3, "url": url}]})
    s.visited[3].add(url)
    body = f"<sitemapindex><sitemap><loc>{url}</loc></sitemap></sitemapindex>".encode()
    response = XmlResponse(url, body=body, request=scrapy.Request(url, meta=tag(3, "sitemap")))
    _, note = list(s._parse_sitemap(response))
    assert note.error_kind == "sitemap_loop"
    assert note.error == f"sitemap loop: {url} lists {url}, already read in this run"


def test_site_links_stay_on_the_host_once_each_within_the_budget() -> None:
    s = spider(
        SiteSourceSpider,
        options={"sources": [{"id": 5, "url": "http://a.example/"}], "max_pages": 3},
    )
    s.budget[5] = 2
    start = HtmlResponse("http://a.example/", body=b"", request=scrapy.Request(
        "http://a.example/", meta=tag(5, "page")))  # fmt: skip
    kept = [
        s.limit_request(scrapy.Request(u), start)
        for u in ("http://a.example/x?utm_source=t", "http://a.example/x#top",
                  "http://b.example/y", "http://a.example/z", "http://a.example/w")
    ]  # fmt: skip
    assert [r.url if r else None for r in kept] == [
        "http://a.example/x?utm_source=t", None, None, "http://a.example/z", None]  # fmt: skip


def test_seen_entry_with_a_newer_updated_date_is_followed_again() -> None:
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>R</title>'
        "<entry><id>urn:1</id><title>Edited</title><link href='http://republisher.example/1'/>"
        "<updated>2026-11-19T10:00:00Z</updated></entry>"
        "<entry><id>urn:2</id><title>Same</title><link href='http://republisher.example/2'/>"
        "<updated>2026-11-18T10:00:00Z</updated></entry></feed>"
    )
    before = "2026-11-18T10:00:00Z"
    state = {"seen": ["urn:1", "urn:2"], "updated": {"urn:1": before, "urn:2": before}}
    s = spider(FeedSourceSpider, options={"sources": [{"id": 7, "url": FEED_URL, "state": state}]})
    item, *requests = list(s.parse_feed(feed_response(atom.encode())))
    assert [r.url for r in requests] == ["http://republisher.example/1"]
    assert item.meta["state"]["updated"]["urn:1"] == "2026-11-19T10:00:00Z"
