"""The normalisation quality gate: drift.normalise's fields on the fundus annotations.

Scores every page of shared/bench/fundus with bench/normalisation.py (in process) and
compares each metric, on all pages and on the held-out publishers, with its floor in
bench/normalisation_floors.json. Skips when the shared data directory is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from tests import benchload

REPO = Path(__file__).resolve().parents[2]
FLOORS = REPO / "bench" / "normalisation_floors.json"


def load_bench() -> ModuleType:
    return benchload.load_bench("normalisation")


def test_matchers_follow_the_documented_rules() -> None:
    bench = load_bench()
    assert bench.title_strict("Ｆerry  news\u3000today", "ferry news today")
    assert not bench.title_strict("Ferry news | Ledger", "Ferry news")
    assert bench.title_lenient("Ferry news | Ledger", "Ferry news")
    assert bench.names_match("José Pérez", "Jose Perez")
    assert bench.names_match("J. Pérez", "José Pérez")  # last name and first initial
    assert bench.names_match("Dr. Ana María Pérez", "Ana Pérez")  # tokens cover the other's
    assert not bench.names_match("Ana Pérez", "Juan Pérez")
    assert not bench.names_match("Pérez", "Juan Pérez")
    assert bench.credit_found(["Jane Roe"], ["Photo: JANE ROE / Agency"])
    assert not bench.credit_found(["Jane Roe", "AFP"], ["Photo: Jane Roe"])
    assert not bench.credit_found(["Jane Roe", "AFP"], ["Jane Roe", "AFP"])  # one credit
    assert bench.credit_found(["Urs Flüeler (Keystone)"], ["Foto: Urs Flueler (Keystone"])


def test_page_score_counts_authors_one_to_one() -> None:
    bench = load_bench()
    expected = {"title": "T", "authors": ["Ana Pérez", "Juan Roe"], "publishing_date": None}
    pred = bench.Prediction(title="T", authors=["Ana Perez", "A. Pérez", "Staff"])
    score = bench.score_page(pred, expected)
    assert (score.authors_tp, score.authors_pred, score.authors_exp) == (1, 3, 2)
    assert score.published is None
    assert score.credits_hit is None  # no caption reader: not scored


@pytest.mark.slow
def test_normalisation_keeps_its_floors() -> None:
    bench = load_bench()
    root = bench.data_dir()
    if not any(root.glob("*/*.json")):
        pytest.skip(f"fundus data not found at {root} (set SYNDIWATCH_FUNDUS_DATA)")
    run = bench.measure(bench.load_pages(root), systems=("syndiwatch",))
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    below = [
        f"{group}/{metric} {measured:.4f} < floor {floor}"
        for group in ("all", "holdout")
        for metric, floor in floors[group].items()
        if (measured := run.metrics["syndiwatch"][group][metric]) is None or measured < floor
    ]
    assert not below, "; ".join(below)
