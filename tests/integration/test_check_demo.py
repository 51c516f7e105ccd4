"""`syndiwatch check` end to end: real CLI, real crawl, real database, demo sites on loopback."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from typing import Any

import pytest
from runcli import CliRun, run_cli, write_config

from syndiwatch.demo.server import DemoSites


@pytest.fixture(scope="module")
def demo_reports(
    demo_sites: DemoSites,
    tmp_path_factory: pytest.TempPathFactory,
    new_database: Callable[..., AbstractContextManager[str]],
) -> Iterator[Callable[[str], dict[str, Any]]]:
    """One `check` of the demo pages per database kind for the module, run when first asked."""
    made: dict[str, dict[str, Any]] = {}
    with ExitStack() as stack:

        def report(kind: str) -> dict[str, Any]:
            if kind not in made:
                tmp = tmp_path_factory.mktemp("check")
                database = stack.enter_context(new_database(tmp / "demo.db", kind))
                proc = run_cli(
                    "check", demo_sites.original_url, *demo_sites.candidate_urls,
                    "--format", "json", config=write_config(tmp / "syndiwatch.toml"),
                    database=database, cwd=tmp,
                )  # fmt: skip
                assert proc.returncode == 0, proc.stderr
                made[kind] = {"json": json.loads(proc.stdout), "stderr": proc.stderr}
            return made[kind]

        yield report


@pytest.fixture
def demo_report(
    demo_reports: Callable[[str], dict[str, Any]], database_kind: str
) -> dict[str, Any]:
    return demo_reports(database_kind)


def _copies(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (story,) = report["json"]["stories"]
    return {c["url"]: c for c in story["copies"]}


def test_story_metadata(demo_sites: DemoSites, demo_report: dict[str, Any]) -> None:
    (story,) = demo_report["json"]["stories"]
    expected = demo_sites.manifest["story"]
    assert demo_report["json"]["schema"] == "syndiwatch.report/1"
    assert story["url"] == demo_sites.original_url
    assert story["title"] == expected["title"]
    assert story["publisher"] == expected["publisher"]
    assert story["authors"] == expected["authors"]
    assert "AFP" in story["credits"]


def test_non_copies_are_not_listed(demo_sites: DemoSites, demo_report: dict[str, Any]) -> None:
    copies = _copies(demo_report)
    for url in demo_sites.candidate_urls:
        expected = demo_sites.expectation(url)
        assert (url in copies) == expected["is_copy"], url
        if not expected["is_copy"]:
            assert f"not a copy: {url}" in demo_report["stderr"]


def _copy_cases() -> list[str]:
    from syndiwatch.demo.server import load_manifest

    return [s["key"] for s in load_manifest()["sites"] if s["article"].get("is_copy")]


@pytest.mark.parametrize("site_key", _copy_cases())
def test_copy_findings_match_the_manifest(
    demo_sites: DemoSites, demo_report: dict[str, Any], site_key: str
) -> None:
    url = demo_sites.url(site_key, demo_sites.site(site_key)["article"]["path"])
    expected = demo_sites.expectation(url)
    copy = _copies(demo_report)[url]
    codes = Counter(f["code"] for f in copy["findings"])
    assert copy["match"]["kind"] in expected["match_kind_ok"]
    assert copy["status"] == "live"
    for code in expected["expect"]:
        assert code in codes, f"{site_key}: expected {code}, got {sorted(codes)}"
    for code, count in expected["expect_counts"].items():
        assert codes[code] == count, f"{site_key}: {code} x{codes[code]}, expected {count}"
    for code in expected["forbid"]:
        assert code not in codes, f"{site_key}: {code} must not be reported: {copy['findings']}"
    for finding in copy["findings"]:
        assert finding["evidence"], f"{finding['code']} has no evidence"
        assert finding["review"] == "open"
    top = max((f["severity"] for f in copy["findings"]), default="none", key=_rank)
    assert copy["severity"] == top
    assert (copy["drift_score"] == 0) == (not copy["findings"])


def _rank(severity: str) -> int:
    return ["none", "low", "medium", "high"].index(severity)


def test_number_change_evidence(demo_sites: DemoSites, demo_report: dict[str, Any]) -> None:
    url = demo_sites.url("coastal", demo_sites.site("coastal")["article"]["path"])
    numbers = [
        f for f in _copies(demo_report)[url]["findings"] if f["code"] == "content.number_changed"
    ]
    for f in numbers:
        assert f["evidence"]["original"]
        assert f["evidence"]["copy"]
        assert f["evidence"]["original"] != f["evidence"]["copy"]
        assert {"from", "to"} <= f["evidence"]["detail"].keys()


@pytest.mark.slow
def test_second_check_adds_nothing(demo_sites: DemoSites, cli: CliRun) -> None:
    urls = [demo_sites.original_url, *demo_sites.copy_urls[:3]]
    first = cli("check", *urls, "--format", "json")
    assert first.returncode == 0, first.stderr
    second = cli("check", *urls, "--format", "json")
    assert second.returncode == 0, second.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    strip = lambda r: [  # noqa: E731
        (c["url"], c["first_seen"], sorted(f["id"] for f in c["findings"]))
        for c in r["stories"][0]["copies"]
    ]
    assert strip(one) == strip(two)
    listing = cli("story", "list")
    assert listing.stdout.count("s_01") == 1
    assert "s_02" not in listing.stdout
