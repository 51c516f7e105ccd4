"""Benchmark scale-out: 1 and 2 `syndiwatch worker`s on Redis + PostgreSQL, nginx-served site.

In one run: a plain single-process site crawl (run_sources: Scrapy's own scheduler
in a crawl child, matching in the parent) as the baseline, then the same crawl
through the shared Redis queue with 1 and with 2 workers; the Redis cost per
request alone (push, pop, ack, dupefilter); the PostgreSQL write rate of the rows
a worker writes. Prints a Markdown table and a projection to 10 and 100 workers.
Usage: .venv/bin/python bench/scale.py [--pages 2000] [--repeat 3]
(with --repeat, every figure is the median of the runs: shared cores are noisy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "scale")]

import psycopg  # noqa: E402
import redis  # noqa: E402
from discovery import SETTINGS, free_port, start_server, stop_server  # noqa: E402
from scale_site import build_pages  # noqa: E402
from scrapy import Request, Spider  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from scraper.redis_queue import (  # noqa: E402
    BUDGET_KEY,
    CanonicalDupeFilter,
    ReliablePriorityQueue,
    acknowledge,
    enqueue,
    queue_depth,
)
from storage import open_store  # noqa: E402
from storage.traces import TraceRecord  # noqa: E402
from syndiwatch.config import Config, CrawlConfig, NetworkConfig, QueueConfig  # noqa: E402
from syndiwatch.discover import run_sources  # noqa: E402

POSTGRES = os.environ.get(
    "SYNDIWATCH_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS = os.environ.get("SYNDIWATCH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def _admin(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def new_database() -> str:
    name = f"syndiwatch_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin(POSTGRES), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_admin(POSTGRES), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_site(www: Path, n: int) -> int:
    pages = build_pages(n)
    for path, body in pages.items():
        target = www / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return len(pages) - 1  # the crawl reaches every page but the original


def prepare(url: str, base: str) -> None:
    """Migrate, store the original (as `story add` would), publish nothing yet."""
    from drift.normalise import normalise

    body = (BENCH_WWW / "original.html").read_bytes()
    with open_store(url) as store:
        story = store.add_story(f"{base}/original.html")
        article, now = normalise(body, story.url, {}), datetime.now(UTC)
        store.record_fetch(story.url, status=200, body=body, headers={}, article=article,
                           fetched_at=now)  # fmt: skip


def config_for(url: str, prefix: str) -> Config:
    return Config(
        database_url=url,
        network=NetworkConfig(allow_private=True, obey_robots=False),
        crawl=CrawlConfig(max_depth=3, max_pages=1_000_000),
        queue=QueueConfig(
            redis_url=REDIS,
            prefix=prefix,
            heartbeat=5,
            autothrottle=False,
            per_domain=16,
            concurrency=16,
        ),
    )


def time_plain(base: str) -> tuple[float, int]:
    url = new_database()
    try:
        prepare(url, base)
        config = config_for(url, "unused")
        with open_store(url) as store:
            source = store.add_source("site", f"{base}/index.html")
            t0 = time.perf_counter()
            (run,) = run_sources(store, config, [source], now=datetime.now(UTC),
                                 scrapy_settings=SETTINGS, run_kind=None)  # fmt: skip
            return time.perf_counter() - t0, run.pages_fetched
    finally:
        drop_database(url)


def _config_file(tmp: Path, url: str, prefix: str) -> Path:
    path = tmp / f"{prefix}.toml"
    path.write_text(
        f'[database]\nurl = "{url}"\n[network]\nallow_private = true\nobey_robots = false\n'
        f'[crawl]\nmax_pages = 1000000\n[queue]\nredis_url = "{REDIS}"\nprefix = "{prefix}"\n'
        "autothrottle = false\nper_domain = 16\nheartbeat = 5\n"
    )
    return path


def _traces(url: str) -> int:
    with psycopg.connect(_admin(url)) as conn:
        row = conn.execute("SELECT count(*) FROM page_traces").fetchone()
        return int(row[0]) if row else 0


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_workers(tmp: Path, base: str, n_workers: int, expected: int) -> tuple[float, int, float]:
    """Seconds from enqueueing the site until every page is stored (workers already up),
    pages stored, and the workers' CPU seconds over that span."""
    url, prefix = new_database(), f"swbench{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(REDIS)
    prepare(url, base)
    config = _config_file(tmp, url, prefix)
    cmd = [sys.executable, "-m", "syndiwatch", "--config", str(config), "worker", "--kind", "site"]
    workers = [subprocess.Popen([*cmd, "--name", f"b{i}"], cwd=ROOT, stderr=subprocess.DEVNULL)
               for i in range(n_workers)]  # fmt: skip
    try:
        while client.scard(f"{prefix}:workers") < n_workers:
            time.sleep(0.1)
        time.sleep(3)  # the spiders open and poll the start key
        cpu0 = sum(_cpu_s(w.pid) for w in workers)
        t0 = time.perf_counter()
        enqueue(client, prefix, "site", [{"url": f"{base}/index.html", "source": 0}])
        while _traces(url) < expected or any(queue_depth(client, prefix).values()):
            time.sleep(0.2)
        elapsed = time.perf_counter() - t0
        return elapsed, _traces(url), sum(_cpu_s(w.pid) for w in workers) - cpu0
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        drop_database(url)


class _Spider(Spider):
    name = "bench"


def _redis_cpu_s(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def redis_cost(n: int = 5000, *, budget: bool = False) -> tuple[float, float]:
    """Per request (dupefilter, push, reliable pop, ack): client µs, Redis server CPU µs.

    With `budget`, each request carries a round's page budget (`[crawl] max_pages`), so
    the dupefilter is the script that checks it and counts the page in one call.
    """
    client = redis.Redis.from_url(REDIS)
    server0 = _redis_cpu_s(client)
    prefix = f"swbench{uuid.uuid4().hex[:8]}"
    spider = _Spider(name=f"{prefix}:site")
    spider.crawler = type("C", (), {"settings": {"SYNDIWATCH_WORKER_ID": "b"}})()  # type: ignore[assignment]
    queue = ReliablePriorityQueue(client, spider, f"{prefix}:site:requests")
    dupes = CanonicalDupeFilter(client, key=f"{prefix}:site:dupefilter")
    meta = {BUDGET_KEY: {"key": f"{prefix}:budget:1:r", "max": n}} if budget else {}
    requests = [Request(f"http://127.0.0.1/a/{i}.html", meta=dict(meta)) for i in range(n)]
    t0 = time.perf_counter()
    for r in requests:
        if not dupes.request_seen(r):
            queue.push(r)
    for _ in range(n):
        popped = queue.pop()
        assert popped is not None
        acknowledge(client, prefix, "site", "b", [popped.meta["syndiwatch_ack"]])
    elapsed, server = time.perf_counter() - t0, _redis_cpu_s(client) - server0
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    return elapsed / n * 1e6, server / n * 1e6


def pg_write_rate(batches: int = 40, per_batch: int = 100) -> float:
    """Trace rows per second written in the workers' batches (one transaction each)."""
    url = new_database()
    try:
        with open_store(url) as store:
            now = datetime.now(UTC)
            t0 = time.perf_counter()
            for b in range(batches):
                store.record_traces([
                    TraceRecord(url=f"http://h.example/{b}/{i}", content_hash="x" * 64,
                                outcome="not_copy", copy_of=(), stories_upto=1, last_fetched=now,
                                last_changed=now, first_seen=now)
                    for i in range(per_batch)
                ])  # fmt: skip
            return batches * per_batch / (time.perf_counter() - t0)
    finally:
        drop_database(url)


BENCH_WWW = Path()


def main() -> None:
    global BENCH_WWW
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles on the site")
    parser.add_argument("--repeat", type=int, default=1, help="runs; each figure is the median")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        BENCH_WWW = tmp / "www"
        expected = write_site(BENCH_WWW, args.pages)
        server_name, handle = start_server(tmp, BENCH_WWW, port := free_port())
        base = f"http://127.0.0.1:{port}"
        try:
            runs = [measure(tmp, base, expected) for _ in range(max(1, args.repeat))]
        finally:
            stop_server(handle)
    if len(runs) > 1:
        print(f"median of {len(runs)} runs per figure")
    report(median_figures(runs), server_name, expected, os.cpu_count() or 1)


def median_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure (a number or a tuple of numbers per key) as the median over the runs."""

    def median(values: list[Any]) -> Any:
        if isinstance(values[0], tuple):
            return tuple(statistics.median(column) for column in zip(*values, strict=True))
        return statistics.median(values)

    return {key: median([run[key] for run in runs]) for key in runs[0]}


def measure(tmp: Path, base: str, expected: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    plain_s, plain_pages = time_plain(base)
    one_s, one_pages, one_cpu = time_workers(tmp, base, 1, expected)
    two_s, two_pages, two_cpu = time_workers(tmp, base, 2, expected)
    return {"plain": (plain_s, plain_pages), "one": (one_s, one_pages), "two": (two_s, two_pages),
            "cpu_ms": (one_cpu / one_pages * 1000, two_cpu / two_pages * 1000),
            "load": (load, os.getloadavg()[0]),
            "redis_us": redis_cost(), "redis_budget_us": redis_cost(budget=True),
            "pg_rows_s": pg_write_rate()}  # fmt: skip


def report(f: dict[str, Any], server: str, expected: int, cores: int) -> None:
    pps = {k: f[k][1] / f[k][0] for k in ("plain", "one", "two")}
    overhead_ms = (1 / pps["one"] - 1 / pps["plain"]) * 1000
    print(f"site: {expected} pages served by {server}; {cores} cores shared by everything;"
          f" load average {f['load'][0]:.1f} before, {f['load'][1]:.1f} after\n")  # fmt: skip
    print("| setup | pages | seconds | pages/s | vs plain |")
    print("| --- | ---: | ---: | ---: | ---: |")
    names = {"plain": "plain single-process crawl (run_sources)", "one": "Redis queue, 1 worker",
             "two": "Redis queue, 2 workers"}  # fmt: skip
    for key, name in names.items():
        s, n = f[key]
        print(f"| {name} | {n} | {s:.1f} | {pps[key]:.0f} | {pps[key] / pps['plain']:.2f}× |")
    print(f"\nspeed-up 2 workers / 1 worker: {pps['two'] / pps['one']:.2f}×")
    print(f"queue overhead per page (1 worker vs plain): {overhead_ms:+.2f} ms")
    client_us, server_us = f["redis_us"]
    print(f"Redis per request (dupefilter + push + pop + ack): {client_us:.0f} µs at the client,"
          f" {server_us:.0f} µs of Redis server CPU")  # fmt: skip
    budget_client, budget_server = f["redis_budget_us"]
    print(f"  with a round's page budget (max_pages; one script call): {budget_client:.0f} µs"
          f" at the client, {budget_server:.0f} µs of Redis server CPU")  # fmt: skip
    print(f"PostgreSQL trace writes (batches of 100): {f['pg_rows_s']:.0f} rows/s")
    cpu1, cpu2 = f["cpu_ms"]
    print(f"worker CPU per page: {cpu1:.1f} ms (1 worker), {cpu2:.1f} ms (2 workers)")
    per_worker = 1000 / cpu1  # pages/s of one worker with a core of its own
    redis_cap = 1e6 / max(server_us, budget_server)  # requests/s one Redis core serves
    for n in (10, 100):
        demand = n * per_worker
        cap = min(demand, f["pg_rows_s"], redis_cap)
        limit = "workers" if cap == demand else ("PostgreSQL" if cap == f["pg_rows_s"] else "Redis")
        wanted = f"{demand:.0f} pages/s wanted"
        print(f"projection {n} workers: {wanted}, ~{cap:.0f} pages/s ({limit}-bound)")


if __name__ == "__main__":
    main()
