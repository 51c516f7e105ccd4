"""SIGTERM during a hung crawl: the daemon gives the job its grace time, kills the crawl,
records the run as failed and exits 0; no crawl process is left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from daemon_helpers import DaemonProcess, crawl_children, store_at, wait_for, write_config
from test_daemon_isolation import HangingServer

from syndiwatch.demo.server import DemoSites

pytestmark = pytest.mark.slow


def test_sigterm_cancels_a_hung_crawl_and_exits_0(
    fresh_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    hang = HangingServer()
    source = (
        f'[[sources]]\nkind = "url"\nurl = "http://127.0.0.1:{hang.port}/story"\nevery = "1h"\n'
    )
    config = write_config(tmp_path / "syndiwatch.toml", fresh_sites, sources=source,
                          extra='job_timeout = "10m"\n')  # fmt: skip
    text = config.read_text().replace("download_timeout = 5", "download_timeout = 600")
    config.write_text(text.replace('shutdown_grace = "5s"', 'shutdown_grace = "2s"'))
    db_url = database_url
    daemon = DaemonProcess(config, db_url, tmp_path / "daemon.log")
    try:

        def source_running() -> bool:
            with store_at(db_url) as store:
                runs = store.runs_of_kind("source:1")
            return bool(runs) and runs[0].finished_at is None

        wait_for("the hung source job", source_running, 90)
        children = wait_for("its crawl process", lambda: crawl_children(daemon.proc.pid), 30)
        assert daemon.terminate(timeout=60) == 0
    finally:
        hang.close()
        if daemon.proc.poll() is None:
            daemon.proc.kill()
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with store_at(db_url) as store:
        [run] = store.runs_of_kind("source:1")
    assert run.finished_at is not None
    assert run.error is not None
    assert "killed" in run.error
