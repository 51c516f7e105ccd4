"""Sentence alignment survives reordering, merges, splits, wrapping and typography."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drift.align import align, group_pairs, sentence_key
from drift.model import Alignment, Article

PARAGRAPHS = (
    "BEIJING (AFP) – Floods forced 2,800 people from their homes on Tuesday.",
    "The river rose 3.5 metres overnight. Officials said it would not recede before Friday.",
    "“We have moved everyone,” Governor Wang Kai told reporters.",
    "Residents were told to avoid the riverbanks.",
)
ORIGINAL = Article("https://o.example/a", paragraphs=PARAGRAPHS)


def _copy(*paragraphs: str) -> Article:
    return Article("https://c.example/a", paragraphs=paragraphs)


def _ops(alignment: Alignment) -> list[str]:
    return [p.op for p in alignment.pairs]


def _accounted(original: Article, copy: Article, alignment: Alignment) -> None:
    """Every sentence on both sides appears in the alignment."""
    from drift.text import split_sentences

    o_seen = {p.original.start for p in alignment.pairs if p.original}
    c_seen = {p.copy.start for p in alignment.pairs if p.copy}
    assert o_seen == {s.start for s in split_sentences(original.text)}
    assert c_seen == {s.start for s in split_sentences(copy.text)}


@pytest.mark.parametrize(
    "copy",
    [
        _copy(*PARAGRAPHS),
        _copy(PARAGRAPHS[3], PARAGRAPHS[1], PARAGRAPHS[0], PARAGRAPHS[2]),
        _copy(*(p.replace("“", '"').replace("”", '"').replace("–", "—") for p in PARAGRAPHS)),
        _copy(*(p.replace(" ", "\n", 3) for p in PARAGRAPHS)),
        _copy(*(p.replace("2,800", "2 800").replace("&", "&amp;") for p in PARAGRAPHS)),
        _copy(
            PARAGRAPHS[0], "Advertisement", PARAGRAPHS[1], "Related: Rain in Japan", *PARAGRAPHS[2:]
        ),
    ],
    ids=["identical", "reordered", "typography", "rewrapped", "formatting", "ads"],
)
def test_unchanged_sentences_are_equal(copy: Article) -> None:
    alignment = align(ORIGINAL, copy)
    _accounted(ORIGINAL, copy, alignment)
    assert all(p.op in ("equal", "inserted") for p in alignment.pairs)
    assert _ops(alignment).count("equal") == 5


def test_merged_sentences_form_one_group() -> None:
    merged = (
        "The river rose 3.5 metres overnight, and officials said it would not recede before Friday."
    )
    copy = _copy(PARAGRAPHS[0], merged, *PARAGRAPHS[2:])
    alignment = align(ORIGINAL, copy)
    _accounted(ORIGINAL, copy, alignment)
    groups = [g for g in group_pairs(alignment) if len(g[0]) > 1]
    assert len(groups) == 1
    assert [s.text for s in groups[0][1]] == [merged]
    assert "dropped" not in _ops(alignment)


def test_split_sentence_forms_one_group() -> None:
    original = _copy(
        "Police arrested 40 people on Saturday, and the ministry said 12 officers were hurt."
    )
    copy = _copy("Police arrested 40 people on Saturday. The ministry said 12 officers were hurt.")
    alignment = align(original, copy)
    (group,) = group_pairs(alignment)
    assert len(group[0]) == 1
    assert len(group[1]) == 2
    assert group[2] == "modified"


def test_dropped_inserted_and_modified() -> None:
    copy = _copy(
        PARAGRAPHS[0].replace("2,800", "28,000"),
        "A new claim nobody made before appeared here.",
        PARAGRAPHS[2],
    )
    alignment = align(ORIGINAL, copy)
    _accounted(ORIGINAL, copy, alignment)
    assert _ops(alignment) == ["modified", "inserted", "dropped", "dropped", "equal", "dropped"]


def test_empty_sides() -> None:
    assert align(Article("o"), Article("c")).pairs == ()
    assert _ops(align(ORIGINAL, Article("c"))) == ["dropped"] * 5


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("He wouldn’t go — 2,800 times.", "He would not go - 2800 times.", True),
        ("On 3 March it began.", "On March 3 it began.", True),
        ("It rose 12%.", "It rose 12 per cent.", True),
        ("It rose 12%.", "It rose 21%.", False),
        ("The U.S. agreed.", "The US agreed.", True),
        ("He said yes.", "He said no.", False),
    ],
)
def test_sentence_key(a: str, b: str, equal: bool) -> None:
    assert (sentence_key(a) == sentence_key(b)) is equal


_SENTENCES = st.sampled_from(
    [
        "Floods forced 2,800 people from their homes on Tuesday.",
        "The river rose 3.5 metres overnight.",
        "Officials said it would not recede before Friday.",
        "“We have moved everyone,” Governor Wang Kai told reporters.",
        "Advertisement",
        "北京今天下雨。",
        "هذا نص عربي.",
        "Mr. Smith of the U.S. Treasury agreed.",
        "",
    ]
)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(_SENTENCES, max_size=4), max_size=6), st.randoms(use_true_random=False))
def test_every_sentence_is_accounted_for(paragraphs: list[list[str]], rnd: random.Random) -> None:
    original = _copy(*(" ".join(p) for p in paragraphs))
    shuffled = [" ".join(p) for p in paragraphs]
    rnd.shuffle(shuffled)
    copy = _copy(*(p.replace("2,800", "28,000") for p in shuffled[1:]))
    alignment = align(original, copy)
    _accounted(original, copy, alignment)
    for pair in alignment.pairs:
        assert (pair.original is None) == (pair.op == "inserted")
        assert (pair.copy is None) == (pair.op == "dropped")
