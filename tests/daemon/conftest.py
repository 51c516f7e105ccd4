"""Fixtures for the daemon tests: a database on SQLite and on PostgreSQL (as storage's tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "storage"))

from dburls import (
    create_database,
    create_schema,
    drop_database,
    drop_schema,
    must_have_postgres,
    postgres_unreachable_reason,
    postgres_url,
    sqlite_url,
)

from storage import Store, open_store


@pytest.fixture(scope="session")
def daemon_postgres() -> Iterator[str]:
    server = postgres_url()
    reason = postgres_unreachable_reason(server)
    if reason is not None:
        message = f"PostgreSQL at {server} is unreachable: {reason}"
        if must_have_postgres():
            pytest.fail(f"{message} (CI requires it)", pytrace=False)
        pytest.skip(message)
    url = create_database(server, prefix="syndiwatch_daemon_test")
    yield url
    drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ops_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store on SQLite, or on a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        with open_store(sqlite_url(tmp_path / "ops.db")) as store:
            yield store
        return
    database = request.getfixturevalue("daemon_postgres")
    schema, url = create_schema(database)
    with open_store(url) as store:
        yield store
    drop_schema(database, schema)


@pytest.fixture
def t0() -> datetime:
    return datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


LOG_TAIL_LINES = 80


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """A failed daemon test shows the tail of every daemon log in its tmp_path.

    The daemons run in subprocesses that log to files there; without this a timed-out
    wait says what did not happen but not what the daemon was doing instead.
    """
    report = yield
    if call.when == "call" and report.failed:
        tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
        for log in sorted(Path(tmp_path).glob("*.log")) if tmp_path else []:
            lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
            tail = "\n".join(lines[-LOG_TAIL_LINES:])
            report.sections.append((f"{log.name} (last {LOG_TAIL_LINES} lines)", tail))
    return report
