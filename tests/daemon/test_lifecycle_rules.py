"""drift.lifecycle: edit or noise, the diff of an edit, stale passages of a copy."""

from __future__ import annotations

import pytest

from drift.lifecycle import (
    Change,
    classify_change,
    describe_changes,
    edit_finding,
    is_flip_back,
    mask_noise,
    stale_findings,
    superseded_passages,
)
from drift.model import Article, Credit

BODY = (
    "The council approved the budget on Monday after a long debate.",
    "About 2,800 workers joined the strike, the union said.",
    "The mayor said the plan would “protect every job in the city”.",
)


def art(*paragraphs: str, title: str = "Council approves budget", **kw: object) -> Article:
    return Article(url="https://a.example/x", title=title, paragraphs=paragraphs, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (BODY, BODY, "same"),
        (BODY, (*BODY[:2], BODY[2] + "  "), "noise"),
        ((*BODY, "Updated: Nov 18, 2026 10:32"), (*BODY, "Updated: Nov 19, 2026 08:01"), "noise"),
        ((*BODY, "3 hours ago · 1,204 views"), (*BODY, "5 hours ago · 1,377 views"), "noise"),
        (
            (*BODY, "Published 2026-11-18T10:32:00Z"),
            (*BODY, "Published 2026-11-19T09:00:00Z"),
            "noise",
        ),
        (BODY, (BODY[0], BODY[1].replace("2,800", "2,600"), BODY[2]), "edit"),
        (BODY, (BODY[0].replace("Monday", "Tuesday"), *BODY[1:]), "edit"),
        (BODY, BODY[:2], "edit"),
        (BODY, (*BODY, "The vote was 7 to 2."), "edit"),
    ],
)
def test_classify_change(before: tuple[str, ...], after: tuple[str, ...], kind: str) -> None:
    assert classify_change(art(*before), art(*after)) == kind


def test_a_credit_line_change_is_an_edit() -> None:
    old = art(*BODY, credits=(Credit("Source", "–"),))
    new = art(*BODY, credits=(Credit("Source", "AFP"),))
    assert classify_change(old, new) == "edit"
    changes = describe_changes(old, new)
    assert Change("credit: Source: –", None) in changes
    assert Change(None, "credit: Source: AFP") in changes


def test_a_date_inside_a_sentence_is_not_masked() -> None:
    assert mask_noise("The talks resume on November 23.") != mask_noise(
        "The talks resume on November 24."
    )


def test_flip_back_to_an_earlier_version() -> None:
    a, b = art(*BODY), art(*BODY, "Sponsored: read our newsletter every morning.")
    assert is_flip_back(a, [b, a])
    assert not is_flip_back(a, [b])


def test_edit_finding_names_old_and_new_passage() -> None:
    old, new = art(*BODY), art(BODY[0], BODY[1].replace("2,800", "2,600"), BODY[2])
    finding = edit_finding("lifecycle.original_updated", describe_changes(old, new))
    assert finding.code == "lifecycle.original_updated"
    assert finding.evidence.original == BODY[1]
    assert finding.evidence.copy == BODY[1].replace("2,800", "2,600")
    assert finding.evidence.detail["changed"] == 1


CORRECTED = art(BODY[0], BODY[1].replace("2,800", "2,600"), BODY[2])


@pytest.mark.parametrize(
    ("copy_body", "stale"),
    [
        (BODY, True),  # kept everything
        (
            (BODY[0], "About 2,800 workers joined the strike, the union said on Monday.", BODY[2]),
            True,
        ),
        (CORRECTED.paragraphs, False),  # took the correction
        ((BODY[0], BODY[1].replace("2,800", "28,000"), BODY[2]), False),  # its own number
        ((BODY[0], BODY[2]), False),  # never carried the passage
    ],
)
def test_stale_copy(copy_body: tuple[str, ...], stale: bool) -> None:
    superseded = superseded_passages(art(*BODY), CORRECTED)
    assert [c.old for c in superseded] == [BODY[1]]
    found = stale_findings(superseded, art(*copy_body, title="Budget passes"))
    assert bool(found) is stale
    if stale:
        detail = found[0].evidence.detail
        assert detail == {"superseded": BODY[1], "corrected": CORRECTED.paragraphs[1]}
        assert found[0].severity == "high"


def test_a_removed_sentence_is_superseded_and_additions_are_not() -> None:
    old = art(*BODY)
    new = art(BODY[0], BODY[2], "Correction: an earlier version misstated the number of workers.")
    superseded = superseded_passages(old, new)
    assert [(c.old, c.new) for c in superseded] == [(BODY[1], None)]
    assert stale_findings(superseded, art(*BODY))
    assert not stale_findings(superseded, new)
