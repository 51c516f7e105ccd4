"""The Redis password never shows: not in status (text or JSON), not in a worker's or the
daemon's log, not in runs.error, not on the desk's open /runs and /api/runs.

Real Redis with an ACL user of the test's own (AUTH), real CLI processes.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scale_cli import ROOT, cli_command, cli_env, run_cli
from sqlalchemy import create_engine, inspect, text
from starlette.testclient import TestClient

from storage import open_store
from storage.engine import parse_url
from storage.redact import mask_secrets
from syndiwatch.pipeline import utcnow
from syndiwatch.web import create_app

PASSWORD = "Pw-9f3kLmQz"
WRONG = "Wr-7Hq2xVbN"


@pytest.fixture
def redis_user(redis_client: redis.Redis, prefix: str) -> Iterator[str]:
    """An ACL user (named after the prefix) whose password is PASSWORD."""
    redis_client.execute_command(
        "ACL", "SETUSER", prefix, "reset", "on", f">{PASSWORD}", f"~{prefix}:*", "&*", "+@all"
    )
    yield prefix
    redis_client.execute_command("ACL", "DELUSER", prefix)


def _redis_url(user: str, password: str, form: str) -> str:
    if form == "userinfo":
        return f"redis://{user}:{password}@127.0.0.1:6379/0"
    return f"redis://127.0.0.1:6379/0?username={user}&password={password}"


def _config(path: Path, url: str, prefix: str, extra: str = "") -> Path:
    path.write_text(
        "[network]\nallow_private = true\nobey_robots = false\n"
        f'[queue]\nredis_url = "{url}"\nprefix = "{prefix}"\nheartbeat = 1\n' + extra,
        encoding="utf-8",
    )
    return path


def _no_secret(output: str) -> None:
    assert PASSWORD not in output
    assert WRONG not in output


@pytest.mark.parametrize("form", ["userinfo", "query"])
@pytest.mark.parametrize("password", [PASSWORD, WRONG])
def test_status_hides_the_redis_password(
    tmp_path: Path, redis_user: str, prefix: str, form: str, password: str
) -> None:
    config = _config(tmp_path / "c.toml", _redis_url(redis_user, password, form), prefix)
    database = f"sqlite:///{tmp_path / 'one.db'}"
    shown = run_cli(config, database, "status")
    as_json = run_cli(config, database, "status", "--format", "json")
    assert (shown.returncode, as_json.returncode) == (0, 0), shown.stderr + as_json.stderr
    for done in (shown, as_json):
        _no_secret(done.stdout + done.stderr)
    errors = json.loads(as_json.stdout)["cluster"]["errors"]
    if password == WRONG:
        assert errors
        assert errors[0].startswith("cannot reach Redis at redis://")
        assert "***" in errors[0]
        assert "! cannot reach Redis at redis://" in shown.stdout
    else:
        assert errors == []


def test_status_hides_a_rediss_password(tmp_path: Path) -> None:
    url = f"rediss://worker:{PASSWORD}@127.0.0.1:1/0"  # nothing listens: the error names the URL
    config = _config(tmp_path / "c.toml", url, "swtest-away")
    shown = run_cli(config, f"sqlite:///{tmp_path / 'one.db'}", "status")
    assert shown.returncode == 0, shown.stderr
    _no_secret(shown.stdout + shown.stderr)
    assert "! cannot reach Redis at rediss://worker:***@127.0.0.1:1/0" in shown.stdout


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_worker_log_hides_the_redis_password(
    tmp_path: Path, redis_user: str, prefix: str, form: str
) -> None:
    database = f"sqlite:///{tmp_path / 'one.db'}"
    bad = _config(tmp_path / "bad.toml", _redis_url(redis_user, WRONG, form), prefix)
    refused = run_cli(bad, database, "-vv", "worker")
    assert refused.returncode == 1
    _no_secret(refused.stdout + refused.stderr)
    assert "Error: cannot reach Redis at redis://" in refused.stderr
    good = _config(tmp_path / "good.toml", _redis_url(redis_user, PASSWORD, form), prefix)
    worked = run_cli(good, database, "-vv", "worker", "--idle-exit", "2")
    assert worked.returncode == 0, worked.stderr[-3000:]
    assert "stopped" in worked.stderr
    _no_secret(worked.stdout + worked.stderr)


def _runs_error(url: str) -> list[str]:
    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            if "runs" not in inspect(conn).get_table_names():
                return []
            return [str(e) for e in conn.execute(text("SELECT error FROM runs")).scalars() if e]
    finally:
        engine.dispose()


def test_daemon_run_errors_and_the_desk_hide_the_redis_password(
    tmp_path: Path, redis_user: str, prefix: str
) -> None:
    database = f"sqlite:///{tmp_path / 'one.db'}"
    source = '[[sources]]\nkind = "url"\nurl = "http://127.0.0.1:9/x"\nevery = "1s"\n'
    extra = '[schedule]\nsweep_every = "1h"\njitter = 0\n' + source
    config = _config(tmp_path / "c.toml", _redis_url(redis_user, WRONG, "userinfo"), prefix, extra)
    log = tmp_path / "daemon.log"
    with log.open("wb") as handle:
        daemon = subprocess.Popen(
            cli_command(config, database, "-v", "daemon"), stdout=handle,
            stderr=subprocess.STDOUT, env=cli_env(), cwd=ROOT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not (tmp_path / "one.db").exists() or not _runs_error(database):
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                assert daemon.poll() is None, log.read_text()[-3000:]
                time.sleep(0.3)
        finally:
            daemon.terminate()
            daemon.wait(30)
    errors = _runs_error(database)
    assert any("cannot reach Redis at redis://" in e for e in errors), errors
    _no_secret("\n".join(errors))
    _no_secret(log.read_text(encoding="utf-8", errors="replace"))
    status = run_cli(config, database, "status", "--format", "json")
    _no_secret(status.stdout + status.stderr)
    with open_store(database) as store:
        # A row stored before errors were masked is masked when read.
        run_id = store.start_run("source:9", now=utcnow())
        store.finish_run(run_id, stats={}, error=None, now=utcnow())
        engine = create_engine(parse_url(database))
        with engine.begin() as conn:
            old = f"cannot reach Redis at redis://{redis_user}:{PASSWORD}@127.0.0.1:6379/0"
            conn.execute(text("UPDATE runs SET error = :e WHERE id = :i"), {"e": old, "i": run_id})
        engine.dispose()
        assert store.list_runs(1)[0].error == mask_secrets(old)
        with TestClient(create_app(store, token=None, now=utcnow)) as client:
            for path in ("/runs", "/api/runs"):
                page = client.get(path)
                assert page.status_code == 200
                assert "cannot reach Redis at redis://" in page.text
                _no_secret(page.text)


def test_a_broken_redis_url_is_one_masked_line(tmp_path: Path) -> None:
    config = _config(tmp_path / "c.toml", f"redis://u:{PASSWORD}@127.0.0.1:notaport/0", "swtest-x")
    database = f"sqlite:///{tmp_path / 'one.db'}"
    shown = run_cli(config, database, "status")
    assert shown.returncode == 0, shown.stderr
    assert (
        "! cannot reach Redis at redis://u:***@127.0.0.1:notaport/0: not a usable" in shown.stdout
    )
    worker = run_cli(config, database, "worker")
    assert worker.returncode == 1
    assert worker.stderr.splitlines() == [
        "Error: cannot reach Redis at redis://u:***@127.0.0.1:notaport/0: not a usable Redis URL"
        " (Port could not be cast to integer value as 'notaport')"
    ]
    _no_secret(shown.stdout + shown.stderr + worker.stdout + worker.stderr)
