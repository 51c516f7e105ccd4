"""Helpers for the daemon tests: config files, a daemon subprocess, polling the database."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from storage import Store, open_store
from syndiwatch.demo.server import DemoSites

T = TypeVar("T")

FAST_SCHEDULE = """
[schedule]
sweep_every = "1s"
sync_every = "1s"
recheck_every = "1s"
original_every = "1s"
jitter = 0
shutdown_grace = "5s"
fail_after = 2
"""


def feed_sources(sites: DemoSites, every: str = "1s", skip: tuple[str, ...] = ()) -> str:
    """[[sources]] for the feed of every demo site but the original's."""
    out = []
    for site in sites.manifest["sites"]:
        if site["role"] == "original" or site["key"] in skip:
            continue
        url = sites.url(site["key"], site["feed"])
        out.append(f'[[sources]]\nkind = "feed"\nurl = "{url}"\nevery = "{every}"\n')
    return "\n".join(out)


def write_config(
    path: Path, sites: DemoSites, *, sources: str | None = None, extra: str = ""
) -> Path:
    """A config for the demo sites: private addresses allowed, jobs every second."""
    body = (
        "[network]\nallow_private = true\ndownload_timeout = 5\n"
        + FAST_SCHEDULE
        + extra
        + f'\n[[stories]]\nurl = "{sites.original_url}"\n\n'
        + (sources if sources is not None else feed_sources(sites))
    )
    path.write_text(body, encoding="utf-8")
    return path


class DaemonProcess:
    """`python -m syndiwatch daemon` in a subprocess, its log in a file."""

    def __init__(self, config: Path, db_url: str, log: Path, env: dict[str, str] | None = None):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}
        cmd = [sys.executable, "-m", "syndiwatch", "--config", str(config), "--database", db_url]
        self.log = log.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [*cmd, "-v", "daemon"], stdout=self.log, stderr=self.log,
            env={**clean, **(env or {})}, cwd=config.parent,
        )  # fmt: skip

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self.log.close()

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()


def crawl_children(pid: int) -> list[int]:
    """PIDs of the crawl processes (scraper.runner) that process `pid` started."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                if b"scraper.runner" in Path(f"/proc/{child}/cmdline").read_bytes():
                    out.append(int(child))
    return out


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, every: float = 0.5) -> T:
    """Poll `probe` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what} (last: {last!r})")


@contextmanager
def store_at(db_url: str) -> Iterator[Store]:
    store = open_store(db_url)
    try:
        yield store
    finally:
        store.close()


def lifecycle_codes(store: Store) -> dict[str, set[str]]:
    """{copy URL: codes of its active lifecycle findings} of every stored copy."""
    out: dict[str, set[str]] = {}
    for report in store.report():
        for copy in report.copies:
            out[copy.url] = {
                f.finding.code for f in copy.findings if f.finding.category == "lifecycle"
            }
    return out


class HookServer:
    """A local HTTP endpoint that records every JSON POST (an apprise json:// target)."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.failing = False  # answer 500 (and record nothing) while True
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if not hook.failing:
                    hook.posts.append(json.loads(body or b"{}"))
                self.send_response(500 if hook.failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
