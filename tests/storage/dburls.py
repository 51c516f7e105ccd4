"""Database URLs for tests that must run on SQLite and on PostgreSQL.

Plain helpers (no pytest fixtures) so any test package can import them: the
PostgreSQL server comes from SYNDIWATCH_TEST_POSTGRES_URL, each test session gets
its own database (session_database) and each test its own schema inside it
(fresh_schema).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

POSTGRES_ENV = "SYNDIWATCH_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    """The server to test against (SQLAlchemy form)."""
    return os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES_URL


def must_have_postgres() -> bool:
    """True on CI, where an unreachable PostgreSQL is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_unreachable_reason(url: str) -> str | None:
    """None if the server answers, else a one-line reason."""
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def unavailable(message: str) -> None:
    """A server the tests need is down: skip them, except on CI, where that fails them."""
    if must_have_postgres():
        pytest.fail(f"{message} (CI requires it)", pytrace=False)
    pytest.skip(message)


def require_postgres(server: str) -> None:
    """Skip (fail on CI) the test asking unless the PostgreSQL `server` answers."""
    reason = postgres_unreachable_reason(server)
    if reason is not None:
        unavailable(f"PostgreSQL at {server} is unreachable: {reason}")


def create_database(url: str, prefix: str = "syndiwatch_test", template: str | None = None) -> str:
    """Create a uniquely named database on the server of `url`; return its URL.

    With `template` (a database name or URL), the new database is a copy of that one.
    """
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        source = make_url(template).database if "://" in template else template
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(source or ""))
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(create)
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop the database `url` names (connecting to the server's `postgres` database)."""
    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(_libpq(admin), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(parsed.database or "")
            )
        )


def create_schema(url: str) -> tuple[str, str]:
    """Create a fresh schema in database `url`; return (schema, URL whose search_path is it)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, scoped.render_as_string(hide_password=False)


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def session_database(prefix: str = "syndiwatch_test") -> Iterator[str]:
    """The body of a session fixture: a database of its own on the test server, dropped after.

    An unreachable server skips the tests that need it, except on CI, where it fails them.
    """
    server = postgres_url()
    require_postgres(server)
    url = create_database(server, prefix=prefix)
    yield url
    drop_database(url)


@contextmanager
def fresh_schema(database: str) -> Iterator[str]:
    """The URL of a new, empty schema in `database`, dropped afterwards."""
    schema, url = create_schema(database)
    try:
        yield url
    finally:
        drop_schema(database, schema)
