"""QueueSpider: a scrapy-redis RedisSpider that works one kind of the shared queue.

Start messages (`{"url", "source", "story"?, "run"?}` on `P:K:start_urls`) become
requests; every page fetched goes to the worker's `sink` (syndiwatch.worker: match,
store, count), sitemaps and feeds yield their pages, a site crawl its same-host
links — all into the shared Redis queue and dupefilter. Feeds and sitemaps are
fetched conditionally from the source's stored state, with the single-machine
spiders' helpers (scraper.spiders.feed, .sitemap). A round queues at most
`max_pages` pages of its source, and a sitemap round reads at most SITEMAP_MAX_FILES
files, whichever workers queue them (Redis counters).
A request is acknowledged (sink.done) only after its page went to the sink and its
follow-up requests are queued.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

import redis
from scrapy import Request, signals
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import sitemap_urls_from_robots
from scrapy_redis.spiders import RedisSpider
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

import feeds
from feeds import InvalidURL
from scraper.failures import FetchError
from scraper.items import FetchedPage
from scraper.redis_queue import (
    ACK_KEY,
    BUDGET_KEY,
    KINDS,
    budget_key,
    budget_spent,
    entry_id,
    forget_page,
    pop_messages,
    take_budget,
)
from scraper.spiders.common import REQUEST_URL_KEY, check_url, followable, host_key
from scraper.spiders.feed import (
    FULL_TEXT_MIN_WORDS,
    entry_html,
    feed_request_headers,
    poll_feed,
)
from scraper.spiders.found import (
    EXTRA_KEY,
    ROLE_KEY,
    SOURCE_KEY,
    failure_item,
    made_item,
    note_item,
    response_item,
    tag,
)
from scraper.spiders.site import DENY_PATTERNS
from scraper.spiders.sitemap import (
    SITEMAP_MAX_FILES,
    fresh_entries,
    read_sitemap,
    response_validators,
    sitemap_headers,
    skipped_line,
    validators_of,
)

log = logging.getLogger(__name__)

SCOPE_KEY = "syndiwatch_scope"
HOST_KEY = "syndiwatch_host"
START_KEY = "syndiwatch_start"
ROUND_KEY = "syndiwatch_round"  # the round's budget key and limit ({"key", "max"}), if any
SITEMAPS_KEY = "syndiwatch_sitemaps"  # the key counting a sitemap round's files
POLL_S = 0.2  # how often an idle worker looks at the shared queue
MAX_SITEMAP_BYTES = 50_000_000


class Sink(Protocol):
    """Where a worker's results go, and what it remembers per source (syndiwatch.worker)."""

    def page(self, page: FetchedPage, *, kind: str, scope: int | None) -> None: ...

    def document(self, doc: FetchedPage, *, kind: str) -> None:
        """A feed or sitemap file (role in meta; body dropped): counted, may settle a round."""

    def done(self, ack_id: str) -> None: ...

    def state(self, source_id: int) -> Mapping[str, Any]:
        """The source's stored state (feed validators and seen entries, sitemap validators)."""

    def save_state(
        self,
        source_id: int,
        *,
        replace: Mapping[str, Any] | None = None,
        merge: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None: ...

    def last_fetched(self, urls: Sequence[str]) -> Mapping[str, str]:
        """When each of these canonical URLs was last fetched (ISO), for those ever fetched."""


class QueueSpider(RedisSpider):  # type: ignore[misc]
    """Consume `P:<kind>:start_urls` and the shared request queue of that kind."""

    def __init__(
        self, *, kind: str, sink: Sink, worker: str, prefix: str, max_pages: int = 0, **kwargs: Any
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown queue kind {kind!r} (known: {', '.join(KINDS)})")
        super().__init__(name=f"{prefix}:{kind}", **kwargs)
        self.kind, self.sink, self.worker, self.prefix = kind, sink, worker, prefix
        self.max_pages = max_pages
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
        idle while the shared queue fills (scrapy-redis has no notification). Start
        messages are likewise only read when the engine's heartbeat finds it idle.
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is None:
            return
        try:
            if slot.scheduler.has_pending_requests():
                slot.nextcall.schedule()
            elif self.crawler.engine.spider_is_idle() and self.server.llen(self.redis_key):
                # A new round's message: start it now, not at the idle heartbeat (5 s).
                self.schedule_next_requests()
        except redis.RedisError as exc:  # Redis away for a moment: the next poll retries
            log.debug("polling the shared queue failed: %s", exc)

    def _pop_reliably(self, key: str, batch_size: int) -> list[bytes]:
        return pop_messages(self.server, self.prefix, self.kind, self.worker, batch_size)

    def make_request_from_data(self, data: bytes) -> Request | list[Request]:
        ack = entry_id(data)
        try:
            message = json.loads(data)
            url = str(message["url"])
            source, scope = int(message.get("source") or 0), message.get("story")
            run = int(message["run"]) if message.get("run") else None
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
        meta = {**tag(source, role, run=run, start=True), REQUEST_URL_KEY: url, ACK_KEY: ack,
                SCOPE_KEY: scope, HOST_KEY: host_key(url), START_KEY: url}  # fmt: skip
        round_id = str(run) if run else str(message.get("id") or ack)
        if source and self.kind == "sitemap":  # the round's sitemap files, the start one too
            meta[SITEMAPS_KEY] = budget_key(self.prefix, source, round_id) + ":sitemaps"
            take_budget(self.server, meta[SITEMAPS_KEY], SITEMAP_MAX_FILES)
        if self.max_pages > 0 and source and self.kind in ("site", "sitemap"):
            meta[ROUND_KEY] = {"key": budget_key(self.prefix, source, round_id),
                               "max": self.max_pages}  # fmt: skip
            if self.kind == "site":  # the start page is the round's first page
                take_budget(self.server, meta[ROUND_KEY]["key"], self.max_pages)
        headers: dict[str, str] = {}
        if source and self.kind == "feed":
            headers = feed_request_headers(self.sink.state(source))
        elif source and self.kind == "sitemap":
            headers = sitemap_headers(self.sink.state(source), url)
        callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap}.get(
            self.kind, self.parse_page
        )
        return Request(url, headers=headers, callback=callback, errback=self.on_error,
                       dont_filter=True, meta=meta)  # fmt: skip

    # Callbacks ---------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Request]:
        """A candidate page: to the sink; on a site crawl, its same-host links follow."""
        meta = response.meta
        self.sink.page(response_item(response, {}), kind=self.kind, scope=meta.get(SCOPE_KEY))
        if self.kind == "site" and response.status < 300 and isinstance(response, TextResponse):
            for link in self.links.extract_links(response):
                # The start page is fetched every round, outside the dupefilter.
                host = str(meta.get(HOST_KEY) or "")
                if followable(link.url, host) and link.url != meta.get(START_KEY):
                    yield self._follow(link.url, meta, self.parse_page)
            if meta.get(REQUEST_URL_KEY) != meta.get(START_KEY) and self._spent(meta):
                # Links of this page may have been turned away: a later round reads it again.
                forget_page(self.server, self.prefix, self.kind, str(meta.get(REQUEST_URL_KEY)))
        self._ack(response.meta)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """A sitemap, sitemap index or robots.txt: child sitemaps and fresh pages are queued."""
        meta = response.meta
        source = int(meta.get(SOURCE_KEY) or 0)
        if response.status == 304:  # unchanged; an index's children may have changed
            state = self.sink.state(source) if source else {}
            remembered = validators_of(state).get(response.url, {})
            self.sink.document(response_item(response, {}, keep_body=False, not_modified=True),
                               kind=self.kind)  # fmt: skip
            children = [str(c) for c in remembered.get("children") or ()]
            yield from self._follow_sitemaps(children, response.url, meta, state)
            self._ack(meta)
            return
        if response.url.endswith("/robots.txt") and response.status < 300:
            urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            problem = None if urls else FetchError(f"{response.url} names no Sitemap:", "sitemap")
            self._document(response, problem=problem, entries=len(urls))
            state = self.sink.state(source) if source else {}
            yield from self._follow_sitemaps(urls, response.url, meta, state)
            self._ack(meta)
            return
        yield from self._read_sitemap(response, source)
        self._ack(meta)

    def _read_sitemap(self, response: Response, source: int) -> Iterator[Request]:
        body = _sitemap_body(response)
        kind, entries, warning = read_sitemap(body) if body is not None else ("", [], "")
        if response.status >= 300 or kind not in ("urlset", "sitemapindex"):
            problem = None if response.status >= 300 else _not_a_sitemap(response.url)
            self._document(response, problem=problem)
            return
        if warning:
            log.warning("sitemap %s: %s", response.url, warning)
        validators: dict[str, Any] = response_validators(response)
        if kind == "sitemapindex":
            children = [str(e["loc"]) for e in entries]
            validators["children"] = children[:SITEMAP_MAX_FILES]  # no more are ever followed
            state = self.sink.state(source) if source else {}
            yield from self._follow_sitemaps(children, response.url, response.meta, state)
        else:
            yield from self._fresh_pages(response, source, entries)
        # A file whose pages the round's budget cut short is read in full next round.
        if source and not (kind == "urlset" and self._spent(response.meta)):
            self.sink.save_state(source, merge={"validators": {response.url: validators}})
        self._document(response, entries=len(entries))

    def _fresh_pages(
        self, response: Response, source: int, entries: list[dict[str, Any]]
    ) -> Iterator[Request]:
        """Pages not fetched yet (the dupefilter decides) or changed since (<lastmod>)."""
        known = self.sink.last_fetched([_canonical(str(e["loc"])) for e in entries])
        for loc, _lastmod in fresh_entries(entries, response.url, known):
            if check_url(loc) is not None:
                continue
            again = _canonical(loc) in known  # fetched before: its lastmod moved on
            if again and not self._take_page(response.meta):
                return
            yield self._follow(loc, response.meta, self.parse_page, again=again)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """A feed: new (or edited) entries go on the queue, or to the sink when full text."""
        meta = response.meta
        source = int(meta.get(SOURCE_KEY) or 0)
        poll = poll_feed(response, self.sink.state(source) if source else {})
        if response.status == 304:
            self._document(response, not_modified=True)
        elif poll.feed is None:
            self._document(response, problem=poll.problem)
        else:
            feed = poll.feed
            for entry in poll.fresh:
                key = feeds.entry_key(entry)
                if entry.link and feeds.has_full_text(entry, FULL_TEXT_MIN_WORDS):
                    extra = {**dict(meta.get(EXTRA_KEY) or {}), "entry_key": key, "start": False}
                    item_meta = {**tag(source, "entry", **extra), REQUEST_URL_KEY: entry.link}
                    page = made_item(entry.link, entry_html(entry, feed.title), {}, item_meta)
                    self.sink.page(page, kind=self.kind, scope=meta.get(SCOPE_KEY))
                elif entry.link and check_url(entry.link) is None:
                    # An edited entry is fetched again, past the dupefilter.
                    yield self._follow(entry.link, meta, self.parse_page, again=key in poll.edited)
            self._document(response, entries=len(feed.entries))
        if source and poll.state is not None:  # after its entries are queued
            self.sink.save_state(source, replace=poll.state)
        self._ack(meta)

    def on_error(self, failure: Failure) -> None:
        """No response: the sink hears of it (a failed fetch), then the entry is done."""
        request: Request = failure.request  # type: ignore[attr-defined]
        item = failure_item(failure, {}, self.settings)
        if request.meta.get(ROLE_KEY) in ("feed", "sitemap"):
            self.sink.document(item, kind=self.kind)
        else:
            self.sink.page(item, kind=self.kind, scope=request.meta.get(SCOPE_KEY))
        self._ack(request.meta)

    # Helpers -----------------------------------------------------------------------

    def _document(
        self, response: Response, *, problem: FetchError | None = None, **extra: Any
    ) -> None:
        item = response_item(response, {}, keep_body=False, problem=problem, **extra)
        self.sink.document(item, kind=self.kind)

    def _spent(self, meta: Mapping[str, Any]) -> bool:
        budget = meta.get(ROUND_KEY)
        if not budget:
            return False
        return budget_spent(self.server, str(budget["key"]), int(budget["max"]))

    def _take_page(self, meta: Mapping[str, Any]) -> bool:
        """Count a page queued past the dupefilter against the round's budget."""
        budget = meta.get(ROUND_KEY)
        return not budget or take_budget(self.server, str(budget["key"]), int(budget["max"]))

    def _follow_sitemaps(
        self,
        urls: Sequence[str],
        listed_by: str,
        meta: Mapping[str, Any],
        state: Mapping[str, Any],
    ) -> Iterator[Request]:
        """Child sitemaps within the round's file budget (every worker counts on Redis);
        the ones past it are skipped with one line."""
        urls = [u for u in urls if check_url(u) is None]
        key, followed = meta.get(SITEMAPS_KEY), 0
        for url in urls:
            if key and not take_budget(self.server, str(key), SITEMAP_MAX_FILES):
                break  # the budget only grows: the rest is skipped too
            followed += 1
            yield self._follow_sitemap(url, meta, state)
        if followed < len(urls):
            line = skipped_line(listed_by, len(urls) - followed, 0)
            log.warning("%s", line)
            run = dict(meta.get(EXTRA_KEY) or {}).get("run")
            note_meta = {**tag(int(meta.get(SOURCE_KEY) or 0), "sitemap", run=run),
                         REQUEST_URL_KEY: listed_by}  # fmt: skip
            note = note_item(listed_by, {}, note_meta, error=line, kind="sitemap")
            self.sink.document(note, kind=self.kind)

    def _follow_sitemap(
        self, url: str, meta: Mapping[str, Any], state: Mapping[str, Any]
    ) -> Request:
        """A child sitemap: fetched every round, conditionally on what the source remembers."""
        request = self._follow(url, meta, self.parse_sitemap, again=True)
        request.headers.update(sitemap_headers(state, url))
        return request

    def _follow(
        self, url: str, meta: Mapping[str, Any], callback: Any, *, again: bool = False
    ) -> Request:
        role = "sitemap" if callback == self.parse_sitemap else "page"
        run = dict(meta.get(EXTRA_KEY) or {}).get("run")
        carried = {**tag(int(meta.get(SOURCE_KEY) or 0), role, run=run), REQUEST_URL_KEY: url,
                   SCOPE_KEY: meta.get(SCOPE_KEY), HOST_KEY: meta.get(HOST_KEY),
                   START_KEY: meta.get(START_KEY), ROUND_KEY: meta.get(ROUND_KEY),
                   SITEMAPS_KEY: meta.get(SITEMAPS_KEY)}  # fmt: skip
        if role == "page" and not again and meta.get(ROUND_KEY):
            carried[BUDGET_KEY] = meta[ROUND_KEY]  # the dupefilter counts it (redis_queue)
        # Sitemaps change: a child sitemap is fetched each round; pages only once.
        return Request(url, callback=callback, errback=self.on_error, meta=carried,
                       dont_filter=again)  # fmt: skip

    def _ack(self, meta: Mapping[str, Any]) -> None:
        ack = meta.get(ACK_KEY)
        if ack:
            self.sink.done(str(ack))


def _canonical(url: str) -> str:
    try:
        return feeds.canonical_url(url)
    except InvalidURL:
        return url


def _not_a_sitemap(url: str) -> FetchError:
    return FetchError(f"not a sitemap: {url}", "sitemap")


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
