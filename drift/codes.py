"""The single registry of finding codes (CONTRACT.md §4).

Every other module refers to a code through `CODES` or `make_finding`; a code
typed as a bare string elsewhere is a review blocker. The contract test checks
this table against the code tables of CONTRACT.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drift.model import Category, Evidence, Finding, Severity


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    category: Category
    severity: Severity
    message: str


def _c(code: str, severity: Severity, message: str) -> CodeInfo:
    category = code.split(".", 1)[0]
    assert category in ("attribution", "content", "lifecycle"), code
    return CodeInfo(code, category, severity, message)  # type: ignore[arg-type]


_ALL = (
    _c("attribution.publisher_missing", "high", "The copy names the original publisher nowhere"),
    _c("attribution.credit_placeholder", "high", "Credit line names no source"),
    _c("attribution.credit_wrong", "high", "The copy credits a different outlet or agency"),
    _c("attribution.wire_dropped", "medium", "The wire service credited by the original is gone"),
    _c("attribution.byline_missing", "medium", "The original's author is not named"),
    _c("attribution.byline_replaced", "high", "Someone else is presented as the author"),
    _c("attribution.link_missing", "medium", "No link to the original article or its site"),
    _c("attribution.link_broken", "medium", "The source link leads nowhere or elsewhere"),
    _c("attribution.canonical_elsewhere", "low", "rel=canonical does not point to the original"),
    _c("attribution.photo_credit_dropped", "low", "A photo caption lost its credit"),
    _c("content.headline_changed", "low", "The headline is materially reworded"),
    _c("content.truncated", "medium", "The copy stops before the original's end"),
    _c("content.passage_dropped", "medium", "A passage of the original is missing"),
    _c("content.text_inserted", "medium", "The body holds passages not in the original"),
    _c("content.sentence_modified", "low", "A sentence is reworded"),
    _c("content.number_changed", "high", "A number differs from the original"),
    _c("content.quote_altered", "high", "A direct quotation differs from the original"),
    _c("content.name_changed", "high", "A name is replaced or dropped"),
    _c("content.hedge_removed", "high", "A qualifier or claim attribution is gone"),
    _c("content.negation_flipped", "high", "A sentence gained or lost a negation"),
    _c("content.date_changed", "medium", "A date or time differs from the original"),
    _c("lifecycle.copy_removed", "low", "The copy is gone"),
    _c("lifecycle.copy_edited", "low", "The copy changed since it was last checked"),
    _c("lifecycle.original_updated", "low", "The original changed"),
    _c("lifecycle.stale_copy", "high", "The copy still carries text the original corrected"),
    _c("lifecycle.fetch_failed", "low", "The last fetch failed"),
)

CODES: Mapping[str, CodeInfo] = {info.code: info for info in _ALL}


def make_finding(
    code: str,
    *,
    original: str | None = None,
    copy: str | None = None,
    detail: Mapping[str, Any] | None = None,
    message: str | None = None,
) -> Finding:
    """Build a Finding for a registered code with its default category and severity."""
    info = CODES[code]
    return Finding(
        code=info.code,
        category=info.category,
        severity=info.severity,
        message=message or info.message,
        evidence=Evidence(original=original, copy=copy, detail=dict(detail or {})),
    )
