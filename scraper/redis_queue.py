"""The shared crawl queue on Redis (scrapy-redis), made at-least-once.

Keys, for prefix P, kind K (feed, sitemap, site, url) and worker W:
`P:K:start_urls` (list of JSON messages the scheduler enqueues), `P:K:requests`
and `P:K:dupefilter` (scrapy-redis' scheduler queue and dupefilter), and
`P:K:inflight:W` (what W popped and has not acknowledged). A worker's heartbeat
key `P:worker:W` expires when it dies; any live worker then puts that worker's
in-flight entries back on the queues, so a kill -9 loses no request.
`P:budget:S:R` counts the pages queued for source S in round R (`[crawl] max_pages`
across workers; it expires after ROUND_BUDGET_TTL_S), `P:budget:S:R:sitemaps` the
sitemap files read. Requests on `P:K:requests` are JSON (scraper.queue_codec), never
pickle: whoever can write to Redis must not run code in the workers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

import feeds
from feeds import InvalidURL
from scraper import queue_codec

log = logging.getLogger(__name__)

KINDS = ("feed", "sitemap", "site", "url")
ACK_KEY = "syndiwatch_ack"
WORKER_ID_SETTING = "SYNDIWATCH_WORKER_ID"
PREFIX_SETTING = "SYNDIWATCH_QUEUE_PREFIX"
BUDGET_KEY = "syndiwatch_budget"  # Request.meta: {"key": P:budget:S:R, "max": N}
# A round's page counter outlives any sane round (the daemon's job_timeout is 30 min by
# default); past it a round still running would start counting afresh.
ROUND_BUDGET_TTL_S = 24 * 3600
# Unreadable entries dropped in one pop before it reports the queue empty for now.
MAX_DROPS_PER_POP = 100

# Pop the best request and remember it as in flight, in one atomic step.
_POP_REQUEST = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local id = redis.sha1hex(r[1])
redis.call('HSET', KEYS[2], id, 'r' .. r[2] .. '\\n' .. r[1])
return r[1]
"""
# Pop up to ARGV[1] start messages and remember them as in flight.
_POP_MESSAGES = """
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local v = redis.call('LPOP', KEYS[1])
  if not v then break end
  redis.call('HSET', KEYS[2], redis.sha1hex(v), 'm' .. v)
  table.insert(out, v)
end
return out
"""
# The dupefilter with a page budget: seen → 1; unseen but the round's budget spent → 2
# (not marked seen, so a later round fetches it); else count it, mark it seen → 0.
_SEEN_OR_BUDGET = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
if n > tonumber(ARGV[2]) then return 2 end
redis.call('SADD', KEYS[1], ARGV[1])
return 0
"""
_TAKE_BUDGET = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
# Put every in-flight entry of a dead worker back: messages first in line.
_REQUEUE = """
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local v = all[i + 1]
  if string.sub(v, 1, 1) == 'm' then
    redis.call('LPUSH', KEYS[2], string.sub(v, 2))
  else
    local nl = string.find(v, '\\n', 2, true)
    redis.call('ZADD', KEYS[3], string.sub(v, 2, nl - 1), string.sub(v, nl + 1))
  end
end
redis.call('DEL', KEYS[1])
return #all / 2
"""


def spider_name(prefix: str, kind: str) -> str:
    """The spider name of a kind: scrapy-redis derives the queue keys from it."""
    return f"{prefix}:{kind}"


def start_key(prefix: str, kind: str) -> str:
    return f"{spider_name(prefix, kind)}:start_urls"


def inflight_key(prefix: str, kind: str, worker: str) -> str:
    return f"{spider_name(prefix, kind)}:inflight:{worker}"


def entry_id(data: bytes) -> str:
    """The id an in-flight entry is kept under (Redis' sha1hex of the same bytes)."""
    return hashlib.sha1(data).hexdigest()


def connect(url: str) -> redis.Redis:
    """A Redis client for `url` (no I/O until first use); a RedisError for a broken URL."""
    try:
        return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
    except ValueError as exc:  # a bad port or option; callers name the (masked) URL
        raise redis.ConnectionError(f"not a usable Redis URL ({exc})") from None


def queue_settings(
    redis_url: str, prefix: str, worker: str, *, concurrency: int, idle_exit: float = 0
) -> dict[str, Any]:
    """Scrapy settings that make a crawl share the Redis queue and dupefilter."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scraper.redis_queue.CanonicalDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scraper.redis_queue.ReliablePriorityQueue",
        "SCHEDULER_SERIALIZER": "scraper.queue_codec",  # JSON: never unpickle what Redis holds
        "SCHEDULER_PERSIST": True,  # the queue and the dupefilter outlive every worker
        "REDIS_URL": redis_url,
        "REDIS_START_URLS_KEY": "%(name)s:start_urls",
        "MAX_IDLE_TIME_BEFORE_CLOSE": int(idle_exit),
        "CONCURRENT_REQUESTS": concurrency,
        WORKER_ID_SETTING: worker,
        PREFIX_SETTING: prefix,
    }


def enqueue(
    client: redis.Redis, prefix: str, kind: str, messages: Iterable[Mapping[str, Any]]
) -> int:
    """Append start messages ({"url", "source", "story"?, …}) for workers of `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown queue kind {kind!r} (known: {', '.join(KINDS)})")
    # A unique id keeps two equal messages two distinct in-flight entries.
    encoded = [json.dumps({**m, "id": uuid.uuid4().hex}) for m in messages]
    if encoded:
        client.rpush(start_key(prefix, kind), *encoded)
    return len(encoded)


def pop_messages(client: redis.Redis, prefix: str, kind: str, worker: str, n: int) -> list[bytes]:
    """Take up to `n` start messages, kept in flight for `worker` until acknowledged."""
    keys = [start_key(prefix, kind), inflight_key(prefix, kind, worker)]
    return list(client.eval(_POP_MESSAGES, 2, *keys, n))


def acknowledge(client: redis.Redis, prefix: str, kind: str, worker: str, ids: list[str]) -> None:
    """Forget in-flight entries whose work is stored."""
    if ids:
        client.hdel(inflight_key(prefix, kind, worker), *ids)


def budget_key(prefix: str, source: int, round_id: str) -> str:
    """The Redis key counting the pages queued for one source in one round."""
    return f"{prefix}:budget:{source}:{round_id}"


def take_budget(client: redis.Redis, key: str, limit: int) -> bool:
    """Count one page against a round's budget; False once `limit` pages were counted."""
    n = int(client.eval(_TAKE_BUDGET, 1, key, ROUND_BUDGET_TTL_S))
    return n <= limit


def budget_spent(client: redis.Redis, key: str, limit: int) -> bool:
    """True when a round's budget turned a page away (more were asked for than `limit`)."""
    return int(client.get(key) or 0) > limit


def page_fingerprint(url: str, method: str = "GET") -> str:
    """The shared dupefilter's fingerprint of a URL (its canonical form)."""
    with contextlib.suppress(InvalidURL):
        url = feeds.canonical_url(url)
    return hashlib.sha1(f"{method} {url}".encode()).hexdigest()


def forget_page(client: redis.Redis, prefix: str, kind: str, url: str) -> None:
    """Drop a page from the dupefilter, so a later round fetches it (and its links) again."""
    client.srem(f"{spider_name(prefix, kind)}:dupefilter", page_fingerprint(url))


def queue_depth_by_kind(client: redis.Redis, prefix: str) -> dict[str, dict[str, int]]:
    """Per kind: waiting start messages, queued requests and in-flight entries."""
    out: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        name = spider_name(prefix, kind)
        inflight = sum(int(client.hlen(k)) for k in client.scan_iter(f"{name}:inflight:*"))
        out[kind] = {
            "messages": int(client.llen(f"{name}:start_urls")),
            "requests": int(client.zcard(f"{name}:requests")),
            "inflight": inflight,
        }
    return out


def live_workers(client: redis.Redis, prefix: str) -> dict[str, dict[str, Any]]:
    """Workers whose heartbeat has not expired: name → what their heartbeat says."""
    found: dict[str, dict[str, Any]] = {}
    for raw in sorted(client.smembers(f"{prefix}:workers")):
        name = raw.decode() if isinstance(raw, bytes) else str(raw)
        beat = client.get(f"{prefix}:worker:{name}")
        if beat is None:
            continue
        try:
            info = json.loads(beat)
        except ValueError:
            info = {}
        info = info if isinstance(info, dict) else {}
        info["inflight"] = sum(int(client.hlen(inflight_key(prefix, kind, name))) for kind in KINDS)
        found[name] = info
    return found


def queue_depth(client: redis.Redis, prefix: str) -> dict[str, int]:
    """Waiting start messages, requests and in-flight entries over every kind."""
    depth = {"messages": 0, "requests": 0, "inflight": 0}
    for kind in KINDS:
        name = spider_name(prefix, kind)
        depth["messages"] += int(client.llen(f"{name}:start_urls"))
        depth["requests"] += int(client.zcard(f"{name}:requests"))
        for key in client.scan_iter(f"{name}:inflight:*"):
            depth["inflight"] += int(client.hlen(key))
    return depth


class Liveness:
    """A worker's heartbeat, and the rescue of dead workers' in-flight entries.

    A thread (not the reactor, which a long analysis may block) renews
    `P:worker:W` every heartbeat/3 s with a TTL of `heartbeat` s, and each round
    requeues the entries of every registered worker whose key expired. So a dead
    worker's requests are back on the queue within heartbeat + heartbeat/3 s.
    """

    def __init__(self, client: redis.Redis, prefix: str, worker: str, heartbeat: float) -> None:
        self.client, self.prefix, self.worker, self.heartbeat = client, prefix, worker, heartbeat
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="syndiwatch-heartbeat", daemon=True)
        self.requeued = 0
        self.kinds: tuple[str, ...] = KINDS
        self._since = time.time()

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and unregister (a clean exit leaves nothing in flight)."""
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            self.client.delete(f"{self.prefix}:worker:{self.worker}")
            self.client.srem(f"{self.prefix}:workers", self.worker)
        except redis.RedisError as exc:
            log.warning("could not unregister worker %s: %s", self.worker, exc)

    def beat(self) -> None:
        ttl_ms = max(1000, int(self.heartbeat * 1000))
        # What `syndiwatch status` shows of a live worker; only the key's presence counts.
        beat = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": self._since,
                           "kinds": list(self.kinds), "beat": time.time()})  # fmt: skip
        self.client.set(f"{self.prefix}:worker:{self.worker}", beat, px=ttl_ms)
        self.client.sadd(f"{self.prefix}:workers", self.worker)

    def rescue(self) -> int:
        """Requeue the in-flight entries of every worker whose heartbeat expired."""
        moved = 0
        for raw in self.client.smembers(f"{self.prefix}:workers"):
            other = raw.decode() if isinstance(raw, bytes) else str(raw)
            if other == self.worker or self.client.exists(f"{self.prefix}:worker:{other}"):
                continue
            for kind in KINDS:
                name = spider_name(self.prefix, kind)
                keys = [inflight_key(self.prefix, kind, other), f"{name}:start_urls",
                        f"{name}:requests"]  # fmt: skip
                moved += int(self.client.eval(_REQUEUE, 3, *keys))
            self.client.srem(f"{self.prefix}:workers", other)
            log.warning("worker %s stopped beating: its in-flight work is queued again", other)
        self.requeued += moved
        return moved

    def _loop(self) -> None:
        while not self._stop.wait(self.heartbeat / 3):
            try:
                self.beat()
                self.rescue()
            except redis.RedisError as exc:  # Redis away for a moment: keep trying
                log.warning("heartbeat to Redis failed: %s", exc)


class ReliablePriorityQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis' priority queue whose pop keeps the request in flight until acked.

    Requests are JSON (scraper.queue_codec), never pickle, whatever serializer the
    settings name; an entry that does not decode is dropped with one log line.
    """

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None):
        super().__init__(server, spider, key, queue_codec)
        worker = spider.crawler.settings.get(WORKER_ID_SETTING) or "anonymous"
        self.inflight = f"{spider.name}:inflight:{worker}"
        self._pop = server.register_script(_POP_REQUEST)

    def push(self, request: Request) -> None:
        """Queue a request; a retried or redirected one replaces its old in-flight entry."""
        super().push(request)
        old = request.meta.pop(ACK_KEY, None)
        if old:
            self.server.hdel(self.inflight, old)

    def pop(self, timeout: int = 0) -> Request | None:
        for _ in range(MAX_DROPS_PER_POP):
            data = self._pop(keys=[self.key, self.inflight])
            if not data:
                return None
            try:
                request: Request = self._decode_request(data)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                # Written by something else than a worker (or an older, pickling one).
                log.error("queue %s: unreadable request dropped (%s)", self.key, exc)
                self.server.hdel(self.inflight, entry_id(data))
                continue
            request.meta[ACK_KEY] = entry_id(data)
            return request
        return None


class CanonicalDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    """The shared dupefilter, keyed by syndiwatch's canonical URL (tracking, AMP, slash).

    A request carrying a round budget (meta BUDGET_KEY) is let through only while
    its round has pages left; the check and the count are one Redis script, so
    workers racing on the last pages of a budget never overrun it.
    """

    def __init__(self, server: redis.Redis, key: str, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self._seen_or_budget = server.register_script(_SEEN_OR_BUDGET)  # EVALSHA, body once

    def request_seen(self, request: Request) -> bool:
        budget = request.meta.get(BUDGET_KEY)
        if not budget:
            seen: bool = super().request_seen(request)
            return seen
        fp = self.request_fingerprint(request)
        keys = [self.key, str(budget["key"])]
        verdict = int(self._seen_or_budget(keys, [fp, int(budget["max"]), ROUND_BUDGET_TTL_S]))
        if verdict == 2:
            log.debug("%s: the round's page budget is spent; left for a later round", request.url)
        return verdict != 0

    def request_fingerprint(self, request: Request) -> str:
        return page_fingerprint(request.url, request.method)
