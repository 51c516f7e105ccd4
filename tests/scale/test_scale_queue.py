"""The Redis side of the shared queue on a real Redis: in flight until acked, rescued on death."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
import redis
from scrapy import Request, Spider

from scraper.redis_queue import (
    ACK_KEY,
    BUDGET_KEY,
    CanonicalDupeFilter,
    Liveness,
    ReliablePriorityQueue,
    acknowledge,
    budget_key,
    budget_spent,
    enqueue,
    entry_id,
    inflight_key,
    pop_messages,
    queue_depth,
    start_key,
    take_budget,
)


class _Spider(Spider):
    name = "q"

    def parse(self, response: object) -> None:
        return None


def _spider(prefix: str, worker: str) -> Spider:
    spider = _Spider(name=f"{prefix}:site")
    spider.crawler = SimpleNamespace(settings={"SYNDIWATCH_WORKER_ID": worker})  # type: ignore[assignment]
    return spider


def test_messages_stay_in_flight_until_acknowledged(redis_client: redis.Redis, prefix: str) -> None:
    enqueue(redis_client, prefix, "site", [{"url": f"http://127.0.0.1/{i}"} for i in range(3)])
    popped = pop_messages(redis_client, prefix, "site", "w1", 2)
    assert [json.loads(m)["url"] for m in popped] == ["http://127.0.0.1/0", "http://127.0.0.1/1"]
    assert queue_depth(redis_client, prefix) == {"messages": 1, "requests": 0, "inflight": 2}
    acknowledge(redis_client, prefix, "site", "w1", [entry_id(popped[0])])
    assert redis_client.hlen(inflight_key(prefix, "site", "w1")) == 1


def test_dead_workers_entries_are_queued_again(redis_client: redis.Redis, prefix: str) -> None:
    queue = ReliablePriorityQueue(redis_client, _spider(prefix, "dead"), f"{prefix}:site:requests")
    queue.push(Request("http://127.0.0.1/a", priority=5))
    queue.push(Request("http://127.0.0.1/b"))
    enqueue(redis_client, prefix, "site", [{"url": "http://127.0.0.1/start"}])
    first = queue.pop()
    assert first is not None
    assert first.url == "http://127.0.0.1/a"  # the higher priority first
    pop_messages(redis_client, prefix, "site", "dead", 10)
    Liveness(redis_client, prefix, "dead", heartbeat=1).beat()
    survivor = Liveness(redis_client, prefix, "alive", heartbeat=1)
    assert survivor.rescue() == 0  # its heartbeat has not expired yet
    time.sleep(1.2)
    assert survivor.rescue() == 2
    assert redis_client.lrange(start_key(prefix, "site"), 0, -1)[0].startswith(b'{"url"')
    again = ReliablePriorityQueue(redis_client, _spider(prefix, "alive"), f"{prefix}:site:requests")
    urls = [again.pop(), again.pop()]
    assert sorted(r.url for r in urls if r is not None) == [
        "http://127.0.0.1/a",
        "http://127.0.0.1/b",
    ]
    assert queue_depth(redis_client, prefix)["inflight"] == 2  # now the survivor's


def test_a_retried_request_replaces_its_entry(redis_client: redis.Redis, prefix: str) -> None:
    queue = ReliablePriorityQueue(redis_client, _spider(prefix, "w"), f"{prefix}:site:requests")
    queue.push(Request("http://127.0.0.1/a"))
    popped = queue.pop()
    assert popped is not None
    assert ACK_KEY in popped.meta
    queue.push(popped.replace(dont_filter=True))  # what RetryMiddleware does
    assert queue_depth(redis_client, prefix) == {"messages": 0, "requests": 1, "inflight": 0}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("http://h.example/a?utm_source=x", "http://h.example/a", True),
        ("http://h.example/a#top", "http://h.example/a", True),
        ("http://h.example/a", "http://h.example/b", False),
    ],
)
def test_dupefilter_uses_canonical_urls(
    redis_client: redis.Redis, prefix: str, a: str, b: str, same: bool
) -> None:
    dupes = CanonicalDupeFilter(redis_client, key=f"{prefix}:site:dupefilter")
    assert not dupes.request_seen(Request(a))
    assert dupes.request_seen(Request(b)) is same


def test_a_round_budget_counts_only_new_pages(redis_client: redis.Redis, prefix: str) -> None:
    dupes = CanonicalDupeFilter(redis_client, key=f"{prefix}:site:dupefilter")
    key = budget_key(prefix, 1, "7")
    budget = {BUDGET_KEY: {"key": key, "max": 3}}
    assert take_budget(redis_client, key, 3)  # the start page
    assert not dupes.request_seen(Request("http://h.example/a", meta=budget))
    assert dupes.request_seen(Request("http://h.example/a#x", meta=budget))  # a duplicate is free
    assert not dupes.request_seen(Request("http://h.example/b", meta=budget))
    assert not budget_spent(redis_client, key, 3)
    assert dupes.request_seen(Request("http://h.example/c", meta=budget))  # over the budget
    assert budget_spent(redis_client, key, 3)
    assert 0 < redis_client.ttl(key) <= 24 * 3600
    # Turned away, not marked seen: another round (or no budget) still fetches it.
    assert not dupes.request_seen(Request("http://h.example/c"))
