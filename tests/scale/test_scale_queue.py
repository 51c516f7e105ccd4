"""The Redis side of the shared queue on a real Redis: in flight until acked, rescued on death."""

from __future__ import annotations

import json
import os
import pickle
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from scale_cli import run_cli, write_cluster_config
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


class _Trap:
    """Unpickling this creates a directory: proof that a worker ran code from Redis."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (self.path,))


def _json_entry(url: str, **changes: object) -> bytes:
    return json.dumps({"url": url, "callback": "parse", "meta": {}, **changes}).encode()


def test_requests_are_queued_as_json(redis_client: redis.Redis, prefix: str) -> None:
    spider = _spider(prefix, "w")
    queue = ReliablePriorityQueue(redis_client, spider, f"{prefix}:site:requests")
    meta = {"syndiwatch_round": {"key": "k", "max": 3}, "pair": (1, 2), "raw": b"\x00\xff"}
    sent = Request("http://127.0.0.1/a", callback=spider.parse, body=b"\xff\x00body",
                   headers={"If-None-Match": '"x"'}, meta=meta, priority=4)  # fmt: skip
    queue.push(sent)
    (stored,) = redis_client.zrange(f"{prefix}:site:requests", 0, -1)
    assert json.loads(stored)["url"] == "http://127.0.0.1/a"  # JSON, not a pickle
    got = queue.pop()
    assert got is not None
    assert (got.url, got.body, got.priority, got.callback) == (sent.url, sent.body, 4, spider.parse)
    assert got.headers.getlist("If-None-Match") == [b'"x"']
    assert got.meta["raw"] == b"\x00\xff"
    assert got.meta["syndiwatch_round"] == {"key": "k", "max": 3}


def test_a_pickled_or_forged_entry_is_dropped_unread(
    redis_client: redis.Redis, prefix: str, tmp_path: Path
) -> None:
    key = f"{prefix}:site:requests"
    trap = tmp_path / "pwned"
    forged = [
        pickle.dumps(_Trap(str(trap))),
        _json_entry("http://127.0.0.1/x", _class="subprocess.Popen"),
        _json_entry("http://127.0.0.1/y", callback="close"),
        _json_entry("http://127.0.0.1/z", errback="_stop_polling"),
        b'{"url": "http://127.0.0.1/w", "body": {"__b64__": "not base64!"}}',
        b"{not json",
    ]
    redis_client.zadd(key, {entry: -10 for entry in forged})  # popped first
    good = _json_entry("http://127.0.0.1/good")
    redis_client.zadd(key, {good: 0})
    queue = ReliablePriorityQueue(redis_client, _spider(prefix, "w"), key)
    got = queue.pop()
    assert not trap.exists()
    assert got is not None
    assert got.url == "http://127.0.0.1/good"
    assert queue.pop() is None
    # Only the good entry is in flight; the forged ones are gone, not rescued later.
    assert redis_client.hkeys(inflight_key(prefix, "site", "w")) == [entry_id(good).encode()]


def test_a_worker_never_unpickles_what_redis_holds(
    redis_client: redis.Redis, prefix: str, tmp_path: Path
) -> None:
    trap = tmp_path / "pwned"
    redis_client.zadd(f"{prefix}:site:requests", {pickle.dumps(_Trap(str(trap))): 0})
    config = write_cluster_config(tmp_path / "c.toml", prefix=prefix)
    done = run_cli(config, f"sqlite:///{tmp_path / 'w.db'}", "worker", "--kind", "site",
                   "--idle-exit", "3")  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert not trap.exists()
    assert "unreadable request dropped" in done.stderr
    assert redis_client.zcard(f"{prefix}:site:requests") == 0
