"""Text units for comparison: sentences with offsets, words, typographic folding.

Owns sentence splitting of news prose (abbreviations, initials, decimals, closing
quotes, list lines, CJK/Arabic end marks) and the folding of quotes, dashes,
entities and spaces every comparison in drift starts from.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from drift.model import Sentence

_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "‹": "'",
        "›": "'",
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
    }
)

# Titles and short forms that end in a full stop without ending a sentence.
ABBREVIATIONS = frozenset(
    str.split(
        """mr mrs ms mx dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep rev hon pres
jan feb mar apr jun jul aug sep sept oct nov dec no nos vs approx est dept univ inc
ltd co corp mt ft ave blvd fig vol pp ch art ca cf al mme mlle mm hr fr frau nr bzw
sra srta sres dña av"""
    )
)
# After a dotted acronym (U.S., U.N.) a sentence ends only before one of these.
_STARTERS = frozenset(
    str.split("""the he she it they we i but and in on this that a an its their there his her""")
)

_PARA_SPLIT = re.compile(r"\n[ \t]*\n\s*")
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？؟]+[」』”’\"')）]*")
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?…]*$")
_NEXT_CHAR = re.compile(r"\s*[\"'“‘«(\[¿¡]*(\S)")
_SPACES = re.compile(r"\s+")
_DIGIT_SEP = re.compile(r"[,\u00a0\u202f]")
_DIGIT_GROUP = re.compile(r"(?<=\d)[,\u00a0\u202f](?=\d)")
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]"
    r"|[^\W_]+(?:['’.,\u00a0\u202f][^\W_]+)*",
)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text: as written, folded for comparison, and its offsets."""

    text: str
    norm: str
    start: int
    end: int


def fold(text: str) -> str:
    """Decode entities and fold typographic variants (quotes, dashes, spaces)."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return _SPACES.sub(" ", text).strip()


_FOLD_SAME_LENGTH = {k: v for k, v in _FOLD.items() if isinstance(v, str) and len(v) == 1}
_FOLD_CHARS = str.maketrans({chr(k): v for k, v in _FOLD_SAME_LENGTH.items()})


def fold_chars(text: str) -> str:
    """Fold quotes, dashes and spaces one character for one, keeping every offset."""
    return text.translate(_FOLD_CHARS)


def tokenize(text: str) -> list[Token]:
    """Words of `text` (CJK characters one by one) with offsets into `text`."""
    return [Token(m.group(), _norm(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """The folded words of `text` (entities decoded, typography folded, casefolded)."""
    return split_words(fold(text))


def split_words(folded: str) -> list[str]:
    """The words of an already folded text, casefolded, digit groups joined (2,800 -> 2800)
    and acronym dots dropped (U.S. -> us)."""
    found = _TOKEN.findall(_DIGIT_GROUP.sub("", folded.casefold()))
    return [w.replace(".", "") if "." in w and not w[0].isdigit() else w for w in found]


def _norm(word: str) -> str:
    norm = word.casefold()
    if norm[0].isdigit():
        return _DIGIT_SEP.sub("", norm)
    return norm.replace("’", "'").replace(".", "")


def split_sentences(text: str) -> list[Sentence]:
    """Split an article text (paragraphs joined by blank lines) into sentences."""
    sentences: list[Sentence] = []
    for index, (start, end) in enumerate(_paragraph_blocks(text)):
        for line_start, line_end in _lines(text, start, end):
            for s, e in _sentence_spans(text, line_start, line_end):
                sentences.append(Sentence(text[s:e], index, s, e))
    return sentences


def _paragraph_blocks(text: str) -> list[tuple[int, int]]:
    blocks = []
    start = 0
    for m in _PARA_SPLIT.finditer(text):
        blocks.append((start, m.start()))
        start = m.end()
    blocks.append((start, len(text)))
    return blocks


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """List items and re-wrapped lines: a line is its own unit only when it looks like one."""
    out = []
    line_start = start
    for m in re.finditer(r"\n", text[start:end]):
        cut = start + m.start()
        rest = text[cut + 1 : end].lstrip()
        before = text[line_start:cut].rstrip()
        if re.match(r"(?:[-*•·▪]|\d{1,2}[.)])\s", rest) or re.search(r"[.!?:;。！？]$", before):
            out.append((line_start, cut))
            line_start = cut + 1
    out.append((line_start, end))
    return out


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    seg_start = start
    chunk = text[start:end]
    for m in _END.finditer(chunk):
        cut = start + m.end()
        if _is_boundary(text, seg_start, start + m.start(), cut, end):
            spans.append((seg_start, cut))
            seg_start = cut
    spans.append((seg_start, end))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _is_boundary(text: str, seg_start: int, mark: int, cut: int, end: int) -> bool:
    """Decide whether the end mark at `mark` (ending at `cut`) closes a sentence."""
    if text[mark] in "。！？؟":
        return True
    nxt = _NEXT_CHAR.match(text, cut, end)
    if nxt is None:
        return False
    following = nxt.group(1)
    if following.islower() or following in ",;:":
        return False
    if text[mark] != ".":
        return True
    before = _WORD_BEFORE.search(text, seg_start, mark + 1)
    word = before.group(1) if before else ""
    return _period_ends_sentence(word, text[nxt.start(1) : end])


def _period_ends_sentence(word: str, rest: str) -> bool:
    bare = word.rstrip(".")
    if not bare:
        return True
    if bare.casefold() in ABBREVIATIONS:
        return False
    if len(bare) == 1 and bare.isupper():  # an initial: J. K. Rowling
        return False
    if re.fullmatch(r"(?:\w\.)+\w", bare):  # U.S. / e.g. / a.m.
        first = re.match(r"\w+", rest)
        return first is not None and first.group().casefold() in _STARTERS
    return True
