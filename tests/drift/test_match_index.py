"""MatchIndex: sampled shingle look-up of the originals a page may hold."""

from __future__ import annotations

import random

import numpy as np

from drift.fingerprint import shingles
from drift.index import MIN_SAMPLE, MatchIndex, sample_shingles

RNG = random.Random(5)
VOCAB = [f"w{i}" for i in range(5000)]


def _text(n: int) -> str:
    return " ".join(RNG.choice(VOCAB) for _ in range(n))


ORIGINALS = {f"s{i}": _text(600) for i in range(50)}


def _index() -> MatchIndex:
    index = MatchIndex()
    for story_id, text in ORIGINALS.items():
        index.add(story_id, shingles(text))
    return index


def test_full_copy_is_the_top_candidate() -> None:
    page = _text(200) + " " + ORIGINALS["s7"] + " " + _text(200)
    (best, *rest) = _index().query(shingles(page))
    assert best[0] == "s7"
    assert best[1] == 1.0
    assert rest == []


def test_partial_copy_is_found_with_its_share() -> None:
    words = ORIGINALS["s3"].split()
    page = _text(1000) + " " + " ".join(words[:150]) + " " + _text(1000)
    hits = dict(_index().query(shingles(page)))
    assert list(hits) == ["s3"]
    assert 0.12 < hits["s3"] < 0.4


def test_unrelated_page_finds_nothing() -> None:
    assert _index().query(shingles(_text(3000))) == []
    assert MatchIndex().query(shingles("a b c d e f")) == []


def test_remove_and_readd() -> None:
    index = _index()
    index.remove("s7")
    assert index.query(shingles(ORIGINALS["s7"])) == []
    index.add("s7", shingles(ORIGINALS["s7"]))
    assert index.query(shingles(ORIGINALS["s7"]))[0][0] == "s7"
    assert len(index) == 50


def test_short_originals_keep_every_hash() -> None:
    short = shingles("a short original of twelve words only, found when copied whole")
    index = _index()
    index.add("short", short)
    assert index.query(np.fromiter(short, dtype=np.uint64)) == [("short", 1.0)]
    half = sorted(short)[: len(short) // 2]
    assert index.query(half) == [("short", len(half) / len(short))]


def test_slot_limit_is_enforced_by_packing() -> None:
    index = MatchIndex()
    index.add("a", [2**64 - 8, 8, 16])
    assert index.query([2**64 - 8]) == [("a", 1 / 3)]


def test_every_original_keeps_at_least_min_sample_hashes() -> None:
    for n in (40, 150, 300, 600, 1200, 3000):
        full = shingles(_text(n))
        rate, kept = sample_shingles(full)
        assert kept.size >= min(MIN_SAMPLE, len(full))
        assert rate == 1 or kept.size >= MIN_SAMPLE
    assert sample_shingles(shingles(_text(3000)))[0] == 8  # long: one in eight
    assert sample_shingles(shingles(_text(300)))[0] in (1, 2)  # short: (nearly) all


def test_sampling_a_sample_gives_it_back() -> None:
    """Stored pre-sampled signatures (syndiwatch.shared_index) index like full sets."""
    for n in (150, 600, 3000):
        rate, kept = sample_shingles(shingles(_text(n)))
        again_rate, again = sample_shingles(kept)
        assert again_rate == rate
        assert np.array_equal(again, kept)
