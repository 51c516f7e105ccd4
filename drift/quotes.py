"""Direct quotations: find quoted spans and decide whether a quote was altered.

Owns quote pairing for “ ” „ “ « » » « 「 」 『 』 ‘ ’ " " and ' ' (apostrophes
inside words are not quote marks), quotations that run over several paragraphs
(each continued paragraph opens with the mark again and only the last one closes:
`find_paragraph_quotes`), and the comparison rule: typography and requoting never
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
    r"|»(?P<e>[^«»\n]{2,3000}?)«"
    r"|「(?P<f>[^「」]{2,3000}?)」"
    r"|『(?P<g>[^『』]{2,3000}?)』"
)
# Marks that open a quotation, each with the marks that close it (for quotations
# running over paragraphs); a continued paragraph may open with any opener listed.
_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("“", "”", "“"),
    ("„", "“”", "„"),
    ("«", "»", "«»"),
    ("»", "«", "»"),
    ("「", "」", "「"),
    ("『", "』", "『"),
    ("‘", "’", "‘"),
    ('"', '"', '"'),
)
_PARAGRAPH_GAP = 2  # drift.model.Article.text joins paragraphs with a blank line
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


def find_paragraph_quotes(paragraphs: list[str] | tuple[str, ...]) -> list[Quote]:
    """Quotes of every paragraph, offsets into the paragraphs joined by blank lines.

    A paragraph whose last quotation is still open, followed by one that opens with
    the same mark, continues it (English style: “… ¶ “… ¶ “…”): the quote runs to
    the mark that closes it, or to the end of the last paragraph continuing it.
    """
    starts = []
    offset = 0
    for paragraph in paragraphs:
        starts.append(offset)
        offset += len(paragraph) + _PARAGRAPH_GAP
    out: list[Quote] = []
    spanning: list[tuple[int, int]] = []
    i = 0
    while i < len(paragraphs):
        found = _open_tail(paragraphs[i])
        if found is None or i + 1 == len(paragraphs):
            i += 1
            continue
        at, (opener, closers, continuers) = found
        end, last = None, i
        k = i + 1
        while k < len(paragraphs):
            lead = len(paragraphs[k]) - len(paragraphs[k].lstrip())
            if paragraphs[k][lead : lead + 1] not in continuers:
                break
            last = k
            close = _closing_mark(paragraphs[k], lead + 1, opener, closers)
            if close is not None:
                end = starts[k] + close
                break
            k += 1
        if last == i:
            i += 1
            continue
        if end is None:
            end = starts[last] + len(paragraphs[last].rstrip())
        spanning.append((starts[i] + at + 1, end))
        i = last + 1
    joined = "\n\n".join(paragraphs)
    for start, end in spanning:
        out.append(Quote(joined[start:end], start, end))
    for index, paragraph in enumerate(paragraphs):
        for q in find_quotes(paragraph):
            s, e = q.start + starts[index], q.end + starts[index]
            if not any(a - 1 <= s and e <= b + 1 for a, b in spanning):
                out.append(Quote(q.text, s, e))
    out = [q for q in out if len(q.words) >= MIN_QUOTE_WORDS]
    return sorted(out, key=lambda q: q.start)


def _open_tail(paragraph: str) -> tuple[int, tuple[str, str, str]] | None:
    """Where the quotation still open at the paragraph's end opens, and its marks."""
    best: tuple[int, tuple[str, str, str]] | None = None
    for family in _FAMILIES:
        opener, closers, _ = family
        if opener not in paragraph:
            continue
        if opener == '"':
            if paragraph.count('"') % 2 == 0:
                continue
            at = paragraph.rindex('"')
        elif opener == "‘":
            opens = [m.start() for m in _SINGLE["‘"][0].finditer(paragraph)]
            if not opens or any(m.start() > opens[-1] for m in _SINGLE["‘"][1].finditer(paragraph)):
                continue
            at = opens[-1]
        else:
            if opener == "“" and paragraph.count("„") >= paragraph.count("“"):
                continue  # “ closes German „ quotes here
            at = paragraph.rindex(opener)
            if any(c in paragraph[at + 1 :] for c in closers):
                continue
        if len(paragraph[at + 1 :].strip()) >= 2 and (best is None or at < best[0]):
            best = (at, family)
    return best


def _closing_mark(paragraph: str, start: int, opener: str, closers: str) -> int | None:
    """The offset of the mark closing a quotation continued from `start`, if any."""
    if opener == '"':
        rest = paragraph.count('"', start)
        return paragraph.index('"', start) if rest % 2 == 1 else None
    if opener == "‘":
        inner_opens = sorted(m.start() for m in _SINGLE["‘"][0].finditer(paragraph, start))
        for m in _SINGLE["‘"][1].finditer(paragraph, start):
            if sum(1 for o in inner_opens if o < m.start()) == 0:
                return m.start()
            inner_opens = inner_opens[1:]
        return None
    depth = 0
    for k in range(start, len(paragraph)):
        ch = paragraph[k]
        if ch in closers:
            if depth == 0:
                return k
            depth -= 1
        elif ch == opener:
            depth += 1
    return None


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
