"""Facts in a kept passage: numbers, dates and names that differ.

Each check compares the values found on both sides of one aligned pair and
returns one Fact per distinct change: a changed value pairs the original's
reading with the copy's; an unpaired one is a fact dropped or added.
"""

from __future__ import annotations

import re
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
    missing = [n for n in o_names if not _kept(n, *c_seen)]
    new = [n for n in c_names if not _kept(n, *o_seen)]
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


def _words(text: str) -> set[str]:
    found = set(re.findall(r"[\w'-]+", text.replace("’", "'")))
    found |= {w.replace(".", "") for w in re.findall(r"\w[\w.]*\.\w", text)}  # U.S. -> US
    return found | {re.sub(r"'s?$", "", w) for w in found}


def _parts(name: str) -> frozenset[str]:
    parts = [p for p in name.replace("’", "'").split() if p[:1].isupper()]
    return frozenset(re.sub(r"'s$", "", p).replace(".", "") for p in parts)


def _name_parts(names: list[str]) -> list[frozenset[str]]:
    return [_parts(n) for n in names]


def _kept(name: str, words: set[str], names: list[frozenset[str]]) -> bool:
    """Every word of the name is still there, or a shorter form of it (Li Wei -> Wei)."""
    parts = _parts(name)
    if all(p in words for p in parts):
        return True
    return any(other and other < parts for other in names)
