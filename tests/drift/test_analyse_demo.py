"""The bundled demo sites, normalised and analysed: match kinds and content findings
are the ones their manifest promises (attribution codes are checked elsewhere)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from drift.analyse import analyse_copy
from drift.model import Article
from drift.normalise import normalise

SITES = Path(__file__).resolve().parents[2] / "syndiwatch" / "demo" / "sites"
MANIFEST = json.loads((SITES / "manifest.json").read_text(encoding="utf-8"))
BY_KEY = {site["key"]: site for site in MANIFEST["sites"]}


def _load(site: dict[str, Any]) -> Article:
    path = site["article"]["path"]
    html = (SITES / site["directory"] / (path.strip("/") + ".html")).read_text(encoding="utf-8")
    html = re.sub(r"\{\{site:(\w+)\}\}", lambda m: f"http://{m.group(1)}.example", html)
    return normalise(html.encode(), f"http://{site['key']}.example{path}")


@pytest.fixture(scope="module")
def original() -> Article:
    return _load(BY_KEY[MANIFEST["original"]])


@pytest.mark.parametrize("key", [s["key"] for s in MANIFEST["sites"] if s["role"] != "original"])
def test_demo_copy(key: str, original: Article) -> None:
    expected = BY_KEY[key]["article"]
    analysis = analyse_copy(original, _load(BY_KEY[key]))
    assert analysis.match.kind in expected["match_kind_ok"]
    found = Counter(f.code for f in analysis.findings if f.category == "content")
    content = [c for c in expected.get("expect", []) if c.startswith("content.")]
    assert all(found[c] for c in content), (content, found)
    assert not [c for c in expected.get("forbid", []) if found[c]], found
    for code, count in expected.get("expect_counts", {}).items():
        if code.startswith("content."):
            assert found[code] == count, code
