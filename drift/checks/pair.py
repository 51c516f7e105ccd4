"""The aligned passage pair a sentence-level check reads, and evidence helpers.

A pair is one alignment group: the original sentence(s) and the copy
sentence(s) they became (a merge or split gives several on one side), with
altered quotes blanked out so a changed quote is reported once, as a quote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drift.codes import make_finding
from drift.model import Finding


@dataclass(frozen=True, slots=True)
class PassagePair:
    """Texts of one aligned group: as printed, as checked (quotes blanked), in context."""

    original: str
    copy: str
    checked_original: str
    checked_copy: str
    original_context: str
    copy_context: str
    known_names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Fact:
    """One changed fact: the code, its detail and where it sits in each text."""

    code: str
    detail: Mapping[str, Any]
    original_at: int | None = None
    copy_at: int | None = None


def excerpt(text: str, at: int | None, radius: int = 3) -> str:
    """The `radius` words either side of offset `at`: the smallest passage showing one fact."""
    if at is None:
        return text
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    hit = next((k for k, (s, e) in enumerate(spans) if e > at), len(spans) - 1)
    lo, hi = max(0, hit - radius), min(len(spans) - 1, hit + radius)
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(spans) - 1 else ""
    return head + text[spans[lo][0] : spans[hi][1]] + tail


def facts_to_findings(pair: PassagePair, facts: Sequence[Fact]) -> list[Finding]:
    """Findings with the two sentences as evidence; when one pair holds several facts
    of one code, each gets the words around its own fact so each stays distinct."""
    counts: dict[str, int] = {}
    for fact in facts:
        counts[fact.code] = counts.get(fact.code, 0) + 1
    out = []
    for fact in facts:
        original, copy = pair.original, pair.copy
        if counts[fact.code] > 1:
            original = excerpt(pair.original, fact.original_at)
            copy = excerpt(pair.copy, fact.copy_at)
        out.append(make_finding(fact.code, original=original, copy=copy, detail=fact.detail))
    return out


def word_positions(text: str) -> dict[str, int]:
    """First offset of every word (as written) in `text`."""
    where: dict[str, int] = {}
    for m in re.finditer(r"[\w'’.-]+", text):
        where.setdefault(m.group(), m.start())
    return where
