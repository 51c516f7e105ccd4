"""Crawl children die with their parent: kill -9 or SIGTERM of `run --once`, kill -9 of
the daemon, and a restarted daemon kills the crawls an earlier one left behind.

The crawl fetches from a server that accepts and never answers, with a download
timeout far longer than the test, so a child that outlives its parent is seen.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_helpers import DaemonProcess, crawl_children, wait_for
from test_daemon_isolation import HangingServer

from drift.model import Article
from scraper.lifeline import pid_dir
from storage import open_store
from syndiwatch.pipeline import utcnow

pytestmark = pytest.mark.slow

ORIGINAL = "https://news.example/2026/12/04/story"


@pytest.fixture
def hang() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.close()


def _setup(tmp_path: Path, hang: HangingServer) -> tuple[Path, str]:
    """A config whose one source hangs, and a database whose story is already fetched."""
    db_url = f"sqlite:///{tmp_path / 'orphans.db'}"
    config = tmp_path / "syndiwatch.toml"
    config.write_text(
        "[network]\nallow_private = true\nobey_robots = false\ndownload_timeout = 300\n"
        '[schedule]\njob_timeout = "10m"\njitter = 0\nsweep_every = "1h"\nshutdown_grace = "3s"\n'
        f'[[sources]]\nkind = "url"\nurl = "http://127.0.0.1:{hang.port}/x"\nevery = "1s"\n',
        encoding="utf-8",
    )
    with open_store(db_url) as store:
        store.add_story(ORIGINAL, now=utcnow())
        article = Article(ORIGINAL, "Story", ("A paragraph of the original story, long enough.",))
        store.record_fetch(ORIGINAL, status=200, body=b"<html>x</html>", headers={},
                           article=article, fetched_at=utcnow())  # fmt: skip
    return config, db_url


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for init to reap it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for pid in left:  # do not leave them behind for the next tests
        os.killpg(pid, signal.SIGKILL)
    return left


def _run_once(config: Path, db_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "syndiwatch", "--config", str(config), "--database", db_url,
             "-v", "run", "--once"], stdout=handle, stderr=subprocess.STDOUT, env=env,
            cwd=config.parent,
        )  # fmt: skip


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_run_once_killed_takes_its_crawl_with_it(
    tmp_path: Path, hang: HangingServer, how: signal.Signals
) -> None:
    config, db_url = _setup(tmp_path, hang)
    parent = _run_once(config, db_url, tmp_path / "once.log")
    try:
        children = wait_for("the crawl child", lambda: crawl_children(parent.pid), 60, 0.1)
        wait_for("the hanging fetch", lambda: hang.conns, 60, 0.1)
        parent.send_signal(how)
        parent.wait(10)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    assert _gone_within(children, 5) == []


def test_daemon_killed_takes_its_crawl_with_it(tmp_path: Path, hang: HangingServer) -> None:
    config, db_url = _setup(tmp_path, hang)
    daemon = DaemonProcess(config, db_url, tmp_path / "daemon.log")
    try:
        children = wait_for("the crawl child", lambda: crawl_children(daemon.proc.pid), 60, 0.1)
        wait_for("the hanging fetch", lambda: hang.conns, 60, 0.1)
    finally:
        daemon.kill9()
    assert _gone_within(children, 5) == []


def _stand_in(tmp_path: Path) -> subprocess.Popen[bytes]:
    """A crawl process of an older syndiwatch (no lifeline): runs until killed."""
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)", "scraper.runner"],
        start_new_session=True, cwd=tmp_path,
    )  # fmt: skip


def test_restarted_daemon_kills_crawls_left_behind(tmp_path: Path, hang: HangingServer) -> None:
    config, db_url = _setup(tmp_path, hang)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a parent that is gone
    orphan, owned = _stand_in(tmp_path), _stand_in(tmp_path)
    start = {p.pid: Path(f"/proc/{p.pid}/stat").read_text().split(") ")[1].split()[19]
             for p in (orphan, owned)}  # fmt: skip
    # Its own TMPDIR: a daemon of another test running at once must not reap this orphan.
    crawls = tmp_path / pid_dir().relative_to(tempfile.gettempdir())
    crawls.mkdir(parents=True, exist_ok=True)
    (crawls / str(orphan.pid)).write_text(f"{dead.pid} {start[orphan.pid]}\n")
    (crawls / str(owned.pid)).write_text(f"{os.getpid()} {start[owned.pid]}\n")  # ours, alive
    daemon = DaemonProcess(config, db_url, tmp_path / "daemon.log", env={"TMPDIR": str(tmp_path)})
    try:
        assert orphan.wait(30) == -signal.SIGKILL
        wait_for("the daemon's crawl", lambda: crawl_children(daemon.proc.pid), 60, 0.1)
        assert owned.poll() is None  # its recorded parent (this test) still runs
    finally:
        assert daemon.terminate() == 0
        owned.kill()
        owned.wait()
    assert (
        "killed 1 crawl process(es) left by an earlier run" in (tmp_path / "daemon.log").read_text()
    )
    assert not (crawls / str(orphan.pid)).exists()
