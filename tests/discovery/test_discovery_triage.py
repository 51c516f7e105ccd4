"""Triage: the quick look that decides which pages are worth normalising and analysing."""

from __future__ import annotations

from pathlib import Path

import pytest

from drift.normalise import normalise
from syndiwatch.triage import MIN_PARAGRAPH_WORDS, StoryIndex, sketch_page, text_shingles

SITES = Path(__file__).resolve().parents[2] / "syndiwatch" / "demo" / "sites"
ORIGINAL = SITES / "harbour" / "2026/11/17/port-strike-halts-container-traffic.html"


@pytest.fixture(scope="module")
def index() -> StoryIndex:
    article = normalise(ORIGINAL.read_bytes(), "http://harbour.example/a", {})
    return StoryIndex({1: article.text, 2: "an unrelated story " * 40})


@pytest.mark.parametrize(
    ("page", "is_candidate"),
    [
        ("nordic/world/2026/11/18/oslo-port-strike-halts-container-traffic.html", True),
        ("trendpulse/trending/chaos-at-oslo-docks.html", True),  # rewritten, still a copy
        ("northwind/briefing/2026-11-18-morning.html", True),  # a third inside a roundup
        ("flashwire/2026/11/oslo-dock-strike.html", True),  # truncated
        ("freightweekly/analysis/shippers-reroute-cargo-oslo-strike.html", False),  # one quote
        ("valley/community/riverside-library-reopens.html", False),
        ("harbour/2026/11/16/ferry-timetable-winter.html", False),  # same site, other story
    ],
)
def test_triage_keeps_copies_and_drops_other_articles(
    index: StoryIndex, page: str, is_candidate: bool
) -> None:
    sketch = sketch_page((SITES / page).read_bytes())
    assert sketch.article_like
    assert (index.candidates(sketch.shingles) == [1]) is is_candidate


def test_candidates_are_limited_to_the_stories_asked_about(index: StoryIndex) -> None:
    page = SITES / "nordic/world/2026/11/18/oslo-port-strike-halts-container-traffic.html"
    shingles = sketch_page(page.read_bytes()).shingles
    assert index.candidates(shingles, among=[2]) == []
    assert index.candidates(shingles, among=[1, 2]) == [1]


@pytest.mark.parametrize(
    "body",
    [b"", b"\x00\x01\x02binary", b"<html>", b"<" * 10_000, "<p>é</p>".encode("utf-16"),
     b"<html><body>" + b"<div>" * 5_000 + b"deep" + b"</div>" * 5_000 + b"</body></html>"],
)  # fmt: skip
def test_hostile_bytes_give_an_empty_non_article_sketch(body: bytes) -> None:
    sketch = sketch_page(body)
    assert not sketch.article_like


def test_listing_page_is_not_article_like_but_an_article_is() -> None:
    home = sketch_page((SITES / "metro" / "index.html").read_bytes())
    assert home.paragraph_words < MIN_PARAGRAPH_WORDS
    assert sketch_page(ORIGINAL.read_bytes()).article_like


def test_script_and_style_text_is_not_shingled() -> None:
    words = "alpha beta gamma delta epsilon zeta"
    page = f"<html><head><style>{words}</style></head><body><script>{words}</script></body></html>"
    assert sketch_page(page.encode()).shingles.size == 0
    assert text_shingles(words).size == 3


@pytest.mark.parametrize("depth", [260, 2_100, 5_000])
def test_a_copy_wrapped_in_deep_nesting_is_still_a_candidate(index: StoryIndex, depth: int) -> None:
    # libxml2 drops everything past 256 levels by default (2048 with huge_tree).
    page = SITES / "nordic/world/2026/11/18/oslo-port-strike-halts-container-traffic.html"
    html = page.read_text(encoding="utf-8")
    start = html.index(">", html.index("<body")) + 1
    end = html.rindex("</body>")
    deep = html[:start] + "<div>" * depth + html[start:end] + "</div>" * depth + html[end:]
    sketch = sketch_page(deep.encode("utf-8"))
    assert sketch.article_like
    assert index.candidates(sketch.shingles) == [1]
