"""The drift score: 0..100 and a severity for a copy's findings.

Weights: high 30, medium 15, low 5; each further finding of one code adds half the
one before. Content and attribution findings count; lifecycle findings set the
severity only (they say what happened to a page, not how it drifted).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from drift.model import SEVERITY_RANK, Finding, Severity

WEIGHTS: dict[str, float] = {"none": 0.0, "low": 5.0, "medium": 15.0, "high": 30.0}
REPEAT_DECAY = 0.5
SCORED_CATEGORIES = frozenset({"content", "attribution"})


def score_findings(findings: Sequence[Finding]) -> tuple[int, Severity]:
    """The drift score (0 faithful .. 100) and the highest finding's severity."""
    seen: dict[str, int] = {}
    total = 0.0
    severity: Severity = "none"
    for finding in sorted(findings, key=lambda f: -SEVERITY_RANK[f.severity]):
        if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[severity]:
            severity = finding.severity
        if finding.category not in SCORED_CATEGORIES:
            continue
        repeat = seen.get(finding.code, 0)
        seen[finding.code] = repeat + 1
        total += WEIGHTS[finding.severity] * REPEAT_DECAY**repeat
    return min(100, math.floor(total + 0.5)), severity
