"""The extraction quality gate: drift.normalise must keep its F1/precision/recall floors.

Scores every page of shared/bench/article-extraction with the benchmark's own metric
(bench/extraction.py) and compares with tests/data/extraction_baseline.json.
Skips when the shared data directory is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from tests import benchload

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "tests" / "data" / "extraction_baseline.json"


def load_bench() -> ModuleType:
    return benchload.load_bench("extraction")


def test_metric_matches_the_benchmark_definition() -> None:
    bench = load_bench()
    truths = {"a": "one two three four five", "b": "alpha beta", "c": "x y z w"}
    preds = {"a": "one two three four five", "b": "", "c": "x y z w extra"}
    sc = bench.score(preds, truths)
    # a: perfect; b: empty prediction counts for recall only; c: 1 tp, 1 fp of 2 shingles.
    assert sc.precision == pytest.approx((1.0 + 0.5) / 2)
    assert sc.recall == pytest.approx((1.0 + 0.0 + 1.0) / 3)
    assert sc.f1 == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


@pytest.mark.slow
def test_extraction_keeps_its_floors() -> None:
    bench = load_bench()
    root = bench.data_dir()
    if not (root / "ground-truth.json").exists():
        pytest.skip(f"shared benchmark data not found at {root} (set SYNDIWATCH_BENCH_DATA)")
    pages = bench.load_pages(root)
    truths = {page_id: true for page_id, _, _, true in pages}
    predictions = {
        page_id: bench.EXTRACTORS["syndiwatch"](html, url) for page_id, html, url, _ in pages
    }
    sc = bench.score(predictions, truths)
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["floors"]
    measured = {"f1": sc.f1, "precision": sc.precision, "recall": sc.recall}
    for name, floor in floors.items():
        assert measured[name] >= floor, f"{name} {measured[name]:.4f} fell below its floor {floor}"
