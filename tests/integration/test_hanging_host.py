"""A host that accepts and never answers costs only its own URLs (issue 13, item 6).

A real server on 127.0.0.1 serves an original and a good copy; another accepts every
connection and never sends a byte (its robots.txt neither). `check`, `story add` and
`run --once` (the missing originals) run as real subprocesses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostsites import HangingHost, PageSite
from runcli import CliRun, write_config
from test_terminal_controls import PARAGRAPHS, page

from syndiwatch.config import load_config
from syndiwatch.crawl import FETCH_TRIES, crawl_timeout, pages_timeout

COPY_PARAGRAPHS = [*PARAGRAPHS[:3], "Read more on our partner site."]


@pytest.fixture(scope="module")
def site() -> Iterator[PageSite]:
    served = PageSite(
        {
            "/original": page("Port strike ends after nine days", "Jane Doe", PARAGRAPHS),
            "/copy": page("Port strike is over", "Staff", COPY_PARAGRAPHS),
            "/other-original": page("Another story", "Jane Doe", PARAGRAPHS[::-1]),
        }
    )
    yield served
    served.close()


@pytest.fixture
def hanging() -> Iterator[HangingHost]:
    host = HangingHost()
    yield host
    host.close()


def _stored(cli: CliRun) -> dict[str, list[str]]:
    report = cli("report", "--format", "json")
    assert report.returncode == 0, report.stderr
    return {s["url"]: [c["url"] for c in s["copies"]] for s in json.loads(report.stdout)["stories"]}


def _line(output: str, url: str) -> str:
    lines = [ln for ln in output.splitlines() if url in ln]
    assert len(lines) == 1, output
    return lines[0]


def test_the_crawl_budget_counts_robots_txt_tries(tmp_path: Path) -> None:
    # A host that never answers costs 3 robots.txt tries, then 3 tries of each page.
    config = load_config(str(write_config(tmp_path / "c.toml")), "sqlite://")
    never = config.network.download_timeout * 2 * FETCH_TRIES
    assert crawl_timeout(config, 1) > never
    assert pages_timeout(config, ["https://hang.example/a"]) > never
    five = [f"https://hang.example/{i}" for i in range(5)]  # two waves of 4 per host
    assert pages_timeout(config, five) > config.network.download_timeout * 3 * FETCH_TRIES


@pytest.mark.slow
def test_check_with_a_hanging_copy(cli: CliRun, site: PageSite, hanging: HangingHost) -> None:
    original, good, stuck = site.url("/original"), site.url("/copy"), hanging.url("/story")
    started = time.monotonic()
    proc = cli("check", original, good, stuck, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stderr
    assert "timed out" in _line(proc.stdout, stuck)
    assert good in proc.stdout
    assert time.monotonic() - started < 120
    assert _stored(cli) == {original: [good]}


def test_check_stores_what_arrived_when_the_time_is_up(
    cli: CliRun, tmp_path: Path, site: PageSite, hanging: HangingHost
) -> None:
    # [schedule] job_timeout caps every crawl: here below the hanging host's 6 tries of 3 s.
    config = write_config(tmp_path / "short.toml", extra='[schedule]\njob_timeout = "14s"\n')
    original, good, stuck = site.url("/original"), site.url("/copy"), hanging.url("/story")
    proc = cli("check", original, good, stuck, config_path=config, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "no answer within 1" in _line(proc.stdout, stuck)
    assert good in proc.stdout
    assert _stored(cli) == {original: [good]}


def test_story_add_of_a_hanging_original(cli: CliRun, tmp_path: Path, hanging: HangingHost) -> None:
    config = write_config(tmp_path / "short.toml", extra='[schedule]\njob_timeout = "10s"\n')
    proc = cli("story", "add", hanging.url("/story"), config_path=config, timeout=120)
    assert proc.returncode == 1
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("Error: cannot fetch the original ")
    assert "no answer within" in line


def test_missing_originals_are_stored_as_they_arrive(
    cli: CliRun, tmp_path: Path, site: PageSite, hanging: HangingHost
) -> None:
    good, stuck = site.url("/other-original"), hanging.url("/story")
    stories = f'[[stories]]\nurl = "{good}"\n\n[[stories]]\nurl = "{stuck}"\n'
    extra = '[schedule]\njob_timeout = "14s"\n\n' + stories
    config = write_config(tmp_path / "stories.toml", extra=extra)
    proc = cli("run", "--once", config_path=config, timeout=120)
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert "no answer within" in _line("\n".join(errors), stuck)
    assert good not in "\n".join(errors)
    report = cli("report", "--format", "json", config_path=config)
    titles = {s["url"]: s["title"] for s in json.loads(report.stdout)["stories"]}
    assert titles[good] == "Another story"
