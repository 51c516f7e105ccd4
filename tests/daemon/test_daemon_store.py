"""The daemon's storage verbs (storage.opsverbs) on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from drift.codes import make_finding
from drift.model import Article, CopyAnalysis, Finding, Match
from storage import Store, UnknownRecord
from storage.locks import AlreadyLocked, daemon_lock
from storage.operations import INTERRUPTED, HealthRecord

ORIGINAL = "https://news.example/2026/11/17/strike"
COPIES = ("https://copy-a.example/strike", "https://copy-b.example/strike")


def _analysis(*findings: Finding) -> CopyAnalysis:
    return CopyAnalysis(Match("full", 0.9, 0.8, 0.1), tuple(findings), 40, "high")


def _number(to: str) -> Finding:
    return make_finding("content.number_changed", original="2,800 workers", copy=f"{to} workers")


def _seed(store: Store, t0: datetime) -> list[int]:
    story = store.add_story(ORIGINAL, now=t0)
    body = b"<html>original</html>"
    store.record_fetch(
        ORIGINAL,
        status=200,
        body=body,
        headers={},
        fetched_at=t0,
        article=Article(ORIGINAL, "Strike", ("About 2,800 workers.",)),
    )
    ids = []
    for n, url in enumerate(COPIES):
        snap = store.record_fetch(
            url,
            status=200,
            body=f"copy {n}".encode(),
            headers={},
            article=Article(url, "Strike"),
            fetched_at=t0,
        )
        rec = store.record_analysis(
            story.id,
            url,
            snapshot_id=snap.id,
            discovered_via="feed",
            analysis=_analysis(_number(str(n))),
            title="S",
            now=t0,
        )
        assert rec is not None
        ids.append(rec.id)
    return ids


def test_source_health_round_trip_and_disable(ops_store: Store, t0: datetime) -> None:
    source = ops_store.add_source("feed", "https://feeds.example/rss", every="15m", now=t0)
    assert ops_store.source_health(source.id) == HealthRecord(source.id)
    sick = HealthRecord(
        source.id,
        consecutive_failures=3,
        last_error="HTTP 403",
        last_error_kind="blocked",
        last_failure_at=t0,
        disabled_at=t0,
    )
    ops_store.save_source_health(sick, enabled=False)
    assert ops_store.source_health(source.id) == sick
    assert ops_store.all_source_health() == {source.id: sick}
    assert not ops_store.list_sources()[0].enabled
    ops_store.save_source_health(replace(sick, disabled_at=None), enabled=True)
    assert ops_store.list_sources()[0].enabled
    assert ops_store.remove_source(source.id)
    assert ops_store.all_source_health() == {}


def test_missed_runs_are_counted_under_the_row_lock(ops_store: Store, t0: datetime) -> None:
    import threading

    from syndiwatch.daemon_jobs import record_missed

    source = ops_store.add_source("feed", "https://feeds.example/rss", every="15m", now=t0)
    ops_store.save_source_health(HealthRecord(source.id, total_runs=5))
    start = threading.Barrier(4)

    def miss() -> None:
        start.wait()
        for _ in range(5):
            record_missed(ops_store, f"source:{source.id}", t0)

    threads = [threading.Thread(target=miss) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = ops_store.source_health(source.id)
    assert (after.missed_runs, after.total_runs) == (20, 5)
    assert after.last_missed_at is not None
    missed = [r for r in ops_store.runs_of_kind(f"source:{source.id}", 50) if r.error]
    assert len(missed) == 20
    assert all(r.error.startswith("missed its schedule") for r in missed)


def test_interrupted_runs_are_closed_as_failed(ops_store: Store, t0: datetime) -> None:
    done = ops_store.start_run("recheck", now=t0)
    ops_store.finish_run(done, stats={"copies_checked": 2}, error=None, now=t0)
    killed = ops_store.start_run("source:1", now=t0)
    assert ops_store.close_interrupted_runs(now=t0 + timedelta(seconds=5)) == 1
    last = ops_store.last_runs_by_kind()
    assert last["source:1"].id == killed
    assert last["source:1"].error == INTERRUPTED
    assert last["recheck"].error is None
    assert ops_store.close_interrupted_runs(now=t0) == 0


def test_original_version_records_corrections_and_updates_copies(
    ops_store: Store, t0: datetime
) -> None:
    _seed(ops_store, t0)
    story = ops_store.find_story(ORIGINAL)
    assert story is not None
    updated = make_finding(
        "lifecycle.original_updated", original="About 2,800 workers.", copy="About 2,600 workers."
    )
    fetch = {
        "url": ORIGINAL,
        "status": 200,
        "body": b"<html>corrected</html>",
        "headers": {},
        "article": Article(ORIGINAL, "Strike", ("About 2,600 workers.",)),
        "fetched_at": t0,
        "final_url": ORIGINAL,
    }
    pairs = [("About 2,800 workers.", "About 2,600 workers.")]
    for _ in range(2):  # a retried write adds nothing twice
        ops_store.record_original_version(
            story.id, fetch, corrections=pairs, updated=updated, now=t0
        )
    [correction] = ops_store.corrections_for(story.id)
    assert (correction.old_text, correction.new_text) == pairs[0]
    for copy in ops_store.copies_for_story(story.id):
        codes = [f.finding.code for f in copy.findings]
        assert codes.count("lifecycle.original_updated") == 1


def test_notices_group_by_copy_and_never_repeat(ops_store: Store, t0: datetime) -> None:
    copy_ids = _seed(ops_store, t0)
    names = {1: "Strike"}
    first = ops_store.queue_notices(("high",), now=t0, story_names=names)
    assert sorted(n.copy_id for n in first) == sorted(copy_ids)
    assert all(n.codes == ("content.number_changed",) for n in first)
    assert ops_store.queue_notices(("high",), now=t0, story_names=names) == []
    # The same finding found again stays told; a new one is a new notice for that copy only.
    story = ops_store.find_story(ORIGINAL)
    assert story is not None
    snap = ops_store.latest_snapshot(COPIES[0])
    assert snap is not None
    ops_store.record_analysis(
        story.id,
        COPIES[0],
        snapshot_id=snap.id,
        discovered_via="feed",
        analysis=_analysis(_number("0"), _number("9")),
        title="S",
        now=t0,
    )
    [again] = ops_store.queue_notices(("high",), now=t0, story_names=names)
    assert again.copy_id == copy_ids[0]
    assert COPIES[0] in again.body


def test_notice_attempts_retry_then_send(ops_store: Store, t0: datetime) -> None:
    _seed(ops_store, t0)
    notice = ops_store.queue_notices(("high",), now=t0, story_names={})[0]
    later = t0 + timedelta(minutes=1)
    ops_store.record_notice_attempt(
        notice.id, delivered=[1], error="json://…: delivery failed", next_attempt_at=later, now=t0
    )
    assert notice.id not in [n.id for n in ops_store.claim_notices(now=t0)]
    [due] = [n for n in ops_store.claim_notices(now=later) if n.id == notice.id]
    assert ops_store.claim_notices(now=later) == []  # claimed: nobody else sends it
    assert due.delivered == (1,)
    assert due.attempts == 1
    ops_store.record_notice_attempt(
        notice.id, delivered=[0], error=None, next_attempt_at=None, now=later
    )
    [sent] = [n for n in ops_store.list_notices() if n.id == notice.id]
    assert sent.status == "sent"
    assert sent.delivered == (0, 1)


def test_retention_prunes_only_uncited_old_html(ops_store: Store, t0: datetime) -> None:
    url = "https://copy-c.example/x"
    old = [
        ops_store.record_fetch(
            url,
            status=200,
            body=f"v{n}".encode(),
            headers={},
            article=None,
            fetched_at=t0 + timedelta(minutes=n),
        )
        for n in range(3)
    ]
    _seed(ops_store, t0)
    cutoff = t0 + timedelta(days=1)
    assert ops_store.prune_raw_html(before=cutoff) == 2  # v0, v1; v2 is the page's latest
    assert ops_store.get_raw_html(old[2].id) == b"v2"
    for copy_url in COPIES:  # copies' snapshots are cited by their copies
        snap = ops_store.latest_snapshot(copy_url)
        assert snap is not None
        assert ops_store.get_raw_html(snap.id)
    assert ops_store.prune_raw_html(before=cutoff) == 0
    with pytest.raises(UnknownRecord, match="pruned by retention"):
        ops_store.get_raw_html(old[0].id)
    again = ops_store.record_fetch(url, status=200, body=b"v0", headers={}, article=None,
                                   fetched_at=cutoff)  # fmt: skip
    assert again.id == old[0].id  # the body came back: its row, with its HTML again
    assert ops_store.get_raw_html(again.id) == b"v0"


def test_scheduled_jobs_empty_before_any_daemon(ops_store: Store) -> None:
    assert ops_store.scheduled_jobs() == []


def test_one_daemon_per_sqlite_file(tmp_path: Path) -> None:
    # SQLite only: the file lock is SQLite's (PostgreSQL daemons elect a leader instead).
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    held = daemon_lock(url)
    with held, pytest.raises(AlreadyLocked, match="another daemon is running"):  # noqa: SIM117
        with daemon_lock(url):
            pass
    with daemon_lock(url):  # released at the end of the block
        pass
