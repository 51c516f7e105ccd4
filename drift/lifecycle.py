"""Lifecycle judgements between two versions of a page: edit or noise, what changed, stale copies.

Pure functions over drift.model dataclasses, no I/O and no clock; syndiwatch.recheck
fetches and stores. Noise (date lines, relative times, counters, whitespace) is masked
before comparing; a date inside a sentence of the body is content, not noise.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from drift.align import align, sentence_key
from drift.codes import make_finding
from drift.dates import find_dates
from drift.model import Article, Finding
from drift.text import fold, words

ChangeKind = Literal["same", "noise", "edit"]

EDITED = "lifecycle.copy_edited"
ORIGINAL_UPDATED = "lifecycle.original_updated"
STALE = "lifecycle.stale_copy"
REMOVED = "lifecycle.copy_removed"

# Relative times and counters that change on every visit ("3 hours ago", "1.2k views").
_RELATIVE = re.compile(
    r"\b(?:\d+|an?|one)\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
    r"\s+ago\b|\b(?:just now|yesterday|today)\b|\b\d+\s*min(?:ute)?s?\s+read\b",
    re.IGNORECASE,
)
_COUNTER = re.compile(
    r"\b\d[\d.,]*\s*[km]?\s+(?:views?|comments?|shares?|likes?|reads?|reactions?|replies|"
    r"readers?|visits?|votes?|followers?)\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|h|utc|gmt|cet|cest)?\b", re.I)
_ISO_STAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?\S*)?", re.IGNORECASE)
# A line that is a date/time plus only these words (or one other word) is a date
# line ("Updated: Nov 18, 2026 10:32"): its date is noise. Sentences keep their
# dates ("talks resume on November 23" → 24 is an edit).
DATE_LINE_WORDS = frozenset(
    {"updated", "update", "published", "posted", "last", "modified", "edited", "on", "at", "by"}
    | {"am", "pm", "utc", "gmt", "cet", "cest"}
)
# A copy sentence must be at least this similar (drift.align's 0-1 scale) to the
# superseded sentence to count as carrying it; below that the copy rewrote it.
CARRIES_MIN_SIMILARITY = 0.6
EVIDENCE_CHARS = 400


@dataclass(frozen=True, slots=True)
class Change:
    """One changed passage between two versions: `old` → `new` (None when added/removed)."""

    old: str | None
    new: str | None


def mask_noise(text: str) -> str:
    """Fold `text` and blank out what changes without an edit (times, counters, date lines)."""
    text = _RELATIVE.sub(" ", fold(text))
    text = _COUNTER.sub(" ", text)
    if _is_date_line(text):
        return ""
    return " ".join(words(text))


def _is_date_line(text: str) -> bool:
    stripped = _ISO_STAMP.sub(" ", _CLOCK.sub(" ", text))
    for fact in sorted(find_dates(stripped), key=lambda d: d.start, reverse=True):
        stripped = stripped[: fact.start] + " " + stripped[fact.end :]
    if stripped == text:
        return False
    rest = words(stripped)
    return len(rest) <= 1 or all(w in DATE_LINE_WORDS for w in rest)


def content_lines(article: Article) -> list[str]:
    """The parts of an article an editor changes: title, body, byline, credits, captions, links."""
    lines = [article.title, *article.paragraphs]
    lines += [f"author: {a}" for a in article.authors]
    lines += [f"credit: {c.label}: {c.value}" for c in article.credits]
    lines += [f"caption: {c.text} / {c.credit or ''}" for c in article.captions]
    lines += [f"link: {ln.href}" for ln in article.links]
    return lines


def signature(article: Article) -> str:
    """A hash of the article with noise masked: equal signatures mean "no edit"."""
    masked = "\n".join(m for m in (mask_noise(line) for line in content_lines(article)) if m)
    return hashlib.sha256(masked.encode("utf-8")).hexdigest()


def classify_change(old: Article, new: Article) -> ChangeKind:
    """Say whether `new` is the same page as `old`, a noise-only change, or an edit."""
    if content_lines(old) == content_lines(new):
        return "same"
    return "noise" if signature(old) == signature(new) else "edit"


def is_flip_back(new: Article, earlier: Iterable[Article]) -> bool:
    """True when `new` matches a version seen before the latest one (an A/B or rotating page)."""
    sig = signature(new)
    return any(signature(a) == sig for a in earlier)


def describe_changes(old: Article, new: Article) -> tuple[Change, ...]:
    """The changed passages from `old` to `new`, sentence by sentence, noise left out."""
    changes: list[Change] = []
    if mask_noise(old.title) != mask_noise(new.title):
        changes.append(Change(old.title or None, new.title or None))
    for pair in align(old, new).pairs:
        before = pair.original.text if pair.original else None
        after = pair.copy.text if pair.copy else None
        if pair.op == "equal" or mask_noise(before or "") == mask_noise(after or ""):
            continue
        changes.append(Change(before, after))
    changes += _side_changes(old, new)
    return tuple(changes)


def _side_changes(old: Article, new: Article) -> list[Change]:
    """Byline, credit, caption and link lines added or removed (the body is aligned apart)."""
    body_old, body_new = len(old.paragraphs) + 1, len(new.paragraphs) + 1
    before = [m for m in content_lines(old)[body_old:] if mask_noise(m)]
    after = [m for m in content_lines(new)[body_new:] if mask_noise(m)]
    removed = [Change(line, None) for line in before if line not in after]
    added = [Change(None, line) for line in after if line not in before]
    return removed + added


def edit_finding(
    code: str, changes: Sequence[Change], extra: Mapping[str, Any] | None = None
) -> Finding:
    """A copy_edited or original_updated finding with the diff as evidence.

    `extra` joins the evidence detail (e.g. the snapshot ids of both versions).
    """
    first = changes[0] if changes else Change(None, None)
    diff = [{"old": c.old, "new": c.new} for c in changes[:20]]
    key = hashlib.sha256(repr(diff).encode("utf-8")).hexdigest()[:16]
    return make_finding(
        code,
        original=_clip(first.old) if first.old is not None else None,
        copy=_clip(first.new) if first.new is not None else None,
        detail={"changes": diff, "changed": len(changes), "version": key, **(extra or {})},
    )


def superseded_passages(old: Article, new: Article) -> tuple[Change, ...]:
    """Sentences of `old` the corrected `new` replaced or removed (additions are not)."""
    return tuple(c for c in describe_changes(old, new) if c.old is not None and c.old != old.title)


def find_stale_passages(superseded: Sequence[Change], copy: Article) -> list[tuple[Change, str]]:
    """Each superseded passage the copy still carries, with the copy's sentence."""
    out: list[tuple[Change, str]] = []
    for change in superseded:
        assert change.old is not None
        carried = _carrying_sentence(change, copy)
        if carried is not None:
            out.append((change, carried))
    return out


def _carrying_sentence(change: Change, copy: Article) -> str | None:
    old_only, new_only = _token_difference(change)
    probe = Article(url="", paragraphs=(change.old or "",))
    for pair in align(probe, copy).pairs:
        if pair.original is None or pair.copy is None:
            continue
        if pair.similarity < CARRIES_MIN_SIMILARITY:
            continue
        if _carries(change, pair.op, old_only, new_only, pair.copy.text):
            return pair.copy.text
    return None


def _carries(change: Change, op: str, old_only: set[str], new_only: set[str], text: str) -> bool:
    """Does a copy sentence aligned with the superseded one keep the old wording?"""
    if change.new is None or (not old_only and not new_only):
        return op == "equal"
    copy_words = set(sentence_key(text).split())
    if new_only & copy_words:
        return False  # it took (part of) the correction
    return old_only <= copy_words if old_only else op == "equal"


def _token_difference(change: Change) -> tuple[set[str], set[str]]:
    old = set(sentence_key(change.old or "").split())
    new = set(sentence_key(change.new or "").split())
    return old - new, new - old


def stale_findings(superseded: Sequence[Change], copy: Article) -> list[Finding]:
    """One lifecycle.stale_copy finding per superseded passage the copy still carries."""
    return [
        make_finding(
            STALE,
            original=_clip(change.new) if change.new is not None else None,
            copy=_clip(carried),
            detail={"superseded": change.old, "corrected": change.new},
        )
        for change, carried in find_stale_passages(superseded, copy)
    ]


def removed_finding(reason: str) -> Finding:
    """A lifecycle.copy_removed finding; `reason` says how (HTTP 404, no longer a copy)."""
    return make_finding(REMOVED, detail={"reason": reason})


def _clip(text: str | None) -> str | None:
    if text is None or len(text) <= EVIDENCE_CHARS:
        return text
    return text[: EVIDENCE_CHARS - 1] + "…"
