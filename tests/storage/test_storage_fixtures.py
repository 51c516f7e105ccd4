"""The PostgreSQL variant of the db_url fixture: skipped locally, a failure on CI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _run_postgres_leg(ci: str | None) -> subprocess.CompletedProcess[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    env["SYNDIWATCH_TEST_POSTGRES_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    test = f"{HERE / 'test_storage_catalog.py'}::test_runs_start_finish_and_list[postgresql]"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("ci", "outcome"), [(None, "1 skipped"), ("true", "1 error")])
def test_unreachable_postgres(ci: str | None, outcome: str) -> None:
    result = _run_postgres_leg(ci)
    assert outcome in result.stdout, result.stdout + result.stderr
    assert "is unreachable" in result.stdout
    if ci:
        assert result.returncode != 0
        assert "(CI requires it)" in result.stdout
    else:
        assert result.returncode == 0
