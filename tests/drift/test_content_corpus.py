"""Every labelled pair of tests/data/drift/ yields exactly its expected content findings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from drift.analyse import analyse_copy
from drift.codes import CODES
from drift.model import Article

CORPUS = Path(__file__).parent.parent / "data" / "drift"
CONTENT_CODES = sorted(c for c in CODES if c.startswith("content."))


def _pairs() -> list[Any]:
    rows = []
    for path in sorted(CORPUS.glob("*.json")):
        for pair in json.loads(path.read_text(encoding="utf-8"))["pairs"]:
            rows.append(pytest.param(pair, id=f"{path.stem}: {pair['name']}"))
    return rows


def _article(url: str, side: dict[str, Any]) -> Article:
    return Article(url, title=side["title"], paragraphs=tuple(side["paragraphs"]))


@pytest.mark.parametrize("pair", _pairs())
def test_corpus_pair(pair: dict[str, Any]) -> None:
    analysis = analyse_copy(
        _article("https://o.example/a", pair["original"]),
        _article("https://c.example/a", pair["copy"]),
    )
    assert analysis.match.kind != "none"
    found = Counter(f.code for f in analysis.findings if f.category == "content")
    assert dict(found) == pair["expected"]


def test_corpus_covers_every_content_code() -> None:
    positives: Counter[str] = Counter()
    negatives: Counter[str] = Counter()
    for path in CORPUS.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for pair in data["pairs"]:
            (positives if data["code"] in pair["expected"] else negatives)[data["code"]] += 1
    assert sum(positives.values()) + sum(negatives.values()) >= 80
    for code in CONTENT_CODES:
        assert positives[code] >= 5, code
        assert negatives[code] >= 5, code
