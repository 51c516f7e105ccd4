"""`syndiwatch run --once` as a real subprocess against the demo sites on loopback.

Sources of every kind (RSS, Atom, a sitemap index found through robots.txt, a
site crawl) plus two sources that hold no copy: the run finds exactly the copies,
a second run fetches each feed once (a 304) and analyses nothing, and a copy
that changed is analysed again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from storage import RunRecord, open_store
from syndiwatch.demo.server import DemoSites

ROOT = Path(__file__).resolve().parents[2]


def write_config(sites: DemoSites, tmp_path: Path, database_url: str) -> Path:
    sources = [
        ("feed", sites.url("buzzhub", "/rss.xml")),
        ("feed", sites.url("coastal", "/atom.xml")),
        ("sitemap", sites.url("northwind", "/")),
        ("site", sites.url("metro", "/")),
        ("feed", sites.url("valley", "/atom.xml")),
        ("sitemap", sites.url("freightweekly", "/sitemap.xml")),
    ]
    text = (
        f'[database]\nurl = "{database_url}"\n'
        "[network]\nallow_private = true\ndownload_timeout = 10\n"
        f'[[stories]]\nurl = "{sites.original_url}"\n'
    ) + "".join(f'[[sources]]\nkind = "{k}"\nurl = "{u}"\n' for k, u in sources)
    path = tmp_path / "syndiwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_once(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndiwatch", "--config", str(config), "run", "--once"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def last_run(database_url: str) -> RunRecord:
    with open_store(database_url) as store:
        return next(r for r in store.list_runs() if r.kind == "run-once")


@pytest.mark.slow
def test_run_once_finds_exactly_the_copies_then_fetches_nothing_twice(
    fresh_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    config = write_config(fresh_sites, tmp_path, database_url)
    first = run_once(config)
    assert first.returncode == 0, first.stderr
    assert "4 copies found" in first.stdout
    expected = {fresh_sites.url(k, fresh_sites.site(k)["article"]["path"])
                for k in ("buzzhub", "coastal", "northwind", "metro")}  # fmt: skip
    with open_store(database_url) as store:
        found = {c.url for r in store.report() for c in r.copies}
        via = {c.url: c.discovered_via for r in store.report() for c in r.copies}
    assert found == expected
    assert via[fresh_sites.url("metro", fresh_sites.site("metro")["article"]["path"])] == "site"
    stats = last_run(database_url).stats
    assert stats["copies_found"] == 4
    assert stats["analysed"] == 4  # the same-topic freightweekly piece never passed triage

    second = run_once(config)
    assert second.returncode == 0, second.stderr
    stats = last_run(database_url).stats
    assert stats["analysed"] == 0
    assert stats["copies_found"] == 0
    feeds = [s for s in stats["per_source"].values() if s["source_id"] in (1, 2, 5)]
    assert all(s["not_modified"] and s["pages_fetched"] == 0 for s in feeds)
    for key, path in (("buzzhub", "/rss.xml"), ("coastal", "/atom.xml"), ("valley", "/atom.xml")):
        asked = [r.status for r in fresh_sites.requests if r.site == key and r.path == path]
        assert asked == [200, 304]

    metro = fresh_sites.site("metro")["article"]["path"]
    body = fresh_sites.resolve("metro", metro).body.replace(b"2,800", b"3,100")
    fresh_sites.set_override("metro", metro, body)
    third = run_once(config)
    assert third.returncode == 0, third.stderr
    stats = last_run(database_url).stats
    assert stats["analysed"] == 1
    with open_store(database_url) as store:
        copy = next(c for r in store.report() for c in r.copies if c.url.endswith(metro))
    assert "content.number_changed" in {f.finding.code for f in copy.findings}


@pytest.mark.slow
def test_run_once_reports_a_failing_source_in_one_line_and_exits_zero(
    demo_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n'
        "[network]\nallow_private = true\ndownload_timeout = 5\n"
        f'[[stories]]\nurl = "{demo_sites.original_url}"\n'
        f'[[sources]]\nkind = "feed"\nurl = "{demo_sites.url("valley", "/missing.xml")}"\n'
        f'[[sources]]\nkind = "feed"\nurl = "{demo_sites.url("buzzhub", "/rss.xml")}"\n',
        encoding="utf-8",
    )
    result = run_once(config)
    assert result.returncode == 0
    assert "1 copies found" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: src_01: feed {demo_sites.url('valley', '/missing.xml')}: HTTP 404 Not Found"
    ]
