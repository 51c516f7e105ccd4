"""Source changes reach a running daemon without a restart (SIGHUP here; the sync job
otherwise), and `syndiwatch status` shows the schedule, the last runs and sick sources."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from daemon_helpers import DaemonProcess, store_at, wait_for, write_config

from syndiwatch.demo.server import DemoSites

pytestmark = pytest.mark.slow


def cli(config: Path, db_url: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}
    done = subprocess.run(
        [sys.executable, "-m", "syndiwatch", "--config", str(config), "--database", db_url, *args],
        capture_output=True, text=True, env=env, cwd=config.parent, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def jobs(db_url: str) -> set[str]:
    with store_at(db_url) as store:
        return {job_id for job_id, _ in store.scheduled_jobs()}


def test_sources_added_and_removed_while_running(
    fresh_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    config = write_config(tmp_path / "syndiwatch.toml", fresh_sites, sources="")
    config.write_text(config.read_text().replace('sync_every = "1s"', 'sync_every = "1h"'))
    db_url = database_url
    daemon = DaemonProcess(config, db_url, tmp_path / "daemon.log")
    try:
        wait_for("the fixed jobs", lambda: jobs(db_url) >= {"recheck", "sync", "maintenance"}, 60)
        feed = fresh_sites.url("nordic", fresh_sites.site("nordic")["feed"])
        cli(config, db_url, "source", "add", "feed", feed, "--every", "1s")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for("source:1 scheduled on SIGHUP", lambda: "source:1" in jobs(db_url), 30)

        def ran() -> bool:
            with store_at(db_url) as store:
                return any(r.finished_at for r in store.runs_of_kind("source:1"))

        wait_for("source:1 ran", ran, 60)
        status = cli(config, db_url, "status")
        assert "source:1" in status
        assert f"feed {feed}" in status
        assert "Last runs:" in status
        cli(config, db_url, "source", "remove", "1")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for("source:1 unscheduled", lambda: "source:1" not in jobs(db_url), 30)
    finally:
        code = daemon.terminate()
    assert code == 0, (tmp_path / "daemon.log").read_text()[-3000:]


@pytest.mark.parametrize("second_path", ["same", "file symlink", "directory symlink"])
def test_second_daemon_on_the_same_database_is_refused(
    fresh_sites: DemoSites, tmp_path: Path, second_path: str
) -> None:
    # SQLite only: one daemon per SQLite file. On PostgreSQL a second daemon is welcome
    # and stands by for failover (syndiwatch.leader; tests/scale/test_scale_leader.py).
    config = write_config(tmp_path / "syndiwatch.toml", fresh_sites, sources="")
    db_url = f"sqlite:///{tmp_path / 'one.db'}"
    (tmp_path / "link.db").symlink_to(tmp_path / "one.db")
    (tmp_path / "linked-dir").symlink_to(tmp_path)
    other = {"same": "one.db", "file symlink": "link.db", "directory symlink": "linked-dir/one.db"}
    second_url = f"sqlite:///{tmp_path / other[second_path]}"
    first = DaemonProcess(config, db_url, tmp_path / "first.log")
    try:
        wait_for("the first daemon's jobs", lambda: "sync" in jobs(db_url), 60)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}
        second = subprocess.run(
            [sys.executable, "-m", "syndiwatch", "--config", str(config), "--database",
             second_url, "daemon"], capture_output=True, text=True, env=env, timeout=60,
            check=False,
        )  # fmt: skip
        assert second.returncode == 1
        assert "another daemon is running" in second.stderr
    finally:
        assert first.terminate() == 0


def test_runs_delayed_past_the_grace_time_are_reported_missed(
    fresh_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    from test_daemon_isolation import HangingServer

    hang = HangingServer()
    feed = fresh_sites.url("nordic", fresh_sites.site("nordic")["feed"])
    sources = (
        f'[[sources]]\nkind = "url"\nurl = "http://127.0.0.1:{hang.port}/x"\nevery = "1s"\n\n'
        f'[[sources]]\nkind = "feed"\nurl = "{feed}"\nevery = "1s"\n'
    )
    extra = 'workers = 1\nmisfire_grace = "1s"\njob_timeout = "6s"\n'
    config = write_config(tmp_path / "syndiwatch.toml", fresh_sites, sources=sources, extra=extra)
    config.write_text(config.read_text().replace("download_timeout = 5", "download_timeout = 60"))
    db_url = database_url
    daemon = DaemonProcess(config, db_url, tmp_path / "daemon.log")
    try:

        def missed() -> bool:
            with store_at(db_url) as store:
                runs = store.list_runs(200)
                health = store.all_source_health()
            told = any(r.error and r.error.startswith("missed its schedule") for r in runs)
            return told and any(h.missed_runs for h in health.values())

        wait_for("a missed run recorded", missed, 120)
        assert "missed its schedule" in cli(config, db_url, "status")
    finally:
        code = daemon.terminate()
        hang.close()
    assert code == 0


def test_failing_source_is_disabled_with_a_notification(
    fresh_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    import socket

    from daemon_helpers import HookServer

    with socket.socket() as sock:  # a port nobody listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    hook = HookServer()
    sources = f'[[sources]]\nkind = "feed"\nurl = "http://127.0.0.1:{port}/rss.xml"\nevery = "1s"\n'
    extra = f'disable_after = 2\n[notify]\nurls = ["{hook.url}"]\n'
    config = write_config(tmp_path / "syndiwatch.toml", fresh_sites, sources=sources, extra=extra)
    db_url = database_url
    daemon = DaemonProcess(config, db_url, tmp_path / "daemon.log")
    try:

        def disabled() -> bool:
            with store_at(db_url) as store:
                sources = store.list_sources()
            return bool(sources) and not sources[0].enabled

        wait_for("the source disabled", disabled, 90)
        wait_for("its job unscheduled", lambda: "source:1" not in jobs(db_url), 30)
        wait_for("the operators told", lambda: hook.posts, 30)
        assert "source 1 disabled" in hook.posts[0]["title"]
        assert "connection refused" in hook.posts[0]["message"]
        # Read status until it names the disabled source (a busy machine may show it a
        # moment after the notice went out); on failure the whole last status is shown.
        deadline = time.monotonic() + 30
        status = cli(config, db_url, "status")
        while "disabled after 2 failed runs" not in status and time.monotonic() < deadline:
            time.sleep(1)
            status = cli(config, db_url, "status")
        assert "disabled after 2 failed runs" in status, status
    finally:
        code = daemon.terminate()
        hook.close()
    assert code == 0
