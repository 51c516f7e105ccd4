"""Several crawl children read as one stream; sources of one host stay in one child."""

from __future__ import annotations

from datetime import UTC, datetime

from discovery_support import FixtureSite

from scraper.items import CrawlJob, FetchedPage
from storage import SourceRecord
from syndiwatch.crawl_streams import CrawlFailure, merged_pages, split_by_host

SETTINGS = {"SYNDIWATCH_ALLOW_PRIVATE": True, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR"}


def source(i: int, url: str) -> SourceRecord:
    return SourceRecord(i, "feed", url, None, None, None, True, datetime.now(UTC))


def test_split_keeps_each_host_in_one_group_and_loses_nothing() -> None:
    sources = [source(i, f"http://h{i % 5}.example/f{i}.xml") for i in range(40)]
    groups = split_by_host(sources, 2)
    assert sorted(s.id for g in groups for s in g) == list(range(40))
    hosts = [{s.url.split("/")[2] for s in g} for g in groups]
    assert len(groups) == 2
    assert not hosts[0] & hosts[1]


def test_one_host_alone_is_still_split() -> None:
    sources = [source(i, f"http://one.example/f{i}.xml") for i in range(10)]
    assert [len(g) for g in split_by_host(sources, 2)] == [5, 5]


def test_merged_stream_yields_every_page_of_every_child_and_reports_a_failed_one(
    fixture_site: FixtureSite,
) -> None:
    urls = [fixture_site.put(f"/p{i}", f"<p>{i}</p>") for i in range(6)]
    jobs = [
        (CrawlJob("pages", tuple(urls[:3]), settings=SETTINGS), 60.0, [source(1, urls[0])]),
        (CrawlJob("pages", tuple(urls[3:]), settings=SETTINGS), 60.0, [source(2, urls[3])]),
        (CrawlJob("no-such-kind", (), settings=SETTINGS), 60.0, [source(3, "http://x/")]),
    ]
    items = list(merged_pages(jobs))
    pages = [i for i in items if isinstance(i, FetchedPage)]
    failures = [i for i in items if isinstance(i, CrawlFailure)]
    assert sorted(p.url for p in pages) == sorted(urls)
    assert all(p.status == 200 for p in pages)
    assert [f.sources[0].id for f in failures] == [3]
    assert "unknown crawl kind" in str(failures[0].error)
