"""Shared fixtures: the bundled demo sites served on 127.0.0.1.

`demo_sites` is one server set for the whole session (never mutate it);
`fresh_sites` is a private set for a test that overrides or removes pages.
`database_url` is the test database (SQLite, or PostgreSQL in CI's second leg).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from syndiwatch.demo.server import DemoSites, serve_sites


@pytest.fixture(scope="session")
def demo_sites() -> Iterator[DemoSites]:
    """Serve every demo site for the session; read-only."""
    with serve_sites() as sites:
        yield sites


@pytest.fixture
def fresh_sites() -> Iterator[DemoSites]:
    """Serve a private copy of the demo sites that a test may mutate with set_override."""
    with serve_sites() as sites:
        yield sites


# The test database: SQLite by default; PostgreSQL when SYNDIWATCH_TEST_DATABASE_URL names a
# server (scripts/check runs the tests marked `db` a second time that way). Each test gets
# a database of its own on that server, dropped afterwards.
TEST_DATABASE_ENV = "SYNDIWATCH_TEST_DATABASE_URL"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses `database_url` or `new_database` as `db` (the PostgreSQL
    leg selects them)."""
    for item in items:
        if {"database_url", "new_database"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def database_server() -> str | None:
    """The PostgreSQL server of the second leg (TEST_DATABASE_ENV), or None for SQLite."""
    return os.environ.get(TEST_DATABASE_ENV) or None


@contextmanager
def scoped_database(sqlite_path: Path, template: str | None = None) -> Iterator[str]:
    """A URL of an empty database: `sqlite_path`, or a fresh PostgreSQL database.

    For fixtures of any scope; `template` (PostgreSQL only) names a database to copy.
    """
    server = database_server()
    if server is None:
        yield f"sqlite:///{sqlite_path}"
        return
    with fresh_postgres_database(server, template=template) as url:
        yield url


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database for one test (see TEST_DATABASE_ENV)."""
    with scoped_database(tmp_path / "syndiwatch.db") as url:
        yield url


@contextmanager
def fresh_postgres_database(server: str, template: str | None = None) -> Iterator[str]:
    """Create a uniquely named database on `server` (fail on CI, else skip, if it is down).

    With `template` (a database name or URL), the new database is a copy of that one.
    """
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"syndiwatch_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template is not None:
                source = make_url(template).database if "://" in template else template
                create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(source or ""))
            conn.execute(create)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {server} is unreachable: {str(exc).strip().splitlines()[0]}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{message} (CI requires it)", pytrace=False)
        pytest.skip(message)
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def new_postgres_database() -> Callable[[str], AbstractContextManager[str]]:
    """`with new_postgres_database(server_url) as url:` a fresh database (for other conftests)."""
    return fresh_postgres_database


@pytest.fixture(scope="session")
def new_database() -> Callable[..., AbstractContextManager[str]]:
    """`with new_database(sqlite_path, template=None) as url:` for fixtures of wider scope.

    SQLite at `sqlite_path` in the first leg, a fresh PostgreSQL database in the second
    (tests using it should also take `database_url` or be marked `db` to run there).
    """
    return scoped_database


@pytest.fixture(scope="session")
def on_postgres() -> bool:
    """True in the PostgreSQL leg."""
    return database_server() is not None
