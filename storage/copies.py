"""Copies of stories and their findings: record analyses, reconcile, review.

Findings are de-duplicated per copy by `key` (sha256 of drift's Finding.key):
found again → seen again (review state kept); no longer found → inactive.
Runs inside a transaction opened by storage.store.Store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from drift.codes import CODES, make_finding
from drift.model import SEVERITY_RANK, CopyAnalysis, Finding
from storage.convert import clean, copy_record, finding_record, sha256_hex
from storage.errors import UnknownRecord
from storage.pages import ensure_page, find_page
from storage.records import CopyRecord, FindingRecord
from storage.schema import Copy, FindingRow, Page
from storage.upsert import insert_or_update

REVIEW_STATES = ("open", "confirmed", "dismissed")
FETCH_FAILED = "lifecycle.fetch_failed"
# Lifecycle facts that only a re-check (comparing versions) can confirm or clear.
RECHECK_ONLY = tuple(
    CODES[c].code
    for c in ("lifecycle.copy_edited", "lifecycle.original_updated", "lifecycle.stale_copy")
)


def finding_key(finding: Finding) -> str:
    return sha256_hex(finding.key)


def record_analysis(
    session: Session,
    story_id: int,
    url: str,
    *,
    snapshot_id: int,
    analysis: CopyAnalysis,
    discovered_via: str,
    title: str,
    now: datetime,
    lifecycle: bool = False,
) -> CopyRecord | None:
    """Upsert the copy of `story_id` at `url` from an analysis and reconcile its findings."""
    page = find_page(session, url) if not analysis.is_copy else ensure_page(session, url)
    existing = _find_copy(session, story_id, page.id) if page is not None else None
    if not analysis.is_copy:
        if existing is None:
            return None
        existing.status = "removed"
        existing.last_checked = now
        existing.snapshot_id = snapshot_id
        # Keep the last drift picture of a removed copy; add what this analysis found.
        upsert_findings(session, existing.id, analysis.findings, now)
        session.flush()
        return load_copy(session, existing.id)
    assert page is not None
    metrics = _copy_metrics(analysis, snapshot_id, title, now)
    copy_id = insert_or_update(
        session,
        Copy,
        {
            "story_id": story_id,
            "page_id": page.id,
            "discovered_via": discovered_via,
            "first_seen": now,
            **metrics,
        },
        ("story_id", "page_id"),
        metrics,
    )
    reconcile_findings(session, copy_id, analysis.findings, now, lifecycle=lifecycle)
    return load_copy(session, copy_id)


def _copy_metrics(
    analysis: CopyAnalysis, snapshot_id: int, title: str, now: datetime
) -> dict[str, Any]:
    m = analysis.match
    return {
        "status": "live",
        "last_checked": now,
        "match_kind": m.kind,
        "containment": float(m.containment),
        "verbatim": float(m.verbatim),
        "added": float(m.added),
        "drift_score": int(analysis.drift_score),
        "severity": analysis.severity,
        "snapshot_id": snapshot_id,
        "title": clean(title),
    }


def _find_copy(session: Session, story_id: int, page_id: int) -> Copy | None:
    stmt = select(Copy).where(Copy.story_id == story_id, Copy.page_id == page_id)
    return session.scalar(stmt)


def upsert_findings(
    session: Session, copy_id: int, findings: Iterable[Finding], now: datetime
) -> set[str]:
    """Insert new findings (review open) or mark known ones seen again; return their keys."""
    keys: set[str] = set()
    for finding in findings:
        key = finding_key(finding)
        keys.add(key)
        seen = {
            "category": finding.category,
            "severity": finding.severity,
            "message": clean(finding.message),
            "evidence": finding.evidence.to_json(),
            "last_seen": now,
            "active": True,
        }
        insert_or_update(
            session,
            FindingRow,
            {"copy_id": copy_id, "key": key, "code": finding.code, "first_seen": now, **seen},
            ("copy_id", "key"),
            seen,
        )
    return keys


def reconcile_findings(
    session: Session,
    copy_id: int,
    findings: Sequence[Finding],
    now: datetime,
    *,
    lifecycle: bool = False,
) -> None:
    """Make exactly `findings` the active findings of the copy.

    Without `lifecycle`, the lifecycle facts only a re-check can judge stay active.
    """
    keys = upsert_findings(session, copy_id, findings, now)
    stmt = update(FindingRow).where(FindingRow.copy_id == copy_id, FindingRow.active.is_(True))
    if not lifecycle:
        stmt = stmt.where(FindingRow.code.not_in(RECHECK_ONLY))
    if keys:
        stmt = stmt.where(FindingRow.key.not_in(keys))
    session.execute(stmt.values(active=False), execution_options={"synchronize_session": False})


def record_copy_failure(
    session: Session, story_id: int, url: str, *, error: str, now: datetime
) -> CopyRecord | None:
    """Mark an existing copy as failing, with an active lifecycle.fetch_failed finding."""
    page = find_page(session, url)
    copy = _find_copy(session, story_id, page.id) if page is not None else None
    if copy is None:
        return None
    copy.status = "error"
    copy.last_checked = now
    upsert_findings(session, copy.id, [make_finding(FETCH_FAILED, message=error)], now)
    session.flush()
    return load_copy(session, copy.id)


def load_copy(session: Session, copy_id: int) -> CopyRecord:
    row = session.execute(
        select(Copy, Page).join(Page, Copy.page_id == Page.id).where(Copy.id == copy_id),
        execution_options={"populate_existing": True},
    ).one()
    return copy_record(row[0], row[1], _active_findings(session, [copy_id]).get(copy_id, ()))


def copies_for_story(
    session: Session, story_id: int, *, include_removed: bool = True
) -> list[CopyRecord]:
    """The story's copies with their active findings, highest drift first."""
    stmt = select(Copy, Page).join(Page, Copy.page_id == Page.id).where(Copy.story_id == story_id)
    if not include_removed:
        stmt = stmt.where(Copy.status != "removed")
    rows = session.execute(stmt).all()
    findings = _active_findings(session, [row[0].id for row in rows])
    records = [copy_record(c, p, findings.get(c.id, ())) for c, p in rows]
    return sorted(records, key=lambda r: (-r.drift_score, r.id))


def _active_findings(
    session: Session, copy_ids: Sequence[int]
) -> dict[int, tuple[FindingRecord, ...]]:
    if not copy_ids:
        return {}
    rows = session.scalars(
        select(FindingRow)
        .where(FindingRow.copy_id.in_(copy_ids), FindingRow.active.is_(True))
        .execution_options(populate_existing=True)
    ).all()
    grouped: dict[int, list[FindingRow]] = {}
    for row in rows:
        grouped.setdefault(row.copy_id, []).append(row)
    return {
        copy_id: tuple(
            finding_record(r)
            for r in sorted(found, key=lambda r: (-SEVERITY_RANK.get(r.severity, 0), r.id))
        )
        for copy_id, found in grouped.items()
    }


def set_review(
    session: Session,
    finding_id: int,
    state: str,
    *,
    note: str | None,
    by: str | None,
    now: datetime,
) -> FindingRecord:
    """Set a finding's review state (open, confirmed, dismissed) with note and reviewer."""
    if state not in REVIEW_STATES:
        raise ValueError(f"review state must be one of {', '.join(REVIEW_STATES)}: {state!r}")
    row = session.get(FindingRow, finding_id)
    if row is None:
        raise UnknownRecord(f"no finding with id {finding_id}")
    row.review = state
    row.review_note = clean(note)
    row.reviewed_by = clean(by)
    row.reviewed_at = now
    session.flush()
    return finding_record(row)
