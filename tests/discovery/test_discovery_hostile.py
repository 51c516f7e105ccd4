"""Broken sources are survived with one clear line each: feeds, sitemap loops, huge sitemaps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from discovery_support import XML, FixtureSite, demo_page, loopback_config, sitemap_index, urlset

from scraper.spiders.sitemap import SITEMAP_MAX_FILES
from storage import Store, open_store
from syndiwatch.config import Config
from syndiwatch.demo.server import DemoSites
from syndiwatch.discover import SourceRun, fetch_missing_originals, run_sources

RSS_ITEM = "<item><title>{t}</title><link>{link}</link><guid>{link}</guid></item>"


@pytest.fixture
def tracked(demo_sites: DemoSites, database_url: str) -> tuple[Store, Config]:
    config = loopback_config(database_url, max_pages=3)
    store = open_store(config.database_url)
    store.add_story(demo_sites.original_url)
    fetch_missing_originals(store, config, now=datetime.now(UTC))
    yield store, config
    store.close()


def run_all(store: Store, config: Config, specs: list[tuple[str, str]]) -> list[SourceRun]:
    for kind, url in specs:
        store.add_source(kind, url)
    return run_sources(store, config, store.list_sources(), now=datetime.now(UTC))


def rss(items: str, encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>Fixture</title><link>http://x/</link>{items}</channel></rss>"
    )


def test_broken_feeds_give_one_line_and_keep_what_parsed(
    tracked: tuple[Store, Config], fixture_site: FixtureSite, demo_sites: DemoSites
) -> None:
    store, config = tracked
    copy = fixture_site.put("/copy", demo_page(demo_sites, "buzzhub"))
    items = RSS_ITEM.format(t="Strike", link=copy) + RSS_ITEM.format(t="B", link="/b")
    full = rss(items)
    fixture_site.put("/truncated.xml", full[: full.index("<item>", full.index("<item>") + 1) + 20])
    latin = rss(RSS_ITEM.format(t="Caf\u00e9 cr\u00e8me", link="/cafe")).encode("latin-1")
    fixture_site.put("/latin1.xml", latin, "application/rss+xml; charset=utf-8")
    fixture_site.put("/page.xml", demo_page(demo_sites, "valley"))
    fixture_site.put("/cafe", demo_page(demo_sites, "valley"))
    truncated, wrong_encoding, html = run_all(
        store,
        config,
        [("feed", fixture_site.url(p)) for p in ("/truncated.xml", "/latin1.xml", "/page.xml")],
    )
    assert truncated.copies_found == 1  # the entry read before the break was used
    assert truncated.errors == ()
    assert any("malformed" in w or "line" in w for w in truncated.warnings)
    assert wrong_encoding.errors == ()
    assert wrong_encoding.pages_fetched == 1
    assert len(html.errors) == 1
    assert "not a feed" in html.errors[0]
    assert "HTML page" in html.errors[0]
    assert "\n" not in html.errors[0]


def test_sitemap_loop_is_noticed_and_the_run_finishes(
    tracked: tuple[Store, Config], fixture_site: FixtureSite, demo_sites: DemoSites
) -> None:
    store, config = tracked
    copy = fixture_site.put("/copy", demo_page(demo_sites, "nordic"))
    root, child = fixture_site.url("/sitemap.xml"), fixture_site.url("/child.xml")
    fixture_site.put(
        "/sitemap.xml", sitemap_index([root, child, fixture_site.url("/pages.xml")]), XML
    )
    fixture_site.put("/child.xml", sitemap_index([root, child]), XML)
    fixture_site.put("/pages.xml", urlset([(copy, None)]), XML)
    (run,) = run_all(store, config, [("sitemap", root)])
    assert run.copies_found == 1
    assert run.errors == ()
    loops = [w for w in run.warnings if "sitemap loop" in w]
    assert len(loops) == 3  # root lists itself; child lists root and itself
    assert fixture_site.hits("/sitemap.xml") == [200]


@pytest.mark.slow
def test_sitemap_over_the_protocol_limit_is_refused_with_a_clear_line(
    tracked: tuple[Store, Config], fixture_site: FixtureSite
) -> None:
    store, config = tracked
    entry = "<url><loc>" + fixture_site.url("/p/") + "x" * 1000 + "</loc></url>"
    huge = urlset([]).replace("</urlset>", entry * 53_000 + "</urlset>")  # ~55 MB
    fixture_site.put("/huge.xml", huge, XML)
    (run,) = run_all(store, config, [("sitemap", fixture_site.url("/huge.xml"))])
    assert len(run.errors) == 1
    assert "larger than 52428800 bytes" in run.errors[0]
    assert run.pages_fetched == 0


@pytest.mark.slow
def test_fifty_megabyte_sitemap_is_read_within_the_page_budget(
    tracked: tuple[Store, Config], fixture_site: FixtureSite
) -> None:
    store, config = tracked
    entry = "<url><loc>" + fixture_site.url("/p/") + "{i}" + "y" * 960 + "</loc></url>"
    rows = "".join(entry.format(i=i) for i in range(49_000))  # ~50 MB, under 50 MiB
    fixture_site.put("/big.xml", urlset([]).replace("</urlset>", rows + "</urlset>"), XML)
    (run,) = run_all(store, config, [("sitemap", fixture_site.url("/big.xml"))])
    assert run.entries_seen == 49_000
    assert run.pages_fetched == 3  # [crawl] max_pages; the rest waits for the next run
    assert len(run.errors) == 3  # the three fetched pages are 404s, one line each
    assert all(line.endswith("HTTP 404 Not Found") for line in run.errors)


def test_other_schemes_in_feeds_sitemaps_and_site_links_are_never_fetched(
    tracked: tuple[Store, Config],
    fixture_site: FixtureSite,
    demo_sites: DemoSites,
    tmp_path: Path,
) -> None:
    """A local copy of the story behind file:// (and ftp/data links) is never read or stored."""
    store, config = tracked
    local = tmp_path / "copy.html"
    local.write_bytes(demo_page(demo_sites, "buzzhub"))  # would match the story if read
    netloc = urlsplit(fixture_site.base).netloc
    hostile = [
        f"file://{netloc}{local}",
        f"file://{local}",
        "file:///dev/zero",
        f"ftp://{netloc}/pub/x",
        "data:text/html;base64,PGh0bWw+",
    ]
    items = "".join(RSS_ITEM.format(t=f"E{i}", link=url) for i, url in enumerate(hostile))
    fixture_site.put("/feed.xml", rss(items), "application/rss+xml")
    fixture_site.put("/sitemap.xml", urlset([(url, None) for url in hostile]), XML)
    links = "".join(f'<a href="{url}">x</a>' for url in hostile)
    fixture_site.put("/", f"<html><body><p>Front page</p>{links}</body></html>")
    feed, sitemap, site = run_all(
        store,
        config,
        [("feed", fixture_site.url("/feed.xml")), ("sitemap", fixture_site.url("/sitemap.xml")),
         ("site", fixture_site.url("/"))],
    )  # fmt: skip
    assert (feed.copies_found, sitemap.copies_found, site.copies_found) == (0, 0, 0)
    assert (feed.pages_fetched, sitemap.pages_fetched, site.pages_fetched) == (0, 0, 1)
    stories = store.list_stories()
    assert all(not store.copies_for_story(story.id) for story in stories)
    for url in hostile:
        assert store.get_page(url) is None
    for run in store.list_runs():
        assert str(local) not in (run.error or "")


@pytest.mark.slow
def test_sitemap_index_past_the_file_limit_is_one_line_and_bounded_state(
    tracked: tuple[Store, Config], fixture_site: FixtureSite
) -> None:
    store, config = tracked
    n = SITEMAP_MAX_FILES * 3
    children = [fixture_site.put(f"/s/{i}.xml", urlset([]), XML) for i in range(n)]
    index = fixture_site.put("/index.xml", sitemap_index(children), XML)
    (run,) = run_all(store, config, [("sitemap", index)])
    followed = SITEMAP_MAX_FILES - 1  # the index itself is the first file of the run
    assert run.errors == (
        f"sitemap {index}: skipped {n - followed:,} child sitemaps past the limit of"
        f" {SITEMAP_MAX_FILES:,} sitemap files per run",
    )
    assert len(fixture_site.hits("/index.xml")) == 1
    assert sum(len(fixture_site.hits(urlsplit(c).path)) for c in children) == followed
    (source,) = store.list_sources()
    validators = source.state["validators"]
    assert len(validators) == SITEMAP_MAX_FILES
    assert len(validators[index]["children"]) <= SITEMAP_MAX_FILES
