"""How much of an original a page holds, and what kind of copy that makes it.

Owns `measure_match` (containment, verbatim and added shares of CONTRACT.md §3)
and the thresholds behind the match kind. Quoted words do not make a copy: two
reports of one press conference share quotes, not stories.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from drift.checks.structure import is_boilerplate
from drift.model import Article, Match, MatchKind
from drift.quotes import find_quotes
from drift.text import fold, split_words

# Containment counts an original word as found when one 3-word run holding it is
# in the copy: a copy with 20% of its words edited still scores ~0.8 (bench/drift_engine.py).
COVER_K = 3
# "Word for word" means inside an 8-word run found verbatim in the copy.
VERBATIM_K = 8
# Kinds, calibrated on the corpus and bench: same-topic articles sharing a quote score
# < 0.1 on unquoted words; a third of an original inside a roundup scores ~0.33.
PARTIAL_MIN = 0.2
FULL_MIN = 0.6
# Verbatim means every word: one changed number or dropped "not" makes a copy "full"
# (the demo's number changer and negation flipper).
VERBATIM_MIN = 1.0
# Fewer shared unquoted words than this is a coincidence, not a copy.
MIN_SHARED_WORDS = 12
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: word runs spread out

Ids = npt.NDArray[np.uint64]
Flags = npt.NDArray[np.bool_]


def measure_match(original: Article, copy: Article) -> Match:
    """Containment, verbatim and added shares, and the match kind."""
    o_words, o_quoted = _words(_body(original))
    c_words, _ = _words(_body(copy))
    if not o_words or not c_words:
        return Match("none", 0.0, 0.0, 1.0 if c_words else 0.0)
    vocabulary: dict[str, int] = {}
    o_ids, c_ids = _ids(o_words, vocabulary), _ids(c_words, vocabulary)
    covered = _coverage(o_ids, c_ids, COVER_K)
    verbatim = float(_coverage(o_ids, c_ids, VERBATIM_K).mean())
    added = 1.0 - float(_coverage(c_ids, o_ids, COVER_K).mean())
    containment = float(covered.mean())
    kind = _kind(covered, np.asarray(o_quoted, dtype=bool), containment, verbatim)
    return Match(kind, containment, verbatim, added)


def _kind(covered: Flags, quoted: Flags, containment: float, verbatim: float) -> MatchKind:
    plain = covered[~quoted]
    if plain.size:
        shared = int(plain.sum())
        plain_share = shared / plain.size
    else:  # an original that is all quotation
        shared, plain_share = int(covered.sum()), containment
    enough = shared >= min(MIN_SHARED_WORDS, max(1, int(0.8 * len(covered))))
    if not enough or plain_share < PARTIAL_MIN:
        return "none"
    if verbatim >= VERBATIM_MIN and containment >= VERBATIM_MIN:
        return "verbatim"
    return "full" if containment >= FULL_MIN else "partial"


def _body(article: Article) -> str:
    """The paragraphs that carry text: section labels, ads and share lines left out."""
    return "\n\n".join(p for p in article.paragraphs if not is_boilerplate(p))


def _words(text: str) -> tuple[list[str], list[bool]]:
    """The words of `text` and, for each, whether it stands inside quotation marks."""
    folded = fold(text)
    out: list[str] = []
    quoted: list[bool] = []
    pos = 0
    for q in [*find_quotes(folded), None]:
        plain = split_words(folded[pos : q.start if q else len(folded)])
        out += plain
        quoted += [False] * len(plain)
        if q is not None:
            inside = split_words(folded[q.start : q.end])
            out += inside
            quoted += [True] * len(inside)
            pos = q.end
    return out, quoted


def _ids(words: list[str], vocabulary: dict[str, int]) -> Ids:
    ids = (vocabulary.setdefault(w, len(vocabulary)) for w in words)
    return np.fromiter(ids, dtype=np.uint64, count=len(words))


def _run_keys(ids: Ids, k: int) -> Ids:
    """One 64-bit key per run of k words (a polynomial over word ids, wrapping)."""
    n = ids.size - k + 1
    keys = np.zeros(n, dtype=np.uint64)
    for t in range(k):
        keys = keys * _MULTIPLIER + ids[t : t + n] + np.uint64(1)
    return keys


def _coverage(tokens: Ids, other: Ids, k: int) -> Flags:
    """For each token: is it inside some k-run of `tokens` that `other` also holds?"""
    n = tokens.size
    if n < k or other.size < k:  # a text shorter than a run matches only as a whole
        return np.full(n, n == other.size and bool(np.array_equal(tokens, other)))
    found = np.isin(_run_keys(tokens, k), _run_keys(other, k)).astype(np.int32)
    return np.convolve(found, np.ones(k, dtype=np.int32))[:n] > 0
