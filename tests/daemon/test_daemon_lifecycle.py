"""The daemon against the demo sites with a real clock (jobs every second).

Copies are found by the source jobs; a removed copy gets copy_removed, an edited
one copy_edited; a corrected original gets original_updated on its copies and
stale_copy on exactly the copies that kept the superseded sentence; a local
apprise json:// target receives one notification per copy with new high findings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from daemon_helpers import (
    DaemonProcess,
    HookServer,
    lifecycle_codes,
    store_at,
    wait_for,
    write_config,
)

from syndiwatch.demo.server import DemoSites

pytestmark = pytest.mark.slow

REMOVED_SITE = "northwind"
EDITED_SITE = "buzzhub"


def notified_copies(hook: HookServer) -> list[str]:
    urls = []
    for post in hook.posts:
        m = re.search(r"^Copy: (\S+)$", post.get("message", ""), re.MULTILINE)
        assert m, post
        urls.append(m.group(1))
    return urls


def high_copies(db_url: str) -> set[str]:
    with store_at(db_url) as store:
        return {c.url for r in store.report() for c in r.copies if c.severity == "high"}


def finished_runs(db_url: str, kind: str) -> int:
    with store_at(db_url) as store:
        return sum(1 for r in store.runs_of_kind(kind, 1000) if r.finished_at is not None)


def test_daemon_finds_copies_and_reports_their_lifecycle(
    fresh_sites: DemoSites, tmp_path: Path, database_url: str
) -> None:
    hook = HookServer()
    config = write_config(
        tmp_path / "syndiwatch.toml", fresh_sites, extra=f'\n[notify]\nurls = ["{hook.url}"]\n'
    )
    db_url = database_url
    daemon = DaemonProcess(config, db_url, tmp_path / "daemon.log")
    try:
        _copies_found_and_notified_once(fresh_sites, db_url, hook)
        _lifecycle_after_changes(fresh_sites, db_url, hook)
    finally:
        status = daemon.terminate()
        hook.close()
    assert status == 0, (tmp_path / "daemon.log").read_text()[-3000:]


def _copies_found_and_notified_once(sites: DemoSites, db_url: str, hook: HookServer) -> None:
    expected = set(sites.copy_urls)

    def found() -> set[str] | None:
        with store_at(db_url) as store:
            urls = {c.url for r in store.report() for c in r.copies}
        return urls if urls >= expected else None

    assert wait_for("every demo copy found", found, 180) == expected
    high = high_copies(db_url)
    assert high, "the demo copies carry high-severity drift"
    wait_for("one notification per high copy", lambda: len(hook.posts) >= len(high), 120)
    # Several more re-check sweeps and source runs: nothing is told twice.
    done = finished_runs(db_url, "recheck")
    # A sweep waits for a free job thread behind ten source jobs due every second (20-30 s a
    # sweep on two busy cores): the bound is generous, a passing run does not wait for it.
    wait_for("three more sweeps", lambda: finished_runs(db_url, "recheck") >= done + 3, 300)
    told = notified_copies(hook)
    assert set(told) == high
    # Each notice was sent once; a copy is told again only about findings it never was.
    with store_at(db_url) as store:
        notices = store.list_notices(500)
    assert len(told) == len(notices)
    assert all(n.status == "sent" for n in notices)


def _lifecycle_after_changes(sites: DemoSites, db_url: str, hook: HookServer) -> None:
    told_before = len(hook.posts)
    removed_url = sites.url(REMOVED_SITE, sites.site(REMOVED_SITE)["article"]["path"])
    edited_url = sites.url(EDITED_SITE, sites.site(EDITED_SITE)["article"]["path"])
    sites.set_override(REMOVED_SITE, sites.site(REMOVED_SITE)["article"]["path"], None, 410)
    sites.apply_variant("buzzhub_credit_fixed")
    sites.apply_variant("original_corrected")
    variant = sites.manifest["variants"]["original_corrected"]
    stale = {sites.url(k, sites.site(k)["article"]["path"]) for k in variant["stale_copies"]}
    stale.discard(removed_url)
    fresh = {sites.url(k, sites.site(k)["article"]["path"]) for k in variant["not_stale_copies"]}

    def settled() -> dict[str, set[str]] | None:
        with store_at(db_url) as store:
            codes = lifecycle_codes(store)
        ok = "lifecycle.copy_removed" in codes.get(removed_url, set())
        ok = ok and "lifecycle.copy_edited" in codes.get(edited_url, set())
        ok = ok and all("lifecycle.stale_copy" in codes.get(u, set()) for u in stale)
        ok = ok and all("lifecycle.original_updated" in codes.get(u, set()) for u in fresh)
        return codes if ok else None

    codes = wait_for("lifecycle findings after the changes", settled, 180)
    for url in fresh:
        assert "lifecycle.stale_copy" not in codes[url], url
    for url in stale | fresh:
        assert "lifecycle.original_updated" in codes[url], url
    assert "lifecycle.copy_edited" not in codes[sites.copy_urls[0]]  # nordic did not change
    with store_at(db_url) as store:
        removed = [c for r in store.report() for c in r.copies if c.url == removed_url]
    assert removed[0].status == "removed"
    # One new notification for each stale copy (its stale_copy finding), none repeated.
    wait_for(
        "stale copies notified",
        lambda: {u for u in notified_copies(hook)[told_before:]} >= stale,
        60,
    )
    later = [p for p in hook.posts[told_before:] if "lifecycle.stale_copy" in p["message"]]
    stale_told = [re.search(r"^Copy: (\S+)$", p["message"], re.M).group(1) for p in later]  # type: ignore[union-attr]
    assert sorted(stale_told) == sorted(stale)
