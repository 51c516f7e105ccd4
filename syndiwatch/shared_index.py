"""The shared match index: tracked stories' signatures in the database, mirrored per worker.

`publish_signatures` writes each fetched story's sampled stable shingles
(drift.fingerprint) to storage.signatures when its text changed; `SharedIndex`
keeps a drift.index.MatchIndex in step with that table by polling the version
of every row (two ints a story) and loading only the rows that changed.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

import numpy as np

from drift.fingerprint import shingles
from drift.index import MatchIndex, sample_shingles
from storage import Store
from storage.signatures import (
    load_signatures,
    save_signature,
    signature_versions,
    text_hashes,
)

log = logging.getLogger(__name__)


def story_shingles(text: str) -> np.ndarray:
    """The stable shingle hashes a story is indexed by (drift.index.sample_shingles)."""
    return sample_shingles(np.fromiter(shingles(text), dtype=np.uint64))[1]


def publish_signatures(store: Store, *, now: datetime) -> int:
    """Store the signature of every fetched story whose text changed; return how many."""
    known = text_hashes(store)
    published = 0
    for story in store.list_stories():
        if story.article is None:
            continue
        digest = hashlib.sha256(story.article.text.encode("utf-8")).hexdigest()
        if known.get(story.id) == digest:
            continue
        packed = story_shingles(story.article.text).astype(">u8").tobytes()
        save_signature(store, story.id, text_hash=digest, shingles=packed, now=now)
        published += 1
    if published:
        log.info("published %d story signature(s)", published)
    return published


class SharedIndex:
    """A MatchIndex mirroring `story_signatures`; `refresh()` pulls what changed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = MatchIndex()
        self.versions: dict[int, int] = {}

    def refresh(self) -> bool:
        """Load new and changed signatures, drop removed ones; True if anything changed."""
        current = signature_versions(self.store)
        changed = [sid for sid, v in current.items() if self.versions.get(sid) != v]
        removed = [sid for sid in self.versions if sid not in current]
        for sid in removed:
            self.index.remove(str(sid))
            del self.versions[sid]
        for sid, (version, packed) in load_signatures(self.store, changed).items():
            self.index.add(str(sid), np.frombuffer(packed, dtype=">u8").astype(np.uint64))
            self.versions[sid] = version
        if changed or removed:
            log.info("match index: %d added or changed, %d removed", len(changed), len(removed))
        return bool(changed or removed)

    def story_ids(self) -> set[int]:
        return set(self.versions)

    def query(self, text: str, min_containment: float = 0.1) -> list[tuple[int, float]]:
        """Stories whose sampled shingles `text` holds, best first: (story id, estimate)."""
        hits = self.index.query(np.fromiter(shingles(text), dtype=np.uint64), min_containment)
        return [(int(sid), share) for sid, share in hits]
