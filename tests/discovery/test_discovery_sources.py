"""run_sources end to end on loopback: sitemaps (index, gzip, news), site crawls, feeds.

Each test tracks the demo story (served by the demo sites), puts copies and
unrelated articles on a fixture site and checks what discovery stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from discovery_support import (
    XML,
    FixtureSite,
    demo_page,
    gzipped,
    loopback_config,
    news_sitemap,
    sitemap_index,
    urlset,
)

from storage import Store, open_store
from syndiwatch.config import Config
from syndiwatch.demo.server import DemoSites
from syndiwatch.discover import SourceRun, fetch_missing_originals, run_sources


@pytest.fixture
def tracked(demo_sites: DemoSites, database_url: str) -> tuple[Store, Config]:
    config = loopback_config(database_url)
    store = open_store(config.database_url)
    store.add_story(demo_sites.original_url)
    assert fetch_missing_originals(store, config, now=datetime.now(UTC)) == []
    yield store, config
    store.close()


def run_one(store: Store, config: Config, kind: str, url: str) -> SourceRun:
    source = store.add_source(kind, url)
    source = next(s for s in store.list_sources() if s.id == source.id)
    return run_sources(store, config, [source], now=datetime.now(UTC))[0]


def copy_urls(store: Store) -> set[str]:
    return {c.url for r in store.report() for c in r.copies if c.status == "live"}


def serve_news_site(site: FixtureSite, sites: DemoSites) -> dict[str, str]:
    """A sitemap index with a gzip child and a Google News sitemap; one copy, three others."""
    pages = {
        "copy": site.put("/world/port-strike", demo_page(sites, "nordic")),
        "other1": site.put("/local/library", demo_page(sites, "valley")),
        "other2": site.put("/local/market", demo_page(sites, "valley", "/community/autumn-market")),
        "other3": site.put("/ships/reroute", demo_page(sites, "freightweekly")),
    }
    gz = urlset([(pages["copy"], "2026-11-18"), (pages["other1"], "2026-11-14")])
    site.put("/sitemap-pages.xml.gz", gzipped(gz), "application/gzip")
    dated = [(pages["other2"], "2026-11-18T10:00:00Z"), (pages["other3"], "2026-11-17")]
    news = news_sitemap(dated)
    site.put("/news.xml", news, XML)
    index = sitemap_index([site.url("/sitemap-pages.xml.gz"), site.url("/news.xml")])
    site.put("/sitemap.xml", index, XML)
    site.put("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.url('/sitemap.xml')}\n")
    return pages


def test_sitemap_index_with_gzip_and_news_children_finds_exactly_the_copy(
    tracked: tuple[Store, Config], fixture_site: FixtureSite, demo_sites: DemoSites
) -> None:
    store, config = tracked
    pages = serve_news_site(fixture_site, demo_sites)
    first = run_one(store, config, "sitemap", fixture_site.url("/"))  # via robots.txt
    assert first.errors == ()
    assert (first.pages_fetched, first.copies_found) == (4, 1)
    assert copy_urls(store) == {pages["copy"]}
    second = run_one(store, config, "sitemap", fixture_site.url("/"))
    assert (second.pages_fetched, second.analysed, second.copies_found) == (0, 0, 0)
    assert fixture_site.hits("/news.xml") == [200, 304]
    assert fixture_site.hits("/world/port-strike") == [200]


def test_changed_copy_with_newer_lastmod_is_fetched_and_reanalysed(
    tracked: tuple[Store, Config], fixture_site: FixtureSite, demo_sites: DemoSites
) -> None:
    store, config = tracked
    copy = fixture_site.put("/a/copy", demo_page(demo_sites, "nordic"))
    other = fixture_site.put("/a/other", demo_page(demo_sites, "valley"))
    fixture_site.put("/sitemap.xml", urlset([(copy, "2026-11-18"), (other, "2026-11-14")]), XML)
    first = run_one(store, config, "sitemap", fixture_site.url("/sitemap.xml"))
    assert (first.analysed, first.copies_found) == (1, 1)
    fixture_site.put("/a/copy", demo_page(demo_sites, "coastal"))  # now the number changer
    fixture_site.put("/sitemap.xml", urlset([(copy, "2099-01-01"), (other, "2026-11-14")]), XML)
    second = run_one(store, config, "sitemap", fixture_site.url("/sitemap.xml"))
    assert (second.pages_fetched, second.analysed, second.copies_found) == (1, 1, 1)
    codes = {f.finding.code for r in store.report() for c in r.copies for f in c.findings}
    assert "content.number_changed" in codes
    assert len(store.report()[0].copies) == 1  # one (story, page) copy, however often seen


def test_site_crawl_finds_the_copy_and_skips_pages_without_an_article(
    tracked: tuple[Store, Config], fixture_site: FixtureSite, demo_sites: DemoSites
) -> None:
    store, config = tracked
    copy = fixture_site.put("/news/strike", demo_page(demo_sites, "metro"))
    fixture_site.put("/news/tram", demo_page(demo_sites, "metro", "/city/new-tram-line-approved"))
    section = (
        '<html><body><a href="/news/strike?utm_source=x">1</a>'
        '<a href="/news/tram#top">2</a><a href="/about">about</a></body></html>'
    )
    fixture_site.put("/news/", section)
    fixture_site.put("/about", "<html><body><h1>About us</h1><p>We are a site.</p></body></html>")
    home = '<html><body><a href="/news/">News</a><a href="http://elsewhere.invalid/x">o</a>'
    fixture_site.put("/", home + "</body></html>")
    run = run_one(store, config, "site", fixture_site.url("/"))
    assert run.errors == ()  # the off-site link (a .invalid host) was never followed
    for path in ("/", "/news/", "/news/tram", "/about"):
        assert fixture_site.hits(path) == [200]
    assert run.not_articles >= 3  # home, section, about: no article body, not matched
    assert run.analysed == 1
    assert copy_urls(store) == {copy}
    assert fixture_site.hits("/news/strike") == [200]  # tracking parameter dropped, fetched once


def test_site_crawl_respects_depth_and_page_limits(
    demo_sites: DemoSites, fixture_site: FixtureSite, database_url: str
) -> None:
    config = loopback_config(database_url, max_depth=1, max_pages=3)
    with open_store(config.database_url) as store:
        store.add_story(demo_sites.original_url)
        fetch_missing_originals(store, config, now=datetime.now(UTC))
        links = "".join(f'<a href="/p{i}">{i}</a>' for i in range(10))
        fixture_site.put("/", f"<html><body>{links}</body></html>")
        for i in range(10):
            fixture_site.put(f"/p{i}", f'<html><body><a href="/deep{i}">d</a></body></html>')
        run = run_one(store, config, "site", fixture_site.url("/"))
    assert run.pages_fetched == 3
    assert not any(path.startswith("/deep") for path, _ in fixture_site.requests)


def test_the_originals_own_feed_yields_no_copy_of_itself(
    tracked: tuple[Store, Config], demo_sites: DemoSites
) -> None:
    store, config = tracked
    run = run_one(store, config, "feed", demo_sites.url("harbour", "/rss.xml"))
    assert run.errors == ()
    assert run.pages_fetched == 3
    assert run.copies_found == 0
    assert copy_urls(store) == set()


def test_url_source_checks_one_page(
    tracked: tuple[Store, Config], fixture_site: FixtureSite, demo_sites: DemoSites
) -> None:
    store, config = tracked
    copy = fixture_site.put("/one", demo_page(demo_sites, "globalecho"))
    run = run_one(store, config, "url", copy)
    assert (run.pages_fetched, run.analysed, run.copies_found) == (1, 1, 1)
    assert copy_urls(store) == {copy}


def test_story_scoped_source_matches_only_its_story(
    tracked: tuple[Store, Config], fixture_site: FixtureSite, demo_sites: DemoSites
) -> None:
    store, config = tracked
    library = demo_sites.url("valley", "/community/riverside-library-reopens")
    other = store.add_story(library)
    assert fetch_missing_originals(store, config, now=datetime.now(UTC)) == []
    strike_copy = fixture_site.put("/strike", demo_page(demo_sites, "nordic"))
    fixture_site.put("/sitemap.xml", urlset([(strike_copy, None)]), XML)
    source = store.add_source("sitemap", fixture_site.url("/sitemap.xml"), story_id=other.id)
    (run,) = run_sources(store, config, [source], now=datetime.now(UTC))
    assert (run.pages_fetched, run.copies_found) == (1, 0)
    # Unscoped, the same unchanged page is matched against the story it was not tried on.
    (run,) = run_sources(store, config, [store.add_source("url", strike_copy)],
                         now=datetime.now(UTC))  # fmt: skip
    assert (run.pages_unchanged, run.copies_found) == (0, 1)
    assert copy_urls(store) == {strike_copy}
