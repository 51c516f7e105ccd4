"""An in-memory containment index: which tracked originals might a page hold?

Owns `MatchIndex`: each original keeps its shingle hashes divisible by SAMPLE_EVERY
(a short one keeps all), so the share of that sample a page holds estimates its
containment; candidates are confirmed with drift.match.measure_match.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

# Keep one shingle hash in 8: a 600-word original keeps ~75, enough to tell 25%
# containment from 5% (bench/drift_engine.py), at 8 bytes per kept hash.
SAMPLE_EVERY = 8
# An original with fewer sampled hashes than this keeps all of them instead.
MIN_SAMPLE = 16
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
        self._sampled = _Table()
        self._complete = _Table()

    def __len__(self) -> int:
        return len(self._slot)

    def add(self, story_id: str, shingles: Iterable[int] | Hashes) -> None:
        """Index (or re-index) an original by its shingle hashes (drift.fingerprint.shingles)."""
        if story_id in self._slot:
            self.remove(story_id)
        if len(self._ids) > int(_SLOT_MASK):
            raise OverflowError("MatchIndex holds at most 16,777,216 originals")
        values = np.unique(_as_array(shingles))
        kept = values[values % np.uint64(SAMPLE_EVERY) == 0]
        slot = len(self._ids)
        self._ids.append(story_id)
        self._slot[story_id] = slot
        table = self._sampled if kept.size >= MIN_SAMPLE else self._complete
        kept = kept if kept.size >= MIN_SAMPLE else values
        self._sizes.append(max(1, kept.size))
        table.add(kept, slot)

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
            self._sampled.lookup(page[page % np.uint64(SAMPLE_EVERY) == 0]),
            self._complete.lookup(page),
        ]
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
        return self._sampled.nbytes() + self._complete.nbytes()


class _Table:
    """Packed (hash prefix, slot) entries in one sorted uint64 array."""

    def __init__(self) -> None:
        self._entries: Hashes = np.empty(0, dtype=np.uint64)
        self._pending: list[Hashes] = []

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
