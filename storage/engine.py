"""Database URLs, engines and migration on open.

Owns the SQLite connection setup (WAL, foreign keys, busy timeout, BEGIN
IMMEDIATE for writes), the mapping of plain `postgresql://` URLs to psycopg 3,
and running Alembic's `upgrade head` under a lock the first time a database is
opened. The verbs on the data live in storage.store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from storage.errors import DatabaseUnavailable, StorageError
from storage.redact import mask_secrets

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0
PG_CONNECT_TIMEOUT_S = 10
# pg_advisory_xact_lock key that serialises concurrent upgrades ("syndiwat" as hex).
PG_MIGRATION_LOCK = 0x73796E6469776174
WRITE_OPTION = "syndiwatch_write"


def parse_url(url: str) -> URL:
    """Parse a database URL; map `postgresql://` and `postgres://` to psycopg 3."""
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError) as exc:
        shown = mask_secrets(url.strip())
        raise StorageError(f"not a database URL: {shown!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(f"unsupported database (use sqlite or postgresql): {safe_url(parsed)}")
    return parsed


def safe_url(url: URL | str) -> str:
    """Render a URL for messages, with the password hidden."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except ArgumentError:
            return "<invalid URL>"
    return url.render_as_string(hide_password=True)


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_store_engine(url: URL) -> Engine:
    """Create the engine for `url`, creating a SQLite file's parent directory if needed."""
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        return create_engine(
            url, pool_pre_ping=True, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S}
        )
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StorageError(f"cannot use database {safe_url(url)}: {exc}") from exc


def _sqlite_engine(url: URL) -> Engine:
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S}}
    if is_memory_sqlite(url):
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        path = Path(str(url.database)).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot open database {safe_url(url)}: {exc.strerror or exc}"
            ) from exc
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the pysqlite recipe in
    # SQLAlchemy's SQLite dialect docs), so writes can take the lock up front.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock at once: a deferred transaction that
    # reads and then writes can fail with SQLITE_BUSY without waiting.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config(url: URL | str | None = None) -> Config:
    """An Alembic config pointing at the migrations inside the installed package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
        cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


def head_revision() -> str | None:
    """The newest revision in storage/migrations/versions."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_database(engine: Engine) -> None:
    """Run `alembic upgrade head` on `engine` unless it is already there.

    Concurrent openers are serialised: SQLite by BEGIN IMMEDIATE around the
    upgrade, PostgreSQL by a transaction-level advisory lock. DDL is
    transactional on both, so the loser of the race finds the head and does nothing.
    """
    try:
        current, head = current_revision(engine), head_revision()
        if current == head:
            return
        if current is not None and not _known_revision(current):
            raise StorageError(
                f"the database is at revision {current}, newer than this syndiwatch"
                f" ({head}); upgrade syndiwatch"
            )
        with engine.connect() as conn:
            log.info("upgrading database %s to %s", safe_url(engine.url), head)
            run_locked(conn, lambda cfg: command.upgrade(cfg, "head"))
    except DBAPIError as exc:
        raise wrap_db_error(exc, engine.url) from exc


def _known_revision(revision: str) -> bool:
    """Whether storage/migrations has `revision` (a newer syndiwatch's revision it has not)."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def run_locked(conn: Connection, action: Callable[[Config], None]) -> None:
    """Run an Alembic command on `conn` in one locked transaction.

    On SQLite, foreign keys are off while it runs: Alembic's batch mode rebuilds a
    table by dropping it, and with foreign keys on that DROP would cascade to the
    rows that point at it. The pragma only changes outside a transaction.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        _sqlite_pragma(conn, "PRAGMA foreign_keys = OFF")
    try:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
            cfg = alembic_config(conn.engine.url)
            cfg.attributes["connection"] = conn
            action(cfg)
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise StorageError("migration left rows that break a foreign key; rolled back")
    finally:
        if sqlite:
            _sqlite_pragma(conn, "PRAGMA foreign_keys = ON")


def _sqlite_pragma(conn: Connection, pragma: str) -> None:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(pragma)
    finally:
        cursor.close()


def wrap_db_error(exc: DBAPIError, url: URL) -> StorageError:
    """Turn a driver error into a one-line StorageError naming the URL (no password)."""
    reason = mask_secrets(str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc))
    if exc.connection_invalidated or _is_connect_error(exc):
        return DatabaseUnavailable(f"cannot open database {safe_url(url)}: {reason}")
    return StorageError(f"database error on {safe_url(url)}: {reason}")


def _is_connect_error(exc: DBAPIError) -> bool:
    name = type(exc.orig).__name__ if exc.orig else ""
    message = str(exc.orig).lower()
    return name in ("OperationalError", "DatabaseError") and any(
        hint in message
        for hint in (
            "unable to open",
            "connection",
            "could not connect",
            "does not exist",
            "password authentication",
            "readonly",
            "disk i/o",
            "not a database",
        )
    )
