"""One daemon per SQLite file: an flock held for the daemon's lifetime, released even by kill -9.

The lock is `<database>.daemon.lock` next to the file, its path resolved first: a
daemon reaching the file through a symlink takes the same lock. On PostgreSQL several
daemons may run; syndiwatch.leader elects the one that schedules (the others stand by), so
this lock is a no-op there.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from storage.engine import is_memory_sqlite, parse_url, safe_url
from storage.errors import StorageError


class AlreadyLocked(StorageError):
    """Another process holds the daemon lock of this database."""


@contextlib.contextmanager
def daemon_lock(url: str) -> Iterator[None]:
    """Hold the SQLite database's daemon lock for the `with` block, or raise AlreadyLocked."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or is_memory_sqlite(parsed):
        yield
        return
    # Resolved: two daemons reaching one file through a symlink must meet on one lock.
    database = Path(str(parsed.database)).expanduser().resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    with database.with_name(database.name + ".daemon.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyLocked(f"another daemon is running on {safe_url(parsed)}") from None
        yield
