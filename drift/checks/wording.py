"""Wording in a kept passage: hedges removed, negations flipped, sentences reworded.

Hedges and claim attributions are counted by family ("said"/"according to"/
"claims" are one family: swapping one for another keeps the claim attributed);
a hedge that moved into a neighbouring sentence is not gone.
"""

from __future__ import annotations

from collections import Counter

from drift.align import sentence_key
from drift.checks.pair import Fact, PassagePair
from drift.lexicon import antonym_flips, hedge_phrases, hedges, negations

# Hedge keys that attribute a claim to someone; any of them keeps the claim attributed.
ATTRIBUTION_FAMILY = frozenset({"said", "according to", "claims"})
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


def _family(key: str) -> str:
    return "attribution" if key in ATTRIBUTION_FAMILY else key


def _families(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for key, n in hedges(text).items():
        out[_family(key)] += n
    return out


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
