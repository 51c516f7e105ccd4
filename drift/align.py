"""Sentence alignment of an original and a copy.

Owns `align`: every original sentence ends up equal, modified or dropped, every
copy sentence equal, modified or inserted, through reordering, merges, splits,
re-wrapping and typography; `group_pairs` gives the checks the n:m groups back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np
from rapidfuzz import fuzz, process

from drift.dates import find_dates
from drift.lexicon import ANTONYMS
from drift.model import AlignedPair, Alignment, AlignOp, Article, Sentence
from drift.numbers import find_numbers
from drift.text import fold, fold_chars, split_sentences, split_words, tokenize, words

# fuzz.ratio (0-100) of folded sentence keys. Unrelated sentences on the same
# topic score 30-50; one reworded clause in a 25-word sentence scores ~80; the
# half of a merged pair scores ~67. 58 keeps merges and rewordings, drops topics.
PAIR_MIN = 58.0
# Copy sentences scoring below this on plain words against every leftover original
# sentence are not read for numbers and dates (formatting moves the score by < 15).
NEAR_MIN = 40.0
# A neighbour joins a group (merge/split) when the joined text scores this much better.
GROW_GAIN = 4.0
# Beyond this many candidate cells the copy is scanned in slices (bounded memory).
_CDIST_CHUNK = 2_000_000


_CONTRACTION = re.compile(r"\b\w+n't\b", re.IGNORECASE)
_IRREGULAR = {"can't": "can not", "won't": "will not", "shan't": "shall not"}
_NEGATION_WORDS = frozenset(
    str.split("not no never none neither nor without nobody nothing nowhere cannot")
)
_ANTONYM_PAIRS = frozenset(ANTONYMS)
_NAME_LINKS = frozenset(str.split("of de del da dos das van von der al bin la le du"))


@dataclass(slots=True)
class Group:
    """Original and copy sentence indices aligned together, with their similarity."""

    original: list[int] = field(default_factory=list)
    copy: list[int] = field(default_factory=list)
    similarity: float = 0.0


def sentence_key(text: str) -> str:
    """The folded words of a sentence, with numbers and dates read as values.

    Two sentences with equal keys differ only in typography or formatting.
    """
    text = expand_contractions(fold(text))
    spans = [(d.start, d.end, f" d{d.key} ") for d in find_dates(text)]
    taken = [(s, e) for s, e, _ in spans]
    for n in find_numbers(text):
        if not any(s < n.end and n.start < e for s, e in taken):
            spans.append((n.start, n.end, f" n{n.key[0]:g}{n.key[1]} "))
    for start, end, repl in sorted(spans, reverse=True):
        text = text[:start] + repl + text[end:]
    return " ".join(split_words(text))


def expand_contractions(text: str) -> str:
    """isn't -> is not, can't -> can not, won't -> will not."""
    return _CONTRACTION.sub(
        lambda m: _IRREGULAR.get(m.group().lower(), m.group()[:-3] + " not"), text
    )


def explained_by_facts(original: str, copy: str) -> bool:
    """Every word that differs between the two texts is a fact word: a number, a
    capitalised word (a name, a month, a weekday), a negation, or one of an antonym pair."""
    o = tokenize(expand_contractions(fold_chars(original)))
    c = tokenize(expand_contractions(fold_chars(copy)))
    matcher = SequenceMatcher(None, [t.norm for t in o], [t.norm for t in c], autojunk=False)
    differs = False
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        differs = True
        removed, added = o[i1:i2], c[j1:j2]
        if len(removed) == len(added) == 1 and _antonyms(removed[0].norm, added[0].norm):
            continue
        changed = (*removed, *added)
        named = any(t.text[:1].isupper() for t in changed)  # Maria da Luz: "da" is a name's
        if not all(_is_fact_word(t.text) or (named and t.norm in _NAME_LINKS) for t in changed):
            return False
    return differs


def _is_fact_word(word: str) -> bool:
    if any(ch.isdigit() for ch in word) or word[:1].isupper():
        return True
    return word.casefold() in _NEGATION_WORDS or bool(find_numbers(word))


def _antonyms(a: str, b: str) -> bool:
    return (a, b) in _ANTONYM_PAIRS or (b, a) in _ANTONYM_PAIRS


def similarity(a: str, b: str) -> float:
    """Character similarity (0-100), forgiving clauses moved within a sentence."""
    return float(max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)))


def align(original: Article, copy: Article) -> Alignment:
    """Align the sentences of `copy` with those of `original`."""
    orig = split_sentences(original.text)
    dup = split_sentences(copy.text)
    groups = align_sentences([s.text for s in orig], [s.text for s in dup])
    return Alignment(tuple(_pairs(groups, orig, dup)))


def align_sentences(orig: list[str], dup: list[str]) -> list[Group]:
    """Group sentences: equal words, equal keys, best fuzzy pairs, then merges/splits.

    Most copied sentences are equal word for word, so the cheap folded words are
    matched first and only the rest pay for reading numbers and dates.
    """
    plain_o = [" ".join(words(t)) for t in orig]
    plain_c = [" ".join(words(t)) for t in dup]
    used_o: set[int] = set()
    used_c: set[int] = set()
    groups = _exact(plain_o, plain_c, used_o, used_c)
    rest_o = [i for i in range(len(orig)) if i not in used_o and plain_o[i]]
    rest_c = [j for j in range(len(dup)) if j not in used_c and plain_c[j]]
    # Only copy sentences somewhat like a leftover original sentence are read closely.
    near = {j for _, _, j in _cells(plain_o, plain_c, rest_o, rest_c, NEAR_MIN)}
    keys_o = [sentence_key(t) if i in rest_o else plain_o[i] for i, t in enumerate(orig)]
    keys_c = [sentence_key(t) if j in near else plain_c[j] for j, t in enumerate(dup)]
    groups += _exact(keys_o, keys_c, used_o, used_c)
    groups += _fuzzy(keys_o, keys_c, used_o, used_c)
    _grow(groups, keys_o, keys_c)
    return groups


def _exact(orig: list[str], dup: list[str], used_o: set[int], used_c: set[int]) -> list[Group]:
    where: dict[str, list[int]] = {}
    for j, key in enumerate(dup):
        if key and j not in used_c:
            where.setdefault(key, []).append(j)
    groups = []
    for i, key in enumerate(orig):
        if i not in used_o and where.get(key):
            j = where[key].pop(0)
            used_o.add(i)
            used_c.add(j)
            groups.append(Group([i], [j], 100.0))
    return groups


def _fuzzy(orig: list[str], dup: list[str], used_o: set[int], used_c: set[int]) -> list[Group]:
    rest_o = [i for i in range(len(orig)) if i not in used_o and orig[i]]
    rest_c = [j for j in range(len(dup)) if j not in used_c and dup[j]]
    cells = _cells(orig, dup, rest_o, rest_c, PAIR_MIN)
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    groups = []
    for score, i, j in cells:
        if i not in used_o and j not in used_c:
            used_o.add(i)
            used_c.add(j)
            groups.append(Group([i], [j], score))
    return groups


def _cells(
    orig: list[str], dup: list[str], rest_o: list[int], rest_c: list[int], cutoff: float
) -> list[tuple[float, int, int]]:
    """(score, original index, copy index) for every pair scoring at least `cutoff`."""
    cells: list[tuple[float, int, int]] = []
    if not rest_o or not rest_c:
        return cells
    # Both scorers are bounded by 2*min/(a+b) of the two lengths: skip pairs that cannot
    # reach the cutoff (a 100,000-word unpunctuated "sentence" costs nothing then).
    bound = cutoff / (200.0 - cutoff)
    longest, shortest = max(len(orig[i]) for i in rest_o), min(len(orig[i]) for i in rest_o)
    rest_c = [j for j in rest_c if shortest * bound <= len(dup[j]) <= longest / max(bound, 1e-9)]
    if not rest_c:
        return cells
    step = max(1, _CDIST_CHUNK // len(rest_o))
    queries = [orig[i] for i in rest_o]
    for lo in range(0, len(rest_c), step):
        chunk = rest_c[lo : lo + step]
        choices = [dup[j] for j in chunk]
        scores = np.maximum(
            process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=cutoff),
            process.cdist(queries, choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff),
        )
        for a, b in zip(*scores.nonzero(), strict=True):
            cells.append((float(scores[a, b]), rest_o[a], chunk[b]))
    return cells


def _grow(groups: list[Group], orig: list[str], dup: list[str]) -> None:
    """Let a group take an unaligned neighbour when the joined text matches better."""
    used_o = {i for g in groups for i in g.original}
    used_c = {j for g in groups for j in g.copy}
    changed = True
    while changed:
        changed = False
        for g in groups:
            if g.similarity >= 100.0:
                continue
            for side, used, keys in (("original", used_o, orig), ("copy", used_c, dup)):
                members: list[int] = getattr(g, side)
                for cand in (min(members) - 1, max(members) + 1):
                    if 0 <= cand < len(keys) and cand not in used and keys[cand]:
                        trial = sorted([*members, cand])
                        score = _group_score(g, side, trial, orig, dup)
                        if score >= max(PAIR_MIN, g.similarity + GROW_GAIN):
                            setattr(g, side, trial)
                            g.similarity = score
                            used.add(cand)
                            changed = True
                            break


def _group_score(g: Group, side: str, trial: list[int], orig: list[str], dup: list[str]) -> float:
    o = trial if side == "original" else g.original
    c = trial if side == "copy" else g.copy
    return similarity(" ".join(orig[i] for i in o), " ".join(dup[j] for j in c))


def _pairs(groups: list[Group], orig: list[Sentence], dup: list[Sentence]) -> list[AlignedPair]:
    """Emit pairs in original order; inserted copy sentences follow their predecessor."""
    keyed: list[tuple[tuple[float, float], AlignedPair]] = []
    place: dict[int, float] = {}
    for g in groups:
        op: AlignOp = "equal" if g.similarity >= 100.0 else "modified"
        for i in g.original:
            for j in g.copy:
                pair = AlignedPair(op, orig[i], dup[j], g.similarity / 100.0)
                keyed.append(((i, j), pair))
                place[j] = i
    aligned_o = set().union(*(g.original for g in groups)) if groups else set()
    for i, s in enumerate(orig):
        if i not in aligned_o:
            keyed.append(((i, -1), AlignedPair("dropped", s, None)))
    last = -0.5
    for j, s in enumerate(dup):
        if j in place:
            last = place[j]
        else:
            keyed.append(((last + 0.5, j), AlignedPair("inserted", None, s)))
    keyed.sort(key=lambda kp: kp[0])
    return [p for _, p in keyed]


def group_pairs(alignment: Alignment) -> list[tuple[list[Sentence], list[Sentence], str]]:
    """Rebuild the n:m groups of an alignment: (original sentences, copy sentences, op)."""
    out: list[tuple[list[Sentence], list[Sentence], str]] = []
    by_sentence: dict[tuple[str, int], int] = {}
    for p in alignment.pairs:
        keys = [("o", p.original.start)] if p.original else []
        keys += [("c", p.copy.start)] if p.copy else []
        hit = next((by_sentence[k] for k in keys if k in by_sentence), None)
        if hit is None or p.op in ("dropped", "inserted"):
            out.append(([], [], p.op))
            hit = len(out) - 1
        origs, copies, _ = out[hit]
        if p.original and p.original not in origs:
            origs.append(p.original)
        if p.copy and p.copy not in copies:
            copies.append(p.copy)
        for k in keys:
            by_sentence[k] = hit
    return out
