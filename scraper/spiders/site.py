"""SiteSourceSpider: crawl a site from a start page, within its host, to a depth and page count.

A CrawlSpider with one Rule: every link on the same host (as the source's start
page) is followed once per canonical URL (tracking parameters, fragments, AMP),
until the source's page budget is spent. Depth comes from DEPTH_LIMIT. Every
page is sent on; the application decides quickly which pages are articles.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from scrapy.http import Request, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule
from twisted.python.failure import Failure

import feeds
from feeds import InvalidURL
from scraper.items import FetchedPage
from scraper.spiders.common import REQUEST_URL_KEY, check_url, followable, host_key
from scraper.spiders.found import (
    SOURCE_KEY,
    SourceJobMixin,
    failure_item,
    note_item,
    response_item,
    tag,
)

DEFAULT_MAX_PAGES = 1_000
# Links to these never lead to articles: feeds, sitemaps, search and account pages.
DENY_PATTERNS = (r"/(?:feed|rss|atom)(?:\.xml)?/?$", r"sitemap[^/]*\.xml", r"/search\b",
                 r"/(?:login|logout|signin|signup|register|account|cart)\b")  # fmt: skip


class SiteSourceSpider(SourceJobMixin, CrawlSpider):
    """Crawl each source's start page and the same-host pages it leads to.

    options: {"sources": [{"id", "url"}], "max_pages": N}: N pages per source.
    """

    name = "site"
    rules = (
        Rule(
            LinkExtractor(deny=DENY_PATTERNS, unique=True),
            callback="parse_page",
            errback="on_error",
            follow=True,
            process_request="limit_request",
        ),
    )

    def __init__(
        self,
        urls: Any = (),
        meta: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.setup_sources(urls, meta, options, default_max_pages=DEFAULT_MAX_PAGES)
        self.hosts = {sid: host_key(s.url) for sid, s in self.sources.items()}
        self.budget = dict.fromkeys(self.sources, self.max_pages)
        self.seen: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources.values():
            meta = {**tag(source.id, "page"), REQUEST_URL_KEY: source.url}
            problem = check_url(source.url)
            if problem is not None:
                yield note_item(source.url, self.job_meta, meta, error=problem, kind="other")
                continue
            self.budget[source.id] -= 1
            self.seen.add(_canonical(source.url))
            yield Request(source.url, errback=self.on_error, dont_filter=True, meta=meta)

    def parse_start_url(self, response: Response, **kwargs: Any) -> Iterator[FetchedPage]:
        yield response_item(response, self.job_meta)

    def parse_page(self, response: Response, **kwargs: Any) -> Iterator[FetchedPage]:
        yield response_item(response, self.job_meta)

    def limit_request(self, request: Request, response: Response) -> Request | None:
        """Keep an http(s) link on the source's host, once per canonical URL, within budget.

        The request keeps the URL as linked (a server may need its trailing slash);
        the canonical form only decides what counts as the same page.
        """
        source_id = int(response.meta.get(SOURCE_KEY, 0))
        if not followable(request.url, self.hosts.get(source_id, "")):
            return None
        if self.budget[source_id] <= 0:
            return None
        canonical = _canonical(request.url)
        if canonical in self.seen:
            return None
        self.seen.add(canonical)
        self.budget[source_id] -= 1
        request.meta.update({**tag(source_id, "page"), REQUEST_URL_KEY: request.url})
        return request

    def on_error(self, failure: Failure) -> Iterator[FetchedPage]:
        item = failure_item(failure, self.job_meta, self.settings)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"syndiwatch/fetch_failed/{item.error_kind}")
        yield item


def _canonical(url: str) -> str:
    try:
        return feeds.canonical_url(url)
    except InvalidURL:
        return url
