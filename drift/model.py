"""The dataclasses every room of syndiwatch shares: articles, matches, findings.

Field names follow the JSON keys of CONTRACT.md §3 and §3b so that the report
writers never rename anything. All classes are frozen; sequences are tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ARTICLE_SCHEMA = "syndiwatch.article/1"

Severity = Literal["none", "low", "medium", "high"]
Category = Literal["attribution", "content", "lifecycle"]
MatchKind = Literal["verbatim", "full", "partial", "none"]
AlignOp = Literal["equal", "modified", "dropped", "inserted"]

SEVERITY_RANK: Mapping[str, int] = {"none": 0, "low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True, slots=True)
class Credit:
    """A credit/source line as printed on the page: `Source: AFP` → ("Source", "AFP")."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption and the credit printed with it (None when it has none)."""

    text: str
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """An outbound link inside or next to the article body."""

    href: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A page normalised into what syndiwatch compares (CONTRACT.md §3b)."""

    url: str
    title: str = ""
    paragraphs: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    credits: tuple[Credit, ...] = ()
    wire_services: tuple[str, ...] = ()
    captions: tuple[Caption, ...] = ()
    links: tuple[Link, ...] = ()
    canonical: str | None = None
    og_url: str | None = None
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    is_based_on: str | None = None
    # Where each metadata field was read from, e.g. {"authors": "json-ld"}.
    provenance: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The body paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    def to_json(self) -> dict[str, Any]:
        """Return the §3b JSON object (plus the optional keys syndiwatch adds)."""
        return {
            "schema": ARTICLE_SCHEMA,
            "url": self.url,
            "canonical": self.canonical,
            "og_url": self.og_url,
            "title": self.title,
            "authors": list(self.authors),
            "publisher": self.publisher,
            "credits": [{"label": c.label, "value": c.value} for c in self.credits],
            "wire_services": list(self.wire_services),
            "published": self.published,
            "modified": self.modified,
            "language": self.language,
            "is_based_on": self.is_based_on,
            "paragraphs": list(self.paragraphs),
            "captions": [{"text": c.text, "credit": c.credit} for c in self.captions],
            "links": [{"href": ln.href, "text": ln.text} for ln in self.links],
            "text": self.text,
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Article:
        """Rebuild an Article from `to_json()` output (as stored in snapshots)."""
        return cls(
            url=data["url"],
            title=data.get("title") or "",
            paragraphs=tuple(data.get("paragraphs") or ()),
            authors=tuple(data.get("authors") or ()),
            publisher=data.get("publisher"),
            credits=tuple(Credit(c["label"], c["value"]) for c in data.get("credits") or ()),
            wire_services=tuple(data.get("wire_services") or ()),
            captions=tuple(Caption(c["text"], c.get("credit")) for c in data.get("captions") or ()),
            links=tuple(Link(ln["href"], ln["text"]) for ln in data.get("links") or ()),
            canonical=data.get("canonical"),
            og_url=data.get("og_url"),
            published=data.get("published"),
            modified=data.get("modified"),
            language=data.get("language"),
            is_based_on=data.get("is_based_on"),
            provenance=dict(data.get("provenance") or {}),
        )


@dataclass(frozen=True, slots=True)
class Match:
    """How much of an original a page holds (CONTRACT.md §3 `match`)."""

    kind: MatchKind
    containment: float
    verbatim: float
    added: float

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "containment": round(self.containment, 3),
            "verbatim": round(self.verbatim, 3),
            "added": round(self.added, 3),
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """The smallest passages that prove a finding, plus optional detail."""

    original: str | None = None
    copy: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.original is not None:
            out["original"] = self.original
        if self.copy is not None:
            out["copy"] = self.copy
        if self.detail:
            out["detail"] = dict(self.detail)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(data.get("original"), data.get("copy"), dict(data.get("detail") or {}))


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct fact of drift. `code` is a key of drift.codes.CODES."""

    code: str
    category: Category
    severity: Severity
    message: str
    evidence: Evidence = field(default_factory=Evidence)

    @property
    def key(self) -> str:
        """A stable identity for 'the same fact found again' (used for de-duplication)."""
        ev = self.evidence
        return "\x1f".join((self.code, ev.original or "", ev.copy or ""))

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "evidence": self.evidence.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article body with its place: paragraph index and char offsets."""

    text: str
    paragraph: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """One step of an alignment: an original sentence, a copy sentence, or both."""

    op: AlignOp
    original: Sentence | None
    copy: Sentence | None
    similarity: float = 0.0


@dataclass(frozen=True, slots=True)
class Alignment:
    """Every original sentence kept, modified or dropped; every copy sentence kept,
    modified or inserted."""

    pairs: tuple[AlignedPair, ...] = ()


@dataclass(frozen=True, slots=True)
class CopyAnalysis:
    """Everything drift concludes about one copy of one original."""

    match: Match
    findings: tuple[Finding, ...] = ()
    drift_score: int = 0
    severity: Severity = "none"
    alignment: Alignment = field(default_factory=Alignment)

    @property
    def is_copy(self) -> bool:
        return self.match.kind != "none"
