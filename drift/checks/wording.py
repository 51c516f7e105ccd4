"""Wording in a kept passage: hedges removed, negations flipped, sentences reworded.

Hedges and claim attributions are counted by family ("said"/"according to"/
"claims" are one family: swapping one for another keeps the claim attributed);
a hedge that moved into a neighbouring sentence is not gone.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from drift.align import sentence_key
from drift.checks.pair import Fact, PassagePair
from drift.lexicon import antonym_flips, hedge_phrases, hedges, negations
from drift.text import tokenize

# Hedge keys that attribute a claim to someone; any of them keeps the claim attributed.
ATTRIBUTION_FAMILY = frozenset({"said", "according to", "claims"})
# A capitalised reporting verb right after a word or a comma is part of a name (the
# United States, Simon Says), not a claim attribution.
_NAME_WORD = re.compile(
    r"(?<=[\w,] )(?:States?|Stated|Says?|Said|Claims?|Claimed|Adds|Added|Tells|Told"
    r"|Believes?|Believed|Thought|Estimates?|Estimated|Argued|Insisted)\b"
)
# Words a merge or split adds or loses without changing what a sentence says.
CONNECTORS = frozenset(
    str.split(
        """and but while which who whom that as so also then the a an it this he she they its"""
    )
)


def find_hedge_removals(pair: PassagePair) -> list[Fact]:
    """content.hedge_removed: a qualifier or claim attribution gone from the passage."""
    o_here, c_here = _families(pair.checked_original), _families(pair.checked_copy)
    o_near, c_near = _families(pair.original_context), _families(pair.copy_context)
    phrases = {_family(k): p for k, p in reversed(hedge_phrases(pair.checked_original).items())}
    facts = []
    for family, count in o_here.items():
        if count > c_here[family] and o_near[family] > c_near[family]:
            facts.append(Fact("content.hedge_removed", {"hedge": family, "from": phrases[family]}))
    return facts


def removed_hedge_spans(pair: PassagePair) -> list[tuple[int, int]]:
    """Offsets in the original of the word runs the copy left out that hold a hedge
    ("…, according to a 2017 analysis"): what sits inside went with the hedge."""
    o, c = tokenize(pair.checked_original), tokenize(pair.checked_copy)
    matcher = SequenceMatcher(None, [t.norm for t in o], [t.norm for t in c], autojunk=False)
    spans = []
    for op, i1, i2, _, _ in matcher.get_opcodes():
        if op in ("delete", "replace") and i2 > i1:
            start, end = o[i1].start, o[i2 - 1].end
            if _families(pair.checked_original[start:end]):
                spans.append((start, end))
    return spans


def _family(key: str) -> str:
    return "attribution" if key in ATTRIBUTION_FAMILY else key


def _families(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for key, n in hedges(_NAME_WORD.sub(_blank, text)).items():
        out[_family(key)] += n
    return out


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def find_negation_flips(pair: PassagePair) -> list[Fact]:
    """content.negation_flipped: a negation gained or lost, or a word turned into its antonym."""
    facts = []
    before, after = negations(pair.checked_original), negations(pair.checked_copy)
    if before != after:
        change = "gained" if after > before else "lost"
        facts.append(Fact("content.negation_flipped", {"negation": change}))
    for old, new in antonym_flips(pair.checked_original, pair.checked_copy):
        facts.append(Fact("content.negation_flipped", {"from": old, "to": new}))
    return facts


def is_reworded(pair: PassagePair) -> bool:
    """content.sentence_modified applies: words changed beyond connectors and typography."""
    before = Counter(w for w in sentence_key(pair.checked_original).split() if w not in CONNECTORS)
    after = Counter(w for w in sentence_key(pair.checked_copy).split() if w not in CONNECTORS)
    return before != after
