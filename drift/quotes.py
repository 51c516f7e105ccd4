"""Direct quotations: find quoted spans and decide whether a quote was altered.

Owns quote pairing for “ ” „ “ « » ‘ ’ " " and ' ' (apostrophes inside words
are not quote marks) and the comparison rule: typography and requoting never
alter a quote; an ellipsis-trimmed quote is altered only if its kept words differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drift.text import words

_QUOTE = re.compile(
    r"“(?P<a>[^“”]{2,3000}?)”"
    r"|„(?P<b>[^„“”]{2,3000}?)[“”]"
    r"|«\s?(?P<c>[^«»]{2,3000}?)\s?»"
    r'|"(?P<d>[^"\n]{2,3000}?)"'
    r"|(?<![\w’'])‘(?P<e>\S(?:[^‘’\n]|’(?=\w)){0,3000}?)’(?!\w)"
    r"|(?<![\w’'])'(?P<f>\S(?:[^'\n]|'(?=\w)){0,3000}?)'(?!\w)"
)
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
    out = []
    for m in _QUOTE.finditer(text):
        name = m.lastgroup or "a"
        quote = Quote(m.group(name), m.start(name), m.end(name))
        if len(quote.words) >= MIN_QUOTE_WORDS:
            out.append(quote)
    return out


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
