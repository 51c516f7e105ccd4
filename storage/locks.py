"""One daemon per database: a lock held for the daemon's lifetime, released even by kill -9.

SQLite: an flock on `<database>.daemon.lock` next to the file. PostgreSQL: a
session-level advisory lock on a connection kept open while the daemon runs.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from storage.engine import create_store_engine, is_memory_sqlite, parse_url, safe_url
from storage.errors import StorageError

# pg_try_advisory_lock key of the daemon ("syndidmn" as hex); migrations use another.
PG_DAEMON_LOCK = 0x73796E6469646D6E


class AlreadyLocked(StorageError):
    """Another process holds the daemon lock of this database."""


@contextlib.contextmanager
def daemon_lock(url: str) -> Iterator[None]:
    """Hold the database's daemon lock for the `with` block, or raise AlreadyLocked."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if is_memory_sqlite(parsed):
            yield
            return
        with _file_lock(Path(str(parsed.database)).expanduser(), safe_url(parsed)):
            yield
        return
    engine = create_store_engine(parsed)
    try:
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_DAEMON_LOCK})
            if not got.scalar():
                raise AlreadyLocked(f"another daemon is running on {safe_url(parsed)}")
            conn.commit()
            yield
    finally:
        engine.dispose()


@contextlib.contextmanager
def _file_lock(database: Path, shown: str) -> Iterator[None]:
    database.parent.mkdir(parents=True, exist_ok=True)
    with database.with_name(database.name + ".daemon.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyLocked(f"another daemon is running on {shown}") from None
        yield
