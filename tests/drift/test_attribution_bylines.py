"""Table tests for byline and photo-caption credit checks of drift.attribution.

Rows change a faithful copy (or the original) and name how many findings of one
code they must give; near-miss rows must give none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from drift.attribution import find_attribution_findings
from drift.model import Article, Caption, Credit, Finding, Link

ORIGINAL_URL = "https://www.example-times.com/2022/05/24/leak"
CAPTION = "Spokesperson Zhao Lijian at a press conference on May 24"
ORIGINAL = Article(
    url=ORIGINAL_URL,
    authors=("Jane Q. Doe",),
    publisher="The Example Times",
    credits=(Credit("Source", "AFP"),),
    captions=(Caption(CAPTION, "Li Wei/AFP"), Caption("A map of the region", None)),
)
FAITHFUL = Article(
    url="https://republisher.example/a/123",
    authors=("Jane Doe",),
    credits=(Credit("Source", "The Example Times / AFP"),),
    captions=(Caption(CAPTION, "Li Wei/AFP"),),
    links=(Link(ORIGINAL_URL, "Read the original article"),),
)

MISSING = "attribution.byline_missing"
REPLACED = "attribution.byline_replaced"
PHOTO = "attribution.photo_credit_dropped"
TWO_AUTHORS: dict[str, Any] = {"authors": ("Jane Q. Doe", "Nguyễn Văn An")}

ROWS: list[tuple[str, dict[str, Any], dict[str, Any], str, int]] = [
    # byline_missing: positives
    ("missing/no-byline", {}, {"authors": ()}, MISSING, 1),
    ("missing/one-of-two", TWO_AUTHORS, {"authors": ("Jane Doe",)}, MISSING, 1),
    ("missing/both-of-two", TWO_AUTHORS, {"authors": ()}, MISSING, 2),
    # The wire is no person: the original's author is still missing.
    ("missing/wire-as-author", {}, {"authors": ("AFP",)}, MISSING, 1),
    # byline_missing: near misses
    ("missing/upper-case", {}, {"authors": ("JANE DOE",)}, MISSING, 0),
    ("missing/no-diacritics", TWO_AUTHORS, {"authors": ("Jane Doe", "Nguyen Van An")}, MISSING, 0),
    ("missing/surname-first", {}, {"authors": ("Doe, Jane",)}, MISSING, 0),
    (
        "missing/named-in-text",
        {},
        {"authors": (), "paragraphs": ("By JANE DOE, Paris",)},
        MISSING,
        0,
    ),
    ("missing/original-generic", {"authors": ("Staff",)}, {"authors": ()}, MISSING, 0),
    # byline_replaced: positives (and then no byline_missing for the same author)
    ("replaced/other-person", {}, {"authors": ("John Smith",)}, REPLACED, 1),
    ("replaced/other-person-not-missing", {}, {"authors": ("John Smith",)}, MISSING, 0),
    ("replaced/two-impostors", {}, {"authors": ("John Smith", "Mary Major")}, REPLACED, 2),
    # byline_replaced: near misses
    ("replaced/original-anonymous", {"authors": ()}, {"authors": ("John Smith",)}, REPLACED, 0),
    ("replaced/co-byline", {}, {"authors": ("Jane Doe", "John Smith")}, REPLACED, 0),
    ("replaced/wire-as-author", {}, {"authors": ("AFP",)}, REPLACED, 0),
    ("replaced/generic-for-generic", {"authors": ("Staff",)}, {"authors": ("Admin",)}, REPLACED, 0),
    # A CMS placeholder names nobody: the author is missing, not replaced.
    ("replaced/generic-for-named", {}, {"authors": ("Admin",)}, REPLACED, 0),
    ("missing/generic-for-named", {}, {"authors": ("Admin",)}, MISSING, 1),
    (
        "replaced/person-and-placeholder",
        {},
        {"authors": ("John Smith", "Staff Writer")},
        REPLACED,
        1,
    ),
    # photo_credit_dropped: positives
    ("photo/credit-gone", {}, {"captions": (Caption(CAPTION, None),)}, PHOTO, 1),
    ("photo/credit-placeholder", {}, {"captions": (Caption(CAPTION, "–"),)}, PHOTO, 1),
    (
        "photo/reworded-caption",
        {},
        {"captions": (Caption("Spokesperson Zhao Lijian at a press conference, May 24"),)},
        PHOTO,
        1,
    ),
    # photo_credit_dropped: near misses
    ("photo/credit-changed-not-dropped", {}, {"captions": (Caption(CAPTION, "AFP"),)}, PHOTO, 0),
    (
        "photo/other-photo-same-person",
        {},
        {"captions": (Caption("Spokesperson Zhao Lijian at a briefing in Beijing on May 25"),)},
        PHOTO,
        0,
    ),
    ("photo/unrelated-caption", {}, {"captions": (Caption("The ministry building"),)}, PHOTO, 0),
    ("photo/original-had-none", {}, {"captions": (Caption("A map of the region"),)}, PHOTO, 0),
    (
        "photo/credit-in-text",
        {},
        {"captions": (Caption(CAPTION + ". Photo: Li Wei/AFP"),)},
        PHOTO,
        0,
    ),
    ("photo/caption-not-kept", {}, {"captions": ()}, PHOTO, 0),
]


def _run(original: dict[str, Any], copy: dict[str, Any]) -> list[Finding]:
    return find_attribution_findings(replace(ORIGINAL, **original), replace(FAITHFUL, **copy))


@pytest.mark.parametrize(
    ("original", "copy", "code", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_byline_and_caption_checks(
    original: dict[str, Any], copy: dict[str, Any], code: str, expected: int
) -> None:
    assert sum(1 for f in _run(original, copy) if f.code == code) == expected


def test_byline_replaced_evidence_names_both_authors() -> None:
    [finding] = _run({}, {"authors": ("John Smith",)})
    assert finding.code == REPLACED
    assert finding.evidence.original == "By Jane Q. Doe"
    assert finding.evidence.copy == "By John Smith"


def test_photo_credit_evidence_shows_lost_credit() -> None:
    [finding] = _run({}, {"captions": (Caption(CAPTION, None),)})
    assert finding.evidence.original == f"{CAPTION} (Li Wei/AFP)"
    assert finding.evidence.copy == CAPTION
