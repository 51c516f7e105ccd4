"""Fixtures for integration tests: the real CLI against a per-test database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from runcli import CliRun, run_cli, write_config


@pytest.fixture
def cli(tmp_path: Path) -> CliRun:
    """Run the CLI with a loopback-friendly config and a fresh SQLite database."""
    config = write_config(tmp_path / "syndiwatch.toml")
    database = f"sqlite:///{tmp_path / 'test.db'}"

    def run(*args: str, config_path: Path | None = None, timeout: float = 300) -> Any:
        return run_cli(
            *args, config=config_path or config, database=database, cwd=tmp_path, timeout=timeout
        )

    return run
