"""The side-by-side aligned view of an original and a copy, as rows of marked segments.

Takes drift's sentence Alignment and the copy's findings and returns plain
dataclasses that the web templates and the HTML report render: word-level
`del`/`ins` marks from a word diff of modified pairs (difflib), and marks for
the numbers, quotes, names, hedges and dates that a finding names.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drift.model import AlignedPair, Alignment, Finding

# Words (numbers like 2,800 or 3.5 stay one token), runs of spaces, single punctuation.
_TOKEN = re.compile(r"\w+(?:[.,'’]\w+)*|\s+|[^\w\s]")
# Evidence detail keys whose values are the words a finding is about.
# A sentence shorter than this (a dateline, a kicker) inside a finding's evidence
# passage says nothing about the finding: "Port" is inside most passages.
MIN_SENTENCE_IN_EVIDENCE = 25
_DETAIL_SKIP = frozenset({"similarity", "score", "position", "index", "paragraph"})


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text with its marks: `del`, `ins`, and `m-<kind>` for finding marks."""

    text: str
    classes: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RowFinding:
    """A finding attached to an aligned row (id is None outside storage)."""

    code: str
    severity: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AlignedRow:
    op: str  # equal | modified | dropped | inserted
    original: tuple[Segment, ...] | None
    copy: tuple[Segment, ...] | None
    similarity: float
    findings: tuple[RowFinding, ...] = ()


def mark_kind(code: str) -> str:
    """The CSS mark class for a finding code: content.number_changed → m-number."""
    name = code.split(".", 1)[-1]
    return "m-" + name.split("_", 1)[0]


def build_rows(
    alignment: Alignment, findings: Iterable[tuple[Finding, int | None]]
) -> list[AlignedRow]:
    """Turn an Alignment and (finding, id) pairs into rows of marked segments."""
    found = [(f, fid) for f, fid in findings if f.category == "content"]
    return [_row(pair, found) for pair in alignment.pairs]


def _row(pair: AlignedPair, findings: Sequence[tuple[Finding, int | None]]) -> AlignedRow:
    orig = pair.original.text if pair.original else None
    copy = pair.copy.text if pair.copy else None
    attached = [(f, fid) for f, fid in findings if _belongs(f, orig, copy)]
    orig_marks: list[tuple[int, int, str, str]] = []
    copy_marks: list[tuple[int, int, str, str]] = []
    if pair.op == "modified" and orig is not None and copy is not None:
        orig_marks, copy_marks = _word_diff(orig, copy)
    elif pair.op == "dropped" and orig is not None:
        orig_marks = [(0, len(orig), "del", "")]
    elif pair.op == "inserted" and copy is not None:
        copy_marks = [(0, len(copy), "ins", "")]
    for finding, _ in attached:
        words = list(_detail_words(finding.evidence.detail))
        if orig is not None:
            orig_marks += _finding_marks(orig, words, finding.code)
        if copy is not None:
            copy_marks += _finding_marks(copy, words, finding.code)
    return AlignedRow(
        op=pair.op,
        original=_segments(orig, orig_marks) if orig is not None else None,
        copy=_segments(copy, copy_marks) if copy is not None else None,
        similarity=pair.similarity,
        findings=tuple(RowFinding(f.code, f.severity, fid) for f, fid in attached),
    )


def _belongs(finding: Finding, orig: str | None, copy: str | None) -> bool:
    """A finding belongs to a row when its evidence and the row's sentence overlap."""
    ev = finding.evidence
    return _overlaps(ev.original, orig) or _overlaps(ev.copy, copy)


def _overlaps(evidence: str | None, sentence: str | None) -> bool:
    """Evidence inside the sentence, or a whole sentence (not a stray word) inside the evidence."""
    if not evidence or not sentence:
        return False
    a, b = _squash(evidence), _squash(sentence)
    if not a or not b:
        return False
    return a in b or (len(b) >= MIN_SENTENCE_IN_EVIDENCE and b in a)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _detail_words(detail: Mapping[str, Any]) -> Iterable[str]:
    for key, value in detail.items():
        if key in _DETAIL_SKIP:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if isinstance(v, str) and v.strip() and len(v) <= 200:
                yield v.strip()


def _finding_marks(text: str, words: Sequence[str], code: str) -> list[tuple[int, int, str, str]]:
    marks = []
    kind = mark_kind(code)
    for word in words:
        pattern = re.escape(word)
        if word[:1].isalnum():
            pattern = r"(?<!\w)" + pattern
        if word[-1:].isalnum():
            pattern += r"(?!\w)"
        for m in re.finditer(pattern, text, flags=re.IGNORECASE):
            marks.append((m.start(), m.end(), kind, code))
    return marks


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def _word_diff(
    orig: str, copy: str
) -> tuple[list[tuple[int, int, str, str]], list[tuple[int, int, str, str]]]:
    """Mark the words of `orig` not in `copy` as del, and those of `copy` not in `orig` as ins."""
    a, b = _tokens(orig), _tokens(copy)
    matcher = difflib.SequenceMatcher(
        None, [t[2].casefold() for t in a], [t[2].casefold() for t in b], autojunk=False
    )
    dels: list[tuple[int, int, str, str]] = []
    inss: list[tuple[int, int, str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete") and _has_word(a[i1:i2]):
            dels.append((a[i1][0], a[i2 - 1][1], "del", ""))
        if op in ("replace", "insert") and _has_word(b[j1:j2]):
            inss.append((b[j1][0], b[j2 - 1][1], "ins", ""))
    return dels, inss


def _has_word(tokens: Sequence[tuple[int, int, str]]) -> bool:
    return any(not t[2].isspace() for t in tokens)


def _segments(text: str, marks: Sequence[tuple[int, int, str, str]]) -> tuple[Segment, ...]:
    """Cut `text` at every mark boundary; each piece carries the marks covering it."""
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        if start >= end:
            continue
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        classes = tuple(sorted({m[2] for m in covering}))
        codes = tuple(sorted({m[3] for m in covering if m[3]}))
        if out and out[-1].classes == classes and out[-1].codes == codes:
            out[-1] = Segment(out[-1].text + text[start:end], classes, codes)
        else:
            out.append(Segment(text[start:end], classes, codes))
    return tuple(out)
