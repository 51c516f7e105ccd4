"""Bad input through the real CLI: one clear line, documented exit codes, nothing lost."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from badsite import BadSite
from runcli import CliRun, write_config

from syndiwatch.demo.server import DemoSites


@pytest.fixture(scope="module")
def bad_site() -> Iterator[BadSite]:
    site = BadSite()
    yield site
    site.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _error_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_original_404_is_one_line_exit_1(cli: CliRun, bad_site: BadSite) -> None:
    proc = cli("check", bad_site.url("/missing"), bad_site.url("/other"))
    assert proc.returncode == 1
    assert "cannot fetch the original" in _error_line(proc.stderr)
    assert "HTTP 404" in proc.stderr


def test_original_that_is_not_an_article(cli: CliRun, bad_site: BadSite) -> None:
    proc = cli("check", bad_site.url("/binary"), bad_site.url("/other"))
    assert proc.returncode == 1
    assert "is not an article" in _error_line(proc.stderr)


@pytest.mark.slow
def test_unreachable_original(cli: CliRun) -> None:
    proc = cli("check", f"http://127.0.0.1:{_closed_port()}/story", "http://127.0.0.1:9/x")
    assert proc.returncode == 1
    assert "connection refused" in _error_line(proc.stderr)


def test_bad_url_is_a_usage_error(cli: CliRun) -> None:
    proc = cli("check", "ftp://news.example/x", "https://copy.example/y")
    assert proc.returncode == 2
    assert "not an http(s) URL" in proc.stderr


def test_private_address_refused_by_default(cli: CliRun, tmp_path: Path, bad_site: BadSite) -> None:
    strict = write_config(tmp_path / "strict.toml", allow_private=False)
    proc = cli("check", bad_site.url("/story"), bad_site.url("/copy"), config_path=strict)
    assert proc.returncode == 1
    line = _error_line(proc.stderr)
    assert "127.0.0.1 is a loopback address" in line
    assert "allow_private" in line


def test_unreadable_config(cli: CliRun, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[network\nallow_private = true\n")
    proc = cli("story", "list", config_path=broken)
    assert proc.returncode == 1
    assert "invalid TOML" in _error_line(proc.stderr)


def test_database_unavailable(tmp_path: Path) -> None:
    from runcli import run_cli

    proc = run_cli(
        "story", "list",
        config=write_config(tmp_path / "c.toml"),
        database=f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/none",
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1
    line = _error_line(proc.stderr)
    assert "127.0.0.1" in line


@pytest.mark.slow
def test_bad_copies_are_reported_and_nothing_stored_is_lost(
    cli: CliRun, demo_sites: DemoSites, bad_site: BadSite
) -> None:
    good = demo_sites.copy_urls[:2]
    first = cli("check", demo_sites.original_url, *good, "--format", "json")
    assert first.returncode == 0, first.stderr
    before = json.loads(first.stdout)["stories"][0]["copies"]
    assert len(before) == 2

    bad = {
        "/hang": "timed out",
        "/loop": "redirect",
        "/big": "larger than max_page_bytes",
        "/binary": "not an article",
        "/empty": "not an article",
        "/gone": "HTTP 410",
    }
    urls = [bad_site.url(p) for p in bad] + [f"http://127.0.0.1:{_closed_port()}/x"]
    second = cli("check", demo_sites.original_url, *urls, timeout=240)
    assert second.returncode == 0, second.stderr
    for path, reason in bad.items():
        line = next(ln for ln in second.stdout.splitlines() if bad_site.url(path) in ln)
        assert reason in line, line
    assert "connection refused" in second.stdout

    after = cli("report", "--format", "json")
    copies = json.loads(after.stdout)["stories"][0]["copies"]
    assert [(c["url"], c["first_seen"]) for c in copies] == [
        (c["url"], c["first_seen"]) for c in before
    ]
