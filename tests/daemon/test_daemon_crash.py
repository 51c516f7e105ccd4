"""Crash safety: kill -9 the daemon during crawls 20 times in a row, restarting it each time.

Afterwards the database passes SQLite's integrity and foreign-key checks, nothing
is duplicated, every copy and finding stored before a kill is still there, and
the schedule goes on (new runs, every job still in the persistent job store).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
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


def original_stored(db: Path) -> bool:
    with sqlite3.connect(db) as conn:
        query = (
            "SELECT COUNT(*) FROM snapshots s JOIN pages p ON p.id = s.page_id"
            " JOIN stories t ON t.url = p.url"
        )
        return bool(conn.execute(query).fetchone()[0])


def snapshot(db: Path) -> tuple[set[str], set[int]]:
    """(copy URLs, finding ids) stored so far."""
    with sqlite3.connect(db) as conn:
        copies = {
            u
            for (u,) in conn.execute("SELECT p.url FROM copies c JOIN pages p ON p.id = c.page_id")
        }
        findings = {i for (i,) in conn.execute("SELECT id FROM findings")}
    return copies, findings


def test_kill_9_during_crawls_loses_and_duplicates_nothing(
    fresh_sites: DemoSites, tmp_path: Path
) -> None:
    rng = random.Random(20261125)
    config = write_config(tmp_path / "syndiwatch.toml", fresh_sites)
    # SQLite only: it checks SQLite's own integrity and foreign keys after each kill -9
    # (with sqlite3), and its 20 real-clock restarts would push the PostgreSQL leg of
    # scripts/check past its time budget.
    db = tmp_path / "crash.db"
    db_url = f"sqlite:///{db}"
    log = tmp_path / "daemon.log"
    seen_copies: set[str] = set()
    seen_findings: set[int] = set()
    for cycle in range(KILLS):
        daemon = DaemonProcess(config, db_url, log)
        pid = daemon.proc.pid
        if cycle == CORRECT_AT:  # correct it only once the first version is stored
            wait_for("the original stored", lambda: original_stored(db), 60)
            fresh_sites.apply_variant("original_corrected")
        children = wait_for(f"a crawl in cycle {cycle}", lambda p=pid: crawl_children(p), 60, 0.05)
        time.sleep(rng.uniform(0.0, 6.0))
        if db.exists():
            copies, findings = snapshot(db)
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
    _consistent(db)
    copies, findings = snapshot(db)
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


def _consistent(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, cols in (
            ("copies", "story_id, page_id"),
            ("findings", "copy_id, key"),
            ("pages", "url"),
            ("snapshots", "page_id, content_hash"),
            ("corrections", "story_id, key"),
            ("sources", "kind, url, scope"),
        ):
            dup = conn.execute(
                f"SELECT {cols}, COUNT(*) FROM {table} GROUP BY {cols} HAVING COUNT(*) > 1"
            ).fetchall()
            assert dup == [], (table, dup)
        # A copy is one page of one story: no second row under another URL spelling.
        n_copies, n_urls = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT p.url) FROM copies c JOIN pages p ON p.id = c.page_id"
        ).fetchone()
        assert n_copies == n_urls
        unfinished = conn.execute("SELECT COUNT(*) FROM runs WHERE finished_at IS NULL")
        assert unfinished.fetchone() == (0,)
