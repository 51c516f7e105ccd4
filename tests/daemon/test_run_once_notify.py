"""`run --once` notifies too (CONTRACT §1): one message per new high-severity copy, never twice."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_helpers import HookServer

from syndiwatch.demo.server import DemoSites


@pytest.fixture
def hook() -> Iterator[HookServer]:
    server = HookServer()
    yield server
    server.close()


@pytest.mark.slow
def test_run_once_notifies_each_new_high_copy_once(
    tmp_path: Path, database_url: str, demo_sites: DemoSites, hook: HookServer
) -> None:
    stripper = demo_sites.url("buzzhub", demo_sites.site("buzzhub")["article"]["path"])
    faithful = demo_sites.url("nordic", demo_sites.site("nordic")["article"]["path"])
    config = tmp_path / "syndiwatch.toml"
    config.write_text(
        "[network]\nallow_private = true\ndownload_timeout = 5\n"
        f'[notify]\nurls = ["{hook.url}"]\n'
        f'[[stories]]\nurl = "{demo_sites.original_url}"\n'
        f'[[sources]]\nkind = "url"\nurl = "{stripper}"\n'
        f'[[sources]]\nkind = "url"\nurl = "{faithful}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDIWATCH_")}

    def run_once() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "syndiwatch", "--config", str(config),
             "--database", database_url, "run", "--once"],
            capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path, check=False,
        )  # fmt: skip

    first = run_once()
    assert first.returncode == 0, first.stderr
    assert "notifications: 1 sent, 0 failed" in first.stdout
    [post] = hook.posts
    assert stripper in post["message"]
    assert "attribution.credit_placeholder" in post["message"]
    assert faithful not in post["message"]  # no high-severity finding there

    second = run_once()
    assert second.returncode == 0, second.stderr
    assert len(hook.posts) == 1
