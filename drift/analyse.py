"""One copy of one original, analysed end to end.

Owns `analyse_copy`: match first (a page that is no copy gets no findings),
then alignment, attribution and content findings, sorted by severity then
code, and the drift score.
"""

from __future__ import annotations

from collections.abc import Callable

from drift.align import align
from drift.content import find_content_findings
from drift.match import measure_match
from drift.model import SEVERITY_RANK, Article, CopyAnalysis, Finding
from drift.score import score_findings


def analyse_copy(original: Article, copy: Article) -> CopyAnalysis:
    """Match, align, find attribution and content drift, and score one copy."""
    match = measure_match(original, copy)
    if match.kind == "none":
        return CopyAnalysis(match)
    alignment = align(original, copy)
    findings = _attribution_check()(original, copy)
    findings += find_content_findings(original, copy, alignment)
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.code))
    score, severity = score_findings(findings)
    return CopyAnalysis(match, tuple(findings), score, severity, alignment)


def _attribution_check() -> Callable[[Article, Article], list[Finding]]:
    try:
        from drift.attribution import find_attribution_findings
    except ImportError:  # drift.attribution not installed in this tree
        return lambda original, copy: []
    return find_attribution_findings
