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
from sqlalchemy.orm import Session

from storage.schema import PageTrace
from storage.upsert import insert_or_update

# SQLite allows 32,766 bound parameters; stay well below for IN (...) lists.
_CHUNK = 500


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


def traces_under(session: Session, prefix: str) -> dict[str, datetime]:
    """{url: last_fetched} of every trace whose URL starts with `prefix` (a site's root)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = select(PageTrace.url, PageTrace.last_fetched).where(
        PageTrace.url.like(escaped + "%", escape="\\")
    )
    return {url: at for url, at in session.execute(stmt)}


def record_traces(session: Session, traces: Iterable[TraceRecord]) -> int:
    """Upsert traces (one transaction for the batch); return how many were written."""
    count = 0
    for trace in traces:
        changed = trace.last_changed or trace.last_fetched
        values = {
            "url": trace.url,
            "content_hash": trace.content_hash,
            "outcome": trace.outcome,
            "copy_of": sorted(set(trace.copy_of)),
            "stories_upto": trace.stories_upto,
            "last_fetched": trace.last_fetched,
            "last_changed": changed,
        }
        insert_or_update(
            session,
            PageTrace,
            {**values, "first_seen": trace.first_seen or trace.last_fetched},
            ("url",),
            values,
        )
        count += 1
    return count


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
