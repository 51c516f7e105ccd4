"""Helpers of the scale-out tests: server URLs, a cluster config, the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.storage.dburls import postgres_url

POSTGRES = postgres_url()
REDIS = os.environ.get("SYNDIWATCH_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parents[2]


def write_cluster_config(path: Path, *, prefix: str, extra: str = "") -> Path:
    """A config for loopback: private addresses, no throttling, short queue timings."""
    path.write_text(
        "[network]\nallow_private = true\nobey_robots = false\ndownload_timeout = 5\n"
        f'[queue]\nredis_url = "{REDIS}"\nprefix = "{prefix}"\nheartbeat = 2\n'
        "index_refresh = 1\nleader_check = 0.5\nautothrottle = false\nper_domain = 16\n" + extra,
        encoding="utf-8",
    )
    return path


def cli_command(config: Path, database: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "syndiwatch", "--config", str(config),
            "--database", database, *args]  # fmt: skip


def cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}


def run_cli(config: Path, database: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(config, database, *args), capture_output=True, text=True, timeout=120,
        env=cli_env(), cwd=ROOT, check=False,
    )  # fmt: skip


def start_cli(config: Path, database: str, log: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start a long-running command (worker, daemon) with its log in a file."""
    handle = log.open("wb")
    return subprocess.Popen(
        cli_command(config, database, *args), stdout=handle, stderr=subprocess.STDOUT,
        env=cli_env(), cwd=ROOT,
    )  # fmt: skip
