"""Copies and findings: upsert, de-duplication, reconciliation, review, failures, report."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from storage_samples import (
    COPY,
    ORIGINAL,
    analysis,
    article,
    credit_placeholder,
    not_a_copy,
    number_changed,
)

from drift.model import CopyAnalysis
from storage import CopyRecord, StorageError, Store


def _count(store: Store, table: str) -> int:
    with store._engine.connect() as conn:  # white-box row count
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _check(
    store: Store, story_id: int, result: CopyAnalysis, at: datetime, url: str = COPY
) -> CopyRecord | None:
    snap = store.record_fetch(
        url, status=200, body=b"<p>copy</p>", headers={}, article=article(url), fetched_at=at
    )
    return store.record_analysis(
        story_id,
        url,
        snapshot_id=snap.id,
        analysis=result,
        discovered_via="feed",
        title="Leak of files",
        now=at,
    )


@pytest.fixture
def story_id(store: Store, t0: datetime) -> int:
    return store.add_story(ORIGINAL, name="Leak story", now=t0).id


def test_first_analysis_stores_copy_and_findings(store: Store, story_id: int, t0) -> None:
    copy = _check(store, story_id, analysis(number_changed(), credit_placeholder()), t0)
    assert copy is not None
    assert (copy.status, copy.domain, copy.discovered_via) == (
        "live",
        "republisher.example",
        "feed",
    )
    assert copy.match.kind == "full"
    assert copy.match.containment == pytest.approx(0.93)
    assert (copy.drift_score, copy.severity, copy.first_seen) == (60, "high", t0)
    assert {f.finding.code for f in copy.findings} == {
        "content.number_changed",
        "attribution.credit_placeholder",
    }
    assert all(f.review == "open" and f.first_seen == t0 for f in copy.findings)
    changed = next(f for f in copy.findings if f.finding.code == "content.number_changed")
    assert changed.finding.evidence.detail == {"from": "2,800", "to": "28,000"}


def test_reanalysis_never_duplicates(store: Store, story_id: int, t0: datetime) -> None:
    first = _check(store, story_id, analysis(number_changed()), t0)
    later = t0 + timedelta(hours=1)
    again = _check(store, story_id, analysis(number_changed()), later)
    assert again.id == first.id
    assert again.first_seen == t0
    assert again.last_checked == later
    assert again.findings[0].id == first.findings[0].id
    assert again.findings[0].first_seen == t0
    assert again.findings[0].last_seen == later
    assert (_count(store, "copies"), _count(store, "findings"), _count(store, "snapshots")) == (
        1,
        1,
        1,
    )


def test_findings_no_longer_found_become_inactive(store: Store, story_id, t0) -> None:
    _check(store, story_id, analysis(number_changed(), credit_placeholder()), t0)
    copy = _check(store, story_id, analysis(credit_placeholder(), score=30), t0 + timedelta(1))
    assert [f.finding.code for f in copy.findings] == ["attribution.credit_placeholder"]
    assert copy.drift_score == 30
    # Found again later: the same row comes back active.
    back = _check(store, story_id, analysis(number_changed()), t0 + timedelta(2))
    assert [f.finding.code for f in back.findings] == ["content.number_changed"]
    assert back.findings[0].first_seen == t0
    assert _count(store, "findings") == 2


def test_lifecycle_facts_survive_a_first_check_but_not_a_recheck(
    store: Store, story_id: int, t0: datetime
) -> None:
    from drift.codes import make_finding

    stale = make_finding("lifecycle.stale_copy", original="2,800 dockworkers", copy="2,800")
    failed = make_finding("lifecycle.fetch_failed", message="timed out after 30 s")
    snap = store.record_fetch(
        COPY, status=200, body=b"<p>c</p>", headers={}, article=article(COPY), fetched_at=t0
    )
    store.record_analysis(
        story_id, COPY, snapshot_id=snap.id, analysis=analysis(number_changed(), stale, failed),
        discovered_via="feed", title="t", now=t0, lifecycle=True,
    )  # fmt: skip
    # Discovery analyses the same copy again: it cannot judge stale_copy, so that
    # stays; a successful fetch does clear fetch_failed.
    copy = _check(store, story_id, analysis(number_changed()), t0 + timedelta(hours=1))
    assert {f.finding.code for f in copy.findings} == {
        "content.number_changed",
        "lifecycle.stale_copy",
    }
    # A re-check that no longer finds the superseded text clears it.
    snap = store.record_fetch(
        COPY, status=200, body=b"<p>c2</p>", headers={}, article=article(COPY),
        fetched_at=t0 + timedelta(hours=2),
    )  # fmt: skip
    copy = store.record_analysis(
        story_id, COPY, snapshot_id=snap.id, analysis=analysis(number_changed()),
        discovered_via="feed", title="t", now=t0 + timedelta(hours=2), lifecycle=True,
    )  # fmt: skip
    assert {f.finding.code for f in copy.findings} == {"content.number_changed"}


def test_distinct_facts_are_distinct_findings(store: Store, story_id: int, t0) -> None:
    three = [number_changed("1", "2"), number_changed("3", "4"), number_changed("5", "6")]
    copy = _check(store, story_id, analysis(*three), t0)
    assert len(copy.findings) == 3


def test_review_state_survives_reanalysis(store: Store, story_id: int, t0) -> None:
    copy = _check(store, story_id, analysis(number_changed(), credit_placeholder()), t0)
    target = copy.findings[0]
    reviewed = store.set_review(
        target.id, "dismissed", note="house style", by="ed", now=t0 + timedelta(minutes=5)
    )
    assert (reviewed.review, reviewed.review_note, reviewed.reviewed_by) == (
        "dismissed",
        "house style",
        "ed",
    )
    assert reviewed.reviewed_at == t0 + timedelta(minutes=5)
    again = _check(
        store, story_id, analysis(number_changed(), credit_placeholder()), t0 + timedelta(1)
    )
    kept = next(f for f in again.findings if f.id == target.id)
    assert (kept.review, kept.review_note, kept.reviewed_by) == ("dismissed", "house style", "ed")


def test_set_review_rejects_bad_state_and_unknown_id(store: Store, story_id, t0) -> None:
    copy = _check(store, story_id, analysis(number_changed()), t0)
    with pytest.raises(ValueError, match="review state"):
        store.set_review(copy.findings[0].id, "ignored", note=None, by=None, now=t0)
    with pytest.raises(LookupError):
        store.set_review(99999, "confirmed", note=None, by=None, now=t0)
    assert store.copies_for_story(story_id)[0].findings[0].review == "open"


def test_not_a_copy_stores_nothing(store: Store, story_id: int, t0: datetime) -> None:
    assert _check(store, story_id, not_a_copy(), t0) is None
    assert store.copies_for_story(story_id) == []
    assert _count(store, "copies") == 0


def test_copy_that_is_no_longer_a_copy_is_removed(store: Store, story_id, t0) -> None:
    _check(store, story_id, analysis(number_changed()), t0)
    removed = _check(store, story_id, not_a_copy(), t0 + timedelta(1))
    assert removed.status == "removed"
    assert removed.last_checked == t0 + timedelta(1)
    assert [f.finding.code for f in removed.findings] == ["content.number_changed"]
    assert store.copies_for_story(story_id, include_removed=False) == []
    assert [c.id for c in store.copies_for_story(story_id)] == [removed.id]


def test_copy_failure_marks_error_and_keeps_data(store: Store, story_id, t0) -> None:
    copy = _check(store, story_id, analysis(number_changed()), t0)
    failed = store.record_copy_failure(
        story_id, COPY, error="timeout after 30 s", now=t0 + timedelta(1)
    )
    store.record_copy_failure(story_id, COPY, error="connection refused", now=t0 + timedelta(2))
    failed = store.copies_for_story(story_id)[0]
    assert failed.status == "error"
    assert failed.snapshot_id == copy.snapshot_id
    codes = sorted(f.finding.code for f in failed.findings)
    assert codes == ["content.number_changed", "lifecycle.fetch_failed"]
    fetch_failed = next(f for f in failed.findings if f.finding.code == "lifecycle.fetch_failed")
    assert fetch_failed.finding.message == "connection refused"
    assert fetch_failed.first_seen == t0 + timedelta(1)
    assert _count(store, "findings") == 2
    # A successful analysis clears the failure.
    live = _check(store, story_id, analysis(number_changed()), t0 + timedelta(3))
    assert live.status == "live"
    assert [f.finding.code for f in live.findings] == ["content.number_changed"]


def test_copy_failure_without_copy_is_a_noop(store: Store, story_id, t0) -> None:
    assert store.record_copy_failure(story_id, COPY, error="dns", now=t0) is None
    assert _count(store, "copies") == 0


def test_copies_sorted_by_drift_score(store: Store, story_id: int, t0: datetime) -> None:
    for n, score in enumerate([10, 90, 50]):
        _check(store, story_id, analysis(number_changed(), score=score), t0, url=f"{COPY}/{n}")
    assert [c.drift_score for c in store.copies_for_story(story_id)] == [90, 50, 10]


def test_failed_write_rolls_back_everything(store: Store, t0: datetime) -> None:
    with pytest.raises(StorageError):
        store.record_analysis(
            4242,  # no such story: the foreign key refuses the copy
            COPY,
            snapshot_id=1,
            analysis=analysis(number_changed()),
            discovered_via="url",
            title="x",
            now=t0,
        )
    assert store.get_page(COPY) is None
    assert _count(store, "findings") == 0


def test_report_lists_stories_copies_and_active_findings(store: Store, story_id, t0) -> None:
    other = store.add_story("https://news.example/other", now=t0).id
    store.record_fetch(
        ORIGINAL, status=200, body=b"<p>o</p>", headers={}, article=article(ORIGINAL), fetched_at=t0
    )
    _check(store, story_id, analysis(number_changed(), credit_placeholder()), t0)
    _check(store, story_id, analysis(credit_placeholder()), t0 + timedelta(1))
    reports = store.report()
    assert [r.story.id for r in reports] == [story_id, other]
    first = reports[0]
    assert first.story.article == article(ORIGINAL)
    assert first.story.last_checked == t0
    assert [f.finding.code for f in first.copies[0].findings] == ["attribution.credit_placeholder"]
    assert reports[1].copies == ()
    assert [r.story.id for r in store.report(other)] == [other]
    assert store.report(777) == []


def test_nul_characters_from_hostile_pages_are_stored(store: Store, t0: datetime) -> None:
    # PostgreSQL text columns refuse NUL; scraped titles and error texts may carry it.
    story = store.add_story(ORIGINAL, name="Leak\x00story", now=t0)
    snap = store.record_fetch(
        COPY, status=200, body=b"\x00<p>x</p>", headers={}, article=None, fetched_at=t0
    )
    copy = store.record_analysis(
        story.id,
        COPY,
        snapshot_id=snap.id,
        analysis=analysis(number_changed("1\x00", "2")),
        discovered_via="url",
        title="Bad\x00title",
        now=t0,
    )
    failed = store.record_copy_failure(story.id, COPY, error="reset\x00by peer", now=t0)
    assert story.name == "Leak\ufffdstory"
    assert copy.title == "Bad\ufffdtitle"
    assert copy.findings[0].finding.evidence.original == "1\x00 files"
    assert "reset\ufffdby peer" in {f.finding.message for f in failed.findings}
    assert store.get_raw_html(snap.id) == b"\x00<p>x</p>"
