"""Leader election among daemon processes: one PostgreSQL advisory lock, one scheduler.

`Leadership` holds a session-level `pg_try_advisory_lock` on a dedicated
connection (not the pool): PostgreSQL releases it the moment that session ends,
also when its process is killed. TCP keep-alives on both sides bound how long a
vanished leader keeps it. On SQLite there is one node: it is always the leader.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import psycopg
from sqlalchemy.engine import URL

from storage.engine import parse_url, safe_url

log = logging.getLogger(__name__)

# Session advisory lock key of the scheduler ("syndlead" as hex); distinct from the
# transaction-level key storage.engine uses to serialise migrations.
LEADER_LOCK_KEY = 0x73796E646C656164
# Keep-alive timing of the lock connection, on the client and (per session) on the
# server: a silent peer is dropped after IDLE + INTERVAL * COUNT = 9 s.
KEEPALIVE_IDLE_S = 3
KEEPALIVE_INTERVAL_S = 2
KEEPALIVE_COUNT = 3
CONNECT_TIMEOUT_S = 5


class Leadership:
    """Try to become (and stay) the one scheduler on a database.

    `acquire()` returns True once this process holds the lock; `check()` runs a
    health query on the lock connection and returns False once leadership is lost
    (the caller must stop scheduling at once). Thread-safe; `release()` is idempotent.
    """

    def __init__(self, database_url: str, *, key: int = LEADER_LOCK_KEY) -> None:
        self._url = parse_url(database_url)
        self._key = key
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._lock = threading.Lock()
        self.single_node = self._url.get_backend_name() != "postgresql"
        self.is_leader = False

    @property
    def where(self) -> str:
        return safe_url(self._url)

    def acquire(self) -> bool:
        """Take the lock if it is free; True if this process is (now) the leader."""
        with self._lock:
            if self.is_leader:
                return True
            if self.single_node:
                self.is_leader = True
                return True
            try:
                conn = self._conn if self._conn is not None else _connect(self._url)
                self._conn = conn
                row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
            except psycopg.Error as exc:
                log.warning("leader election on %s: %s", self.where, _one_line(exc))
                self._drop()
                return False
            self.is_leader = bool(row and row[0])
            return self.is_leader

    def check(self) -> bool:
        """True while the lock is held: the lock connection answers and still holds it."""
        with self._lock:
            if self.single_node or not self.is_leader:
                return self.is_leader
            try:
                assert self._conn is not None
                row = self._conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = %s",
                    (self._key,),
                ).fetchone()
                held = bool(row and row[0])
            except psycopg.Error as exc:
                log.error("lost the leader lock connection: %s", _one_line(exc))
                held = False
            if not held:
                self.is_leader = False
                self._drop()
            return held

    def release(self) -> None:
        """Give the lock up so a standby takes over; idempotent.

        Unlocked explicitly first: a closed session releases its locks only once its
        server process has exited, a moment after close() returns.
        """
        with self._lock:
            if self.is_leader and self._conn is not None:
                try:
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
                except psycopg.Error:  # the session is gone, and its lock with it
                    log.debug("unlocking the leader lock failed", exc_info=True)
            self.is_leader = False
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:  # the connection is already gone; nothing to release
                log.debug("closing the leader connection failed", exc_info=True)
            self._conn = None


def single_node_lock(database_url: str) -> contextlib.AbstractContextManager[None]:
    """The one-daemon lock where there is one node (SQLite); none on PostgreSQL.

    On PostgreSQL several daemons are welcome (one per machine, for failover):
    `Leadership` decides which one schedules, the others stand by.
    """
    if parse_url(database_url).get_backend_name() == "postgresql":
        return contextlib.nullcontext()
    from storage.locks import daemon_lock

    return daemon_lock(database_url)


def stand_by(leadership: Leadership, stop: threading.Event, every: float) -> bool:
    """Block until this process leads (True) or `stop` is set (False); try every `every` s.

    A standby takes over at most `every` s after the leader's session ended: at
    once when its process died (the server sees the socket close), or after the
    keep-alive timeout (~9 s) when its host vanished.
    """
    announced = False
    while not stop.is_set():
        if leadership.acquire():
            log.info("leader: this daemon runs the schedule (%s)", leadership.where)
            return True
        if not announced:
            log.info("standing by: another daemon runs the schedule on %s", leadership.where)
            announced = True
        stop.wait(every)
    return False


class LeaderWatch:
    """Rate-limited `Leadership.check()` for a daemon's main loop."""

    def __init__(self, leadership: Leadership, every: float) -> None:
        self.leadership, self.every = leadership, every
        self._next = time.monotonic() + every

    def ok(self) -> bool:
        if time.monotonic() < self._next:
            return True
        self._next = time.monotonic() + self.every
        return self.leadership.check()


@dataclass(frozen=True, slots=True)
class LockHolder:
    """The session holding the scheduler's lock, as PostgreSQL sees it."""

    application_name: str
    pid: int | None  # the daemon's OS pid, read from its application_name
    client_addr: str | None
    backend_start: datetime | None


def lock_holder(database_url: str, *, key: int = LEADER_LOCK_KEY) -> LockHolder | None:
    """Who holds the scheduler's lock now (pg_locks + pg_stat_activity); None: nobody.

    Raises psycopg.Error when the server cannot be asked; None on SQLite too.
    """
    url = parse_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        row = conn.execute(
            "SELECT a.application_name, host(a.client_addr), a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database()) "
            "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s",
            (key,),
        ).fetchone()
    if row is None:
        return None
    name = str(row[0] or "")
    tail = name.rsplit("-", 1)[-1]
    pid = int(tail) if name.startswith("syndiwatch-leader-") and tail.isdigit() else None
    return LockHolder(name, pid, str(row[1]) if row[1] else None, row[2])


def _connect(url: URL) -> psycopg.Connection[tuple[object, ...]]:
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = psycopg.connect(
        libpq,
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_S,
        keepalives=1,
        keepalives_idle=KEEPALIVE_IDLE_S,
        keepalives_interval=KEEPALIVE_INTERVAL_S,
        keepalives_count=KEEPALIVE_COUNT,
        application_name=f"syndiwatch-leader-{os.getpid()}",  # operators see who leads
    )
    # The server side too: a leader whose host vanished loses the lock in ~9 s.
    for name, value in (("tcp_keepalives_idle", KEEPALIVE_IDLE_S),
                        ("tcp_keepalives_interval", KEEPALIVE_INTERVAL_S),
                        ("tcp_keepalives_count", KEEPALIVE_COUNT)):  # fmt: skip
        conn.execute(f"SET {name} = {int(value)}")
    return conn


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
