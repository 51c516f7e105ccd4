"""Drift engine figures: per-code precision/recall, speed, and match recall.

Run: .venv/bin/python bench/drift_engine.py [--repeat N]
Prints markdown tables (the "Drift engine" section of bench/README.md). Speed is
a median over N runs, with its ratio to a bare difflib.SequenceMatcher over the
same sentence lists measured in the same process run.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# This file is bench/drift_engine.py: put the repository root first so `drift` is the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drift.analyse import analyse_copy
from drift.codes import CODES
from drift.index import MatchIndex
from drift.match import measure_match
from drift.model import Article
from drift.text import split_sentences

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "drift"


def _article(url: str, side: dict[str, Any]) -> Article:
    return Article(url, title=side["title"], paragraphs=tuple(side["paragraphs"]))


def corpus_scores(pattern: str = "*.json") -> tuple[dict[str, tuple[int, int, int]], int]:
    """Per content code: (true positives, false positives, false negatives)."""
    counts = {c: [0, 0, 0] for c in CODES if c.startswith("content.")}
    pairs = 0
    for path in sorted(CORPUS.glob(pattern)):
        for pair in json.loads(path.read_text(encoding="utf-8"))["pairs"]:
            pairs += 1
            a = analyse_copy(_article("o", pair["original"]), _article("c", pair["copy"]))
            found = Counter(f.code for f in a.findings if f.category == "content")
            for code, row in counts.items():
                want, got = pair["expected"].get(code, 0), found.get(code, 0)
                row[0] += min(want, got)
                row[1] += max(0, got - want)
                row[2] += max(0, want - got)
    return {c: (r[0], r[1], r[2]) for c, r in counts.items()}, pairs


def _vocabulary() -> list[str]:
    words: set[str] = set()
    for path in CORPUS.glob("*.json"):
        for pair in json.loads(path.read_text(encoding="utf-8"))["pairs"]:
            for p in pair["original"]["paragraphs"]:
                words.update(w.strip(".,“”\"'") for w in p.split())
    return sorted(w for w in words if w)


def prose(n_words: int, rng: random.Random, vocab: list[str]) -> list[str]:
    """News-like paragraphs of 3 sentences of 12-28 words from the corpus vocabulary."""
    sentences, left = [], n_words
    while left > 0:
        k = min(left, rng.randint(12, 28))
        words = [rng.choice(vocab) for _ in range(k)]
        if rng.random() < 0.3:
            words[rng.randrange(k)] = f"{rng.randint(2, 9999):,}"
        sentences.append(" ".join(words).capitalize() + ".")
        left -= k
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def drifted(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A copy with typical drift: numbers changed, a paragraph dropped, one inserted,
    two reordered, one sentence reworded."""
    out = [p.replace("1,", "7,", 1) for p in paragraphs]
    out.pop(len(out) // 2)
    out.insert(3, "Critics said the decision would be reviewed by the courts next month.")
    out[1], out[2] = out[2], out[1]
    out[-1] = out[-1].replace(" the ", " a ", 2)
    return out


def _median_ms(
    fn: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times) * 1000


def speed(repeat: int, vocab: list[str]) -> dict[str, float]:
    rng = random.Random(1)
    paragraphs = prose(1000, rng, vocab)
    original = Article("o", title="A title", paragraphs=tuple(paragraphs))
    copy = Article("c", title="A title", paragraphs=tuple(drifted(paragraphs, rng)))
    o_sents = [s.text for s in split_sentences(original.text)]
    c_sents = [s.text for s in split_sentences(copy.text)]

    def bare() -> object:
        return difflib.SequenceMatcher(None, o_sents, c_sents, autojunk=False).get_opcodes()

    def word_level() -> object:
        o, c = original.text.split(), copy.text.split()
        return difflib.SequenceMatcher(None, o, c, autojunk=False).get_opcodes()

    analyse_copy(original, copy)
    base = _median_ms(bare, repeat)
    words = _median_ms(word_level, repeat)
    ours = _median_ms(lambda: analyse_copy(original, copy), repeat)
    ours_cpu = _median_ms(lambda: analyse_copy(original, copy), repeat, time.process_time)
    base_cpu = _median_ms(bare, repeat * 20, time.process_time)
    big_page = prose(50_000, rng, vocab) + paragraphs + prose(49_000, rng, vocab)
    page = Article("p", paragraphs=tuple(big_page))
    big = _median_ms(lambda: analyse_copy(original, page), 3)
    return {
        "analyse": ours,
        "difflib": base,
        "difflib_words": words,
        "page_100k": big,
        "analyse_cpu": ours_cpu,
        "difflib_cpu": base_cpu,
    }


def matching(vocab: list[str], n: int = 60) -> dict[str, tuple[float, float]]:
    """Per test: the share judged as expected, and the mean containment."""
    rng = random.Random(7)
    hits: Counter[str] = Counter()
    contained: dict[str, list[float]] = {}

    def record(name: str, original: Article, page: list[str], ok: tuple[str, ...]) -> None:
        match = measure_match(original, Article("c", paragraphs=tuple(page)))
        hits[name] += match.kind in ok
        contained.setdefault(name, []).append(match.containment)

    for _ in range(n):
        words = " ".join(prose(600, rng, vocab)).split()
        original = Article("o", paragraphs=(" ".join(words),))
        for share in (0.05, 0.10, 0.20):
            edited = list(words)
            for i in rng.sample(range(len(edited)), int(share * len(edited))):
                edited[i] = rng.choice(vocab)
            record(f"{share:.0%} of words edited -> full", original, [" ".join(edited)], ("full",))
        start = rng.randrange(0, len(words) - 150)
        page = [*prose(700, rng, vocab), " ".join(words[start : start + 150])]
        page += prose(700, rng, vocab)
        record("25% of original in a 4x longer page -> partial", original, page, ("partial",))
        quote = " ".join(rng.choice(vocab) for _ in range(30))
        a, b = prose(400, rng, vocab), prose(400, rng, vocab)
        a.insert(2, f"“{quote},” the minister said.")
        b.insert(1, f"The minister told reporters: “{quote}.”")
        record(
            "same topic, one shared 30-word quote -> none",
            Article("a", paragraphs=tuple(a)),
            b,
            ("none",),
        )
    return {k: (hits[k] / n, statistics.mean(v)) for k, v in contained.items()}


def index_figures(stories: int, queries: int = 600) -> dict[str, float]:
    """MatchIndex over `stories` originals of ~600 shingles (uniform 64-bit hashes, as
    BLAKE2b gives): build time, memory, look-up median/p99, recall and stray candidates."""
    rng = np.random.default_rng(0)
    tracemalloc.start()
    start = time.perf_counter()
    index = MatchIndex()
    for i in range(stories):
        index.add(f"s{i}", _story_hashes(i))
    index.nbytes()  # builds the sorted arrays
    build = time.perf_counter() - start
    memory, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times: list[float] = []
    cpu: list[float] = []
    found, strays = 0, 0
    for q in range(queries):
        story = int(rng.integers(stories))
        own = _story_hashes(story)
        kind = q % 3
        if kind == 0:  # a full copy on a page with some site text
            page = np.concatenate([own, rng.integers(0, 2**63, 400, dtype=np.uint64)])
        elif kind == 1:  # 25% of the original inside a page four times as long
            page = np.concatenate([own[:150], rng.integers(0, 2**63, 2400, dtype=np.uint64)])
        else:  # an unrelated page
            page = rng.integers(0, 2**63, 1000, dtype=np.uint64)
        t0, c0 = time.perf_counter(), time.process_time()
        hits = index.query(page)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        ids = [h[0] for h in hits]
        found += kind != 2 and f"s{story}" in ids
        strays += len([h for h in ids if h != f"s{story}"])
    times.sort()
    cpu.sort()
    return {
        "cpu_p50_ms": cpu[len(cpu) // 2] * 1000,
        "cpu_p99_ms": cpu[int(len(cpu) * 0.99)] * 1000,
        "build_s": build,
        "memory_mb": memory / 2**20,
        "peak_mb": peak / 2**20,
        "arrays_mb": index.nbytes() / 2**20,
        "p50_ms": times[len(times) // 2] * 1000,
        "p99_ms": times[int(len(times) * 0.99)] * 1000,
        "recall": found / (queries - queries // 3),
        "strays": strays,
    }


def _story_hashes(i: int) -> npt.NDArray[np.uint64]:
    return np.random.default_rng(i + 1_000_000).integers(0, 2**63, 596, dtype=np.uint64)


def _table(header: list[str], rows: list[list[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--stories", type=int, default=100_000, help="MatchIndex size; 0 skips")
    args = parser.parse_args()
    vocab = _vocabulary()
    for label, pattern in (("Corpus", "*.json"), ("Held-out pairs", "holdout/*.json")):
        scores, pairs = corpus_scores(pattern)
        print(f"{label}: {pairs} pairs\n")
        rows = []
        for code, (tp, fp, fn) in scores.items():
            p = f"{tp / (tp + fp):.2f}" if tp + fp else "–"
            r = f"{tp / (tp + fn):.2f}" if tp + fn else "–"
            rows.append([code, p, r, str(tp), str(fp), str(fn)])
        _table(["code", "precision", "recall", "tp", "fp", "fn"], rows)
    s = speed(args.repeat, vocab)
    base = s["difflib"]
    _table(
        ["1,000-word pair", "median ms", "ratio to difflib on sentences"],
        [
            ["difflib.SequenceMatcher, sentence lists", f"{base:.3f}", "1.0x"],
            ["difflib.SequenceMatcher, word lists", f"{s['difflib_words']:.2f}",
             f"{s['difflib_words'] / base:.0f}x"],
            ["drift.analyse.analyse_copy", f"{s['analyse']:.2f}", f"{s['analyse'] / base:.0f}x"],
            ["same, CPU time (process_time)", f"{s['analyse_cpu']:.2f}",
             f"{s['analyse_cpu'] / s['difflib_cpu']:.0f}x (to difflib's CPU time)"],
        ],
    )  # fmt: skip
    print(f"100,000-word page holding the original: analyse_copy {s['page_100k']:.0f} ms\n")
    shares = matching(vocab)
    _table(
        ["match test, 60 originals of 600 words", "share as expected", "mean containment"],
        [[k, f"{v:.2f}", f"{c:.2f}"] for k, (v, c) in shares.items()],
    )
    if args.stories:
        f = index_figures(args.stories)
        _table(
            ["MatchIndex", "value"],
            [
                ["originals", f"{args.stories:,}"],
                ["build (add all, sort)", f"{f['build_s']:.1f} s"],
                [
                    "memory after build / peak while building (tracemalloc)",
                    f"{f['memory_mb']:.0f} / {f['peak_mb']:.0f} MB",
                ],
                ["of which hash/owner arrays", f"{f['arrays_mb']:.0f} MB"],
                ["look-up median / p99, wall", f"{f['p50_ms']:.3f} / {f['p99_ms']:.3f} ms"],
                ["look-up median / p99, CPU", f"{f['cpu_p50_ms']:.3f} / {f['cpu_p99_ms']:.3f} ms"],
                ["recall (full and 25% copies)", f"{f['recall']:.2f}"],
                ["other originals returned, all queries", str(f["strays"])],
            ],
        )


if __name__ == "__main__":
    main()
