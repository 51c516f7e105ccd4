"""QueueSpider: a scrapy-redis RedisSpider that works one kind of the shared queue.

Start messages (`{"url", "source", "story"?}` on `P:K:start_urls`) become requests;
every page fetched goes to the worker's `sink` (syndiwatch.worker: match, store),
sitemaps and feeds yield their pages, a site crawl its same-host links — all into
the shared Redis queue and dupefilter. A request is acknowledged (sink.done) only
after its page went to the sink and its follow-up requests are queued.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, Protocol
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap
from scrapy_redis.spiders import RedisSpider
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

import feeds
from scraper.items import FetchedPage
from scraper.redis_queue import ACK_KEY, KINDS, entry_id, pop_messages
from scraper.spiders.common import REQUEST_URL_KEY, check_url
from scraper.spiders.found import SOURCE_KEY, failure_item, response_item, tag
from scraper.spiders.site import DENY_PATTERNS

log = logging.getLogger(__name__)

SCOPE_KEY = "syndiwatch_scope"
HOST_KEY = "syndiwatch_host"
START_KEY = "syndiwatch_start"
POLL_S = 0.2  # how often an idle worker looks at the shared queue
MAX_SITEMAP_BYTES = 50_000_000


class Sink(Protocol):
    """Where a worker's results go (implemented by syndiwatch.worker)."""

    def page(self, page: FetchedPage, *, kind: str, scope: int | None) -> None: ...

    def done(self, ack_id: str) -> None: ...


class QueueSpider(RedisSpider):  # type: ignore[misc]
    """Consume `P:<kind>:start_urls` and the shared request queue of that kind."""

    def __init__(self, *, kind: str, sink: Sink, worker: str, prefix: str, **kwargs: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown queue kind {kind!r} (known: {', '.join(KINDS)})")
        super().__init__(name=f"{prefix}:{kind}", **kwargs)
        self.kind, self.sink, self.worker, self.prefix = kind, sink, worker, prefix
        self.links = LinkExtractor(deny=DENY_PATTERNS, unique=True)

    def setup_redis(self, crawler: Any = None) -> None:
        super().setup_redis(crawler)
        self.fetch_data = self._pop_reliably  # at-least-once instead of LPOP-and-forget
        self.crawler.signals.connect(self._start_polling, signal=signals.spider_opened)
        self.crawler.signals.connect(self._stop_polling, signal=signals.spider_closed)

    def _start_polling(self) -> None:
        self._poll = LoopingCall(self._wake_on_shared_work)
        self._poll.start(POLL_S, now=False)

    def _stop_polling(self) -> None:
        if getattr(self, "_poll", None) is not None and self._poll.running:
            self._poll.stop()

    def _wake_on_shared_work(self) -> None:
        """Pull requests other workers queued without waiting for the engine's 5 s heartbeat.

        Scrapy's engine wakes itself for requests this process scheduled; requests
        another worker pushed are only noticed at its heartbeat, which leaves a worker
        idle while the shared queue fills (scrapy-redis has no notification).
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.scheduler.has_pending_requests():
            slot.nextcall.schedule()

    def _pop_reliably(self, key: str, batch_size: int) -> list[bytes]:
        return pop_messages(self.server, self.prefix, self.kind, self.worker, batch_size)

    def make_request_from_data(self, data: bytes) -> Request | list[Request]:
        ack = entry_id(data)
        try:
            message = json.loads(data)
            url = str(message["url"])
            source, scope = int(message.get("source") or 0), message.get("story")
        except (ValueError, KeyError, TypeError) as exc:
            log.error("queue %s: unreadable message dropped (%s): %r", self.name, exc, data[:200])
            self.sink.done(ack)
            return []
        problem = check_url(url)
        if problem is not None:
            log.error("queue %s: message dropped: %s", self.name, problem)
            self.sink.done(ack)
            return []
        role = {"feed": "feed", "sitemap": "sitemap"}.get(self.kind, "page")
        meta = {**tag(source, role), REQUEST_URL_KEY: url, ACK_KEY: ack,
                SCOPE_KEY: scope, HOST_KEY: _host(url), START_KEY: url}  # fmt: skip
        callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap}.get(
            self.kind, self.parse_page
        )
        return Request(url, callback=callback, errback=self.on_error, dont_filter=True, meta=meta)

    # Callbacks ---------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Request]:
        """A candidate page: to the sink; on a site crawl, its same-host links follow."""
        meta = response.meta
        self.sink.page(response_item(response, {}), kind=self.kind, scope=meta.get(SCOPE_KEY))
        if self.kind == "site" and response.status < 300 and isinstance(response, TextResponse):
            for link in self.links.extract_links(response):
                # The start page is fetched every round, outside the dupefilter.
                if _host(link.url) == meta.get(HOST_KEY) and link.url != meta.get(START_KEY):
                    yield self._follow(link.url, meta, self.parse_page)
        self._ack(response.meta)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """A sitemap or sitemap index: child sitemaps and pages go on the queue."""
        body = _sitemap_body(response)
        if body is None:
            log.warning("sitemap %s: not a sitemap (HTTP %d)", response.url, response.status)
        else:
            try:
                sitemap = Sitemap(body)
            except Exception as exc:  # lxml on hostile bytes; one line with the URL
                log.warning("sitemap %s: unreadable: %s", response.url, exc)
            else:
                child = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse_page
                for entry in sitemap:
                    url = str(entry.get("loc") or "")
                    if url and check_url(url) is None:
                        yield self._follow(
                            url, response.meta, child, again=child != self.parse_page
                        )
        self._ack(response.meta)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """A feed: each entry's link goes on the queue (fetched once, by any worker)."""
        try:
            feed = feeds.parse(response.body, response.url, {"Content-Type": _ctype(response)})
        except feeds.FeedError as exc:
            log.warning("feed %s: %s", response.url, exc)
        else:
            for entry in feed.entries:
                if entry.link and check_url(entry.link) is None:
                    yield self._follow(entry.link, response.meta, self.parse_page)
        self._ack(response.meta)

    def on_error(self, failure: Failure) -> None:
        """No response: the sink hears of it (a failed fetch), then the entry is done."""
        request: Request = failure.request  # type: ignore[attr-defined]
        item = failure_item(failure, {}, self.settings)
        self.sink.page(item, kind=self.kind, scope=request.meta.get(SCOPE_KEY))
        self._ack(request.meta)

    # Helpers -----------------------------------------------------------------------

    def _follow(
        self, url: str, meta: dict[str, Any], callback: Any, *, again: bool = False
    ) -> Request:
        role = "sitemap" if callback == self.parse_sitemap else "page"
        carried = {**tag(int(meta.get(SOURCE_KEY) or 0), role), REQUEST_URL_KEY: url,
                   SCOPE_KEY: meta.get(SCOPE_KEY), HOST_KEY: meta.get(HOST_KEY),
                   START_KEY: meta.get(START_KEY)}  # fmt: skip
        # Sitemaps change: a child sitemap is fetched each round; pages only once.
        return Request(url, callback=callback, errback=self.on_error, meta=carried,
                       dont_filter=again)  # fmt: skip

    def _ack(self, meta: dict[str, Any]) -> None:
        ack = meta.get(ACK_KEY)
        if ack:
            self.sink.done(str(ack))


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    except ValueError:
        return ""


def _ctype(response: Response) -> str:
    raw = response.headers.get("Content-Type") or b""
    return raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)


def _sitemap_body(response: Response) -> bytes | None:
    if response.status >= 300:
        return None
    body: bytes = response.body
    if gzip_magic_number(response):
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except OSError:
            return None
    return body if b"<urlset" in body[:4096] or b"<sitemapindex" in body[:4096] else None
