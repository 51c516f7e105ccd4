"""Facts in a kept passage: numbers, dates and names that differ.

Each check compares the values found on both sides of one aligned pair and
returns one Fact per distinct change: a changed value pairs the original's
reading with the copy's; an unpaired one is a fact dropped or added.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from drift.checks.pair import Fact, PassagePair, word_positions
from drift.dates import DateFact, find_dates
from drift.lexicon import find_names
from drift.numbers import Number, find_numbers

T = TypeVar("T")


def find_number_changes(pair: PassagePair) -> list[Fact]:
    """content.number_changed: values that differ (formatting alone never does)."""
    before = _numbers(pair.checked_original)
    after = _numbers(pair.checked_copy)
    facts = []
    for o, c in _diff(before, after, lambda a, b: a.key == b.key):
        if _is_lone_one(o, c):
            continue
        facts.append(
            Fact(
                "content.number_changed",
                {"from": o.raw if o else None, "to": c.raw if c else None},
                o.start if o else None,
                c.start if c else None,
            )
        )
    return facts


def find_date_changes(pair: PassagePair) -> list[Fact]:
    """content.date_changed: dates, weekdays, months, years and times that differ."""
    before = find_dates(pair.checked_original)
    after = find_dates(pair.checked_copy)
    return [
        Fact(
            "content.date_changed",
            {"from": o.raw if o else None, "to": c.raw if c else None},
            o.start if o else None,
            c.start if c else None,
        )
        for o, c in _diff(before, after, _same_date)
    ]


def find_name_changes(pair: PassagePair, *, drop_ok: bool = False) -> list[Fact]:
    """content.name_changed: a name of the original replaced or gone from the passage.

    A name kept anywhere in the copy's neighbouring sentences was moved, not
    dropped; a surname kept for a full name is the same person. With `drop_ok`
    (a claim attribution was already reported gone) only replacements count.
    """
    known = pair.known_names
    o_names = find_names(pair.checked_original, known)
    c_names = find_names(pair.checked_copy, known)
    c_seen = _words(pair.copy_context), _name_parts(find_names(pair.copy_context, known))
    o_seen = _words(pair.original_context), _name_parts(find_names(pair.original_context, known))
    missing = [n for n in o_names if _mentions(n, *c_seen) < _mentions(n, *o_seen)]
    new = [n for n in c_names if _mentions(n, *o_seen) < _mentions(n, *c_seen)]
    o_at, c_at = word_positions(pair.original), word_positions(pair.copy)
    facts = []
    for i, name in enumerate(missing):
        replacement = new[i] if i < len(new) else None
        if replacement == name:
            continue
        if replacement is None and drop_ok:
            continue
        facts.append(
            Fact(
                "content.name_changed",
                {"from": name, "to": replacement},
                o_at.get(name.split()[0]),
                c_at.get(replacement.split()[0]) if replacement else None,
            )
        )
    return facts


def _numbers(text: str) -> list[Number]:
    dates = find_dates(text)
    return [
        n for n in find_numbers(text) if not any(d.start < n.end and n.start < d.end for d in dates)
    ]


def _is_lone_one(o: Number | None, c: Number | None) -> bool:
    """'one' or 'a' appearing or vanishing alone is wording ("one of the"), not a number."""
    lone = o if c is None else c if o is None else None
    return lone is not None and lone.raw.lower() in ("one", "a", "an", "first", "second")


def _same_date(a: DateFact, b: DateFact) -> bool:
    """Equal keys, or one leaves out the year or weekday the other gives."""
    if a.key == b.key:
        return True
    ak, bk = a.key.split("/")[0], b.key.split("/")[0]
    if ak == bk:
        return True
    full = re.compile(r"(?:\?|\d{4})-\d\d-\d\d")
    if full.fullmatch(ak) and full.fullmatch(bk) and "?" in ak + bk:
        return ak[-5:] == bk[-5:]
    return False


def _diff(
    before: Sequence[T], after: Sequence[T], same: Callable[[T, T], bool]
) -> list[tuple[T | None, T | None]]:
    """Pair what the original has and the copy lacks with what the copy has instead."""
    left = list(after)
    removed = []
    for item in before:
        hit = next((k for k, other in enumerate(left) if same(item, other)), None)
        if hit is None:
            removed.append(item)
        else:
            left.pop(hit)
    pairs: list[tuple[T | None, T | None]] = []
    for k in range(max(len(removed), len(left))):
        pairs.append((removed[k] if k < len(removed) else None, left[k] if k < len(left) else None))
    return pairs


def _words(text: str) -> Counter[str]:
    """How often each word (and its forms without 's and acronym dots) is written."""
    found = re.findall(r"[\w'-]+", text.replace("’", "'"))
    found += [w.replace(".", "") for w in re.findall(r"\w[\w.]*\.\w", text)]  # U.S. -> US
    counts = Counter(found)
    for w in found:
        bare = re.sub(r"'s?$", "", w)
        if bare != w:
            counts[bare] += 1
    return counts


def _parts(name: str) -> frozenset[str]:
    parts = [p for p in name.replace("’", "'").split() if p[:1].isupper()]
    return frozenset(re.sub(r"'s$", "", p).replace(".", "") for p in parts)


def _name_parts(names: list[str]) -> list[frozenset[str]]:
    return [_parts(n) for n in names]


def _mentions(name: str, words: Counter[str], names: list[frozenset[str]]) -> int:
    """How often a text mentions the person: by the whole name or a shorter or longer
    form of it (Li Wei, Wei, Dr Li Wei), or failing that by all its words.

    A name the copy mentions as often as the original (around the passage) was kept or
    moved; one mentioned less was replaced or dropped, even where a neighbour still
    gives the surname that the original's neighbour gave too.
    """
    parts = _parts(name)
    if not parts:
        return 0
    by_name = sum(1 for other in names if other and (other <= parts or parts <= other))
    return max(by_name, min(words[p] for p in parts))
