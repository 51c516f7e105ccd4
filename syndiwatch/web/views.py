"""View models of the review desk, shared by the pages, the JSON API and the exports.

Parses and checks query parameters into storage's CopyQuery, assembles one
copy's detail (aligned rows, attribution panel, histories) from Store verbs,
and turns records into the JSON of CONTRACT.md §3 through syndiwatch.report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from drift.align import align
from drift.codes import CODES
from drift.model import Article
from storage import Store
from storage.records import (
    COPY_SORTS,
    CopyQuery,
    CopyRecord,
    FindingRecord,
    ReviewEventRecord,
    SnapshotRecord,
    StoryRecord,
    StoryReport,
    parse_story_id,
)
from syndiwatch.report import build_report, iso
from syndiwatch.web.alignview import AlignedRow, build_rows

SEVERITIES = ("high", "medium", "low", "none")
STATUSES = ("live", "removed", "error")
REVIEW_STATES = ("open", "confirmed", "dismissed")
# The code filter offers every registered code, by category (no query per page view).
CODE_GROUPS = tuple(
    (category, tuple(c for c in CODES if c.startswith(category + ".")))
    for category in ("content", "attribution", "lifecycle")
)
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
EXPORT_CHUNK = 500

# The largest row id any backend holds: ids are Integer columns, 32-bit on PostgreSQL,
# which refuses a larger literal outright ("integer out of range").
MAX_ID = 2**31 - 1


class BadQuery(ValueError):
    """A query parameter has a value the desk does not accept (message is one line)."""


# Every query parameter parse_copy_query reads (the page cache keys on these only).
COPY_QUERY_PARAMS = ("severity", "code", "domain", "review", "status", "sort", "dir", "page",
                     "per_page")  # fmt: skip


def parse_copy_query(params: Mapping[str, str]) -> CopyQuery:
    """Read severity, code, domain, review, status, sort, dir, page, per_page."""
    q = CopyQuery(
        severity=_choice(params, "severity", SEVERITIES),
        code=_choice(params, "code", tuple(CODES)),
        domain=_text(params, "domain", 255),
        review=_choice(params, "review", REVIEW_STATES),
        status=_choice(params, "status", STATUSES),
        sort=_choice(params, "sort", COPY_SORTS) or "score",
        descending=(_choice(params, "dir", ("asc", "desc")) or "desc") == "desc",
    )
    per_page = _int(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = _int(params, "page", 1, 1, 1_000_000)
    return replace(q, limit=per_page, offset=(page - 1) * per_page)


def _choice(params: Mapping[str, str], name: str, allowed: Sequence[str]) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise BadQuery(f"{name} must be one of {', '.join(allowed)}")
    return value


def _text(params: Mapping[str, str], name: str, limit: int) -> str | None:
    value = (params.get(name) or "").strip()
    if len(value) > limit:
        raise BadQuery(f"{name} is longer than {limit} characters")
    if not value.isprintable():  # NUL and friends (PostgreSQL refuses NUL in text)
        raise BadQuery(f"{name} holds control characters")
    return value or None


def _int(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = (params.get(name) or "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise BadQuery(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def query_params(query: CopyQuery, **changes: Any) -> dict[str, str]:
    """The query string parameters of a CopyQuery (for links that keep the filters)."""
    params = {
        "severity": query.severity or "",
        "code": query.code or "",
        "domain": query.domain or "",
        "review": query.review or "",
        "status": query.status or "",
        "sort": query.sort,
        "dir": "desc" if query.descending else "asc",
        "per_page": str(query.limit),
        "page": str(query.offset // max(1, query.limit) + 1),
    }
    params.update({k: str(v) for k, v in changes.items()})
    return {k: v for k, v in params.items() if v and not (k == "page" and v == "1")}


def find_story(store: Store, ref: str) -> StoryRecord | None:
    """The story named by `s_01`, `s_1` or `1`, or None."""
    try:
        story_id = parse_story_id(ref)
    except ValueError:
        return None
    if story_id > MAX_ID:
        return None
    return store.get_story(story_id)


def all_matching(store: Store, story_id: int, query: CopyQuery) -> list[CopyRecord]:
    """Every copy the filters match (the export of the current view), page by page in SQL."""
    out: list[CopyRecord] = []
    offset = 0
    while True:
        page = store.query_copies(story_id, replace(query, limit=EXPORT_CHUNK, offset=offset))
        out.extend(page.copies)
        offset += EXPORT_CHUNK
        if offset >= page.total or not page.copies:
            return out


def report_json(story: StoryRecord, copies: Sequence[CopyRecord], now: datetime) -> dict[str, Any]:
    """The §3 report of one story limited to `copies`, plus review and id keys."""
    data = build_report([StoryReport(story, tuple(copies))], generated_at=now)
    for record, out in zip(copies, data["stories"][0]["copies"], strict=True):
        out.update(copy_extra(record))
    return data


def copy_extra(copy: CopyRecord) -> dict[str, Any]:
    """The keys the desk adds to a §3 copy object: id and the copy-level review."""
    return {
        "id": copy.id,
        "review": copy.review,
        "review_note": copy.review_note,
        "reviewed_by": copy.reviewed_by,
        "reviewed_at": iso(copy.reviewed_at),
    }


@dataclass(frozen=True, slots=True)
class CodeBadge:
    """One finding code of a copy in the copies table: how often, how bad, all dismissed?"""

    code: str
    severity: str
    count: int
    dismissed: bool
    message: str

    @property
    def short(self) -> str:
        return self.code.split(".", 1)[-1]


def code_badges(findings: Sequence[FindingRecord]) -> list[CodeBadge]:
    """Group a copy's findings by code, in the order they come (severity first)."""
    groups: dict[str, list[FindingRecord]] = {}
    for f in findings:
        groups.setdefault(f.finding.code, []).append(f)
    return [
        CodeBadge(
            code=code,
            severity=group[0].finding.severity,
            count=len(group),
            dismissed=all(f.review == "dismissed" for f in group),
            message=group[0].finding.message,
        )
        for code, group in groups.items()
    ]


@dataclass(frozen=True, slots=True)
class AttributionRow:
    label: str
    original: tuple[str, ...]
    copy: tuple[str, ...]
    links: bool = False  # the values are URLs (rendered as links when http(s))

    @property
    def differs(self) -> bool:
        return [v.casefold() for v in self.original] != [v.casefold() for v in self.copy]


@dataclass(frozen=True, slots=True)
class CopyDetail:
    story: StoryRecord
    copy: CopyRecord
    original_article: Article | None
    copy_article: Article | None
    rows: tuple[AlignedRow, ...]
    attribution: tuple[AttributionRow, ...]
    original_history: tuple[SnapshotRecord, ...]
    copy_history: tuple[SnapshotRecord, ...]
    earlier_findings: tuple[FindingRecord, ...]
    reviews: tuple[ReviewEventRecord, ...]

    @property
    def lifecycle(self) -> tuple[FindingRecord, ...]:
        return tuple(f for f in self.copy.findings if f.finding.category == "lifecycle")


def copy_detail(store: Store, copy_id: int) -> CopyDetail | None:
    """Everything the copy page shows, or None for an unknown copy."""
    copy = store.get_copy(copy_id)
    if copy is None:
        return None
    story = store.get_story(copy.story_id)
    if story is None:
        return None
    original_history = tuple(store.page_history(story.url))
    copy_history = tuple(store.page_history(copy.url))
    original = story.article or _first_article(original_history)
    copied = _first_article(copy_history)
    rows: tuple[AlignedRow, ...] = ()
    if original is not None and copied is not None:
        pairs = [(f.finding, f.id) for f in copy.findings]
        rows = tuple(build_rows(align(original, copied), pairs))
    return CopyDetail(
        story=story,
        copy=copy,
        original_article=original,
        copy_article=copied,
        rows=rows,
        attribution=tuple(attribution_rows(original, copied, story.url)),
        original_history=original_history,
        copy_history=copy_history,
        earlier_findings=tuple(store.inactive_findings(copy_id)),
        reviews=tuple(store.review_history(copy_id)),
    )


def _first_article(history: Sequence[SnapshotRecord]) -> Article | None:
    return next((s.article for s in history if s.article is not None), None)


def attribution_rows(
    original: Article | None, copy: Article | None, original_url: str
) -> list[AttributionRow]:
    """Publisher, byline, credits, wire services, link back and canonical, side by side."""
    o = original or Article(url=original_url)
    c = copy or Article(url="")
    return [
        AttributionRow("Publisher", _opt(o.publisher), _opt(c.publisher)),
        AttributionRow("Byline", o.authors, c.authors),
        AttributionRow("Credits", _credits(o), _credits(c)),
        AttributionRow("Wire services", o.wire_services, c.wire_services),
        AttributionRow("Link back", (original_url,), _links_back(c, original_url), links=True),
        AttributionRow("Canonical", _opt(o.canonical), _opt(c.canonical), links=True),
    ]


def _opt(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


def _credits(article: Article) -> tuple[str, ...]:
    return tuple(f"{c.label}: {c.value or '(empty)'}" for c in article.credits)


def _links_back(copy: Article, original_url: str) -> tuple[str, ...]:
    """Links of the copy to the original article or its site."""
    host = (urlsplit(original_url).hostname or "").lower()
    out = []
    for link in copy.links:
        try:
            target = (urlsplit(link.href).hostname or "").lower()
        except ValueError:
            continue
        if host and (target == host or target.endswith("." + host)):
            out.append(link.href)
    return tuple(dict.fromkeys(out))
