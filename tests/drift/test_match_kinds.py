"""Match metrics and kinds, and the stable fingerprints behind the match index."""

from __future__ import annotations

import hashlib
import random

import pytest

from drift.fingerprint import containment, from_signature, minhash, shingles, signature
from drift.match import measure_match
from drift.model import Article

_VOCAB = [f"w{i}" for i in range(3000)]


def _prose(n: int, rng: random.Random) -> list[str]:
    return [rng.choice(_VOCAB) for _ in range(n)]


def _article(words: list[str], per_sentence: int = 20) -> Article:
    sentences = [
        " ".join(words[i : i + per_sentence]) + "." for i in range(0, len(words), per_sentence)
    ]
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return Article("https://x.example/a", paragraphs=tuple(paragraphs))


def _edit(words: list[str], share: float, rng: random.Random) -> list[str]:
    out = list(words)
    for i in rng.sample(range(len(out)), int(share * len(out))):
        out[i] = "edited"
    return out


RNG = random.Random(11)
ORIGINAL_WORDS = _prose(600, RNG)
ORIGINAL = _article(ORIGINAL_WORDS)


def test_identical_copy_is_verbatim() -> None:
    match = measure_match(ORIGINAL, _article(ORIGINAL_WORDS))
    assert match.kind == "verbatim"
    assert (match.containment, match.verbatim, match.added) == (1.0, 1.0, 0.0)


@pytest.mark.parametrize("share", [0.05, 0.10, 0.20])
def test_edited_copies_still_full(share: float) -> None:
    match = measure_match(ORIGINAL, _article(_edit(ORIGINAL_WORDS, share, random.Random(3))))
    assert match.kind == "full"
    assert match.verbatim < match.containment


def test_third_of_original_in_roundup_is_partial() -> None:
    rng = random.Random(5)
    page = _prose(900, rng) + ORIGINAL_WORDS[:200] + _prose(900, rng)
    match = measure_match(ORIGINAL, _article(page))
    assert match.kind == "partial"
    assert 0.3 <= match.containment <= 0.4
    assert match.added > 0.8


def test_first_half_is_partial_and_most_is_full() -> None:
    assert measure_match(ORIGINAL, _article(ORIGINAL_WORDS[:300])).kind == "partial"
    assert measure_match(ORIGINAL, _article(ORIGINAL_WORDS[:500])).kind == "full"


def test_unrelated_page_is_none() -> None:
    match = measure_match(ORIGINAL, _article(_prose(600, random.Random(99))))
    assert match.kind == "none"
    assert match.containment < 0.05


def test_same_topic_sharing_a_quote_is_none() -> None:
    quote = "We will not stop until every family has a safe home again, whatever it costs us"
    a = Article("a", paragraphs=(
        f"The mayor spoke in the flooded town on Monday. “{quote},” she said.",
        "Rescue teams searched the lower valley for missing residents overnight.",
    ))  # fmt: skip
    b = Article("b", paragraphs=(
        f"“{quote},” the mayor told a crowd of volunteers.",
        "Insurers expect claims to pass last year's record as water levels stay high.",
    ))  # fmt: skip
    assert measure_match(a, b).kind == "none"


def test_empty_articles() -> None:
    assert measure_match(Article("a"), Article("b")).kind == "none"
    assert measure_match(ORIGINAL, Article("b")).containment == 0.0


def test_shingles_are_stable_and_fold_typography() -> None:
    a = shingles("“Floods” forced 2,800 people — from their homes")
    b = shingles('"Floods" forced 2800 people - from their homes')
    assert a == b
    digest = hashlib.blake2b(b"one\x1ftwo\x1fthree\x1ffour\x1ffive", digest_size=8)
    assert shingles("One two three four five") == {int.from_bytes(digest.digest(), "big")}
    assert containment(shingles("a b c d e f"), shingles("x a b c d e f y")) == 1.0
    assert containment(set(), {1}) == 0.0


def test_minhash_signature_round_trip() -> None:
    text = " ".join(ORIGINAL_WORDS)
    sig = signature(text)
    assert len(sig) == 128
    assert from_signature(sig).jaccard(minhash(shingles(text))) == 1.0
    other = from_signature(signature(" ".join(_prose(600, random.Random(1)))))
    assert other.jaccard(from_signature(sig)) < 0.1
