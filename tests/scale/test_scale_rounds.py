"""Queue-mode rounds with real workers on real Redis and PostgreSQL.

Feeds and sitemaps are fetched conditionally from the source's stored state;
workers report each round's pages, copies and errors to its run and settle the
source's health; `[crawl] max_pages` holds across two workers.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from scale_cli import run_cli, start_cli, write_cluster_config
from scale_site import ScaleSite

from drift.normalise import normalise
from scraper.redis_queue import queue_depth
from scraper.spiders.sitemap import SITEMAP_MAX_FILES
from storage import open_store
from storage.records import RunRecord, SourceRecord
from syndiwatch.cli import main
from syndiwatch.config import load_config
from syndiwatch.enqueue import enqueue_source
from syndiwatch.pipeline import utcnow
from syndiwatch.status import build_status, render_json, render_text

DEADLINE_S = 40


@pytest.fixture(scope="module")
def site() -> Iterator[ScaleSite]:
    served = ScaleSite(400)
    yield served
    served.close()


def _wait(condition: Callable[[], object], what: str, seconds: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


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


class Cluster:
    """A database with one tracked story and one source, the daemon's enqueueing, workers."""

    def __init__(self, site: ScaleSite, pg_url: str, prefix: str, tmp: Path, extra: str = ""):
        self.site, self.url, self.tmp = site, pg_url, tmp
        self.path = write_cluster_config(tmp / "cluster.toml", prefix=prefix, extra=extra)
        self.config = load_config(self.path, pg_url)
        self.store = open_store(pg_url)
        # The tracked story, stored as `story add` stores it (the fetch itself is not tested here).
        url, body = site.url("/original.html"), site.pages["/original.html"]
        headers = {"Content-Type": "text/html; charset=utf-8"}
        self.store.add_story(url, now=utcnow())
        article = normalise(body, url, headers)
        self.store.record_fetch(
            url, status=200, body=body, headers=headers, article=article, fetched_at=utcnow()
        )
        self.workers: list[subprocess.Popen[bytes]] = []

    def source(self, kind: str, path: str) -> SourceRecord:
        return self.store.add_source(kind, self.site.url(path))

    def start_workers(self, n: int, *args: str) -> None:
        for i in range(n):
            log = self.tmp / f"w{i}.log"
            self.workers.append(start_cli(self.path, self.url, log, "worker", "--name", f"w{i}",
                                          *args))  # fmt: skip

    def round(self, source: SourceRecord, client: redis.Redis) -> RunRecord:
        """Enqueue one round as the daemon does; wait until workers drained and settled it."""
        source = self.store.get_source(source.id) or source
        outcome = enqueue_source(self.store, self.config, source)
        assert outcome.error is None, outcome.error
        run = self.store.runs_of_kind(f"source:{source.id}", 1)[0]

        def settled() -> bool:
            if any(queue_depth(client, self.config.queue.prefix).values()):
                return False
            latest = self.store.runs_of_kind(f"source:{source.id}", 1)[0]
            return latest.id == run.id and bool(latest.stats.get("round", {}).get("outcome"))

        # A drained queue means every count is stored: a worker acknowledges an entry
        # only after the flush that wrote its counts and settled its round.
        _wait(settled, f"round {run.id} to be worked and settled")
        return self.store.runs_of_kind(f"source:{source.id}", 1)[0]

    def close(self) -> None:
        _stop(*self.workers)
        self.store.close()


@pytest.fixture
def cluster(site: ScaleSite, pg_url: str, prefix: str, tmp_path: Path) -> Iterator[Cluster]:
    with site.lock:
        site.hits.clear()
        site.conditional.clear()
        site.failing.clear()
    made = Cluster(site, pg_url, prefix, tmp_path)
    yield made
    made.close()


def test_feed_rounds_are_conditional_and_reported(
    cluster: Cluster, site: ScaleSite, redis_client: redis.Redis, pg_url: str
) -> None:
    source = cluster.source("feed", "/feed.xml")
    cluster.start_workers(1, "--kind", "feed")
    first = cluster.round(source, redis_client)
    articles = {f"/a/{i}.html" for i in range(50, 100)}
    stats = first.stats
    assert (stats["pages"], stats["entries"], stats["documents"]) == (50, 50, 1)
    assert (stats["copies"], stats["errors"], stats["not_modified"]) == (1, 0, False)
    assert first.error is None
    state = cluster.store.get_source(source.id).state  # type: ignore[union-attr]
    assert state["etag"]
    assert len(state["seen"]) == 50

    second = cluster.round(source, redis_client)
    assert site.conditional == [("/feed.xml", None), ("/feed.xml", state["etag"])]
    assert second.stats["not_modified"] is True
    assert second.stats["pages"] == 0
    with site.lock:
        assert {p: site.hits[p] for p in articles} == dict.fromkeys(articles, 1)
    health = cluster.store.source_health(source.id)
    assert (health.total_runs, health.consecutive_failures) == (2, 0)

    with site.lock:
        site.failing.add("/feed.xml")
    third = cluster.round(source, redis_client)
    assert third.error is not None
    assert "HTTP 500" in third.error
    assert third.stats["errors"] == 1
    health = cluster.store.source_health(source.id)
    assert (health.total_runs, health.consecutive_failures) == (3, 1)
    assert health.last_error_kind == "error"
    status = run_cli(cluster.path, pg_url, "status")
    assert f"source {source.id} {source.url}: 1 failed run(s) in a row" in status.stdout


def test_sitemap_rounds_skip_what_did_not_change(
    cluster: Cluster, site: ScaleSite, redis_client: redis.Redis
) -> None:
    source = cluster.source("sitemap", "/sitemap.xml")
    cluster.start_workers(1, "--kind", "sitemap")
    first = cluster.round(source, redis_client)
    assert (first.stats["pages"], first.stats["documents"]) == (50, 2)
    assert first.stats["copies"] == 1  # /a/7.html

    second = cluster.round(source, redis_client)  # the index and its child answer 304
    assert second.stats["not_modified"] is True
    assert second.stats["pages"] == 0
    etags = {p: e for p, e in site.conditional[:2]}
    assert etags == {"/sitemap.xml": None, "/sm-0.xml": None}
    assert all(asked for _, asked in site.conditional[2:])
    assert len(site.conditional) == 4

    # The child sitemap changes: two pages carry a later <lastmod>, the rest an old one.
    later = {site.url(f"/a/{i}.html") for i in (3, 4)}
    locs = "".join(
        f"<url><loc>{site.url(f'/a/{i}.html')}</loc><lastmod>"
        f"{'2099-01-01' if site.url(f'/a/{i}.html') in later else '2001-01-01'}</lastmod></url>"
        for i in range(50)
    )
    with site.lock:
        site.documents["/sm-0.xml"] = (
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"{locs}</urlset>"
        ).encode()
    third = cluster.round(source, redis_client)
    assert third.stats["pages"] == 2
    with site.lock:
        hits = {i: site.hits[f"/a/{i}.html"] for i in range(50)}
    assert hits == {i: 2 if i in (3, 4) else 1 for i in range(50)}


def test_max_pages_holds_across_two_workers(
    site: ScaleSite, pg_url: str, prefix: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    limit = 30
    with site.lock:
        site.hits.clear()
    cluster = Cluster(site, pg_url, prefix, tmp_path, extra=f"[crawl]\nmax_pages = {limit}\n")
    try:
        source = cluster.source("site", "/index.html")
        cluster.start_workers(2, "--kind", "site")
        first = cluster.round(source, redis_client)
        with site.lock:
            fetched = set(site.hits)
            assert sum(site.hits.values()) == limit
        assert first.stats["pages"] == limit
        # What the budget turned away is not marked seen, and the pages that linked to
        # it are read again: the next round goes on from there, fetching no article twice.
        second = cluster.round(source, redis_client)
        with site.lock:
            assert sum(site.hits.values()) == 2 * limit
            assert site.hits["/index.html"] == 2
            articles = [n for p, n in site.hits.items() if p.startswith("/a/")]
            assert set(articles) == {1}
            assert len(set(site.hits) - fetched) > 0
        assert second.stats["pages"] == limit
    finally:
        cluster.close()


def test_status_shows_the_cluster(cluster: Cluster, pg_url: str, redis_client: redis.Redis) -> None:
    cluster.start_workers(1, "--kind", "url")
    daemon = start_cli(cluster.path, pg_url, cluster.tmp / "daemon.log", "daemon")
    try:
        _wait(lambda: cluster.store.last_leader() is not None, "the leader to be recorded")
        _wait(lambda: redis_client.exists(f"{cluster.config.queue.prefix}:worker:w0"),
              "the worker's heartbeat")  # fmt: skip
        report = build_status(cluster.store, cluster.config, now=utcnow())
    finally:
        _stop(daemon)
    shown = json.loads(render_json(report))
    assert {"now", "jobs", "unhealthy", "recent_runs", "notices"} <= set(shown)
    leader = shown["cluster"]["leader"]
    assert (leader["pid"], leader["lock"]) == (daemon.pid, "held")
    assert leader["since"]
    assert set(shown["cluster"]["queue"]) == {"feed", "sitemap", "site", "url"}
    assert shown["cluster"]["workers"]["w0"]["kinds"] == ["url"]
    text = render_text(report)
    assert f"leader: {leader['holder']}" in text
    assert "w0 (host" in text


def test_status_without_a_queue_has_no_cluster(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'one.db'}"
    runner = CliRunner()
    shown = runner.invoke(main, ["--database", database, "status", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert set(json.loads(shown.output)) == {"now", "jobs", "unhealthy", "recent_runs", "notices"}
    text = runner.invoke(main, ["--database", database, "status"])
    assert "Cluster" not in text.output


def test_status_says_when_redis_is_unreachable(tmp_path: Path) -> None:
    config = tmp_path / "away.toml"
    config.write_text('[queue]\nredis_url = "redis://127.0.0.1:1/0"\n', encoding="utf-8")
    with open_store(f"sqlite:///{tmp_path / 'one.db'}") as store:
        store.record_leader(holder="db1-7", host="db1", pid=7, since=utcnow())
        report = build_status(store, load_config(config, store.url), now=utcnow())
    assert report.cluster is not None
    assert report.cluster.leader is not None
    assert (report.cluster.leader["pid"], report.cluster.leader["lock"]) == (7, "single node")
    assert report.cluster.errors[0].startswith("cannot reach Redis at redis://127.0.0.1:1/0")
    assert "! cannot reach Redis" in render_text(report)


def test_a_sitemap_index_past_the_file_limit_is_one_line_and_bounded_state(
    cluster: Cluster, site: ScaleSite, redis_client: redis.Redis
) -> None:
    n = SITEMAP_MAX_FILES * 2
    ns = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
    paths = [f"/big/{i}.xml" for i in range(n)]
    rows = "".join(f"<sitemap><loc>{site.url(p)}</loc></sitemap>" for p in paths)
    index = site.url("/big-index.xml")
    with site.lock:
        site.documents["/big-index.xml"] = f"<sitemapindex {ns}>{rows}</sitemapindex>".encode()
        site.documents.update(dict.fromkeys(paths, f"<urlset {ns}></urlset>".encode()))
    try:
        source = cluster.source("sitemap", "/big-index.xml")
        cluster.start_workers(1, "--kind", "sitemap")
        run = cluster.round(source, redis_client)
        followed = SITEMAP_MAX_FILES - 1  # the index is the round's first file
        with site.lock:
            assert sum(site.hits[p] for p in paths) == followed
        skipped = (
            f"sitemap {index}: skipped {n - followed:,} child sitemaps past the limit of"
            f" {SITEMAP_MAX_FILES:,} sitemap files per run"
        )
        assert run.stats["errors"] == 1, run.stats
        assert run.stats["round"]["last_error"] == skipped
        state = (cluster.store.get_source(source.id) or source).state
        assert len(state["validators"]) == SITEMAP_MAX_FILES
        assert len(state["validators"][index]["children"]) == SITEMAP_MAX_FILES
    finally:
        with site.lock:
            for path in ["/big-index.xml", *paths]:
                site.documents.pop(path, None)
