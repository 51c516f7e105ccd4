"""Small builders of drift dataclasses for storage tests."""

from __future__ import annotations

from drift.codes import make_finding
from drift.model import Article, CopyAnalysis, Finding, Match

ORIGINAL = "https://news.example/2022/05/24/leak"
COPY = "https://republisher.example/a/123"


def article(url: str = COPY, title: str = "Leak of files") -> Article:
    return Article(url=url, title=title, paragraphs=("On May 24, AFP reported 2,800 files.",))


def number_changed(before: str = "2,800", after: str = "28,000") -> Finding:
    return make_finding(
        "content.number_changed",
        original=f"{before} files",
        copy=f"{after} files",
        detail={"from": before, "to": after},
    )


def credit_placeholder() -> Finding:
    return make_finding("attribution.credit_placeholder", original="Source: AFP", copy="Source: –")


def analysis(*findings: Finding, kind: str = "full", score: int = 60) -> CopyAnalysis:
    severity = max((f.severity for f in findings), default="none", key=_rank)
    return CopyAnalysis(
        match=Match(kind, containment=0.93, verbatim=0.71, added=0.12),  # type: ignore[arg-type]
        findings=tuple(findings),
        drift_score=score,
        severity=severity,  # type: ignore[arg-type]
    )


def not_a_copy() -> CopyAnalysis:
    return CopyAnalysis(match=Match("none", containment=0.02, verbatim=0.0, added=0.98))


def _rank(severity: str) -> int:
    return ("none", "low", "medium", "high").index(severity)
