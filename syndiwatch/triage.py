"""Triage: a cheap look at every fetched page before any full normalisation.

One fast lxml parse gives the page's text and how much of it sits in paragraphs
(is it an article at all?); stable hashes of word 4-shingles of that text are
looked up in a drift.index.MatchIndex of every tracked story. Only pages holding
a real share of some story go on to drift.normalise and drift.analyse_copy, and
every one that does, whatever its paragraph count.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

import lxml.html
import numpy as np
import numpy.typing as npt
from lxml import etree

from drift.blocks import count_paragraph_words
from drift.decode import decode_html
from drift.depth import cut_short, parse_flattened
from drift.index import MatchIndex

# Calibrated on the demo sites (syndiwatch/demo/sites): copies hold 0.33-0.99 of the
# original's 4-shingles, a same-topic report sharing one quote 0.03, unrelated pages ~0.
# Low on purpose: triage must keep every copy; drift.match makes the real decision.
# (MatchIndex estimates containment from a sample of at least 128 of each story's shingles.)
MIN_CONTAINMENT = 0.08
SHINGLE_WORDS = 4
# A page with fewer words in paragraphs than this that holds no story is counted as
# not an article (a listing, an index, an error page); one that holds a story is
# normalised whatever its count. Paragraphs are <p>s and the paragraph-like blocks
# drift.blocks finds (<div class="para">, <section>, <br>-separated text).
MIN_PARAGRAPH_WORDS = 60
_WORD = re.compile(r"\w+")
# huge_tree: past libxml2's default depth limit of 256 the rest of a page is dropped; a
# page libxml2 still cuts short (2048 levels) is flattened (drift.depth) and parsed again.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, huge_tree=True
)
_HIDDEN = ("script", "style", "noscript", "template")
# Odd 64-bit multipliers, one per word position of a shingle (order matters).
_MIX = tuple(
    np.uint64(m)
    for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)
)
# Word hashes kept between pages; cleared when it grows past this many words (~25 MB).
_WORD_CACHE_MAX = 200_000
_WORD_HASHES: dict[str, int] = {}


@dataclass(frozen=True, slots=True)
class PageSketch:
    """What triage knows of a page: its words in paragraphs and its shingles."""

    paragraph_words: int
    shingles: npt.NDArray[np.uint64]

    @property
    def article_like(self) -> bool:
        return self.paragraph_words >= MIN_PARAGRAPH_WORDS


def text_shingles(text: str) -> npt.NDArray[np.uint64]:
    """Stable hashes of the casefolded word 4-shingles of `text`, as uint64.

    Each word is hashed once (the first 8 bytes of BLAKE2b, kept in a bounded cache)
    and the four word hashes of a shingle are mixed with numpy: the same text gives
    the same hashes in every process (never Python's salted hash()), at less cost
    than hashing every shingle's tuple.
    """
    w = _WORD.findall(text.casefold())
    if not w:
        return np.empty(0, dtype=np.uint64)
    hashes = _word_hashes(w)
    n = max(1, len(w) - SHINGLE_WORDS + 1)
    mixed = np.zeros(n, dtype=np.uint64)
    for k, factor in enumerate(_MIX[: min(SHINGLE_WORDS, len(w))]):
        mixed += hashes[k : k + n] * factor
    return _finalise(mixed)


def _word_hashes(found: list[str]) -> npt.NDArray[np.uint64]:
    cache = _WORD_HASHES
    if len(cache) > _WORD_CACHE_MAX:
        cache.clear()
    out = []
    get = cache.get
    for word in found:
        value = get(word)
        if value is None:
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            value = cache[word] = int.from_bytes(digest, "little")
        out.append(value)
    return np.array(out, dtype=np.uint64)


def _finalise(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser: every bit of the result depends on every bit of `x`."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def sketch_page(body: bytes) -> PageSketch:
    """Parse `body` once with lxml; return its paragraph word count and text shingles.

    Hostile or empty bytes give an empty sketch (not article-like), never an exception.
    """
    try:
        root = lxml.html.fromstring(body, parser=_PARSER)
        if cut_short(root):  # libxml2 stopped at its depth limit and dropped the rest
            root = parse_flattened(decode_html(body), partial(lxml.html.fromstring, parser=_PARSER))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return PageSketch(0, np.empty(0, dtype=np.uint64))
    for element in list(root.iter(*_HIDDEN)):
        element.drop_tree()
    paragraph_words = count_paragraph_words(root)
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
