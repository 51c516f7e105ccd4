"""Notification outbox and retention: which findings were told, which notices wait, old HTML.

A notice is queued in the same transaction that marks its findings noticed, so
a finding is put in at most one notice however often the daemon restarts.
Runs inside a transaction opened by storage.store.Store (through storage.opsverbs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.ops_schema import Notice, NoticedFinding
from storage.redact import mask_optional
from storage.schema import Copy, FindingRow, Page, Snapshot

PRUNED = "pruned"
PRUNE_CHUNK = 500  # ids per UPDATE … IN (…), well below SQLite's bound-parameter limit
PENDING, SENT, FAILED = "pending", "sent", "failed"
# Lifecycle findings that name snapshots in their evidence detail keep those snapshots.
CITED_SNAPSHOT_KEYS = ("snapshot", "from_snapshot", "to_snapshot")


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """One notification to send: a copy's new high-severity findings, grouped, or an
    operator alert about a source (`copy_id` None, `codes` such as `source.disabled`)."""

    id: int
    copy_id: int | None
    title: str
    body: str
    codes: tuple[str, ...]
    created_at: datetime
    status: str
    attempts: int
    delivered: tuple[int, ...] = ()
    last_error: str | None = None


def _notice_record(row: Notice) -> NoticeRecord:
    return NoticeRecord(
        row.id, row.copy_id, row.title, row.body, tuple(row.codes), row.created_at, row.status,
        row.attempts, tuple(row.delivered or ()), mask_optional(row.last_error),
    )  # fmt: skip


def queue_notices(
    session: Session, severities: Sequence[str], now: datetime, story_names: dict[int, str]
) -> list[NoticeRecord]:
    """Group the active, not yet noticed findings of `severities` by copy into new notices."""
    noticed = select(NoticedFinding.finding_id)
    stmt = (
        select(FindingRow, Copy, Page.url)
        .join(Copy, FindingRow.copy_id == Copy.id)
        .join(Page, Copy.page_id == Page.id)
        .where(
            FindingRow.active.is_(True),
            FindingRow.severity.in_(severities),
            FindingRow.review != "dismissed",
            FindingRow.id.not_in(noticed),
        )
        .order_by(Copy.id, FindingRow.id)
    )
    groups: dict[int, list[tuple[FindingRow, Copy, str]]] = {}
    for row, copy, url in session.execute(stmt).all():
        groups.setdefault(copy.id, []).append((row, copy, url))
    return [_queue_one(session, rows, now, story_names) for rows in groups.values()]


def _queue_one(
    session: Session,
    rows: list[tuple[FindingRow, Copy, str]],
    now: datetime,
    story_names: dict[int, str],
) -> NoticeRecord:
    copy, url = rows[0][1], rows[0][2]
    codes = sorted({r.code for r, _, _ in rows})
    story = story_names.get(copy.story_id, f"story {copy.story_id}")
    lines = [f"Copy: {url}", f"Story: {story}", f"Codes: {', '.join(codes)}", ""]
    lines += [f"- {r.code}: {r.message}" for r, _, _ in rows]
    notice = Notice(
        copy_id=copy.id, title=f"syndiwatch: {len(rows)} high-severity finding(s) at {url}",
        body="\n".join(lines), codes=codes, created_at=now, status=PENDING, attempts=0,
        next_attempt_at=now, delivered=[],
    )  # fmt: skip
    session.add(notice)
    session.flush()
    session.add_all(NoticedFinding(finding_id=r.id, notice_id=notice.id) for r, _, _ in rows)
    return _notice_record(notice)


def queue_alert(
    session: Session, title: str, body: str, codes: Sequence[str], now: datetime
) -> NoticeRecord:
    """Queue an operator alert (a source disabled, a source silent): a notice of no copy.

    It is delivered and retried exactly like the findings' notices, so an alert raised
    while the notification target is down is sent when it is back, not lost.
    """
    notice = Notice(
        copy_id=None, title=title, body=body, codes=list(codes), created_at=now,
        status=PENDING, attempts=0, next_attempt_at=now, delivered=[],
    )  # fmt: skip
    session.add(notice)
    session.flush()
    return _notice_record(notice)


def claim_notices(
    session: Session, now: datetime, lease_until: datetime, limit: int
) -> list[NoticeRecord]:
    """Take the pending notices due at `now` for one sender until `lease_until`.

    A claimed notice is due again only when its lease ends, so two senders (two
    jobs, or `run --once` next to the daemon) never send it twice; a sender that
    dies mid-way leaves it to be retried after the lease.
    """
    stmt = (
        select(Notice)
        .where(Notice.status == PENDING, or_(Notice.next_attempt_at.is_(None),
                                             Notice.next_attempt_at <= now))
        .order_by(Notice.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )  # fmt: skip
    claimed = list(session.scalars(stmt).all())
    for notice in claimed:
        notice.next_attempt_at = lease_until
    session.flush()
    return [_notice_record(n) for n in claimed]


def record_attempt(
    session: Session,
    notice_id: int,
    *,
    delivered: Sequence[int],
    error: str | None,
    next_attempt_at: datetime | None,
    now: datetime,
) -> None:
    """Store one delivery attempt: sent when `error` is None, else pending (or failed for good)."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        return
    notice.attempts += 1
    notice.delivered = sorted(set(notice.delivered or ()) | set(delivered))
    notice.last_error = mask_optional(error)  # a webhook URL may carry credentials
    if error is None:
        notice.status, notice.sent_at, notice.next_attempt_at = SENT, now, None
    elif next_attempt_at is None:
        notice.status, notice.next_attempt_at = FAILED, None
    else:
        notice.next_attempt_at = next_attempt_at


def notices(session: Session, limit: int) -> list[NoticeRecord]:
    rows = session.scalars(select(Notice).order_by(Notice.id.desc()).limit(limit)).all()
    return [_notice_record(n) for n in rows]


def prune_raw_html(session: Session, before: datetime) -> int:
    """Drop the raw HTML of snapshots last seen before `before` unless something cites them.

    Kept: each page's latest snapshot, snapshots copies were analysed at, and
    snapshots named in a finding's evidence detail. The article JSON stays.
    """
    keep = set(session.scalars(select(Copy.snapshot_id).where(Copy.snapshot_id.is_not(None))))
    keep |= _latest_snapshot_ids(session)
    keep |= _cited_by_findings(session)
    stmt = select(Snapshot.id).where(Snapshot.last_seen_at < before, Snapshot.compression != PRUNED)
    doomed = [i for i in session.scalars(stmt).all() if i not in keep]
    for start in range(0, len(doomed), PRUNE_CHUNK):
        session.execute(
            update(Snapshot)
            .where(Snapshot.id.in_(doomed[start : start + PRUNE_CHUNK]))
            .values(raw_html=b"", compression=PRUNED),
            execution_options={"synchronize_session": False},
        )
    return len(doomed)


def _latest_snapshot_ids(session: Session) -> set[int]:
    latest: dict[int, tuple[datetime, int]] = {}
    for page_id, seen, snap_id in session.execute(
        select(Snapshot.page_id, Snapshot.last_seen_at, Snapshot.id)
    ).all():
        if page_id not in latest or (seen, snap_id) > latest[page_id]:
            latest[page_id] = (seen, snap_id)
    return {snap_id for _, snap_id in latest.values()}


def _cited_by_findings(session: Session) -> set[int]:
    cited: set[int] = set()
    rows = session.scalars(select(FindingRow.evidence).where(FindingRow.category == "lifecycle"))
    for evidence in rows:
        detail = (evidence or {}).get("detail") or {}
        cited |= {int(detail[k]) for k in CITED_SNAPSHOT_KEYS if isinstance(detail.get(k), int)}
    return cited
