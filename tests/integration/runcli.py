"""Helpers for integration tests that run the real `syndiwatch` CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

CliRun = Callable[..., subprocess.CompletedProcess[str]]


def write_config(path: Path, *, allow_private: bool = True, extra: str = "") -> Path:
    """A config for loopback fixture sites: private addresses allowed, short timeouts."""
    path.write_text(
        "[network]\n"
        f"allow_private = {'true' if allow_private else 'false'}\n"
        "download_timeout = 3\n" + extra,
        encoding="utf-8",
    )
    return path


def run_cli(
    *args: str, config: Path, database: str, cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `python -m syndiwatch --config CONFIG --database DATABASE ARGS`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}
    cmd = [sys.executable, "-m", "syndiwatch", "--config", str(config), "--database", database]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
        check=False,
    )  # fmt: skip
