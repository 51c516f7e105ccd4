"""`syndiwatch serve` and `demo --serve` as a user runs them: a real process on loopback."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from deskdata import DeskData
from served import STRONG_TOKEN, start, stop
from served import address as desk_address

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_the_desk_until_ctrl_c(desk: DeskData) -> None:
    proc = start(["--database", desk.url, "serve", "--port", "0"])
    address, lines = desk_address(proc, 30)
    assert "read-only" in "".join(lines)
    page = httpx.get(address, timeout=10)
    assert page.status_code == 200
    assert "Oslo port strike" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert stop(proc) == 0


def test_serve_with_token_from_the_environment(desk: DeskData) -> None:
    proc = start(
        ["--database", desk.url, "serve", "--port", "0"],
        env={"SYNDIWATCH_WEB_TOKEN": STRONG_TOKEN},
    )
    address, lines = desk_address(proc, 30)
    assert "sign in" in "".join(lines)
    assert "read-only" not in httpx.get(address, timeout=10).text
    assert stop(proc) == 0


def test_serve_on_a_busy_port_is_one_clear_line(desk: DeskData) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "syndiwatch", "--database", desk.url, "serve",
             "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 1
    assert re.search(rf"Error: cannot serve on 127\.0\.0\.1:{port}: ", result.stderr)


@pytest.mark.slow
def test_demo_serve_serves_the_demo_database(tmp_path: Path) -> None:
    config = tmp_path / "syndiwatch.toml"
    config.write_text(f"[web]\nport = {_free_port()}\n", encoding="utf-8")
    proc = start(["--config", str(config), "demo", "--serve"])
    address, lines = desk_address(proc, 120)
    assert any("one-time token" in line for line in lines)
    story = httpx.get(address + "stories/s_01", timeout=10)
    assert story.status_code == 200
    assert "number_changed" in story.text
    assert stop(proc) == 0


def test_the_desk_never_loads_the_scheduler(desk: DeskData) -> None:
    code = (
        "import sys\n"
        "from storage import open_store\n"
        "from syndiwatch.commands.serve import run_desk\n"
        "from syndiwatch.web import create_app\n"
        f"create_app(open_store({desk.url!r}))\n"
        "print('apscheduler' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_a_loopback_desk_refuses_other_host_names(desk: DeskData) -> None:
    proc = start(["--database", desk.url, "serve", "--port", "0"])
    address, _ = desk_address(proc, 30)
    try:
        assert httpx.get(address, timeout=10).status_code == 200
        rebound = httpx.get(address, headers={"Host": "attacker.example"}, timeout=10)
        assert rebound.status_code == 400
        local = address.replace("127.0.0.1", "localhost")
        assert httpx.get(local, timeout=10).status_code == 200
    finally:
        assert stop(proc) == 0
