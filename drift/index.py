"""An in-memory containment index: which tracked originals might a page hold?

Owns `MatchIndex`: each original keeps its shingle hashes divisible by a sampling
rate (1 in SAMPLE_EVERY for a long one, 1 in 4 or 2 or all of them for a shorter
one, so that every original keeps at least MIN_SAMPLE), so the share of that sample
a page holds estimates its containment; candidates are confirmed with
drift.match.measure_match. Hashes must be stable (drift.fingerprint, syndiwatch.triage)
for the same page to give the same estimate in every process.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

# At most one shingle hash in 8 is kept, at 8 bytes per kept hash.
SAMPLE_EVERY = 8
# Every original keeps at least this many hashes (or all it has): the sampling rate is
# the largest of 8, 4, 2 that leaves this many, else 1. With 128 kept hashes a true
# containment of 0.15 estimates under triage's 0.08 about once in a hundred copies;
# with the 16 a 1-in-8 sample of a 130-word story keeps, one in four.
MIN_SAMPLE = 128
_RATES = (8, 4, 2)
# Default share of an original's sample a page must hold to be a candidate: below
# drift.match.PARTIAL_MIN because 5-word shingles break faster than 3-word coverage.
CANDIDATE_MIN = 0.1
# Each entry packs the top 40 bits of a hash over a 24-bit original slot, so one
# in-place sort of one uint64 array builds the table (16.7M originals at most).
_SLOT_BITS = 24
_SLOT_MASK = np.uint64((1 << _SLOT_BITS) - 1)
_HASH_MASK = np.uint64(~((1 << _SLOT_BITS) - 1) & ((1 << 64) - 1))

Hashes = npt.NDArray[np.uint64]


class MatchIndex:
    """Sampled shingle hashes of many originals, looked up by a page's shingles."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._slot: dict[str, int] = {}
        self._sizes: list[int] = []
        self._size_array: npt.NDArray[np.float64] = np.empty(0, dtype=np.float64)
        self._removed: set[int] = set()
        self._tables = {rate: _Table() for rate in (*_RATES, 1)}

    def __len__(self) -> int:
        return len(self._slot)

    def add(self, story_id: str, shingles: Iterable[int] | Hashes) -> None:
        """Index (or re-index) an original by its shingle hashes (drift.fingerprint.shingles)."""
        if story_id in self._slot:
            self.remove(story_id)
        if len(self._ids) > int(_SLOT_MASK):
            raise OverflowError("MatchIndex holds at most 16,777,216 originals")
        rate, kept = sample_shingles(_as_array(shingles))
        slot = len(self._ids)
        self._ids.append(story_id)
        self._slot[story_id] = slot
        self._sizes.append(max(1, kept.size))
        self._tables[rate].add(kept, slot)

    def remove(self, story_id: str) -> None:
        """Forget an original; unknown ids are ignored."""
        slot = self._slot.pop(story_id, None)
        if slot is not None:
            self._removed.add(slot)

    def query(
        self, page_shingles: Iterable[int] | Hashes, min_containment: float = CANDIDATE_MIN
    ) -> list[tuple[str, float]]:
        """Originals whose kept shingles the page holds, best first: (id, estimate)."""
        page = np.unique(_as_array(page_shingles))
        slots = [
            table.lookup(page if rate == 1 else page[page % np.uint64(rate) == 0])
            for rate, table in self._tables.items()
            if table
        ]
        if not slots:
            return []
        found, counts = np.unique(np.concatenate(slots), return_counts=True)
        if self._size_array.size != len(self._sizes):
            self._size_array = np.asarray(self._sizes, dtype=np.float64)
        shares = counts / self._size_array[found]
        out = [
            (self._ids[int(s)], float(share))
            for s, share in zip(found, shares, strict=True)
            if share >= min_containment and int(s) not in self._removed
        ]
        return sorted(out, key=lambda hit: (-hit[1], hit[0]))

    def nbytes(self) -> int:
        """Memory held by the hash tables (ids and dict overhead not counted)."""
        return sum(table.nbytes() for table in self._tables.values())


def sample_shingles(shingles: Iterable[int] | Hashes) -> tuple[int, Hashes]:
    """(rate, kept): the unique hashes divisible by the largest rate leaving MIN_SAMPLE.

    Sampling a sample gives it back unchanged, so originals stored already sampled
    (syndiwatch.shared_index) are indexed exactly as their full shingle sets would be.
    """
    values = np.unique(_as_array(shingles))
    for rate in _RATES:
        kept = values[values % np.uint64(rate) == 0]
        if kept.size >= MIN_SAMPLE:
            return rate, kept
    return 1, values


class _Table:
    """Packed (hash prefix, slot) entries in one sorted uint64 array."""

    def __init__(self) -> None:
        self._entries: Hashes = np.empty(0, dtype=np.uint64)
        self._pending: list[Hashes] = []

    def __bool__(self) -> bool:
        return bool(self._pending) or bool(self._entries.size)

    def add(self, hashes: Hashes, slot: int) -> None:
        self._pending.append((hashes & _HASH_MASK) | np.uint64(slot))

    def lookup(self, hashes: Hashes) -> npt.NDArray[np.int64]:
        """The slots of every entry whose hash prefix one of `hashes` has."""
        self._build()
        if not hashes.size or not self._entries.size:
            return np.empty(0, dtype=np.int64)
        keys = hashes & _HASH_MASK
        lo = np.searchsorted(self._entries, keys, side="left")
        hi = np.searchsorted(self._entries, keys | _SLOT_MASK, side="right")
        spans = hi - lo
        total = int(spans.sum())
        if not total:
            return np.empty(0, dtype=np.int64)
        positions = np.repeat(hi - spans.cumsum(), spans) + np.arange(total)
        return (self._entries[positions] & _SLOT_MASK).astype(np.int64)

    def nbytes(self) -> int:
        self._build()
        return int(self._entries.nbytes)

    def _build(self) -> None:
        if self._pending:
            self._entries = np.concatenate([self._entries, *self._pending])
            self._pending = []
            self._entries.sort()


def _as_array(shingles: Iterable[int] | Hashes) -> Hashes:
    if isinstance(shingles, np.ndarray):
        return shingles.astype(np.uint64, copy=False)
    return np.fromiter(shingles, dtype=np.uint64)
