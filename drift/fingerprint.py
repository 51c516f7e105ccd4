"""Word shingles, containment and MinHash signatures for finding copies.

Owns the stable fingerprints the match index stores: shingle hashes are the
first 8 bytes of BLAKE2b over the folded words (never Python's salted hash()),
so a signature computed today still matches one stored last month.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash

from drift.text import words

NUM_PERM = 128
SCHEME = "affine32"  # datasketch's permutation scheme; stored signatures depend on it
_MASK32 = (1 << 32) - 1


def shingle_hash(gram: Sequence[str]) -> int:
    """A stable 64-bit hash of a run of words."""
    data = "\x1f".join(gram).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def word_shingles(tokens: Sequence[str], k: int = 5) -> set[int]:
    """Hashes of every run of `k` consecutive words (one run when there are fewer)."""
    if not tokens:
        return set()
    if len(tokens) < k:
        return {shingle_hash(tokens)}
    return {shingle_hash(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def shingles(text: str, k: int = 5) -> set[int]:
    """Stable hashes of the word k-shingles of `text` (entities and typography folded)."""
    return word_shingles(words(text), k)


def containment(a: set[int], b: set[int]) -> float:
    """Share of `a` found in `b` (|a ∩ b| / |a|); 0.0 when `a` is empty."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


def minhash(hashes: Iterable[int], num_perm: int = NUM_PERM) -> LeanMinHash:
    """A datasketch MinHash over precomputed shingle hashes (folded to 32 bits)."""
    sketch = MinHash(num_perm=num_perm, hashfunc=_identity, scheme=SCHEME)
    values = np.fromiter(((h ^ (h >> 32)) & _MASK32 for h in hashes), dtype=np.uint64)
    if values.size:
        sketch.update_batch(list(values))
    return LeanMinHash(sketch)


def signature(text: str, k: int = 5, num_perm: int = NUM_PERM) -> tuple[int, ...]:
    """The MinHash signature of `text` as plain ints (what storage keeps)."""
    return tuple(int(v) for v in minhash(shingles(text, k), num_perm).hashvalues)


def from_signature(values: Sequence[int], seed: int = 1) -> LeanMinHash:
    """Rebuild a LeanMinHash from a stored signature."""
    return LeanMinHash(seed=seed, hashvalues=np.asarray(values, dtype=np.uint64), scheme=SCHEME)


def _identity(value: int) -> int:
    return int(value)
