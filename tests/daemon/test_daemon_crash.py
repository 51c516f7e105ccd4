"""Crash safety: kill -9 the daemon during crawls 20 times in a row, restarting it each time.

Afterwards nothing is duplicated, every copy and finding stored before a kill is
still there, and the schedule goes on (new runs, every job still in the persistent
job store). On SQLite the file also passes SQLite's own integrity and foreign-key
checks (PostgreSQL enforces its foreign keys itself).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from daemon_helpers import (
    DaemonProcess,
    crawl_children,
    lifecycle_codes,
    store_at,
    wait_for,
    write_config,
)

from syndiwatch.demo.server import DemoSites

pytestmark = pytest.mark.slow

KILLS = 20
CORRECT_AT = 10  # the original is corrected half-way, so lifecycle work is killed too


@contextmanager
def connected(db_url: str) -> Iterator[sa.Connection]:
    """A plain connection to the daemon's database (SQLite or PostgreSQL), read only."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def original_stored(db_url: str) -> bool:
    with connected(db_url) as conn:
        query = (
            "SELECT COUNT(*) FROM snapshots s JOIN pages p ON p.id = s.page_id"
            " JOIN stories t ON t.url = p.url"
        )
        try:
            return bool(conn.execute(sa.text(query)).scalar())
        except sa.exc.DBAPIError:  # the schema is not created yet
            return False


def snapshot(db_url: str) -> tuple[set[str], set[int]]:
    """(copy URLs, finding ids) stored so far."""
    with connected(db_url) as conn:
        query = "SELECT p.url FROM copies c JOIN pages p ON p.id = c.page_id"
        copies = set(conn.execute(sa.text(query)).scalars())
        findings = set(conn.execute(sa.text("SELECT id FROM findings")).scalars())
    return copies, findings


def test_kill_9_during_crawls_loses_and_duplicates_nothing(
    fresh_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    rng = random.Random(20261125)
    config = write_config(tmp_path / "syndiwatch.toml", fresh_sites)
    db_url = database_url
    log = tmp_path / "daemon.log"
    seen_copies: set[str] = set()
    seen_findings: set[int] = set()
    for cycle in range(KILLS):
        daemon = DaemonProcess(config, db_url, log)
        pid = daemon.proc.pid
        if cycle == CORRECT_AT:  # correct it only once the first version is stored
            wait_for("the original stored", lambda: original_stored(db_url), 60)
            fresh_sites.apply_variant("original_corrected")
        children = wait_for(f"a crawl in cycle {cycle}", lambda p=pid: crawl_children(p), 60, 0.05)
        if cycle == 0:  # so that the kills below hit a daemon with copies to lose
            wait_for("the first copies stored", lambda: snapshot(db_url)[0], 120)
        time.sleep(rng.uniform(0.0, 6.0))
        copies, findings = snapshot(db_url)
        seen_copies |= copies
        seen_findings |= findings
        children = set(children) | set(crawl_children(pid))
        daemon.kill9()
        for child in children:  # the crawl children live in their own process groups
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child, signal.SIGKILL)
    restart = time.time()
    daemon = DaemonProcess(config, db_url, log)
    try:
        _schedule_goes_on(fresh_sites, db_url, restart)
    finally:
        assert daemon.terminate() == 0, log.read_text()[-3000:]
    _consistent(db_url)
    copies, findings = snapshot(db_url)
    assert seen_copies <= copies
    assert seen_findings <= findings
    assert seen_copies, "the kills came after copies were stored"


def _schedule_goes_on(sites: DemoSites, db_url: str, restart: float) -> None:
    expected = set(sites.copy_urls)
    variant = sites.manifest["variants"]["original_corrected"]
    stale = {sites.url(k, sites.site(k)["article"]["path"]) for k in variant["stale_copies"]}

    def done() -> bool:
        with store_at(db_url) as store:
            codes = lifecycle_codes(store)
            runs = [r for r in store.list_runs(200) if r.finished_at and r.error is None]
        fresh_runs = {r.kind for r in runs if r.started_at.timestamp() >= restart}
        return (
            set(codes) >= expected
            and all("lifecycle.stale_copy" in codes[u] for u in stale)
            and "recheck" in fresh_runs
            and any(k.startswith("source:") for k in fresh_runs)
        )

    wait_for("copies, stale findings and new runs after the last restart", done, 180)
    with store_at(db_url) as store:
        jobs = {job_id for job_id, _ in store.scheduled_jobs()}
        sources = {f"source:{s.id}" for s in store.list_sources()}
    assert jobs >= sources | {"recheck", "sync", "maintenance"}


def _consistent(db_url: str) -> None:
    with connected(db_url) as conn:
        if conn.dialect.name == "sqlite":
            integrity = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
            assert [tuple(r) for r in integrity] == [("ok",)]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        for table, cols in (
            ("copies", "story_id, page_id"),
            ("findings", "copy_id, key"),
            ("pages", "url"),
            ("snapshots", "page_id, content_hash"),
            ("corrections", "story_id, key"),
            ("sources", "kind, url, scope"),
        ):
            dup = conn.execute(
                sa.text(f"SELECT {cols}, COUNT(*) FROM {table} GROUP BY {cols} HAVING COUNT(*) > 1")
            ).fetchall()
            assert dup == [], (table, dup)
        # A copy is one page of one story: no second row under another URL spelling.
        n_copies, n_urls = conn.execute(
            sa.text(
                "SELECT COUNT(*), COUNT(DISTINCT p.url) FROM copies c"
                " JOIN pages p ON p.id = c.page_id"
            )
        ).one()
        assert n_copies == n_urls
        unfinished = conn.execute(sa.text("SELECT COUNT(*) FROM runs WHERE finished_at IS NULL"))
        assert unfinished.scalar() == 0
