"""How much of an original a page holds, and what kind of copy that makes it.

Owns `measure_match`: word-coverage containment, verbatim share and added
share (CONTRACT.md §3 `match`), and the thresholds that turn them into a
match kind. Words inside quotation marks do not make a page a copy: two
reports of the same press conference share quotes, not stories.
"""

from __future__ import annotations

from collections.abc import Sequence

from drift.checks.structure import is_boilerplate
from drift.model import Article, Match, MatchKind
from drift.quotes import find_quotes
from drift.text import fold, split_words

# Containment counts an original word as found when one 3-word run holding it is
# in the copy: a copy with 20% of its words edited still scores ~0.8 (bench/drift.py).
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


def measure_match(original: Article, copy: Article) -> Match:
    """Containment, verbatim and added shares, and the match kind."""
    o_words, o_quoted = _words(_body(original))
    c_words, _ = _words(_body(copy))
    if not o_words or not c_words:
        return Match("none", 0.0, 0.0, 1.0 if c_words else 0.0)
    c_grams = _grams(c_words, COVER_K)
    covered = _coverage(o_words, c_grams, COVER_K)
    verbatim = _coverage(o_words, _grams(c_words, VERBATIM_K), VERBATIM_K)
    added = 1.0 - _share(_coverage(c_words, _grams(o_words, COVER_K), COVER_K))
    containment = _share(covered)
    kind = _kind(covered, o_quoted, containment, _share(verbatim))
    return Match(kind, containment, _share(verbatim), added)


def _kind(
    covered: list[bool], quoted: list[bool], containment: float, verbatim: float
) -> MatchKind:
    plain = [c for c, q in zip(covered, quoted, strict=True) if not q]
    if plain:
        shared = sum(plain)
        plain_share = shared / len(plain)
    else:  # an original that is all quotation
        shared, plain_share = sum(covered), containment
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


def _grams(tokens: Sequence[str], k: int) -> set[tuple[str, ...]]:
    if len(tokens) < k:
        return {tuple(tokens)}
    return {tuple(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def _coverage(tokens: Sequence[str], grams: set[tuple[str, ...]], k: int) -> list[bool]:
    """For each token: is it inside some k-run of `tokens` that `grams` holds?"""
    n = len(tokens)
    covered = [False] * n
    if n < k:
        if tuple(tokens) in grams:
            covered = [True] * n
        return covered
    for i in range(n - k + 1):
        if tuple(tokens[i : i + k]) in grams:
            covered[i : i + k] = [True] * k
    return covered


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0
