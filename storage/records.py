"""Small read-only records that storage hands to its callers (never ORM rows).

Callers above storage (the CLI, the pipeline, the report writers, the web UI)
see only these dataclasses and drift's; `Session` and ORM classes stay inside
storage/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drift.model import Article, Finding, Match, Severity

ReviewState = str  # "open" | "confirmed" | "dismissed"
CopyStatus = str  # "live" | "removed" | "error"


# Row ids are 32-bit integers on PostgreSQL; a larger id names no row (and PostgreSQL
# would refuse the literal rather than find nothing).
MAX_ROW_ID = 2**31 - 1


def story_public_id(n: int) -> str:
    """The id users see for story row `n`: s_01, s_02, … s_100."""
    return f"s_{n:02d}"


def parse_story_id(text: str) -> int:
    """Accept `s_01`, `s_1` or `1`; raise ValueError otherwise."""
    t = text.strip().lower()
    if t.startswith("s_"):
        t = t[2:]
    if not t.isdigit() or int(t) > MAX_ROW_ID:
        raise ValueError(f"not a story id: {text!r} (expected e.g. s_01)")
    return int(t)


@dataclass(frozen=True, slots=True)
class SnapshotRecord:
    id: int
    url: str
    content_hash: str
    fetched_at: datetime
    status: int
    created: bool  # True when this fetch stored a new snapshot (the page changed)
    article: Article | None = None
    first_fetched_at: datetime | None = None  # first fetch that returned this body
    final_url: str | None = None


@dataclass(frozen=True, slots=True)
class StoryRecord:
    id: int
    url: str
    name: str | None
    created_at: datetime
    article: Article | None = None  # from the latest snapshot of the original
    last_checked: datetime | None = None

    @property
    def public_id(self) -> str:
        return story_public_id(self.id)


@dataclass(frozen=True, slots=True)
class FindingRecord:
    id: int
    finding: Finding
    review: ReviewState = "open"
    review_note: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None


@dataclass(frozen=True, slots=True)
class CopyRecord:
    id: int
    story_id: int
    url: str
    domain: str
    title: str
    discovered_via: str
    first_seen: datetime
    last_checked: datetime
    status: CopyStatus
    match: Match | None
    drift_score: int
    severity: Severity
    findings: tuple[FindingRecord, ...] = ()
    snapshot_id: int | None = None
    review: ReviewState = "open"  # the whole copy confirmed or dismissed
    review_note: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoryReport:
    story: StoryRecord
    copies: tuple[CopyRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    kind: str
    started_at: datetime
    finished_at: datetime | None
    stats: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRecord:
    id: int
    kind: str  # "feed" | "sitemap" | "site" | "url"
    url: str
    every: str | None
    cron: str | None
    story_id: int | None
    enabled: bool
    created_at: datetime
    state: Mapping[str, Any] = field(default_factory=dict)  # e.g. ETag / Last-Modified


@dataclass(frozen=True, slots=True)
class PageRecord:
    id: int
    url: str
    domain: str
    last_fetched_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_error_kind: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0


COPY_SORTS = ("score", "severity", "domain", "title", "first_seen", "last_checked", "status",
              "containment")  # fmt: skip


@dataclass(frozen=True, slots=True)
class CopyQuery:
    """Filters, order and page of a story's copies (all filters optional)."""

    severity: str | None = None
    code: str | None = None
    domain: str | None = None  # substring of the copy's domain
    review: ReviewState | None = None  # the copy-level review state
    status: CopyStatus | None = None
    sort: str = "score"  # one of COPY_SORTS
    descending: bool = True
    limit: int = 50
    offset: int = 0
    # Findings carry code, severity, message and review only (no evidence, no
    # timestamps): enough for a table of copies, and several times cheaper.
    brief: bool = False


@dataclass(frozen=True, slots=True)
class CopyPage:
    """One page of a filtered copy list and the number of copies the filters match."""

    copies: tuple[CopyRecord, ...]
    total: int
    query: CopyQuery


@dataclass(frozen=True, slots=True)
class RecentFinding:
    """A recently found finding of a story, with the copy it belongs to."""

    copy_id: int
    domain: str
    record: FindingRecord


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story with counts of its copies by severity and its newest findings."""

    story: StoryRecord
    copies: int
    by_severity: Mapping[str, int]
    removed: int = 0
    open_findings: int = 0
    newest: tuple[RecentFinding, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewEventRecord:
    """One review decision: on a copy (finding_id None) or on one of its findings."""

    id: int
    copy_id: int
    finding_id: int | None
    state: ReviewState
    note: str | None
    by: str | None
    at: datetime
