"""Shared fixtures: the bundled demo sites served on 127.0.0.1.

`demo_sites` is one server set for the whole session (never mutate it);
`fresh_sites` is a private set for a test that overrides or removes pages.
`database_url` is the test database: each test using it runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from syndiwatch.demo.server import DemoSites, serve_sites
from tests.storage.dburls import create_database, drop_database, postgres_url, require_postgres


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


# The test database. Every test that takes `database_url` (or another fixture built on
# `database_kind`) runs twice: on SQLite and on PostgreSQL (the server that
# SYNDIWATCH_TEST_POSTGRES_URL names, by default the local one). Each test gets a database
# of its own on that server, dropped afterwards. The PostgreSQL variants are marked
# `postgres`: skipped when the server is down, a failure on CI.
DATABASE_KINDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every test that runs on a database kind as `db` (so `-m db` selects them)."""
    if "database_kind" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.db)


@pytest.hookimpl(trylast=True)  # after pytest's own reordering
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the `slow` tests first: a parallel run (pytest -n) then hands them out before
    the short ones, and does not end waiting on one long test. Their SQLite variants
    come before their PostgreSQL ones, so the two variants of one long test are not
    handed to the same worker together."""

    def order(item: pytest.Item) -> tuple[bool, bool]:
        slow = item.get_closest_marker("slow") is not None
        on_postgres = getattr(item, "callspec", None) is not None and (
            item.callspec.params.get("database_kind") == "postgresql"  # type: ignore[attr-defined]
        )
        return (not slow, slow and on_postgres)

    items.sort(key=order)


@pytest.fixture(params=DATABASE_KINDS)
def database_kind(request: pytest.FixtureRequest) -> str:
    """ "sqlite" or "postgresql": the engine this variant of the test runs on."""
    return str(request.param)


@contextmanager
def scoped_database(sqlite_path: Path, kind: str, template: str | None = None) -> Iterator[str]:
    """A URL of an empty database: `sqlite_path`, or a fresh PostgreSQL database.

    For fixtures of any scope; `template` (PostgreSQL only) names a database to copy.
    """
    if kind == "sqlite":
        yield f"sqlite:///{sqlite_path}"
        return
    with fresh_postgres_database(postgres_url(), template=template) as url:
        yield url


@pytest.fixture
def database_url(tmp_path: Path, database_kind: str) -> Iterator[str]:
    """A URL of an empty database for one test, on each engine in turn."""
    with scoped_database(tmp_path / "syndiwatch.db", database_kind) as url:
        yield url


@contextmanager
def fresh_postgres_database(server: str, template: str | None = None) -> Iterator[str]:
    """Create a uniquely named database on `server` (fail on CI, else skip, if it is down).

    With `template` (a database name or URL), the new database is a copy of that one.
    """
    require_postgres(server)
    url = create_database(server, prefix="syndiwatch_t", template=template)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def new_postgres_database() -> Callable[[str], AbstractContextManager[str]]:
    """`with new_postgres_database(server_url) as url:` a fresh database (for other conftests)."""
    return fresh_postgres_database


@pytest.fixture(scope="session")
def new_database() -> Callable[..., AbstractContextManager[str]]:
    """`with new_database(sqlite_path, kind, template=None) as url:` for wider-scoped fixtures.

    `kind` is a test's `database_kind`: fixtures shared by many tests keep one database per
    kind (see tests/web/conftest.py).
    """
    return scoped_database


@pytest.fixture
def on_postgres(database_kind: str) -> bool:
    """True in a test's PostgreSQL variant."""
    return database_kind == "postgresql"
