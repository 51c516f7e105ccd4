"""Sentence splitting, tokens, numbers, dates and quotes read from news prose."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drift.dates import find_dates
from drift.numbers import find_numbers
from drift.quotes import find_quotes, same_quote
from drift.text import fold, split_sentences, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith left. He came back.", ["Mr. Smith left.", "He came back."]),
        ("The U.S. Treasury agreed. Prices fell.", ["The U.S. Treasury agreed.", "Prices fell."]),
        ("He moved to the U.S. The rest followed.", ["He moved to the U.S.", "The rest followed."]),
        (
            "It opens on Jan. 5 in Paris. Tickets sold out.",
            ["It opens on Jan. 5 in Paris.", "Tickets sold out."],
        ),
        ("J. K. Rowling wrote it. Fans cheered.", ["J. K. Rowling wrote it.", "Fans cheered."]),
        ("Growth was 2.5 percent. Inflation fell.", ["Growth was 2.5 percent.", "Inflation fell."]),
        ('"It is over." Then he left.', ['"It is over."', "Then he left."]),
        ("“Is it?” she asked. Nobody knew.", ["“Is it?” she asked.", "Nobody knew."]),
        (
            "BEIJING (AFP) – Rain fell. Roads closed.",
            ["BEIJING (AFP) – Rain fell.", "Roads closed."],
        ),
        (
            "Key points:\n- rain fell\n- roads closed",
            ["Key points:", "- rain fell", "- roads closed"],
        ),
        (
            "Der Preis stieg um 3,5 Prozent. Das ist z.B. gut.",
            ["Der Preis stieg um 3,5 Prozent.", "Das ist z.B. gut."],
        ),
        ("Él llegó ayer. ¿Vendrá hoy? No.", ["Él llegó ayer.", "¿Vendrá hoy?", "No."]),
        ("北京今天下雨。明天晴天！真的吗？", ["北京今天下雨。", "明天晴天！", "真的吗？"]),
        ("هذا نص عربي. وهذا آخر؟ نعم", ["هذا نص عربي.", "وهذا آخر؟", "نعم"]),
        ("Wrapped line\ncontinues here. Next one.", ["Wrapped line\ncontinues here.", "Next one."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_sentences_carry_paragraph_and_offsets() -> None:
    text = "First one. Second one.\n\nThird paragraph here."
    sentences = split_sentences(text)
    assert [(s.paragraph, text[s.start : s.end]) for s in sentences] == [
        (0, "First one."),
        (0, "Second one."),
        (1, "Third paragraph here."),
    ]


def test_tokens_fold_typography_and_keep_offsets() -> None:
    text = "It’s 2,800 — “fine” 北京"
    tokens = tokenize(text)
    assert [t.norm for t in tokens] == ["it's", "2800", "fine", "北", "京"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert fold("A&amp;B “x” – y") == 'A&B "x" - y'


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2,800", "2800"),
        ("2,800", "2.800"),
        ("2,800", "2 800"),
        ("1 million", "1,000,000"),
        ("1m", "a million"),
        ("17", "(17)"),
        ("17%", "17 per cent"),
        ("seventeen percent", "17%"),
        ("$5.2bn", "$5,200,000,000"),
        ("3rd", "third"),
        ("two hundred and fifty thousand", "250,000"),
        ("twenty-one", "21"),
        ("a third", "one-third"),
    ],
)
def test_number_spellings_compare_equal(a: str, b: str) -> None:
    (x,) = find_numbers(a)
    (y,) = find_numbers(b)
    assert x.key == y.key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2,800", "28,000"),
        ("17%", "17"),
        ("$5", "€5"),
        ("3rd", "3"),
        ("1.2 million", "12 million"),
        ("half", "a third"),
        ("a third", "third"),
    ],
)
def test_different_numbers_differ(a: str, b: str) -> None:
    assert find_numbers(a)[0].key != find_numbers(b)[0].key


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("On Tuesday, May 24, 2022 at 3 p.m.", ["2022-05-24/wd:1", "t:15:00"]),
        ("on 24 May 2022 at 15:00", ["2022-05-24", "t:15:00"]),
        ("in July, 2021", ["2021-07"]),
        ("since 2015 the", ["y:2015"]),
        ("2000 people came", []),
        ("A 2007 quake hit", ["y:2007"]),
        ("the 2024 elections", ["y:2024"]),
        ("2019 cases rose", []),
        ("they may march", []),
        ("le 24 mai 2022", ["2022-05-24"]),
        ("at noon on Friday", ["t:12:00", "wd:4"]),
    ],
)
def test_dates(text: str, keys: list[str]) -> None:
    assert [d.key for d in find_dates(text)] == keys


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ("He said: “We will not back down. Never.” Then left.", ["We will not back down. Never."]),
        ('She said "the plan is dead" today', ["the plan is dead"]),
        ("the workers' union said 'we are on strike' and don't care", ["we are on strike"]),
        ("«Nous allons gagner ce match» a dit", ["Nous allons gagner ce match"]),
        ("‘It’s not over yet,’ she said", ["It’s not over yet,"]),
        ("a “scare” quote", []),
    ],
)
def test_find_quotes(text: str, quotes: list[str]) -> None:
    assert [q.text for q in find_quotes(text)] == quotes


@pytest.mark.parametrize(
    ("original", "copy", "same"),
    [
        ("We will fight on the beaches", "We will fight on the beaches", True),
        ("We will fight on the beaches and hills", "We will fight … hills", True),
        ("We will fight on the beaches", "We will run … beaches", False),
        ("We will fight on the beaches", "We will fight on beaches", False),
    ],
)
def test_same_quote(original: str, copy: str, same: bool) -> None:
    assert same_quote(original, copy) is same


_PIECES = st.sampled_from(
    ["a", "b", " ", ".", "?", "!", "。", "“", "”", '"', "'", "\n", "Mr.", "U.S.", "Jan. 5"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=40).map("".join), max_size=5))
def test_sentence_offsets_hold_for_any_text(paragraphs: list[str]) -> None:
    text = "\n\n".join(paragraphs)
    sentences = split_sentences(text)
    assert all(text[s.start : s.end] == s.text and s.text.strip() for s in sentences)
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)
