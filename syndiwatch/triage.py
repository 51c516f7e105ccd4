"""Triage: a cheap look at every fetched page before any full normalisation.

One fast lxml parse gives the page's text and how much of it sits in
paragraphs (is it an article at all?); word 4-shingles of that text are looked
up in an in-memory index of every tracked story's shingles. Only pages holding
a real share of some story go on to drift.normalise and drift.analyse_copy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import lxml.html
from lxml import etree

# Calibrated on the demo sites (syndiwatch/demo/sites): copies hold 0.33-0.99 of the
# original's 4-shingles, a same-topic report sharing one quote 0.03, unrelated pages ~0.
# Low on purpose: triage must keep every copy; drift.match makes the real decision.
MIN_CONTAINMENT = 0.08
MIN_SHARED = 10
SHINGLE_WORDS = 4
# A page with fewer words in <p> elements than this holds no article body (a listing,
# an index, an error page) and is not matched at all.
MIN_PARAGRAPH_WORDS = 60
_WORD = re.compile(r"\w+")
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_HIDDEN = ("script", "style", "noscript", "template")


@dataclass(frozen=True, slots=True)
class PageSketch:
    """What triage knows of a page: its words in paragraphs and its shingles."""

    paragraph_words: int
    shingles: frozenset[int]

    @property
    def article_like(self) -> bool:
        return self.paragraph_words >= MIN_PARAGRAPH_WORDS


def text_shingles(text: str) -> frozenset[int]:
    """Hashes of the casefolded word 4-shingles of `text` (in-process hashes, never stored)."""
    w = _WORD.findall(text.casefold())
    if len(w) < SHINGLE_WORDS:
        return frozenset({hash(tuple(w))}) if w else frozenset()
    return frozenset(map(hash, zip(w, w[1:], w[2:], w[3:], strict=False)))


def sketch_page(body: bytes) -> PageSketch:
    """Parse `body` once with lxml; return its paragraph word count and text shingles.

    Hostile or empty bytes give an empty sketch (not article-like), never an exception.
    """
    try:
        root = lxml.html.fromstring(body, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return PageSketch(0, frozenset())
    for element in list(root.iter(*_HIDDEN)):
        element.drop_tree()
    paragraph_words = sum(len(_WORD.findall(p.text_content())) for p in root.iter("p"))
    return PageSketch(paragraph_words, text_shingles(root.text_content()))


class StoryIndex:
    """Every tracked story's shingles, inverted: shingle → story ids."""

    def __init__(self, stories: Mapping[int, str] | None = None) -> None:
        self._postings: dict[int, list[int]] = {}
        self._sizes: dict[int, int] = {}
        for story_id, text in (stories or {}).items():
            self.add(story_id, text)

    def add(self, story_id: int, text: str) -> None:
        """Index one story's article text."""
        shingles = text_shingles(text)
        self._sizes[story_id] = len(shingles)
        for shingle in shingles:
            self._postings.setdefault(shingle, []).append(story_id)

    def __len__(self) -> int:
        return len(self._sizes)

    def candidates(self, shingles: Iterable[int], among: Iterable[int] | None = None) -> list[int]:
        """Story ids (of `among`, default all) whose share found in `shingles` passes triage."""
        allowed = None if among is None else set(among)
        hits: Counter[int] = Counter()
        postings = self._postings
        for shingle in shingles:
            found = postings.get(shingle)
            if found:
                hits.update(found)
        return sorted(
            story_id
            for story_id, shared in hits.items()
            if shared >= min(MIN_SHARED, self._sizes[story_id])
            and shared >= MIN_CONTAINMENT * self._sizes[story_id]
            and (allowed is None or story_id in allowed)
        )
