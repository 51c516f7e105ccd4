"""Content findings: does the copy still say what the original says?

Owns `find_content_findings`: headline, cuts and insertions, altered quotes, then
the facts of each modified passage (numbers, dates, names, hedges, negations); a
passage with a specific finding is never also content.sentence_modified, and a
quote whose words differ by facts alone gives those facts, not content.quote_altered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from drift.align import explained_by_facts, group_pairs
from drift.checks.facts import find_date_changes, find_name_changes, find_number_changes
from drift.checks.pair import Fact, PassagePair, facts_to_findings
from drift.checks.quoting import QuoteChange, find_quote_changes
from drift.checks.structure import find_cuts, find_headline_change, find_insertions
from drift.checks.wording import (
    find_hedge_removals,
    find_negation_flips,
    is_reworded,
    removed_hedge_spans,
)
from drift.codes import make_finding
from drift.lexicon import name_words
from drift.model import Alignment, Article, Finding, Sentence
from drift.text import fold_chars, words


def find_content_findings(original: Article, copy: Article, alignment: Alignment) -> list[Finding]:
    """Every content finding of CONTRACT.md §4 for one aligned copy."""
    findings = find_headline_change(original.title, copy.title)
    cuts = find_cuts(alignment)
    findings += cuts
    findings += find_insertions(alignment, len(copy.text.split()))
    kept = [(p.original.start, p.original.end) for p in alignment.pairs if p.original and p.copy]
    changes = find_quote_changes(original, copy, lambda s, e: any(a < e and s < b for a, b in kept))
    known = name_words(original.text) | name_words(copy.text)
    for change in changes:
        if change.altered:
            facts_in_quote = _quote_facts(change, known)
            if facts_in_quote is None:
                findings.append(_quote_finding(change))
            else:
                findings += facts_in_quote
    truncated = any(f.code == "content.truncated" for f in cuts)
    findings += _passage_findings(original, copy, alignment, changes, truncated)
    return findings


def _quote_finding(change: QuoteChange) -> Finding:
    return make_finding(
        "content.quote_altered", original=change.original.text, copy=change.copy.text
    )


def _quote_facts(change: QuoteChange, known: frozenset[str]) -> list[Finding] | None:
    """The findings of a quote whose words differ only by facts (a number, a date, a
    name, a negation): the specific codes instead of content.quote_altered; else None."""
    o_text, c_text = change.original.text, change.copy.text
    if not explained_by_facts(o_text, c_text):
        return None
    pair = PassagePair(o_text, c_text, o_text, c_text, o_text, c_text, known)
    facts = passage_facts(pair)
    return facts_to_findings(pair, facts) if facts else None


def _passage_findings(
    original: Article,
    copy: Article,
    alignment: Alignment,
    changes: list[QuoteChange],
    truncated: bool,
) -> list[Finding]:
    groups = [g for g in group_pairs(alignment) if g[2] == "modified"]
    if not groups:
        return []
    o_text = _mask(_checked(original.text), [(c.original.start, c.original.end) for c in changes])
    c_text = _mask(_checked(copy.text), [(c.copy.start, c.copy.end) for c in changes])
    known = name_words(original.text) | name_words(copy.text)
    o_all = _ordered(p.original for p in alignment.pairs)
    c_all = _ordered(p.copy for p in alignment.pairs)
    last_copy = c_all[-1].start if c_all else -1
    findings: list[Finding] = []
    for o_group, c_group, _ in groups:
        pair = PassagePair(
            original=" ".join(s.text for s in o_group),
            copy=" ".join(s.text for s in c_group),
            checked_original=" ".join(o_text[s.start : s.end] for s in o_group),
            checked_copy=" ".join(c_text[s.start : s.end] for s in c_group),
            original_context=_context(original.text, o_all, o_group),
            copy_context=_context(copy.text, c_all, c_group),
            known_names=known,
        )
        if truncated and c_group[-1].start == last_copy and _is_cut(pair):
            continue  # the sentence the copy stops in: part of content.truncated
        facts = passage_facts(pair)
        if facts:
            findings += facts_to_findings(pair, facts)
        elif _untouched(o_group, c_group, changes) and is_reworded(pair):
            findings.append(
                make_finding("content.sentence_modified", original=pair.original, copy=pair.copy)
            )
    return findings


def passage_facts(pair: PassagePair) -> list[Fact]:
    """The specific changes of one modified passage, in a fixed order."""
    hedges = find_hedge_removals(pair)
    attribution_gone = any(f.detail.get("hedge") == "attribution" for f in hedges)
    facts = [
        *find_number_changes(pair),
        *find_date_changes(pair),
        *find_name_changes(pair, drop_ok=attribution_gone),
    ]
    if hedges:  # a number, date or name inside the removed clause went with it
        spans = removed_hedge_spans(pair)
        facts = [
            f
            for f in facts
            if f.original_at is None or not any(a <= f.original_at < b for a, b in spans)
        ]
    return [*facts, *hedges, *find_negation_flips(pair)]


def _checked(text: str) -> str:
    """Typography folded one character for one; an em dash between words (Haley—were)
    separates them, where a folded hyphen would join them into one word."""
    return fold_chars(text.replace("—", " ").replace("―", " "))


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = re.sub(r"\S", " ", text[start:end])
    return "".join(chars)


def _ordered(sentences: Iterable[Sentence | None]) -> list[Sentence]:
    found = {s.start: s for s in sentences if s is not None}
    return [found[k] for k in sorted(found)]


def _context(text: str, ordered: list[Sentence], group: list[Sentence]) -> str:
    """The group's sentences with one neighbour on each side."""
    starts = [s.start for s in ordered]
    first = starts.index(group[0].start)
    last = starts.index(group[-1].start)
    window = ordered[max(0, first - 1) : last + 2]
    return " ".join(s.text for s in window)


def _untouched(
    o_group: list[Sentence], c_group: list[Sentence], changes: list[QuoteChange]
) -> bool:
    for c in (c for c in changes if c.altered):
        if any(s.start < c.original.end and c.original.start < s.end for s in o_group):
            return False
        if any(s.start < c.copy.end and c.copy.start < s.end for s in c_group):
            return False
    return True


def _is_cut(pair: PassagePair) -> bool:
    """The copy's last passage is the original's, cut short (maybe with an ellipsis)."""
    o_words, c_words = words(pair.original), words(re.sub(r"(\.\.\.|…)\s*$", "", pair.copy))
    return bool(c_words) and o_words[: len(c_words)] == c_words
