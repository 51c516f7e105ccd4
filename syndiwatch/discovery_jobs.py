"""Build the Scrapy crawl job for a group of sources of one kind.

One child crawl serves every source of a kind (1,000 feeds are one crawl, not
1,000). Each source travels with what it remembers (feed validators and seen
entries, sitemap validators) and, for sitemaps, when we last fetched each of
its site's pages, so unchanged URLs are not fetched again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scraper.items import CrawlJob
from storage import SourceRecord, Store
from syndiwatch.config import Config, scrapy_settings
from syndiwatch.crawl import crawl_log_level, crawl_timeout

# CrawlJob kind for each source kind ("url" sources are plain page fetches).
JOB_KIND = {"feed": "feed", "sitemap": "sitemap", "site": "site", "url": "pages"}


def build_job(
    store: Store,
    config: Config,
    kind: str,
    sources: Sequence[SourceRecord],
    extra_settings: Mapping[str, Any] | None = None,
) -> CrawlJob:
    """The crawl job for `sources`, all of `kind`; `extra_settings` win over the config's."""
    settings = {**scrapy_settings(config, log_level=crawl_log_level()), **(extra_settings or {})}
    if kind == "site":
        settings["DEPTH_LIMIT"] = config.crawl.max_depth
    if kind == "url":
        return CrawlJob(kind="pages", urls=tuple(s.url for s in sources), settings=settings)
    specs = [_spec(store, kind, source) for source in sources]
    return CrawlJob(
        kind=JOB_KIND[kind],
        urls=tuple(str(spec["url"]) for spec in specs),
        settings=settings,
        options={"sources": specs, "max_pages": config.crawl.max_pages},
    )


def job_timeout(config: Config, kind: str, n_sources: int) -> float:
    """Wall-clock bound of one discovery crawl (capped by [schedule] job_timeout)."""
    per_source = 1 if kind == "url" else config.crawl.max_pages
    return crawl_timeout(config, per_source * max(1, n_sources))


def start_url(source: SourceRecord) -> str:
    """Where the crawl of a source starts: a sitemap source given as a bare site → robots.txt."""
    if source.kind != "sitemap":
        return source.url
    try:
        parts = urlsplit(source.url)
    except ValueError:
        return source.url
    if parts.path in ("", "/") and not parts.query:
        return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    return source.url


def site_root(url: str) -> str:
    """scheme://host[:port]/ of `url` ("" when unreadable)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "/", "", ""))


def _spec(store: Store, kind: str, source: SourceRecord) -> dict[str, Any]:
    spec: dict[str, Any] = {"id": source.id, "url": start_url(source), "state": dict(source.state)}
    if kind == "sitemap":
        root = site_root(source.url)
        known = store.traces_under(root) if root else {}
        spec["known"] = {url: _iso(trace.last_fetched) for url, trace in known.items()}
    return spec


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
