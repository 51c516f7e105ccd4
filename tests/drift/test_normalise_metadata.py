"""drift.normalise against the hand-labelled metadata pages in tests/data/metadata/."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "tests" / "data" / "metadata" / "expected.json"
PAGES: dict[str, Any] = json.loads(LABELS.read_text(encoding="utf-8"))["pages"]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_metadata", REPO / "bench" / "metadata.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_labelled_set_covers_many_templates_and_languages() -> None:
    assert len(PAGES) >= 40
    languages = {p["expected"]["language"] for p in PAGES.values()}
    assert len(languages) >= 12


@pytest.mark.parametrize("name", sorted(PAGES))
def test_labelled_page(name: str) -> None:
    bench = load_bench()
    got = bench.predict(name, PAGES[name])
    for field, want in PAGES[name]["expected"].items():
        assert got[field] == want, f"{name}.{field}"


def test_per_field_precision_and_recall() -> None:
    scores, _ = load_bench().score_pages()
    for field, sc in scores.items():
        assert sc.precision >= 0.95, field
        assert sc.recall >= 0.95, field
