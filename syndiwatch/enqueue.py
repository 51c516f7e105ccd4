"""The scheduler's side of the shared queue: a due source becomes one start message.

With `[queue] redis_url` the daemon's source job calls `enqueue_source` instead of
crawling: one JSON message on `P:<kind>:start_urls` (scraper.redis_queue), recorded
as the job's run like any other. Workers (syndiwatch.worker) do the fetching.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

from scraper.redis_queue import connect, enqueue, queue_depth
from storage import Store
from storage.records import SourceRecord
from syndiwatch.config import Config
from syndiwatch.daemon_jobs import JobOutcome, recorded

log = logging.getLogger(__name__)

# The queue kind of each source kind (a `url` source is one page).
QUEUE_KIND = {"feed": "feed", "sitemap": "sitemap", "site": "site", "url": "url"}

_clients: dict[str, redis.Redis] = {}


def _client(url: str) -> redis.Redis:
    if url not in _clients:
        _clients[url] = connect(url)
    return _clients[url]


def source_message(source: SourceRecord) -> dict[str, Any]:
    """The start message of a source: its URL, id and story scope."""
    return {"url": source.url, "source": source.id, "story": source.story_id}


def enqueue_source(store: Store, config: Config, source: SourceRecord) -> JobOutcome:
    """Put a due source on the shared queue, recorded as the source job's run."""
    queue = config.queue
    assert queue.redis_url, "enqueue_source needs [queue] redis_url"
    client = _client(queue.redis_url)

    def body(_now: Any) -> JobOutcome:
        try:
            n = enqueue(client, queue.prefix, QUEUE_KIND[source.kind], [source_message(source)])
            depth = queue_depth(client, queue.prefix)
        except redis.RedisError as exc:
            return JobOutcome(error=f"cannot reach Redis at {queue.redis_url}: {exc}")
        return JobOutcome(stats={"source_id": source.id, "enqueued": n, "queue": depth})

    return recorded(store, f"source:{source.id}", body)
