"""Two `worker` processes on real Redis and PostgreSQL crawl a 500-page site.

With the daemon enqueueing: every page fetched exactly once, every copy found,
no duplicate rows. With one worker killed -9 halfway: nothing is lost.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scale_cli import run_cli, start_cli, write_cluster_config
from scale_site import ScaleSite
from sqlalchemy import create_engine, text

from scraper.redis_queue import enqueue, queue_depth
from storage.engine import parse_url

pytestmark = pytest.mark.slow
DEADLINE_S = 90  # the whole crawl; a generous bound, not a speed measure


@pytest.fixture(scope="module")
def site() -> Iterator[ScaleSite]:
    served = ScaleSite(500)
    yield served
    served.close()


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _wait(condition: object, what: str, seconds: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def _fetched_all(site: ScaleSite) -> bool:
    with site.lock:
        return site.crawl_paths <= set(site.hits)


def _settled(client: redis.Redis, prefix: str) -> bool:
    return not any(queue_depth(client, prefix).values())


def _stop(*processes: subprocess.Popen[bytes]) -> None:
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _assert_stored_once(site: ScaleSite, url: str) -> None:
    copies = _rows(url, "SELECT p.url FROM copies c JOIN pages p ON p.id = c.page_id")
    assert sorted(str(u) for (u,) in copies) == sorted(site.url(p) for p in site.copy_paths)
    dupes = _rows(url, "SELECT url, count(*) FROM page_traces GROUP BY url HAVING count(*) > 1")
    assert dupes == []
    (traces,) = _rows(url, "SELECT count(*) FROM page_traces")
    assert traces[0] == len(site.crawl_paths)


def test_daemon_and_two_workers_fetch_each_page_once(
    site: ScaleSite, pg_url: str, prefix: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    source = f'[[sources]]\nkind = "site"\nurl = "{site.url("/index.html")}"\nevery = "4s"\n'
    config = write_cluster_config(
        tmp_path / "cluster.toml", prefix=prefix, extra="[schedule]\njitter = 0\n" + source
    )
    added = run_cli(config, pg_url, "story", "add", site.url("/original.html"))
    assert added.returncode == 0, added.stderr
    with site.lock:
        site.hits.clear()
    workers = [start_cli(config, pg_url, tmp_path / f"w{i}.log", "worker", "--name", f"w{i}")
               for i in range(2)]  # fmt: skip
    daemon = start_cli(config, pg_url, tmp_path / "daemon.log", "daemon")
    try:
        _wait(lambda: _fetched_all(site), "every page to be fetched")
        _stop(daemon)
        _wait(lambda: _settled(redis_client, prefix), "the queue to drain")
    finally:
        _stop(daemon, *workers)
    runs = _rows(pg_url, "SELECT count(*) FROM runs WHERE kind = 'source:1' AND error IS NULL")[0]
    assert runs[0] >= 1
    with site.lock:
        hits = dict(site.hits)
    # The start page is fetched once per enqueued round, every other page exactly once.
    assert hits.pop("/index.html") == runs[0]
    assert set(hits) == site.crawl_paths - {"/index.html"}
    assert set(hits.values()) == {1}
    _assert_stored_once(site, pg_url)


def test_worker_killed_halfway_loses_nothing(
    site: ScaleSite, pg_url: str, prefix: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    config = write_cluster_config(tmp_path / "cluster.toml", prefix=prefix)
    added = run_cli(config, pg_url, "story", "add", site.url("/original.html"))
    assert added.returncode == 0, added.stderr
    with site.lock:
        site.hits.clear()
    victim, survivor = (
        start_cli(config, pg_url, tmp_path / f"{n}.log", "worker", "--name", n)
        for n in ("victim", "survivor")
    )
    enqueue(redis_client, prefix, "site", [{"url": site.url("/index.html"), "source": 0}])
    try:
        _wait(lambda: sum(site.hits.values()) >= len(site.crawl_paths) // 2, "half the pages")
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        _wait(lambda: _fetched_all(site), "every page to be fetched after the kill")
        _wait(lambda: _settled(redis_client, prefix), "the queue to drain")
    finally:
        _stop(victim, survivor)
    assert victim.returncode == -signal.SIGKILL
    rescued = re.search(
        r"(\d+) entries of dead workers requeued", (tmp_path / "survivor.log").read_text()
    )
    assert rescued is not None
    assert int(rescued.group(1)) > 0
    with site.lock:
        assert site.crawl_paths <= set(site.hits)
    _assert_stored_once(site, pg_url)


def test_sitemap_and_feed_messages_queue_their_pages(
    site: ScaleSite, pg_url: str, prefix: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    config = write_cluster_config(tmp_path / "cluster.toml", prefix=prefix)
    added = run_cli(config, pg_url, "story", "add", site.url("/original.html"))
    assert added.returncode == 0, added.stderr
    with site.lock:
        site.hits.clear()
    enqueue(redis_client, prefix, "sitemap", [{"url": site.url("/sitemap.xml"), "source": 0}])
    enqueue(redis_client, prefix, "feed", [{"url": site.url("/feed.xml"), "source": 0}])
    worker = run_cli(config, pg_url, "worker", "--kind", "sitemap", "--kind", "feed",
                     "--idle-exit", "4")  # fmt: skip
    assert worker.returncode == 0, worker.stderr[-2000:]
    with site.lock:
        hits = dict(site.hits)
    articles = {f"/a/{i}.html" for i in range(100)}
    assert hits == dict.fromkeys({"/sitemap.xml", "/sm-0.xml", "/feed.xml"} | articles, 1)
    copies = _rows(pg_url, "SELECT p.url FROM copies c JOIN pages p ON p.id = c.page_id")
    expected = sorted(site.url(p) for p in site.copy_paths if p in articles)
    assert sorted(str(u) for (u,) in copies) == expected
    assert not any(queue_depth(redis_client, prefix).values())
