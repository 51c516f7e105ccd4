"""Fixtures for integration tests: the real CLI against a per-test database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from runcli import CliRun, run_cli, write_config


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> CliRun:
    """Run the CLI with a loopback-friendly config and a fresh database (SQLite or PostgreSQL)."""
    config = write_config(tmp_path / "syndiwatch.toml")
    database = database_url

    def run(*args: str, config_path: Path | None = None, timeout: float = 300) -> Any:
        return run_cli(
            *args, config=config_path or config, database=database, cwd=tmp_path, timeout=timeout
        )

    return run
