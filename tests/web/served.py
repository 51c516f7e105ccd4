"""Run `syndiwatch serve` as a user does: a real process on a loopback address.

`served(database_url, *args, env=..., config=...)` starts it, yields its
address once it says where it listens, and stops it with Ctrl-C afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = re.compile(r"Review desk on (http://[^/ ]+/)")
STRONG_TOKEN = "strong-desk-token-for-tests-0123456789"


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if k != "SYNDIWATCH_WEB_TOKEN"}
    return subprocess.Popen(
        [sys.executable, "-m", "syndiwatch", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def address(proc: subprocess.Popen[str], limit: float) -> tuple[str, list[str]]:
    """The URL the desk printed, and the lines it printed up to it."""
    lines: list[str] = []
    deadline = time.monotonic() + limit
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if m := ADDRESS.search(line):
            return m.group(1), lines
    proc.kill()
    raise AssertionError("no address printed:\n" + "".join(lines))


def stop(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()


@contextmanager
def served(
    database_url: str,
    *args: str,
    env: dict[str, str] | None = None,
    config: Path | None = None,
) -> Iterator[str]:
    """A desk on `database_url` (extra `serve` args), yielding its base URL."""
    head = ["--config", str(config)] if config else []
    proc = start([*head, "--database", database_url, "serve", "--port", "0", *args], env)
    url, _ = address(proc, 30)
    try:
        yield url
    finally:
        assert stop(proc) == 0


def refused(database_url: str, *args: str, env: dict[str, str] | None = None,
            config: Path | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run `serve` expecting it to refuse to start; the finished process."""
    head = ["--config", str(config)] if config else []
    base = {k: v for k, v in os.environ.items() if k != "SYNDIWATCH_WEB_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "syndiwatch", *head, "--database", database_url, "serve",
         "--port", "0", *args],
        cwd=ROOT, env={**base, **(env or {})}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
