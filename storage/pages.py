"""Pages and their snapshots: record fetches and fetch failures, read bodies back.

Functions here run inside a transaction opened by storage.store.Store and take
its Session; they return storage.records dataclasses, never rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from drift.model import Article
from storage.convert import (
    COMPRESSION,
    checked_url,
    clean,
    compress,
    decompress,
    domain_of,
    json_safe,
    page_record,
    sha256_hex,
    snapshot_record,
    stored_article,
)
from storage.errors import UnknownRecord
from storage.outbox import PRUNED
from storage.records import PageRecord, SnapshotRecord
from storage.schema import Page, Snapshot
from storage.upsert import insert_ignore, insert_or_update


def ensure_page(session: Session, url: str) -> Page:
    """Return the page row for `url`, creating it if needed."""
    checked_url(url)
    page_id = insert_ignore(
        session,
        Page,
        {"url": url, "domain": domain_of(url), "consecutive_failures": 0},
        ("url",),
        (Page.url == url,),
    )
    page = session.get(Page, page_id)
    assert page is not None
    return page


def find_page(session: Session, url: str) -> Page | None:
    return session.scalar(select(Page).where(Page.url == url))


def latest_snapshot_row(session: Session, page_id: int) -> Snapshot | None:
    """The snapshot whose body the page served most recently."""
    stmt = (
        select(Snapshot)
        .where(Snapshot.page_id == page_id)
        .order_by(Snapshot.last_seen_at.desc(), Snapshot.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def record_fetch(
    session: Session,
    url: str,
    *,
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    article: Article | None,
    fetched_at: datetime,
    final_url: str | None,
) -> SnapshotRecord:
    """Store a fetched body unless it is the page's latest already; clear failure counters."""
    page = ensure_page(session, url)
    content_hash = sha256_hex(body)
    latest = latest_snapshot_row(session, page.id)
    _mark_fetched(page, status, fetched_at)
    if latest is not None and latest.content_hash == content_hash:
        latest.last_seen_at = max(latest.last_seen_at, fetched_at)
        latest.status = status
        session.flush()
        return snapshot_record(latest, url, created=False)
    article_json = stored_article(article)
    # A body seen before (A → B → A) reuses its row: (page_id, content_hash) is unique.
    snap_id = insert_or_update(
        session,
        Snapshot,
        {
            "page_id": page.id,
            "fetched_at": fetched_at,
            "last_seen_at": fetched_at,
            "status": status,
            "content_hash": content_hash,
            "raw_html": compress(body),
            "compression": COMPRESSION,
            "headers": json_safe(dict(headers)),
            "article": article_json,
            "final_url": final_url,
        },
        ("page_id", "content_hash"),
        # raw_html again too: retention may have pruned the earlier copy of this body.
        {
            "last_seen_at": fetched_at,
            "status": status,
            "article": article_json,
            "raw_html": compress(body),
            "compression": COMPRESSION,
        },
    )
    snap = session.get(Snapshot, snap_id, populate_existing=True)
    assert snap is not None
    return snapshot_record(snap, url, created=True)


def _mark_fetched(page: Page, status: int, fetched_at: datetime) -> None:
    page.last_fetched_at = fetched_at
    page.last_status = status
    page.consecutive_failures = 0
    page.last_error = None
    page.last_error_kind = None
    page.last_error_at = None


def record_fetch_failure(
    session: Session, url: str, *, error: str, error_kind: str | None, at: datetime
) -> None:
    """Count a failed fetch on the page; snapshots and copies are left as they are."""
    page = ensure_page(session, url)
    page.last_error = clean(error)
    page.last_error_kind = clean(error_kind)
    page.last_error_at = at
    page.consecutive_failures = Page.consecutive_failures + 1


def latest_snapshot(session: Session, url: str) -> SnapshotRecord | None:
    page = find_page(session, url)
    if page is None:
        return None
    snap = latest_snapshot_row(session, page.id)
    return snapshot_record(snap, url, created=False) if snap is not None else None


def get_raw_html(session: Session, snapshot_id: int) -> bytes:
    snap = session.get(Snapshot, snapshot_id)
    if snap is None:
        raise UnknownRecord(f"no snapshot with id {snapshot_id}")
    if snap.compression == PRUNED:
        raise UnknownRecord(f"the raw HTML of snapshot {snapshot_id} was pruned by retention")
    return decompress(snap.raw_html, snap.compression)


def get_page(session: Session, url: str) -> PageRecord | None:
    page = find_page(session, url)
    return page_record(page) if page is not None else None
