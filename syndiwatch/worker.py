"""`syndiwatch worker`: a crawler worker of the shared Redis queue (deploy/SCALE.md).

Runs scraper.queue_spider.QueueSpider for each kind in this process (a worker is
a dedicated process, so Twisted's reactor runs once), matches every fetched page
with syndiwatch.matching against the tracked stories and stores copies, keeps each
source's feed and sitemap state, and reports rounds (syndiwatch.rounds); entries
are acknowledged on Redis only after what they produced is committed (at-least-once;
storage's upserts make a redelivered page harmless). The schedule is the daemon's.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from scraper.items import FetchedPage
from scraper.redis_queue import KINDS, Liveness, acknowledge, connect, queue_settings
from storage import Store, open_store
from storage.redact import mask_secrets
from syndiwatch.config import Config, scrapy_settings
from syndiwatch.crawl import crawl_log_level
from syndiwatch.matching import PageMatcher
from syndiwatch.pipeline import utcnow
from syndiwatch.rounds import RoundBook
from syndiwatch.shared_index import SharedIndex, publish_signatures

log = logging.getLogger(__name__)

FLUSH_EVERY_S = 1.0  # traces are committed and entries acknowledged this often
FLUSH_AFTER_PAGES = 100


class WorkerError(Exception):
    """The worker cannot start (no [queue] redis_url, Redis unreachable); one line."""


@dataclass(frozen=True, slots=True)
class WorkerReport:
    """What one worker did before it stopped."""

    worker: str
    pages: int
    copies: int
    errors: int
    requeued: int


class _Shared:
    """What every kind of one worker shares: the store, the matcher and pending acks."""

    def __init__(self, store: Store, client: redis.Redis, config: Config, worker: str) -> None:
        self.store, self.client, self.config, self.worker = store, client, config, worker
        self.prefix = config.queue.prefix
        self.index = SharedIndex(store)
        self.matcher: PageMatcher | None = None
        self.pending: dict[str, list[str]] = {k: [] for k in KINDS}
        self.counts: Counter[str] = Counter()
        self.rounds = RoundBook()
        # Source state written at the next flush: a sitemap round saves validators for
        # each of up to 1,000 files, one row-locked rewrite of the whole state apiece.
        self.states: dict[int, tuple[dict[str, Any], dict[str, dict[str, Any]]]] = {}

    def refresh(self) -> None:
        """Follow stories added or changed anywhere (bounded by [queue] index_refresh)."""
        try:
            if self.index.refresh() or self.matcher is None:
                self.flush()
                self.matcher = PageMatcher(self.store, self.store.list_stories(), now=utcnow())
        except Exception:  # the database may be away for a moment; the next round retries
            log.exception("refreshing the match index failed")

    def page(self, page: FetchedPage, *, kind: str, scope: int | None) -> None:
        self.counts["pages"] += 1
        if not page.ok:
            self.counts["errors"] += 1
            self.rounds.page(page, kind)
            log.info("%s: %s", page.request_url, page.error or f"HTTP {page.status}")
            return
        matcher = self.matcher
        if matcher is None or not matcher.articles:
            self.rounds.page(page, kind)
            return
        matcher.now = utcnow()
        try:
            result = matcher.process(page, via=kind, scope=scope)
        except Exception:  # a hostile page must not stop the worker; say which page
            log.exception("matching %s failed", page.url)
            self.counts["errors"] += 1
            self.rounds.page(page, kind)
            self.rounds.error(page, kind)
            return
        self.counts["copies"] += result.copies
        self.rounds.page(page, kind, result)
        if self.counts["pages"] % FLUSH_AFTER_PAGES == 0:
            self.flush()

    def document(self, doc: FetchedPage, *, kind: str) -> None:
        if doc.error is not None:
            self.counts["errors"] += 1
            log.info("%s: %s", doc.request_url, doc.error)
        self.rounds.document(doc, kind)

    def state(self, source_id: int) -> Mapping[str, Any]:
        try:
            source = self.store.get_source(source_id)
        except Exception:  # the database away for a moment: fetch unconditionally this once
            log.exception("reading the state of source %d failed", source_id)
            return {}
        if source is None:
            return {}
        replace, merge = self.states.get(source_id, ({}, {}))
        state = {**source.state, **replace}
        for name, part in merge.items():
            current = state.get(name)
            state[name] = {**(current if isinstance(current, Mapping) else {}), **part}
        return state

    def save_state(
        self,
        source_id: int,
        *,
        replace: Mapping[str, Any] | None = None,
        merge: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        pending_replace, pending_merge = self.states.setdefault(source_id, ({}, {}))
        pending_replace.update(replace or {})
        for name, part in (merge or {}).items():
            pending_merge.setdefault(name, {}).update(part)

    def _write_states(self) -> None:
        while self.states:
            source_id, (replace, merge) = self.states.popitem()
            try:
                self.store.merge_source_state(source_id, replace=replace, merge=merge)
            except Exception:  # the next round fetches unconditionally; say which source
                log.exception("storing the state of source %d failed", source_id)

    def last_fetched(self, urls: Sequence[str]) -> Mapping[str, str]:
        try:
            traces = self.store.get_traces(urls)
        except Exception:  # treat them as never fetched: the dupefilter still applies
            log.exception("reading page traces failed")
            return {}
        return {
            url: t.last_fetched.strftime("%Y-%m-%dT%H:%M:%S+00:00") for url, t in traces.items()
        }

    def flush(self) -> None:
        """Commit buffered traces and round reports, then acknowledge the entries they came from."""
        try:
            if self.matcher is not None:
                self.matcher.flush()
            self.rounds.flush(self.store, self.config)
            self._write_states()
            for kind, ids in self.pending.items():
                if ids:
                    acknowledge(self.client, self.prefix, kind, self.worker, ids)
                    self.pending[kind] = []
        except Exception:  # unacknowledged entries stay in flight; a later flush retries
            log.exception("flushing results failed; their queue entries stay in flight")


@dataclass(frozen=True, slots=True)
class _KindSink:
    shared: _Shared
    kind: str

    def page(self, page: FetchedPage, *, kind: str, scope: int | None) -> None:
        self.shared.page(page, kind=kind, scope=scope)

    def document(self, doc: FetchedPage, *, kind: str) -> None:
        self.shared.document(doc, kind=kind)

    def done(self, ack_id: str) -> None:
        self.shared.pending[self.kind].append(ack_id)

    def state(self, source_id: int) -> Mapping[str, Any]:
        return self.shared.state(source_id)

    def save_state(
        self,
        source_id: int,
        *,
        replace: Mapping[str, Any] | None = None,
        merge: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.shared.save_state(source_id, replace=replace, merge=merge)

    def last_fetched(self, urls: Sequence[str]) -> Mapping[str, str]:
        return self.shared.last_fetched(urls)


def worker_id() -> str:
    """A name unique on the cluster: host and process id."""
    return f"{socket.gethostname()}-{os.getpid()}"


def run_worker(
    config: Config,
    *,
    kinds: Sequence[str] = KINDS,
    idle_exit: float = 0.0,
    name: str | None = None,
) -> WorkerReport:
    """Consume the shared queue until SIGTERM/SIGINT (or `idle_exit` s with nothing to do)."""
    queue = config.queue
    if not queue.redis_url:
        raise WorkerError("no shared queue: set [queue] redis_url in the config file")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise WorkerError(f"unknown kind {unknown[0]!r} (known: {', '.join(KINDS)})")
    try:
        client = connect(queue.redis_url)
        client.ping()
    except redis.RedisError as exc:
        raise WorkerError(mask_secrets(f"cannot reach Redis at {queue.redis_url}: {exc}")) from None
    worker = name or worker_id()
    with open_store(config.database_url) as store:
        shared = _Shared(store, client, config, worker)
        publish_signatures(store, now=utcnow())
        shared.refresh()
        liveness = Liveness(client, queue.prefix, worker, queue.heartbeat)
        liveness.kinds = tuple(kinds)
        liveness.rescue()
        liveness.start()
        try:
            _crawl(config, worker, kinds, idle_exit, shared)
        finally:
            shared.flush()
            liveness.stop()
    counts = shared.counts
    report = WorkerReport(worker, counts["pages"], counts["copies"], counts["errors"],
                          liveness.requeued)  # fmt: skip
    log.info("worker %s stopped: %s", worker, report)
    return report


def _crawl(
    config: Config, worker: str, kinds: Sequence[str], idle_exit: float, shared: _Shared
) -> None:
    from scraper.queue_spider import QueueSpider  # imports scrapy-redis' spiders

    queue = config.queue
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    settings.setdict(scrapy_settings(config, log_level=crawl_log_level()), priority="cmdline")
    settings.setdict(
        queue_settings(queue.redis_url or "", queue.prefix, worker,
                       concurrency=queue.concurrency, idle_exit=idle_exit),
        priority="cmdline",
    )  # fmt: skip
    settings.set("DEPTH_LIMIT", config.crawl.max_depth, priority="cmdline")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", queue.per_domain, priority="cmdline")
    settings.set("AUTOTHROTTLE_ENABLED", queue.autothrottle, priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")  # results go to the sink, not stdout
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # the CLI's logging stays
    _quiet_scrapy(logging.getLevelName(crawl_log_level()))
    process = CrawlerProcess(settings)
    for kind in kinds:
        sink = _KindSink(shared, kind)
        process.crawl(QueueSpider, kind=kind, sink=sink, worker=worker, prefix=queue.prefix,
                      max_pages=config.crawl.max_pages)  # fmt: skip
    _every(FLUSH_EVERY_S, shared.flush)
    _every(queue.index_refresh, shared.refresh)
    process.start()


def _quiet_scrapy(level: int) -> None:
    """Show Scrapy's records from `level` up only (Scrapy sets its loggers to DEBUG)."""

    def keep(record: logging.LogRecord) -> bool:
        return not record.name.startswith("scrapy") or record.levelno >= level

    for handler in logging.root.handlers:
        handler.addFilter(keep)


def _every(seconds: float, fn: Callable[[], None]) -> None:
    from twisted.internet.task import LoopingCall  # after CrawlerProcess installed the reactor

    LoopingCall(fn).start(seconds, now=False)
