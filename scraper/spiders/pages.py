"""PagesSpider: fetch exactly the given URLs, one FetchedPage per URL, failures included.

No link following. Failure wording comes from scraper.failures; the item
stream to the parent process is written by scraper.pipelines.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from scraper.failures import FetchError, describe_exception, describe_status
from scraper.handlers import INTERNAL_KEY, SWEEP_URL
from scraper.items import FetchedPage
from scraper.spiders.common import (
    REQUEST_URL_KEY,
    check_url,
    decode_headers,
    parse_mapping,
    parse_url_list,
    utc_now,
)

log = logging.getLogger(__name__)

LOST_MESSAGE = "no response and no error arrived for this URL (dropped inside the crawl)"


class PagesSpider(scrapy.Spider):
    """Fetch `urls` once each; every URL ends as exactly one FetchedPage.

    urls: a sequence of URLs (or one string, comma or space separated, for
    `scrapy crawl pages -a urls=...`); meta: echoed on every FetchedPage;
    options: reserved for kind-specific switches (none yet for "pages").
    From the command line, meta and options are JSON objects.
    """

    name = "pages"

    def __init__(
        self,
        urls: Any = (),
        meta: Mapping[str, Any] | str | None = None,
        options: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.urls = parse_url_list(urls)
        self.job_meta = parse_mapping(meta, "meta")
        self.options = parse_mapping(options, "options")
        self.pending: dict[str, None] = {}  # request URLs not yet reported, in order
        self._lost_sweep_sent = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PagesSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield self.request_for(url)

    def request_for(self, url: str) -> scrapy.Request | FetchedPage:
        """Return the request for `url`, or its error page when it cannot be fetched."""
        problem = check_url(url)
        if problem is not None:
            return self.finish(url, status=0, problem=FetchError(problem, "other"))
        try:
            request = scrapy.Request(
                url,
                callback=self.parse,
                errback=self.on_error,
                dont_filter=True,  # a redirect back to a start URL is a loop, not a duplicate
                meta={REQUEST_URL_KEY: url},
            )
        except ValueError as exc:  # Scrapy's own URL checks, stricter in places
            return self.finish(url, status=0, problem=FetchError(f"malformed URL: {exc}", "other"))
        self.pending[url] = None
        return request

    def parse(self, response: Response, **kwargs: Any) -> Iterator[FetchedPage]:
        """Turn any response (2xx, 3xx without Location, 4xx, 5xx) into a FetchedPage."""
        request = response.request
        request_url = request.meta.get(REQUEST_URL_KEY, request.url) if request else response.url
        yield self.finish(
            request_url,
            url=response.url,
            status=response.status,
            headers=decode_headers(response.headers),
            body=response.body,
            problem=describe_status(response.status),
        )

    def on_error(self, failure: Failure) -> Iterator[FetchedPage]:
        """Turn a failed request (network, robots.txt, guard, limits) into a FetchedPage."""
        request = failure.request  # type: ignore[attr-defined]
        problem = describe_exception(failure.value or Exception("unknown"), request, self.settings)
        log.info("%s: %s", request.url, problem.message)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"syndiwatch/fetch_failed/{problem.kind}")
        yield self.finish(
            request.meta.get(REQUEST_URL_KEY, request.url),
            url=request.url,
            status=0,
            problem=problem,
        )

    def finish(
        self,
        request_url: str,
        *,
        status: int,
        problem: FetchError | None,
        url: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> FetchedPage:
        """Build the one FetchedPage for `request_url` and mark it reported."""
        self.pending.pop(request_url, None)
        return FetchedPage(
            request_url=request_url,
            url=url or request_url,
            status=status,
            headers=dict(headers or {}),
            body=body,
            error=problem.message if problem else None,
            error_kind=problem.kind if problem else None,
            fetched_at=utc_now(),
            meta=self.job_meta,
        )

    def on_idle(self) -> None:
        """Once the crawl runs dry, report URLs that produced nothing (nothing vanishes)."""
        if not self.pending or self._lost_sweep_sent:
            return
        self._lost_sweep_sent = True
        meta = {INTERNAL_KEY: True, "dont_obey_robotstxt": True}
        sweep = scrapy.Request(SWEEP_URL, callback=self.report_lost, dont_filter=True, meta=meta)
        assert self.crawler.engine is not None
        self.crawler.engine.crawl(sweep)
        raise DontCloseSpider

    def report_lost(self, response: Response, **kwargs: Any) -> Iterator[FetchedPage]:
        """Emit an error FetchedPage for every URL still pending."""
        for url in list(self.pending):
            log.error("%s: %s", url, LOST_MESSAGE)
            yield self.finish(url, status=0, problem=FetchError(LOST_MESSAGE, "other"))

    def closed(self, reason: str) -> None:
        if self.pending:
            log.error("crawl closed (%s) with %d URLs unreported", reason, len(self.pending))
