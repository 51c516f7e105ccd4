"""Page traces: what discovery last saw at a canonical URL, copies and non-copies alike.

A trace is tiny (URL, content hash, outcome, when) so a page that is no copy
leaves no snapshot yet is neither refetched from a sitemap nor matched again.
Runs inside a transaction opened by storage.store.Store; returns TraceRecords.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.schema import PageTrace

# SQLite allows 32,766 bound parameters; stay well below for IN (...) lists.
_CHUNK = 500
_ROWS_PER_STATEMENT = 200  # 8 columns a row
_UPDATED = ("content_hash", "outcome", "copy_of", "stories_upto", "last_fetched", "last_changed")


@dataclass(frozen=True, slots=True)
class TraceRecord:
    """The last look at one page. outcome: "copy", "not_copy" or "not_article"."""

    url: str
    content_hash: str
    outcome: str
    copy_of: tuple[int, ...]
    stories_upto: int
    last_fetched: datetime
    last_changed: datetime | None = None
    first_seen: datetime | None = None


def get_traces(session: Session, urls: Sequence[str]) -> dict[str, TraceRecord]:
    """The traces of those `urls` that have one."""
    found: dict[str, TraceRecord] = {}
    unique = list(dict.fromkeys(urls))
    for i in range(0, len(unique), _CHUNK):
        rows = session.scalars(select(PageTrace).where(PageTrace.url.in_(unique[i : i + _CHUNK])))
        found.update((row.url, _record(row)) for row in rows)
    return found


def traces_under(session: Session, prefix: str) -> dict[str, TraceRecord]:
    """The traces of every URL that starts with `prefix` (a site's root), by URL."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = select(PageTrace).where(PageTrace.url.like(escaped + "%", escape="\\"))
    return {row.url: _record(row) for row in session.scalars(stmt)}


def record_traces(session: Session, traces: Iterable[TraceRecord]) -> int:
    """Upsert traces (one transaction, multi-row statements); return how many were written."""
    rows = {
        trace.url: {  # the last trace of a URL in the batch wins
            "url": trace.url,
            "content_hash": trace.content_hash,
            "outcome": trace.outcome,
            "copy_of": sorted(set(trace.copy_of)),
            "stories_upto": trace.stories_upto,
            "last_fetched": trace.last_fetched,
            "last_changed": trace.last_changed or trace.last_fetched,
            "first_seen": trace.first_seen or trace.last_fetched,
        }
        for trace in traces
    }
    batch = list(rows.values())
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for i in range(0, len(batch), _ROWS_PER_STATEMENT):
        stmt = module.insert(PageTrace).values(batch[i : i + _ROWS_PER_STATEMENT])
        updated = {c: getattr(stmt.excluded, c) for c in _UPDATED}
        session.execute(stmt.on_conflict_do_update(index_elements=["url"], set_=updated))
    return len(batch)


def _record(row: PageTrace) -> TraceRecord:
    return TraceRecord(
        url=row.url,
        content_hash=row.content_hash,
        outcome=row.outcome,
        copy_of=tuple(int(i) for i in row.copy_of or ()),
        stories_upto=row.stories_upto,
        last_fetched=row.last_fetched,
        last_changed=row.last_changed,
        first_seen=row.first_seen,
    )
