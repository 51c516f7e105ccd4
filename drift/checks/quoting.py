"""content.quote_altered: direct quotations that differ from the original's.

Quotes are found per paragraph (so one may span sentences), or over several
paragraphs when each continued paragraph reopens it, and each quote of a kept
sentence is paired with the copy's most similar quote. Requoting, typography and
honest ellipsis trims are not alterations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from drift.model import Article
from drift.quotes import (
    SAME_QUOTE_MIN,
    Quote,
    find_paragraph_quotes,
    is_trimmed_from,
    same_quote,
)
from drift.text import words


@dataclass(frozen=True, slots=True)
class QuoteChange:
    """A quote of the original and its counterpart in the copy (offsets into each
    article text); `altered` unless the two are the same quote."""

    original: Quote
    copy: Quote
    altered: bool = True


def article_quotes(article: Article) -> list[Quote]:
    """Quotes of every paragraph and across paragraphs, offsets into `article.text`."""
    return find_paragraph_quotes(article.paragraphs)


def find_quote_changes(
    original: Article, copy: Article, kept: Callable[[int, int], bool]
) -> list[QuoteChange]:
    """The original's quotes in kept sentences, each with its counterpart in the copy;
    a quote without a counterpart (paraphrased, unquoted) is left to the sentence checks."""
    copy_quotes = article_quotes(copy)
    folded: list[str] = []  # both articles' folded words, read only when needed
    changes = []
    for quote in article_quotes(original):
        if not kept(quote.start, quote.end):
            continue
        best, score = _best(quote, copy_quotes)
        # A paragraph of a quote running over several, dropped or added, is a cut or an
        # insertion (reported as such), not an alteration: paragraphs compare like pieces
        # of an ellipsis-trimmed quote.
        if best is not None and (
            same_quote(quote.text, best.text) or _paragraphs_kept(quote.text, best.text)
        ):
            changes.append(QuoteChange(quote, best, altered=False))
            continue
        if best is None or score < SAME_QUOTE_MIN * 100:
            continue  # no counterpart: paraphrased or dropped, judged as a sentence
        if not folded:
            folded += [" ".join(words(original.text)), " ".join(words(copy.text))]
        said = " ".join(quote.words)
        # Unquoted in the copy, unless the original also says it unquoted (a pull quote
        # repeating it) and the copy says it fewer times.
        if (
            said in folded[1]
            and _kept_outside(quote, best)
            and folded[1].count(said) >= folded[0].count(said)
        ):
            continue
        changes.append(QuoteChange(quote, best))
    return changes


def _paragraphs_kept(original: str, copy: str) -> bool:
    """One of a quote running over paragraphs is the other with paragraphs left out."""
    a, b = original.split("\n\n"), copy.split("\n\n")
    if len(a) == len(b):
        return False
    short, full = (a, b) if len(a) < len(b) else (b, a)
    return is_trimmed_from(" … ".join(short), " ".join(full))


def _best(quote: Quote, candidates: list[Quote]) -> tuple[Quote | None, float]:
    target = " ".join(quote.words)
    best: Quote | None = None
    score = 0.0
    for cand in candidates:
        s = float(fuzz.ratio(target, " ".join(cand.words)))
        if s > score:
            best, score = cand, s
    return best, score


def _kept_outside(quote: Quote, best: Quote) -> bool:
    """The quote's words are not inside the nearest copy quote, so they sit elsewhere."""
    return " ".join(quote.words) not in " ".join(best.words)
