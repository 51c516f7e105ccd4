"""Word lists and extractors for names, hedges and negations in a sentence.

Owns the capitalisation heuristic for names (with its stop list), the hedge
and claim-attribution patterns, and the negation words and un-/dis- antonyms
the content checks count. Everything returns plain strings or Counters.
"""

from __future__ import annotations

import re
from collections import Counter

from drift.dates import MONTHS, WEEKDAYS

# Capitalised words that are not names when they open a sentence or stand alone.
STOP_CAPS = (
    frozenset(
        str.split(
            """a an the this that these those there here he she it its they them their we our i you
his her him my your in on at of for to from by with without after before during as
but and or if when while where why how what who which though although since until
yet so not no never none neither also however meanwhile moreover still then thus
today yesterday tomorrow tonight mr mrs ms dr prof president minister chief police
officials some many most all several few more other another both each every such one
two three earlier later last next read related advertisement photo source via update
updated editor's note breaking exclusive watch live video according under over about
witnesses residents analysts experts critics doctors authorities researchers scientists
investigators prosecutors lawyers sources activists protesters workers employees students
teachers parents people villagers locals officers soldiers rescuers medics spokesman
spokeswoman spokesperson observers economists diplomats organisers organizers lawmakers"""
        )
    )
    | frozenset(MONTHS)
    | frozenset(WEEKDAYS)
)
# A word starting with a letter; _is_cap then asks for a capital in any script (Путин, Łódź).
_CAP_WORD = re.compile(r"(?<![\w'’])(?:[^\W\d_][\w'’.-]*[\w]|[^\W\d_])(?![\w'’])")
_REPORTING = re.compile(
    r"\s+(?:said|says|told|tells|added|adds|wrote|writes|stated|argued|insisted|warned)\b"
)
_NAME_LINK = frozenset({"of", "de", "del", "da", "van", "von", "al", "bin", "la", "le", "du"})

HEDGES: dict[str, str] = {
    r"\ballegedly\b|\balleged\b|\ballege[sd]?\b": "allegedly",
    r"\breportedly\b|\breported(?:ly)? to\b": "reportedly",
    r"\bpurportedly\b|\bpurported\b": "purportedly",
    r"\bapparently\b|\bappears? to\b|\bseems? to\b": "apparently",
    r"\bsuspected\b|\bsuspect\b": "suspected",
    r"\bunconfirmed\b|\bunverified\b": "unconfirmed",
    r"\bmay\b|\bmight\b|\bcould\b|\bpossibly\b|\bprobably\b": "may",
    r"\bclaim(?:s|ed)?\b": "claims",
    r"\baccording to\b": "according to",
    r"\b(?:told|tells)\s+(?:(?-i:[A-Z])\w*|reporters|journalists|the|a|an|his|her|their|local)\b"
    r"|\b(?:said|says|say|stated|states|added|adds|insisted|argued|believed"
    r"|believes|thought|estimated|estimates)\b": "said",
}
_HEDGE_RES = [(re.compile(p, re.IGNORECASE if k != "may" else 0), k) for p, k in HEDGES.items()]

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|nobody|nothing|nowhere|cannot)\b|n't\b",
    re.IGNORECASE,
)
_NO_NUMBER = re.compile(r"\bNo\.\s?\d", re.IGNORECASE)
# Antonym pairs (positive, negative) for un-/dis-/in- words a copy might flip.
ANTONYMS: tuple[tuple[str, str], ...] = tuple(
    (w, n)
    for pair in str.split(
        """likely:unlikely able:unable aware:unaware known:unknown clear:unclear
lawful:unlawful legal:illegal possible:impossible true:untrue fair:unfair
popular:unpopular certain:uncertain usual:unusual willing:unwilling safe:unsafe
agree:disagree agreed:disagreed agrees:disagrees approve:disapprove
approved:disapproved honest:dishonest proved:disproved proven:disproven
continue:discontinue continued:discontinued connected:disconnected
qualified:disqualified armed:unarmed successful:unsuccessful acceptable:unacceptable
responsible:irresponsible accurate:inaccurate correct:incorrect complete:incomplete
effective:ineffective guilty:innocent included:excluded"""
    )
    for w, n in [pair.split(":")]
)


def find_names(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Runs of capitalised words that read as names; a sentence-initial word counts
    only when `known` (names seen mid-sentence elsewhere) holds it or it says something."""
    names: list[str] = []
    run: list[str] = []
    for m in re.finditer(r"[\w'’.-]+|[^\w\s]", text):
        word = m.group().rstrip(".")
        first = not run and _is_sentence_start(text, m.start())
        if first and _REPORTING.match(text, m.end()) and _is_cap(word):
            known = known | {word}
        if _is_name_word(word, first, known) or (
            run and word.lower() in _NAME_LINK and m.group()[0].islower()
        ):
            run.append(word)
            if m.group().endswith(".") and len(word) > 3 and not word.isupper():
                _close(run, names)  # "… said Putin.— Mr Kishida …": the sentence ended
                run = []
        else:
            _close(run, names)
            run = []
    _close(run, names)
    return names


def _is_sentence_start(text: str, pos: int) -> bool:
    """Nothing but spaces before `pos`, or an end mark or opening quote right before it."""
    before = text[max(0, pos - 8) : pos].rstrip()
    if not before:
        return not text[:pos].strip()
    return before[-1] in '.!?"“'


def _is_name_word(word: str, first: bool, known: frozenset[str]) -> bool:
    if not _is_cap(word) or word.lower() in STOP_CAPS or (word.isupper() and len(word) > 5):
        return False
    return not first or word in known


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and bool(_CAP_WORD.fullmatch(word))


def _close(run: list[str], names: list[str]) -> None:
    while run and run[-1].lower() in _NAME_LINK:
        run.pop()
    if run:
        names.append(" ".join(run))


def name_words(text: str) -> frozenset[str]:
    """Capitalised words seen after a sentence's first word: the article's likely names."""
    found = set()
    for m in _CAP_WORD.finditer(text):
        if not m.group()[0].isupper():
            continue
        before = text[max(0, m.start() - 3) : m.start()].rstrip()
        if not re.search(r"[.!?\"“‘'(\-–—:]$|^$", before) and m.group().lower() not in STOP_CAPS:
            found.add(m.group())
    return frozenset(found)


def hedges(text: str) -> Counter[str]:
    """How often each hedge or claim attribution occurs in `text`."""
    counts: Counter[str] = Counter()
    for pattern, key in _HEDGE_RES:
        counts[key] += len(pattern.findall(text))
    return +counts


def hedge_phrases(text: str) -> dict[str, str]:
    """The first phrase of `text` found for each hedge key, as written."""
    found: dict[str, str] = {}
    for pattern, key in _HEDGE_RES:
        m = pattern.search(text)
        if m and key not in found:
            found[key] = m.group()
    return found


def negations(text: str) -> int:
    """The number of negation words (No. 5 is a number, not a negation)."""
    return len(_NEGATION.findall(_NO_NUMBER.sub(" ", text)))


def antonym_flips(original: str, copy: str) -> list[tuple[str, str]]:
    """Antonym pairs where one side holds the positive word and the other the negative."""
    o_words = Counter(re.findall(r"\w+", original.lower()))
    c_words = Counter(re.findall(r"\w+", copy.lower()))
    flips = []
    for pos, neg in ANTONYMS:
        if o_words[pos] > c_words[pos] and c_words[neg] > o_words[neg]:
            flips.append((pos, neg))
        elif o_words[neg] > c_words[neg] and c_words[pos] > o_words[pos]:
            flips.append((neg, pos))
    return flips
