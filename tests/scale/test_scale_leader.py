"""One scheduler among several daemons: a PostgreSQL advisory lock elects it.

Two `daemon` processes on one database: each job runs once per due time (the
run history proves it); the leader killed -9, the standby takes over within
the bound syndiwatch.leader states. Plus the Leadership object on its own.
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
import redis
from scale_cli import start_cli, write_cluster_config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import open_store
from storage.engine import parse_url
from syndiwatch.leader import Leadership

EVERY_S = 2.0
LEADER_CHECK_S = 0.5  # write_cluster_config's [queue] leader_check
# The standby polls every LEADER_CHECK_S once the dead leader's session is gone;
# its scheduler then starts within a few seconds (imports, job store).
TAKEOVER_BOUND_S = LEADER_CHECK_S + 10


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _leader_pid(url: str) -> int | None:
    """The OS pid of the daemon holding the lock (its lock connection names it)."""
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() "
            "AND a.application_name LIKE 'syndiwatch-leader-%'"
        ).fetchone()
    return int(str(row[0]).rsplit("-", 1)[1]) if row else None


def _runs(url: str, kind: str) -> list[datetime]:
    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT started_at FROM runs WHERE kind = :k ORDER BY started_at"), {"k": kind}
            )
            return [r[0] for r in rows]
    finally:
        engine.dispose()


def _wait_for(condition: object, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds:g} s")
        time.sleep(0.1)


def _assert_once_per_due_time(starts: list[datetime]) -> None:
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    # Two daemons running the job would leave pairs of runs a few ms apart. A run that
    # started late on a busy machine may be followed by the next one sooner than
    # EVERY_S, but never within a fraction of a second.
    assert all(gap > 0.25 for gap in gaps), gaps
    # And no more runs than due times in the span.
    span = (starts[-1] - starts[0]).total_seconds()
    assert len(starts) <= span / EVERY_S + 2, (len(starts), span, gaps)


@pytest.mark.slow
def test_two_daemons_one_schedule_and_takeover(
    pg_url: str, prefix: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    source = '[[sources]]\nkind = "url"\nurl = "http://127.0.0.1:9/a"\nevery = "2s"\n'
    config = write_cluster_config(
        tmp_path / "cluster.toml", prefix=prefix, extra="[schedule]\njitter = 0\n" + source
    )
    open_store(pg_url).close()  # migrated before the daemons race for the lock
    daemons = {}
    for name in ("a", "b"):
        process = start_cli(config, pg_url, tmp_path / f"{name}.log", "-v", "daemon")
        daemons[process.pid] = process
    try:
        _wait_for(lambda: len(_runs(pg_url, "source:1")) >= 4, "four scheduled runs", 60)
        leader = _leader_pid(pg_url)
        assert leader in daemons
        daemons[leader].send_signal(signal.SIGKILL)
        daemons[leader].wait()
        killed_at = len(_runs(pg_url, "source:1"))
        standby = next(pid for pid in daemons if pid != leader)
        _wait_for(lambda: _leader_pid(pg_url) == standby, "takeover", TAKEOVER_BOUND_S)
        _wait_for(lambda: len(_runs(pg_url, "source:1")) >= killed_at + 3, "runs resumed", 30)
    finally:
        for process in daemons.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in daemons.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    _assert_once_per_due_time(_runs(pg_url, "source:1"))
    assert daemons[standby].returncode == 0
    standby_log = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
    assert "standing by" in standby_log
    # The scheduler only enqueued: one start message per run, nothing crawled here.
    assert redis_client.llen(f"{prefix}:url:start_urls") == len(_runs(pg_url, "source:1"))


def test_one_leader_at_a_time(pg_url: str) -> None:
    first, second = Leadership(pg_url), Leadership(pg_url)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.check()
        first.release()
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()


def test_leader_notices_a_lost_session(pg_url: str) -> None:
    leader, standby = Leadership(pg_url), Leadership(pg_url)
    try:
        assert leader.acquire()
        with psycopg.connect(_libpq(pg_url), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name LIKE 'syndiwatch-leader-%' AND datname = current_database()"
            )
        assert not leader.check()
        assert not leader.is_leader
        # The terminated server process frees its locks as it exits, a moment later.
        _wait_for(standby.acquire, "the standby taking the lock", 10)
    finally:
        leader.release()
        standby.release()


def test_sqlite_is_a_single_node_leader(tmp_path: Path) -> None:
    a, b = (
        Leadership(f"sqlite:///{tmp_path / 'x.db'}"),
        Leadership(f"sqlite:///{tmp_path / 'x.db'}"),
    )
    assert a.acquire()
    assert b.acquire()
    assert a.check()
