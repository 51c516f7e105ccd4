"""Table tests for the credit, byline and caption checks of drift.attribution.

Each row changes a faithful copy (or the original) and names how many findings of
one code it must give; near-miss rows must give none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from drift.attribution import find_attribution_findings
from drift.codes import CODES
from drift.model import Article, Caption, Credit, Finding, Link

ORIGINAL_URL = "https://www.example-times.com/2022/05/24/leak"
ORIGINAL = Article(
    url=ORIGINAL_URL,
    title="Leaked files: ministry responds",
    paragraphs=("The ministry responded on Tuesday to the leaked files.",),
    authors=("Jane Q. Doe",),
    publisher="The Example Times",
    credits=(Credit("Source", "AFP"),),
    wire_services=("AFP",),
    captions=(Caption("Spokesperson Zhao Lijian at a press conference on May 24", "Li Wei/AFP"),),
    canonical=ORIGINAL_URL,
)
FAITHFUL = Article(
    url="https://republisher.example/a/123",
    title="Leak of files, ministry spoke up",
    paragraphs=("The ministry responded on Tuesday to the leaked files.",),
    authors=("Jane Doe",),
    publisher="Daily Buzz Hub",
    credits=(Credit("Source", "The Example Times / AFP"),),
    captions=(Caption("Spokesperson Zhao Lijian at a press conference on May 24", "Li Wei/AFP"),),
    links=(Link(ORIGINAL_URL, "Read the original article"),),
    canonical=ORIGINAL_URL,
)


def _run(original: dict[str, Any], copy: dict[str, Any]) -> list[Finding]:
    return find_attribution_findings(replace(ORIGINAL, **original), replace(FAITHFUL, **copy))


def _count(findings: list[Finding], code: str) -> int:
    assert code in CODES
    return sum(1 for f in findings if f.code == code)


def test_faithful_copy_gives_no_attribution_findings() -> None:
    assert find_attribution_findings(ORIGINAL, FAITHFUL) == []


PUBLISHER = "attribution.publisher_missing"
PLACEHOLDER = "attribution.credit_placeholder"
WRONG = "attribution.credit_wrong"
WIRE = "attribution.wire_dropped"
BYLINE_MISSING = "attribution.byline_missing"
BYLINE_REPLACED = "attribution.byline_replaced"
PHOTO = "attribution.photo_credit_dropped"
NO_CREDIT: dict[str, Any] = {"credits": (Credit("Source", "AFP"),)}

ROWS: list[tuple[str, dict[str, Any], dict[str, Any], str, int]] = [
    # publisher_missing: positives
    ("publisher/credits-wire-only", {}, NO_CREDIT, PUBLISHER, 1),
    ("publisher/placeholder-credit", {}, {"credits": (Credit("Source", "–"),)}, PUBLISHER, 1),
    # A link to the original's site is a link, not a naming of the publisher.
    (
        "publisher/link-href-only",
        {},
        {**NO_CREDIT, "links": (Link(ORIGINAL_URL, "here"),)},
        PUBLISHER,
        1,
    ),
    # publisher_missing: near misses
    (
        "publisher/domain-upper",
        {},
        {"credits": (Credit("Source", "EXAMPLE-TIMES.COM"),)},
        PUBLISHER,
        0,
    ),
    (
        "publisher/no-the-in-text",
        {},
        {**NO_CREDIT, "paragraphs": ("Example Times reported it.",)},
        PUBLISHER,
        0,
    ),
    (
        "publisher/joined-in-link-text",
        {},
        {**NO_CREDIT, "links": (Link("#", "ExampleTimes"),)},
        PUBLISHER,
        0,
    ),
    ("publisher/is-based-on", {}, {**NO_CREDIT, "is_based_on": ORIGINAL_URL}, PUBLISHER, 0),
    ("publisher/original-has-none", {"publisher": None}, NO_CREDIT, PUBLISHER, 0),
    # credit_placeholder: positives
    ("placeholder/dash", {}, {"credits": (Credit("Source", "–"),)}, PLACEHOLDER, 1),
    ("placeholder/vietnamese", {}, {"credits": (Credit("Nguồn", "sưu tầm"),)}, PLACEHOLDER, 1),
    (
        "placeholder/two-lines",
        {},
        {"credits": (Credit("Source", ""), Credit("Via", "N/A"), Credit("Source", "AFP"))},
        PLACEHOLDER,
        2,
    ),
    (
        "placeholder/same-line-twice-is-one-fact",
        {},
        {"credits": (Credit("Source", "–"), Credit("Source", "–"))},
        PLACEHOLDER,
        1,
    ),
    # credit_placeholder: near misses
    ("placeholder/short-real-name", {}, {"credits": (Credit("Source", "AP"),)}, PLACEHOLDER, 0),
    ("placeholder/named", {}, {"credits": (Credit("Nguồn", "Example Times"),)}, PLACEHOLDER, 0),
    ("placeholder/no-credit-line", {}, {"credits": ()}, PLACEHOLDER, 0),
    # credit_wrong: positives
    ("wrong/other-agency", {}, {"credits": (Credit("Source", "Reuters"),)}, WRONG, 1),
    ("wrong/own-site-name", {}, {"credits": (Credit("Source", "Daily Buzz Hub"),)}, WRONG, 1),
    ("wrong/own-domain", {}, {"credits": (Credit("Via", "republisher.example"),)}, WRONG, 1),
    # credit_wrong: near misses
    ("wrong/agency-alias", {}, {"credits": (Credit("Source", "Agence France-Presse"),)}, WRONG, 0),
    (
        "wrong/own-site-but-publisher-named",
        {},
        {
            "credits": (Credit("Source", "Daily Buzz Hub"),),
            "paragraphs": ("The Example Times said.",),
        },
        WRONG,
        0,
    ),
    ("wrong/placeholder-is-not-wrong", {}, {"credits": (Credit("Source", "–"),)}, WRONG, 0),
    (
        "wrong/photo-agency",
        {},
        {"credits": (*FAITHFUL.credits, Credit("Photo", "Getty"))},
        WRONG,
        0,
    ),
    ("wrong/original-author", {}, {"credits": (Credit("Source", "Jane Doe"),)}, WRONG, 0),
    ("wrong/original-url", {}, {"credits": (Credit("Source", ORIGINAL_URL),)}, WRONG, 0),
    # wire_dropped: positives
    ("wire/publisher-only", {}, {"credits": (Credit("Source", "The Example Times"),)}, WIRE, 1),
    (
        "wire/one-of-two",
        {"credits": (Credit("Source", "Reuters, AFP"),), "wire_services": ()},
        {},
        WIRE,
        1,
    ),
    (
        "wire/lower-case-is-no-naming",
        {},
        {"credits": (Credit("Source", "Example Times"),), "paragraphs": ("an afp mention",)},
        WIRE,
        1,
    ),
    # wire_dropped: near misses
    (
        "wire/full-name-in-text",
        {},
        {
            "credits": (Credit("Source", "Example Times"),),
            "paragraphs": ("Agence France Presse said",),
        },
        WIRE,
        0,
    ),
    (
        "wire/copy-wire-services",
        {},
        {"credits": (Credit("Source", "Example Times"),), "wire_services": ("AFP",)},
        WIRE,
        0,
    ),
    (
        "wire/dateline",
        {},
        {"credits": (), "paragraphs": ("PARIS (AFP) - The ministry said.",)},
        WIRE,
        0,
    ),
    ("wire/original-has-none", {"credits": (), "wire_services": ()}, {"credits": ()}, WIRE, 0),
]


@pytest.mark.parametrize(
    ("original", "copy", "code", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_credit_checks(
    original: dict[str, Any], copy: dict[str, Any], code: str, expected: int
) -> None:
    assert _count(_run(original, copy), code) == expected
