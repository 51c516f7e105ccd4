"""syndiwatch.web.alignview: word-level marks and finding marks on aligned rows."""

from __future__ import annotations

import pytest

from drift.codes import make_finding
from drift.model import AlignedPair, Alignment, Sentence
from syndiwatch.web.alignview import build_rows, mark_kind


def _pair(op: str, orig: str | None, copy: str | None) -> AlignedPair:
    s = lambda t: Sentence(t, 0, 0, len(t)) if t is not None else None  # noqa: E731
    return AlignedPair(op, s(orig), s(copy), 0.9)  # type: ignore[arg-type]


def _marked(segments, cls: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The runs of text carrying `cls` (adjacent segments joined)."""
    runs: list[str] = []
    inside = False
    for seg in segments:
        if cls in seg.classes and inside:
            runs[-1] += seg.text
        elif cls in seg.classes:
            runs.append(seg.text)
        inside = cls in seg.classes
    return runs


def test_modified_pair_gets_word_diff() -> None:
    [row] = build_rows(
        Alignment(
            (_pair("modified", "About 2,800 workers struck.", "About 28,000 workers struck."),)
        ),
        [],
    )
    assert _marked(row.original, "del") == ["2,800"]
    assert _marked(row.copy, "ins") == ["28,000"]
    assert "".join(s.text for s in row.copy) == "About 28,000 workers struck."


def test_finding_detail_marks_the_number_on_both_sides() -> None:
    orig, copy = "Volumes fell by 14% last week.", "Volumes fell by 41% last week."
    finding = make_finding(
        "content.number_changed", original=orig, copy=copy, detail={"from": "14%", "to": "41%"}
    )
    [row] = build_rows(Alignment((_pair("modified", orig, copy),)), [(finding, 7)])
    assert _marked(row.original, "m-number") == ["14%"]
    assert _marked(row.copy, "m-number") == ["41%"]
    assert [(f.code, f.id) for f in row.findings] == [("content.number_changed", 7)]
    assert {s.codes for s in row.copy if "m-number" in s.classes} == {("content.number_changed",)}


@pytest.mark.parametrize(
    ("op", "orig", "copy", "side", "cls"),
    [
        ("dropped", "A whole sentence went.", None, "original", "del"),
        ("inserted", None, "Click here to subscribe.", "copy", "ins"),
    ],
)
def test_dropped_and_inserted_rows(op: str, orig, copy, side: str, cls: str) -> None:  # type: ignore[no-untyped-def]
    [row] = build_rows(Alignment((_pair(op, orig, copy),)), [])
    segments = getattr(row, side)
    assert [s.classes for s in segments] == [(cls,)]


def test_equal_row_has_no_marks_and_short_sentences_do_not_catch_passages() -> None:
    passage = make_finding("content.passage_dropped", original="Port officials said more. Port")
    kept = "Port officials said more."
    rows = build_rows(
        Alignment((_pair("equal", "Port", "Port"), _pair("equal", kept, kept))), [(passage, 1)]
    )
    assert rows[0].findings == ()  # "Port" alone is too short to claim the passage
    assert [f.id for f in rows[1].findings] == [1]
    assert all(not s.classes for r in rows for s in (r.original or ()) + (r.copy or ()))


def test_attribution_findings_are_not_put_on_rows() -> None:
    f = make_finding("attribution.publisher_missing", original="The Harbour Ledger")
    [row] = build_rows(Alignment((_pair("equal", "The Harbour Ledger said so.", "x"),)), [(f, 1)])
    assert row.findings == ()


def test_marks_respect_word_boundaries() -> None:
    f = make_finding(
        "content.number_changed",
        original="It was 40.",
        copy="It was 4.",
        detail={"from": "40", "to": "4"},
    )
    [row] = build_rows(Alignment((_pair("modified", "It was 40.", "It was 4."),)), [(f, 1)])
    assert _marked(row.copy, "m-number") == ["4"]
    assert _marked(row.original, "m-number") == ["40"]  # not the "4" inside "40"


def test_mark_kind() -> None:
    assert mark_kind("content.number_changed") == "m-number"
    assert mark_kind("content.hedge_removed") == "m-hedge"
