"""Discovery finds what `check` finds, the same way in every process.

`check` compares the pages it is given and skips triage, so these tests run real
discovery over the pages `check` is tested on (the demo candidates) plus copies
near triage's containment threshold and a copy whose paragraphs are <div>s:
two `run --once` subprocesses with different PYTHONHASHSEED must find the same
copies, and those must be the pages drift.analyse_copy calls copies.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from discovery_support import XML, FixtureSite, demo_page, loopback_config, urlset

from drift.analyse import analyse_copy
from drift.model import Article
from drift.normalise import normalise
from storage import Store, open_store
from syndiwatch.demo.server import DemoSites
from syndiwatch.discover import fetch_missing_originals, run_sources

ROOT = Path(__file__).resolve().parents[2]
# Words that replace every fourth word of a rewritten paragraph: 3-word runs survive
# (drift.match still sees a copy), 4-word shingles do not (triage sees little).
FILLERS = ["quietly", "broadly", "nearly", "mostly", "often", "rarely", "surely", "simply"]


def original_article(sites: DemoSites) -> Article:
    return normalise(demo_page(sites, "harbour"), sites.original_url, {})


def near_threshold_page(original: Article, keep_share: float, seed: int) -> str:
    """A copy keeping `keep_share` of the paragraphs verbatim, the rest rewritten."""
    rng = random.Random(seed)
    n = len(original.paragraphs)
    keep = set(rng.sample(range(n), max(1, round(n * keep_share))))
    paragraphs = []
    for i, text in enumerate(original.paragraphs):
        if i not in keep:
            text = " ".join(
                FILLERS[rng.randrange(len(FILLERS))] if k % 4 == 3 else word
                for k, word in enumerate(text.split())
            )
        paragraphs.append(f"<p>{text}</p>")
    return (
        f"<html><head><title>{original.title}</title></head><body><article>"
        f"<h1>{original.title}</h1>{''.join(paragraphs)}</article></body></html>"
    )


def div_paragraph_page(original: Article) -> str:
    """The story with every paragraph in a <div class="para">: no <p> on the page."""
    body = "".join(f'<div class="para">{t}</div>' for t in original.paragraphs)
    return (
        f"<html><head><title>{original.title}</title></head><body>"
        "<header><a href='/'>Home</a></header>"
        f"<article><h1>{original.title}</h1><div class='byline'>By Kari Holm</div>{body}"
        "</article><footer>About us</footer></body></html>"
    )


def shingle_digest(seed: str) -> str:
    code = (
        "import hashlib, sys; from syndiwatch.triage import text_shingles; "
        "print(hashlib.sha256(text_shingles(sys.argv[1]).tobytes()).hexdigest())"
    )
    text = "Dockworkers in Oslo walked out on Monday, halting container traffic."
    env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-c", code, text],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, check=True,
    )  # fmt: skip
    return proc.stdout.strip()


def test_triage_shingles_are_the_same_in_every_process() -> None:
    assert len({shingle_digest(seed) for seed in ("0", "1", "2", "3")}) == 1


def run_once(config: Path, seed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndiwatch", "--config", str(config), "run", "--once"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
        env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "HOME": str(config.parent)},
    )  # fmt: skip


@pytest.mark.slow
def test_two_runs_with_different_hash_seeds_find_the_same_copies_as_check(
    demo_sites: DemoSites, fixture_site: FixtureSite, tmp_path: Path
) -> None:
    original = original_article(demo_sites)
    pages: dict[str, bytes] = {}
    for site in demo_sites.manifest["sites"]:
        if site["role"] != "original":
            pages[f"/checked/{site['key']}"] = demo_page(demo_sites, site["key"])
    for share in (0.1, 0.15):
        for seed in range(6):
            pages[f"/near/{share}/{seed}"] = near_threshold_page(original, share, seed).encode()
    pages["/div"] = div_paragraph_page(original).encode()
    expected = set()
    for path, body in pages.items():
        url = fixture_site.put(path, body)
        if analyse_copy(original, normalise(body, url, {})).is_copy:
            expected.add(url)
    assert len(expected) > len(pages) // 2  # most of them are copies
    fixture_site.put("/sitemap.xml", urlset([(fixture_site.url(p), None) for p in pages]), XML)

    found = []
    for seed in ("1", "3"):
        db = tmp_path / f"run-{seed}.db"
        config = tmp_path / f"run-{seed}.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{db}"\n'
            "[network]\nallow_private = true\ndownload_timeout = 10\n"
            f"[crawl]\nmax_pages = {len(pages) + 10}\n"
            f'[[stories]]\nurl = "{demo_sites.original_url}"\n'
            f'[[sources]]\nkind = "sitemap"\nurl = "{fixture_site.url("/sitemap.xml")}"\n',
            encoding="utf-8",
        )
        proc = run_once(config, seed)
        assert proc.returncode == 0, proc.stderr
        with open_store(f"sqlite:///{db}") as store:
            found.append({c.url for r in store.report() for c in r.copies})
    assert found[0] == found[1]
    assert found[0] == expected


@pytest.fixture
def tracked(demo_sites: DemoSites, tmp_path: Path) -> Store:
    config = loopback_config(f"sqlite:///{tmp_path / 'div.db'}")
    store = open_store(config.database_url)
    store.add_story(demo_sites.original_url)
    fetch_missing_originals(store, config, now=datetime.now(UTC))
    yield store
    store.close()


def test_copy_in_div_paragraphs_is_found_through_a_feed_a_sitemap_and_a_site_crawl(
    demo_sites: DemoSites, fixture_site: FixtureSite, tracked: Store, tmp_path: Path
) -> None:
    """A page without one <p> is triaged by what it holds, not dropped as not_article."""
    store = tracked
    config = loopback_config(f"sqlite:///{tmp_path / 'div.db'}", max_pages=5)
    body = div_paragraph_page(original_article(demo_sites))
    feed_copy = fixture_site.put("/feed/oslo-strike", body)
    sitemap_copy = fixture_site.put("/sitemap/oslo-strike", body)
    crawl_copy = fixture_site.put("/news/oslo-strike", body)
    item = f"<item><title>Oslo</title><link>{feed_copy}</link><guid>{feed_copy}</guid></item>"
    fixture_site.put(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{item}</channel></rss>',
        "application/rss+xml",
    )
    fixture_site.put("/sitemap.xml", urlset([(sitemap_copy, None)]), XML)
    fixture_site.put("/", '<html><body><a href="/news/oslo-strike">Oslo</a></body></html>')
    for kind, path in (("feed", "/feed.xml"), ("sitemap", "/sitemap.xml"), ("site", "/")):
        store.add_source(kind, fixture_site.url(path))
    runs = run_sources(store, config, store.list_sources(), now=datetime.now(UTC))
    assert [r.copies_found for r in runs] == [1, 1, 1]
    (story,) = store.list_stories()
    via = {c.url: c.discovered_via for c in store.copies_for_story(story.id)}
    assert via == {feed_copy: "feed", sitemap_copy: "sitemap", crawl_copy: "site"}
