"""Score drift.normalise's metadata on the hand-labelled pages in tests/data/metadata/.

Prints per-field precision and recall (scalar fields: exact match; list fields:
set overlap) and the pages where a field differs from its label.
Usage: python bench/metadata.py [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LABELS = REPO / "tests" / "data" / "metadata" / "expected.json"
LIST_FIELDS = ("authors", "credits", "wire_services", "captions")


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def predict(name: str, page: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise one labelled page and return its fields in the labels' shape."""
    from drift.normalise import normalise

    data = (LABELS.parent / f"{name}.html").read_bytes()
    art = normalise(data, page["url"], page.get("headers")).to_json()
    art["credits"] = [[c["label"], c["value"]] for c in art["credits"]]
    art["captions"] = [[c["text"], c["credit"]] for c in art["captions"]]
    return art


def _as_items(value: Any) -> set[str]:
    return {json.dumps(v, ensure_ascii=False) for v in value or ()}


def score_pages() -> tuple[dict[str, FieldScore], list[tuple[str, str, Any, Any]]]:
    """Return per-field scores and the (page, field, expected, got) misses."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["pages"]
    scores: dict[str, FieldScore] = {}
    misses: list[tuple[str, str, Any, Any]] = []
    for name, page in sorted(labels.items()):
        got = predict(name, page)
        for field, want in page["expected"].items():
            sc = scores.setdefault(field, FieldScore())
            if field in LIST_FIELDS:
                w, g = _as_items(want), _as_items(got[field])
                sc.tp += len(w & g)
                sc.fp += len(g - w)
                sc.fn += len(w - g)
            elif want == got[field]:
                sc.tp += want is not None
            else:
                sc.fn += want is not None
                sc.fp += got[field] is not None
            if (field in LIST_FIELDS and _as_items(want) != _as_items(got[field])) or (
                field not in LIST_FIELDS and want != got[field]
            ):
                misses.append((name, field, want, got[field]))
    return scores, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    scores, misses = score_pages()
    pages = len(json.loads(LABELS.read_text(encoding="utf-8"))["pages"])
    print(f"{pages} labelled pages")
    print(f"{'field':<14} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for field, sc in scores.items():
        print(f"{field:<14} {sc.precision:9.3f} {sc.recall:7.3f} {sc.tp:4d} {sc.fp:4d} {sc.fn:4d}")
    if args.show_misses:
        for name, field, want, got in misses:
            print(f"  {name}.{field}: expected {want!r}, got {got!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
