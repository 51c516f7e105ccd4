"""`syndiwatch demo` discovers the demo copies through feeds, sitemaps and a site crawl."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from syndiwatch.demo.server import load_manifest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_finds_every_copy_and_no_other_page(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "syndiwatch", "--database", database_url,
         "demo", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (story,) = report["stories"]
    found = {urlsplit(c["url"]).path: c["discovered_via"] for c in story["copies"]}
    manifest = load_manifest()
    expected = {s["article"]["path"] for s in manifest["sites"] if s["article"].get("is_copy")}
    assert set(found) == expected
    assert set(found.values()) == {"feed", "sitemap", "site"}
    assert "5 feeds, 4 sitemaps and 1 site crawl" in " ".join(result.stderr.split())
