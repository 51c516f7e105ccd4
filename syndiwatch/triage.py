"""Triage: a cheap look at every fetched page before any full normalisation.

One fast lxml parse gives the page's text and how much of it sits in paragraphs
(is it an article at all?); word 4-shingles of that text are looked up in a
drift.index.MatchIndex of every tracked story. Only pages holding a real share
of some story go on to drift.normalise and drift.analyse_copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import lxml.html
import numpy as np
import numpy.typing as npt
from lxml import etree

from drift.index import MatchIndex

# Calibrated on the demo sites (syndiwatch/demo/sites): copies hold 0.33-0.99 of the
# original's 4-shingles, a same-topic report sharing one quote 0.03, unrelated pages ~0.
# Low on purpose: triage must keep every copy; drift.match makes the real decision.
# (MatchIndex estimates containment from a 1-in-8 sample of each story's shingles.)
MIN_CONTAINMENT = 0.08
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
    shingles: npt.NDArray[np.uint64]

    @property
    def article_like(self) -> bool:
        return self.paragraph_words >= MIN_PARAGRAPH_WORDS


def text_shingles(text: str) -> npt.NDArray[np.uint64]:
    """Hashes of the casefolded word 4-shingles of `text`, as uint64.

    Python's own (per-process) hash of the word tuple: about ten times cheaper than
    drift.fingerprint's BLAKE2b, and the index lives only as long as the process.
    """
    w = _WORD.findall(text.casefold())
    grams = zip(w, w[1:], w[2:], w[3:], strict=False) if len(w) >= SHINGLE_WORDS else [tuple(w)]
    hashes = np.fromiter(map(hash, grams), dtype=np.int64) if w else np.empty(0, np.int64)
    return hashes.view(np.uint64)


def sketch_page(body: bytes) -> PageSketch:
    """Parse `body` once with lxml; return its paragraph word count and text shingles.

    Hostile or empty bytes give an empty sketch (not article-like), never an exception.
    """
    try:
        root = lxml.html.fromstring(body, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return PageSketch(0, np.empty(0, dtype=np.uint64))
    for element in list(root.iter(*_HIDDEN)):
        element.drop_tree()
    paragraph_words = sum(len(p.text_content().split()) for p in root.iter("p"))
    return PageSketch(paragraph_words, text_shingles(root.text_content()))


class StoryIndex:
    """Every tracked story's shingles in a drift.index.MatchIndex, keyed by story id."""

    def __init__(self, stories: Mapping[int, str] | None = None) -> None:
        self._index = MatchIndex()
        for story_id, text in (stories or {}).items():
            self.add(story_id, text)

    def add(self, story_id: int, text: str) -> None:
        """Index one story's article text."""
        self._index.add(str(story_id), text_shingles(text))

    def __len__(self) -> int:
        return len(self._index)

    def candidates(
        self, shingles: npt.NDArray[np.uint64], among: Iterable[int] | None = None
    ) -> list[int]:
        """Story ids (of `among`, default all) whose share found in `shingles` passes triage."""
        if not shingles.size:
            return []
        allowed = None if among is None else set(among)
        hits = self._index.query(shingles, MIN_CONTAINMENT)
        return sorted(
            int(story_id) for story_id, _ in hits if allowed is None or int(story_id) in allowed
        )
