"""The drift score's documented weights, repeat decay, cap and severity."""

from __future__ import annotations

import pytest

from drift.codes import make_finding
from drift.score import score_findings


@pytest.mark.parametrize(
    ("codes", "score", "severity"),
    [
        ([], 0, "none"),
        (["content.sentence_modified"], 5, "low"),
        (["content.truncated"], 15, "medium"),
        (["content.number_changed"], 30, "high"),
        (["content.number_changed", "content.number_changed"], 45, "high"),
        (["content.number_changed"] * 3, 53, "high"),
        (["attribution.publisher_missing", "content.sentence_modified"], 35, "high"),
        (
            [
                "content.quote_altered",
                "content.name_changed",
                "content.hedge_removed",
                "content.negation_flipped",
            ],
            100,
            "high",
        ),
        (["lifecycle.fetch_failed"], 0, "low"),
        (["lifecycle.stale_copy", "content.date_changed"], 15, "high"),
    ],
)
def test_score_findings(codes: list[str], score: int, severity: str) -> None:
    assert score_findings([make_finding(c) for c in codes]) == (score, severity)
