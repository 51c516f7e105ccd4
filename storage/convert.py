"""Turn ORM rows into the read-only records of storage.records (and drift dataclasses).

The only place that knows both shapes; callers above storage never see a row.
Also the small value helpers shared by the verbs (hashes, compression, domains).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from drift.model import Article, Category, Evidence, Finding, Match, MatchKind, Severity
from storage.errors import StorageError
from storage.records import (
    CopyRecord,
    FindingRecord,
    PageRecord,
    RunRecord,
    SnapshotRecord,
    SourceRecord,
    StoryRecord,
)
from storage.redact import mask_json, mask_optional
from storage.schema import Copy, FindingRow, Page, Run, Snapshot, Source, Story

COMPRESSION = "zlib"


def utc(value: datetime | None) -> datetime:
    """Check a caller's timestamp is aware and return it in UTC (now when None)."""
    if value is None:
        return datetime.now(UTC)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime given to storage: {value!r} (use UTC)")
    return value.astimezone(UTC)


# Scrapy's URLLENGTH_LIMIT; longer URLs are never fetched, and PostgreSQL's
# unique btree index on a URL refuses keys past ~2.7 kB.
MAX_URL_BYTES = 2083


def checked_url(url: str) -> str:
    """Return `url`, or raise StorageError when it is empty or too long to store."""
    size = len(url.encode("utf-8", "surrogatepass"))
    if not url.strip() or size > MAX_URL_BYTES:
        shown = url[:80] + ("…" if len(url) > 80 else "")
        raise StorageError(f"URL cannot be stored ({size} bytes, limit {MAX_URL_BYTES}): {shown!r}")
    return url


def stored_article(article: Article | None) -> dict[str, Any] | None:
    """The JSON kept in snapshots: Article.to_json() without `text`, rebuilt from paragraphs."""
    if article is None:
        return None
    data = article.to_json()
    data.pop("text", None)
    return data


def clean(text: str | None) -> str | None:
    """Replace NUL characters, which PostgreSQL text columns refuse (hostile pages carry them)."""
    return text.replace("\x00", "\ufffd") if text is not None else None


def sha256_hex(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


def decompress(blob: bytes, method: str) -> bytes:
    if method != COMPRESSION:
        raise ValueError(f"unknown snapshot compression: {method!r}")
    return zlib.decompress(blob)


def domain_of(url: str) -> str:
    """The lower-cased host of `url`."""
    return (urlsplit(url).hostname or "").lower()


def story_record(story: Story, latest: Snapshot | None) -> StoryRecord:
    return StoryRecord(
        id=story.id,
        url=story.url,
        name=story.name,
        created_at=story.created_at,
        article=article_of(latest),
        last_checked=latest.last_seen_at if latest is not None else None,
    )


def article_of(snapshot: Snapshot | None) -> Article | None:
    if snapshot is None or snapshot.article is None:
        return None
    return Article.from_json(snapshot.article)


def snapshot_record(snap: Snapshot, url: str, *, created: bool) -> SnapshotRecord:
    return SnapshotRecord(
        id=snap.id,
        url=url,
        content_hash=snap.content_hash,
        fetched_at=snap.last_seen_at,
        status=snap.status,
        created=created,
        article=article_of(snap),
        first_fetched_at=snap.fetched_at,
        final_url=snap.final_url,
    )


def finding_of(row: FindingRow) -> Finding:
    return Finding(
        code=row.code,
        category=cast(Category, row.category),
        severity=cast(Severity, row.severity),
        message=row.message,
        evidence=Evidence.from_json(row.evidence or {}),
    )


def finding_record(row: FindingRow) -> FindingRecord:
    return FindingRecord(
        id=row.id,
        finding=finding_of(row),
        review=row.review,
        review_note=row.review_note,
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )


def copy_record(copy: Copy, page: Page, findings: tuple[FindingRecord, ...]) -> CopyRecord:
    match = Match(
        kind=cast(MatchKind, copy.match_kind),
        containment=copy.containment,
        verbatim=copy.verbatim,
        added=copy.added,
    )
    return CopyRecord(
        id=copy.id,
        story_id=copy.story_id,
        url=page.url,
        domain=page.domain,
        title=copy.title,
        discovered_via=copy.discovered_via,
        first_seen=copy.first_seen,
        last_checked=copy.last_checked,
        status=copy.status,
        match=match,
        drift_score=copy.drift_score,
        severity=cast(Severity, copy.severity),
        findings=findings,
        snapshot_id=copy.snapshot_id,
        review=copy.review,
        review_note=copy.review_note,
        reviewed_by=copy.reviewed_by,
        reviewed_at=copy.reviewed_at,
    )


def run_record(run: Run) -> RunRecord:
    return RunRecord(
        id=run.id,
        kind=run.kind,
        started_at=run.started_at,
        finished_at=run.finished_at,
        # Masked again on the way out: rows stored before errors were masked.
        stats=mask_json(dict(run.stats or {})),
        error=mask_optional(run.error),
    )


def source_record(src: Source) -> SourceRecord:
    return SourceRecord(
        id=src.id,
        kind=src.kind,
        url=src.url,
        every=src.every,
        cron=src.cron,
        story_id=src.story_id,
        enabled=src.enabled,
        created_at=src.created_at,
        state=dict(src.state or {}),
    )


def page_record(page: Page) -> PageRecord:
    return PageRecord(
        id=page.id,
        url=page.url,
        domain=page.domain,
        last_fetched_at=page.last_fetched_at,
        last_status=page.last_status,
        last_error=page.last_error,
        last_error_kind=page.last_error_kind,
        last_error_at=page.last_error_at,
        consecutive_failures=page.consecutive_failures,
    )


def json_safe(value: Any) -> Any:
    """Round-trip `value` through JSON types (tuples → lists, keys → str)."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
