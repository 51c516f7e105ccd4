"""Direct quotations: find quoted spans and decide whether a quote was altered.

Owns quote pairing for “ ” „ “ « » ‘ ’ " " and ' ' (apostrophes inside words
are not quote marks) and the comparison rule: typography and requoting never
alter a quote; an ellipsis-trimmed quote is altered only if its kept words differ.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from drift.text import words

_QUOTE = re.compile(
    r"“(?P<a>[^“”]{2,3000}?)”"
    r"|„(?P<b>[^„“”]{2,3000}?)[“”]"
    r"|«\s?(?P<c>[^«»]{2,3000}?)\s?»"
    r'|"(?P<d>[^"\n]{2,3000}?)"'
)
# Single quotes double as apostrophes: an opening mark follows no letter and precedes
# a non-space; a closing mark follows a non-space and precedes no letter (don't, ’90s).
_SINGLE = {
    "‘": (re.compile(r"(?<![\w’'])‘(?=\S)"), re.compile(r"(?<=\S)’(?!\w)")),
    "'": (re.compile(r"(?<![\w’'])'(?=\S)"), re.compile(r"(?<=\S)'(?!\w)")),
}
_MAX_QUOTE = 3000
_ELLIPSIS = re.compile(r"\.\.\.|…|\[\.\.\.\]|\[…\]")
# Below this words-ratio two quotes are different quotes, not one quote altered.
SAME_QUOTE_MIN = 0.55
# Quotes shorter than this many words are scare quotes or titles, not statements.
MIN_QUOTE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Quote:
    """The inside of a quotation (without the marks) and its offsets in the text."""

    text: str
    start: int
    end: int

    @property
    def words(self) -> list[str]:
        return words(_ELLIPSIS.sub(" ", self.text))


def find_quotes(text: str) -> list[Quote]:
    """Quoted spans of at least MIN_QUOTE_WORDS words, in order of appearance."""
    spans = [
        (m.start(m.lastgroup or "a"), m.end(m.lastgroup or "a")) for m in _QUOTE.finditer(text)
    ]
    for mark, (opener, closer) in _SINGLE.items():
        if mark not in text:
            continue
        for start, end in _pair_marks(text, opener, closer):
            if not any(s - 1 <= start and end <= e + 1 for s, e in spans):
                spans.append((start, end))
    out = [Quote(text[s:e], s, e) for s, e in sorted(spans)]
    return [q for q in out if len(q.words) >= MIN_QUOTE_WORDS]


def _pair_marks(
    text: str, opener: re.Pattern[str], closer: re.Pattern[str]
) -> list[tuple[int, int]]:
    """Pair each opening mark with the next closing mark on the same line, in linear time."""
    opens = [m.start() for m in opener.finditer(text)]
    closes = [m.start() for m in closer.finditer(text)]
    breaks = [m.start() for m in re.finditer("\n", text)]
    spans: list[tuple[int, int]] = []
    after = -1
    for o in opens:
        if o <= after:
            continue
        k = bisect.bisect_right(closes, o)
        if k == len(closes):
            break
        c = closes[k]
        nl = bisect.bisect_right(breaks, o)
        if c - o > _MAX_QUOTE or (nl < len(breaks) and breaks[nl] < c):
            continue
        spans.append((o + 1, c))
        after = c
    return spans


def is_trimmed_from(trimmed: str, full: str) -> bool:
    """True when every ellipsis-separated piece of `trimmed` appears in `full`, in order."""
    pieces = [words(p) for p in _ELLIPSIS.split(trimmed)]
    haystack = words(_ELLIPSIS.sub(" ", full))
    pos = 0
    for piece in pieces:
        if not piece:
            continue
        found = _find_run(haystack, piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def has_ellipsis(text: str) -> bool:
    return bool(_ELLIPSIS.search(text))


def same_quote(original: str, copy: str) -> bool:
    """Equal after folding, or one is the other trimmed with an ellipsis."""
    if words(original) == words(copy):
        return True
    if has_ellipsis(copy) and is_trimmed_from(copy, original):
        return True
    return has_ellipsis(original) and is_trimmed_from(original, copy)


def _find_run(haystack: list[str], needle: list[str], start: int) -> int:
    n = len(needle)
    for i in range(start, len(haystack) - n + 1):
        if haystack[i : i + n] == needle:
            return i
    return -1
