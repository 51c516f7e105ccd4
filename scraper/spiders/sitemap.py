"""SitemapSourceSpider: walk sitemaps (indexes, gzip, Google News, robots.txt) and fetch fresh URLs.

Built on Scrapy's SitemapSpider. A URL whose <lastmod> (or news publication
date) is not later than our last fetch of it is not fetched again; sitemap files
are fetched with conditional GET; loops, oversized and broken sitemaps end as
one-line notes, never as a failed crawl.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.spiders import SitemapSpider
from scrapy.utils.gz import gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

import feeds
from feeds import InvalidURL
from scraper.failures import FetchError
from scraper.items import FetchedPage
from scraper.spiders.common import REQUEST_URL_KEY, check_url
from scraper.spiders.found import (
    SOURCE_KEY,
    SourceJobMixin,
    SourceSpec,
    failure_item,
    note_item,
    response_item,
    tag,
)

# The sitemap protocol caps a sitemap at 50 MiB uncompressed and 50,000 URLs.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
SITEMAP_MAX_FILES = 1_000  # sitemap files followed per source and run
SITEMAP_MAX_NESTING = 5  # index → index → … → urlset
DEFAULT_MAX_PAGES = 5_000
_DEPTH_KEY = "syndiwatch_sitemap_depth"


class NewsSitemap(Sitemap):
    """Scrapy's Sitemap, also reading a Google News <news:publication_date> as "news_date"."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: etree._Element) -> dict[str, Any] | None:
        date = next(
            (el.text for el in elem.iter() if self._get_tag_name(el) == "publication_date"), None
        )
        entry = super()._process_sitemap_element(elem)
        if entry is not None and date:
            entry["news_date"] = date.strip()
        return entry


class SitemapSourceSpider(SourceJobMixin, SitemapSpider):
    """Fetch each source's sitemap (or robots.txt), follow indexes, fetch fresh page URLs.

    options: {"sources": [{"id", "url", "state": {"validators": {...}}, "known":
    {canonical URL: last fetched}}], "max_pages": N}. Each sitemap file yields
    an item (role "sitemap", body dropped) whose meta carries its validators.
    """

    name = "sitemap"

    def __init__(
        self,
        urls: Any = (),
        meta: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.setup_sources(urls, meta, options, default_max_pages=DEFAULT_MAX_PAGES)
        self.visited: dict[int, set[str]] = {sid: set() for sid in self.sources}
        self.page_budget: dict[int, int] = dict.fromkeys(self.sources, self.max_pages)

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources.values():
            problem = check_url(source.url)
            if problem is not None:
                meta = {**tag(source.id, "sitemap"), REQUEST_URL_KEY: source.url}
                yield note_item(source.url, self.job_meta, meta, error=problem, kind="other")
                continue
            request = self.sitemap_request(source, source.url, depth=0)
            if request is not None:
                yield request

    def sitemap_request(self, source: SourceSpec, url: str, depth: int) -> scrapy.Request | None:
        """A conditional request for one sitemap file, or None when it was seen this run."""
        key = _canonical(url)
        if key in self.visited[source.id]:
            return None
        self.visited[source.id].add(key)
        return scrapy.Request(
            url,
            headers=sitemap_headers(source.state, url),
            callback=self._parse_sitemap,
            errback=self.on_error,
            dont_filter=True,
            meta={
                **tag(source.id, "sitemap"),
                REQUEST_URL_KEY: url,
                _DEPTH_KEY: depth,
                "download_maxsize": SITEMAP_MAX_BYTES,
                "download_warnsize": SITEMAP_MAX_BYTES,
            },
        )

    def _parse_sitemap(self, response: Response) -> Iterable[Any]:
        source = self.sources[int(response.meta.get(SOURCE_KEY, 0))]
        depth = int(response.meta.get(_DEPTH_KEY, 0))
        if response.status == 304:
            return self.on_not_modified(source, response, depth)
        if response.status >= 400:
            return [response_item(response, self.job_meta, keep_body=False)]
        if response.url.endswith("/robots.txt"):
            return self.on_robots(source, response, depth)
        return self.on_sitemap(source, response, depth)

    def on_not_modified(self, source: SourceSpec, response: Response, depth: int) -> Iterator[Any]:
        """A 304: nothing new in this file, but an index's children may have changed."""
        remembered = validators_of(source.state).get(response.url, {})
        yield response_item(response, self.job_meta, keep_body=False, validators=remembered)
        children = [str(c) for c in remembered.get("children") or ()]
        yield from self.follow_sitemaps(source, response, children, depth + 1)

    def on_robots(self, source: SourceSpec, response: Response, depth: int) -> Iterator[Any]:
        urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        problem = None if urls else FetchError(f"{response.url} names no Sitemap:", "sitemap")
        yield response_item(response, self.job_meta, keep_body=False, problem=problem)
        yield from self.follow_sitemaps(source, response, urls, depth + 1)

    def on_sitemap(self, source: SourceSpec, response: Response, depth: int) -> Iterator[Any]:
        body = self._get_sitemap_body(response)
        if not body:
            yield response_item(response, self.job_meta, problem=_not_a_sitemap(response))
            return
        kind, entries, warning = read_sitemap(body)
        if kind not in ("urlset", "sitemapindex"):
            what = f"root element <{kind}>" if kind else "no XML"
            problem = FetchError(f"not a sitemap: {response.url} has {what}", "sitemap")
            yield response_item(response, self.job_meta, problem=problem)
            return
        validators = response_validators(response)
        if kind == "sitemapindex":
            children = [str(e["loc"]) for e in entries]
            # Remembered for a 304 next run: no more than a run could ever follow.
            yield response_item(
                response, self.job_meta, keep_body=False, warning=warning, urls=len(children),
                validators={**validators, "children": children[:SITEMAP_MAX_FILES]},
            )  # fmt: skip
            yield from self.follow_sitemaps(source, response, children, depth + 1)
            return
        pages = list(self.fresh_pages(source, response.url, entries))
        yield response_item(
            response, self.job_meta, keep_body=False, warning=warning, urls=len(entries),
            fresh=len(pages), validators=validators,
        )  # fmt: skip
        yield from pages

    def follow_sitemaps(
        self, source: SourceSpec, response: Response, urls: Iterable[str], depth: int
    ) -> Iterator[Any]:
        """Requests for the child sitemaps `response` lists; one note for all it cannot read."""
        skipped = 0
        for url in urls:
            # Checked for each child: other indexes of the source are read meanwhile.
            if depth > SITEMAP_MAX_NESTING or len(self.visited[source.id]) >= SITEMAP_MAX_FILES:
                skipped += 1
            else:
                yield from self.follow_sitemap(source, response, url, depth)
        if skipped:
            meta = {**tag(source.id, "sitemap"), REQUEST_URL_KEY: response.url}
            error = skipped_line(response.url, skipped, depth)
            yield note_item(response.url, self.job_meta, meta, error=error, kind="sitemap")

    def follow_sitemap(
        self, source: SourceSpec, response: Response, url: str, depth: int
    ) -> Iterator[Any]:
        """A request for a child sitemap, or a note when it loops or is not a web URL."""
        meta = {**tag(source.id, "sitemap"), REQUEST_URL_KEY: url}
        if check_url(url) is not None:
            yield note_item(url, self.job_meta, meta, error=str(check_url(url)), kind="sitemap")
        elif _canonical(url) in self.visited[source.id]:
            error = f"sitemap loop: {response.url} lists {url}, already read in this run"
            yield note_item(url, self.job_meta, meta, error=error, kind="sitemap_loop")
        else:
            request = self.sitemap_request(source, url, depth)
            if request is not None:
                yield request

    def fresh_pages(
        self, source: SourceSpec, sitemap_url: str, entries: list[dict[str, Any]]
    ) -> Iterator[scrapy.Request]:
        """Requests for the listed pages of this site that changed since we last fetched them."""
        for loc, lastmod in fresh_entries(entries, sitemap_url, source.known):
            if self.page_budget[source.id] <= 0:
                return
            self.page_budget[source.id] -= 1
            yield scrapy.Request(
                loc,
                callback=self.parse_page,
                errback=self.on_error,
                meta={**tag(source.id, "page", lastmod=lastmod), REQUEST_URL_KEY: loc},
            )

    def parse_page(self, response: Response, **kwargs: Any) -> Iterator[FetchedPage]:
        yield response_item(response, self.job_meta)

    def on_error(self, failure: Failure) -> Iterator[FetchedPage]:
        item = failure_item(failure, self.job_meta, self.settings)
        if item.error_kind == "too_large" and item.meta.get("role") == "sitemap":
            error = (
                f"sitemap {item.request_url} is larger than {SITEMAP_MAX_BYTES} bytes "
                "(the sitemap protocol's 50 MiB limit); not read"
            )
            item = replace(item, error=error)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"syndiwatch/fetch_failed/{item.error_kind}")
        yield item


def skipped_line(index_url: str, skipped: int, depth: int) -> str:
    """The one line for the child sitemaps of `index_url` not read (nesting or file limit)."""
    if depth > SITEMAP_MAX_NESTING:
        why = f"nested more than {SITEMAP_MAX_NESTING} levels of indexes deep"
    else:
        why = f"past the limit of {SITEMAP_MAX_FILES:,} sitemap files per run"
    return f"sitemap {index_url}: skipped {skipped:,} child sitemaps {why}"


def read_sitemap(body: bytes) -> tuple[str, list[dict[str, Any]], str]:
    """(root type, entries with a loc, warning) of sitemap XML; broken XML keeps what was read."""
    try:
        sitemap = NewsSitemap(body)
    except (etree.XMLSyntaxError, StopIteration) as exc:
        return "", [], _one_line(exc)
    entries: list[dict[str, Any]] = []
    warning = ""
    try:
        entries.extend(e for e in sitemap if e.get("loc"))
    except etree.XMLSyntaxError as exc:
        warning = f"broken sitemap XML ({_one_line(exc)}); using the {len(entries)} URLs read"
    return sitemap.type, entries, warning


def fresh_entries(
    entries: Iterable[Mapping[str, Any]], sitemap_url: str, known: Mapping[str, str]
) -> Iterator[tuple[str, str | None]]:
    """(loc, lastmod) of the entries on the sitemap's site that changed since we fetched them.

    `known` maps a canonical URL to when it was last fetched (ISO); an entry never
    fetched is fresh, a known one only when its <lastmod> (or news date) is later.
    """
    for entry in entries:
        loc = str(entry["loc"])
        lastmod = entry.get("lastmod") or entry.get("news_date")
        try:
            key = feeds.canonical_url(loc)
            if not feeds.same_site(loc, sitemap_url):
                continue
        except InvalidURL:
            continue
        if feeds.is_fresh(lastmod, known.get(key)):
            yield loc, lastmod


def validators_of(state: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    """A sitemap source's remembered validators (and an index's children), by file URL."""
    found = state.get("validators")
    return found if isinstance(found, Mapping) else {}


def sitemap_headers(state: Mapping[str, Any], url: str) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for one sitemap file of a source."""
    remembered = validators_of(state).get(url, {})
    return feeds.conditional_headers(
        feeds.FeedState(remembered.get("etag"), remembered.get("last_modified"))
    )


def response_validators(response: Response) -> dict[str, str]:
    """The ETag and Last-Modified a sitemap response sent (to remember for next time)."""
    found: dict[str, str] = {}
    for header, key in ((b"ETag", "etag"), (b"Last-Modified", "last_modified")):
        value = response.headers.get(header)
        if value:
            found[key] = value.decode("latin-1")
    return found


def _not_a_sitemap(response: Response) -> FetchError:
    if gzip_magic_number(response):
        return FetchError(
            f"sitemap {response.url} is larger than {SITEMAP_MAX_BYTES} bytes "
            "once decompressed (the sitemap limit); not read",
            "too_large",
        )
    raw = response.headers.get(b"Content-Type") or b""
    content_type = raw.decode("latin-1") or "no type"
    return FetchError(f"not a sitemap: {response.url} is not XML ({content_type})", "sitemap")


def _canonical(url: str) -> str:
    try:
        return feeds.canonical_url(url)
    except InvalidURL:
        return url


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
