"""Fixtures for the daemon tests: a database on SQLite and on PostgreSQL (as storage's tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "storage"))

from dburls import fresh_schema, session_database, sqlite_url

from storage import Store, open_store


@pytest.fixture(scope="session")
def daemon_postgres() -> Iterator[str]:
    yield from session_database("syndiwatch_daemon_test")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ops_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store on SQLite, or on a fresh PostgreSQL schema."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = sqlite_url(tmp_path / "ops.db")
        else:
            url = stack.enter_context(fresh_schema(request.getfixturevalue("daemon_postgres")))
        yield stack.enter_context(open_store(url))


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
