"""The daemon's bookkeeping: source health, run history, copies due, originals' corrections.

Functions run inside a transaction opened by storage.store.Store (through
storage.opsverbs) and return the small records defined here, never rows.
Notices and retention live in storage.outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.orm import Session

from drift.model import Article, Finding
from storage import copies as copy_ops
from storage import pages as page_ops
from storage import rounds
from storage.convert import clean, json_safe, run_record, sha256_hex, snapshot_record
from storage.ops_schema import Correction, SourceHealth
from storage.records import RunRecord, SnapshotRecord
from storage.redact import mask_optional
from storage.schema import Copy, Page, Run, Snapshot, Source, Story
from storage.upsert import insert_or_update

APSCHEDULER_TABLE = "apscheduler_jobs"  # the daemon's persistent job store
INTERRUPTED = "interrupted: the daemon stopped before this run finished"


@dataclass(frozen=True, slots=True)
class HealthRecord:
    """How a source's runs have gone lately (all counters zero for a source never run)."""

    source_id: int
    consecutive_failures: int = 0
    empty_runs: int = 0
    total_runs: int = 0
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = None
    last_error_kind: str | None = None
    backoff_until: datetime | None = None
    disabled_at: datetime | None = None
    missed_runs: int = 0  # runs the scheduler could not start in time, ever
    last_missed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CopyCheckRow:
    """What a re-check sweep needs to know about one copy to decide if it is due."""

    copy_id: int
    story_id: int
    url: str
    status: str
    last_checked: datetime
    unchanged_since: datetime | None  # first fetch of the body the copy was last analysed at
    last_error_at: datetime | None
    snapshot_id: int | None


@dataclass(frozen=True, slots=True)
class CorrectionRecord:
    """A passage of an original replaced (new_text) or removed (None) by a later version."""

    id: int
    story_id: int
    old_text: str
    new_text: str | None
    found_at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)


# Source health ---------------------------------------------------------------------


def _health_record(row: SourceHealth) -> HealthRecord:
    record = HealthRecord(**{f.name: getattr(row, f.name) for f in fields(HealthRecord)})
    return replace(record, last_error=mask_optional(record.last_error))


def all_health(session: Session) -> dict[int, HealthRecord]:
    rows = session.scalars(select(SourceHealth)).all()
    return {r.source_id: _health_record(r) for r in rows}


def get_health(session: Session, source_id: int) -> HealthRecord:
    row = session.get(SourceHealth, source_id)
    return _health_record(row) if row is not None else HealthRecord(source_id)


def save_health(session: Session, health: HealthRecord, enabled: bool | None) -> None:
    """Store a source's health; set `sources.enabled` too unless `enabled` is None."""
    if session.get(Source, health.source_id) is None:
        return  # removed while its job ran
    row = session.get(SourceHealth, health.source_id)
    if row is None:
        row = SourceHealth(source_id=health.source_id)
        session.add(row)
    for f in fields(HealthRecord):
        setattr(row, f.name, getattr(health, f.name))
    row.last_error = clean(mask_optional(health.last_error))
    session.flush()
    if enabled is not None:
        session.execute(update(Source).where(Source.id == health.source_id).values(enabled=enabled))


HealthChange = Callable[[HealthRecord], tuple[HealthRecord, bool | None]]


def settle_health(
    session: Session,
    source_id: int,
    change: HealthChange,
    round_id: int | None,
    error: str | None,
    now: datetime,
) -> tuple[HealthRecord, HealthRecord] | None:
    """Apply `change` to a source's health under a row lock; (before, after), or None.

    With `round_id` (a queue-mode run) the round is claimed first, so a redelivered
    start message settles it once; its error becomes the run's. None: already
    settled, or the source or run is gone.
    """
    # The source row's lock serialises settlements of one source, also before it has health.
    if session.get(Source, source_id, with_for_update=True) is None:
        return None
    if round_id is not None:
        outcome = "failed" if error else "ok"
        if not rounds.claim_settlement(session, round_id, source_id, outcome, now):
            return None
        if error:
            rounds.fail_run(session, round_id, error)
    row = session.get(SourceHealth, source_id)
    before = _health_record(row) if row is not None else HealthRecord(source_id)
    after, enabled = change(before)
    save_health(session, after, enabled)
    return before, after


# Runs ----------------------------------------------------------------------------------


def close_interrupted_runs(session: Session, now: datetime) -> int:
    """Mark runs that never finished (the process was killed) as failed; return how many."""
    result = session.execute(
        update(Run).where(Run.finished_at.is_(None)).values(finished_at=now, error=INTERRUPTED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def last_runs_by_kind(session: Session) -> dict[str, RunRecord]:
    """The newest run of each kind (a daemon job id such as `source:3`)."""
    newest = select(func.max(Run.id)).group_by(Run.kind)
    rows = session.scalars(select(Run).where(Run.id.in_(newest))).all()
    return {r.kind: r for r in rounds.with_rounds(session, [run_record(r) for r in rows])}


def runs_of_kind(session: Session, kind: str, limit: int) -> list[RunRecord]:
    rows = session.scalars(
        select(Run).where(Run.kind == kind).order_by(Run.id.desc()).limit(limit)
    ).all()
    return rounds.with_rounds(session, [run_record(r) for r in rows])


# Copies and originals ---------------------------------------------------------------------


def copy_check_rows(session: Session) -> list[CopyCheckRow]:
    """Every copy with the times a re-check sweep uses to decide whether it is due."""
    stmt = (
        select(Copy, Page.url, Page.last_error_at, Snapshot.fetched_at)
        .join(Page, Copy.page_id == Page.id)
        .outerjoin(Snapshot, Copy.snapshot_id == Snapshot.id)
        .order_by(Copy.id)
    )
    return [
        CopyCheckRow(c.id, c.story_id, url, c.status, c.last_checked, since, err, c.snapshot_id)
        for c, url, err, since in session.execute(stmt).all()
    ]


def snapshot_by_id(session: Session, snapshot_id: int) -> SnapshotRecord | None:
    snap = session.get(Snapshot, snapshot_id)
    if snap is None:
        return None
    page = session.get(Page, snap.page_id)
    return snapshot_record(snap, page.url if page else "", created=False)


def page_articles(session: Session, url: str, limit: int) -> list[Article]:
    """The articles of a page's latest `limit` snapshots, newest first."""
    return [s.article for s in _history(session, url, limit) if s.article is not None]


def _history(session: Session, url: str, limit: int) -> list[SnapshotRecord]:
    page = page_ops.find_page(session, url)
    if page is None:
        return []
    rows = session.scalars(
        select(Snapshot)
        .where(Snapshot.page_id == page.id)
        .order_by(Snapshot.last_seen_at.desc(), Snapshot.id.desc())
        .limit(limit)
    ).all()
    return [snapshot_record(s, url, created=False) for s in rows]


def record_original_version(
    session: Session,
    story_id: int,
    fetch: Mapping[str, Any],
    corrections: Sequence[tuple[str, str | None]],
    updated: Finding | None,
    now: datetime,
) -> SnapshotRecord:
    """Store a fetch of an original and, in the same transaction, what its edit superseded.

    `fetch` holds record_fetch's keywords plus `url`; `updated` (an
    original_updated finding) is added to every live copy of the story.
    """
    snapshot = page_ops.record_fetch(session, **fetch)
    for old, new in corrections:
        key = sha256_hex(f"{old}\x1f{new or ''}")
        values: dict[str, Any] = {
            "old_text": clean(old),
            "new_text": clean(new),
            "found_at": now,
            "detail": {},
        }
        insert_or_update(
            session, Correction, {"story_id": story_id, "key": key, **values}, ("story_id", "key"),
            {"found_at": now},
        )  # fmt: skip
    if updated is not None:
        live = session.scalars(
            select(Copy.id).where(Copy.story_id == story_id, Copy.status != "removed")
        ).all()
        for copy_id in live:
            copy_ops.upsert_findings(session, copy_id, [updated], now)
    return snapshot


def corrections_for(session: Session, story_id: int) -> list[CorrectionRecord]:
    rows = session.scalars(
        select(Correction).where(Correction.story_id == story_id).order_by(Correction.id)
    ).all()
    return [
        CorrectionRecord(r.id, r.story_id, r.old_text, r.new_text, r.found_at, dict(r.detail))
        for r in rows
    ]


def mark_copy_removed(
    session: Session, copy_id: int, finding: Finding, snapshot_id: int | None, now: datetime
) -> None:
    """Mark a copy removed (its page is gone) and add the copy_removed finding."""
    copy = session.get(Copy, copy_id)
    if copy is None:
        return
    copy.status = "removed"
    copy.last_checked = now
    if snapshot_id is not None:
        copy.snapshot_id = snapshot_id
    copy_ops.upsert_findings(session, copy_id, [finding], now)


def scheduled_jobs(session: Session) -> list[tuple[str, datetime | None]]:
    """(job id, next run) from APScheduler's job table; empty before a daemon ever ran."""
    if not inspect(session.connection()).has_table(APSCHEDULER_TABLE):
        return []
    rows = session.execute(
        text(f"SELECT id, next_run_time FROM {APSCHEDULER_TABLE} ORDER BY next_run_time")
    ).all()
    return [
        (str(job_id), datetime.fromtimestamp(t, UTC) if t is not None else None)
        for job_id, t in rows
    ]


def story_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Story.id).order_by(Story.id)).all())


def stats_json(stats: Mapping[str, Any]) -> dict[str, Any]:
    return dict(json_safe(stats))
