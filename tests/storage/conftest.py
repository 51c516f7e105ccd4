"""Fixtures for storage tests: every test runs on SQLite and on PostgreSQL.

`db_url` is parametrized over both backends. PostgreSQL is skipped when the
server is unreachable, except on CI (CI=true), where that fails the run.
The helpers live in dburls.py so other test packages can reuse them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dburls import fresh_schema, session_database, sqlite_url

from storage import Store, open_store


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database created for this test session on the test server, dropped after."""
    yield from session_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "syndiwatch.db")
        return
    with fresh_schema(request.getfixturevalue("postgres_database")) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened


@pytest.fixture
def t0() -> datetime:
    return datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
