"""The scheduler's side of the shared queue: a due source becomes one start message.

With `[queue] redis_url` the daemon's source job calls `enqueue_source` instead of
crawling: one JSON message on `P:<kind>:start_urls` (scraper.redis_queue), recorded
as the job's run like any other. The message names that run: workers
(syndiwatch.worker) add what they fetch to it and settle the source's health.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

from scraper.redis_queue import connect, enqueue, queue_depth
from storage import Store
from storage.records import SourceRecord
from storage.redact import mask_secrets
from syndiwatch.config import Config
from syndiwatch.daemon_jobs import JobOutcome, backing_off, recorded_run
from syndiwatch.discovery_jobs import start_url

log = logging.getLogger(__name__)

# The queue kind of each source kind (a `url` source is one page).
QUEUE_KIND = {"feed": "feed", "sitemap": "sitemap", "site": "site", "url": "url"}

_clients: dict[str, redis.Redis] = {}


def _client(url: str) -> redis.Redis:
    if url not in _clients:
        _clients[url] = connect(url)
    return _clients[url]


def source_message(source: SourceRecord, run_id: int | None = None) -> dict[str, Any]:
    """The start message of a source: its URL, id, story scope and the run it is part of."""
    # A sitemap source given as a bare site starts at its robots.txt, as on one machine.
    message = {"url": start_url(source), "source": source.id, "story": source.story_id}
    return {**message, "run": run_id} if run_id is not None else message


def enqueue_source(store: Store, config: Config, source: SourceRecord) -> JobOutcome:
    """Put a due source on the shared queue, recorded as the source job's run.

    A source backing off (its health, settled by the workers) is skipped, as on
    one machine.
    """
    queue = config.queue
    redis_url = queue.redis_url
    assert redis_url, "enqueue_source needs [queue] redis_url"
    skipped = backing_off(store, source)
    if skipped is not None:
        return skipped

    def body(_now: Any, run_id: int) -> JobOutcome:
        message = source_message(source, run_id)
        try:
            client = _client(redis_url)
            n = enqueue(client, queue.prefix, QUEUE_KIND[source.kind], [message])
            depth = queue_depth(client, queue.prefix)
        except redis.RedisError as exc:
            return JobOutcome(error=mask_secrets(f"cannot reach Redis at {queue.redis_url}: {exc}"))
        return JobOutcome(stats={"source_id": source.id, "enqueued": n, "queue": depth})

    return recorded_run(store, f"source:{source.id}", body)
