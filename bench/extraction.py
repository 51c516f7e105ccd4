"""Score main-text extraction on the article-extraction benchmark, ours against anchors.

Runs drift.normalise and the anchors (trafilatura, readability-lxml, a naive
BeautifulSoup <p> join) over the same pages in one process; prints quality (the
benchmark's shingle metric), speed ratios and peak memory. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_TOKEN = re.compile(r"\w+")


def data_dir() -> Path:
    """Return the benchmark data directory (SYNDIWATCH_BENCH_DATA or ../shared/...)."""
    env = os.environ.get("SYNDIWATCH_BENCH_DATA")
    return Path(env) if env else REPO.parent / "shared" / "bench" / "article-extraction"


def load_pages(root: Path, limit: int | None = None) -> list[tuple[str, bytes, str, str]]:
    """Return (id, html bytes, url, true body) for each page of the benchmark."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, html, truth[page_id]["url"], truth[page_id]["articleBody"]))
    return pages


def split_pages(
    pages: list[tuple[str, bytes, str, str]], split: str
) -> list[tuple[str, bytes, str, str]]:
    """Keep all pages, the tune pages, or the held-out ones (bench/holdout/)."""
    if split == "all":
        return pages
    lines = (REPO / "bench" / "holdout" / "article-extraction-ids.txt").read_text().splitlines()
    held = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    return [page for page in pages if (page[0] in held) == (split == "holdout")]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Return the multiset of word 4-grams of a text (one shorter shingle for 1–3 tokens)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_counts(predicted: str, true: str) -> tuple[float, float, float]:
    """Return the page's tp, fp, fn, each divided by tp+fp+fn."""
    pred, gold = shingles(predicted), shingles(true)
    tp = sum((pred & gold).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


@dataclass
class Score:
    f1: float
    precision: float
    recall: float
    per_page: dict[str, float]


def score(predictions: Mapping[str, str], truths: Mapping[str, str]) -> Score:
    """Corpus precision/recall means over pages and their F1, as the benchmark defines them."""
    precisions: list[float] = []
    recalls: list[float] = []
    per_page: dict[str, float] = {}
    for page_id, true in truths.items():
        tp, fp, fn = page_counts(predictions.get(page_id, ""), true)
        p: float | None
        r: float | None
        if fp == 0 and fn == 0:
            p = r = 1.0
        else:
            p = tp / (tp + fp) if tp + fp > 0 else None
            r = tp / (tp + fn) if tp + fn > 0 else None
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
        pp, rr = p or 0.0, r or 0.0
        per_page[page_id] = 2 * pp * rr / (pp + rr) if pp + rr else 0.0
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(f1, precision, recall, per_page)


def _syndiwatch(html: bytes, url: str) -> str:
    from drift.errors import NotAnArticle
    from drift.normalise import normalise

    try:
        return normalise(html, url).text
    except NotAnArticle:
        return ""


def _trafilatura(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def _readability(html: bytes, url: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def _naive(html: bytes, url: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    return "\n\n".join(p.get_text(" ", strip=True) for p in soup.find_all("p"))


EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    "syndiwatch": _syndiwatch,
    "trafilatura": _trafilatura,
    "readability-lxml": _readability,
    "naive-bs4-p": _naive,
}


def run_all(
    extractors: Mapping[str, Callable[[bytes, str], str]],
    pages: list[tuple[str, bytes, str, str]],
) -> dict[str, tuple[dict[str, str], list[float]]]:
    """Run every extractor on each page in turn (so load on the shared machine hits all
    alike), after one warm-up call each; return predictions and per-page seconds."""
    out: dict[str, tuple[dict[str, str], list[float]]] = {n: ({}, []) for n in extractors}
    for fn in extractors.values():
        fn(pages[0][1], pages[0][2])
    for page_id, html, url, _ in pages:
        for name, fn in extractors.items():
            start = time.perf_counter()
            text = fn(html, url)
            out[name][1].append(time.perf_counter() - start)
            out[name][0][page_id] = text
    return out


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def _bare_parse(html: bytes, url: str) -> str:
    """The cost floor of any reader: a bare lxml.html.fromstring of the page."""
    import lxml.html

    lxml.html.fromstring(html)
    return ""


def peak_memory(pages: list[tuple[str, bytes, str, str]]) -> tuple[int, float]:
    """Return (page bytes, peak MiB) of normalising the largest page under tracemalloc."""
    _, html, url, _ = max(pages, key=lambda p: len(p[1]))
    tracemalloc.start()
    _syndiwatch(html, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(html), peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", choices=list(EXTRACTORS))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--worst", type=int, default=10, help="list the N worst pages")
    parser.add_argument(
        "--split",
        choices=("all", "tune", "holdout"),
        default="all",
        help="all pages, or those outside/inside bench/holdout/article-extraction-ids.txt",
    )
    args = parser.parse_args(argv)
    root = data_dir()
    if not (root / "ground-truth.json").exists():
        print(f"benchmark data not found in {root} (set SYNDIWATCH_BENCH_DATA)", file=sys.stderr)
        return 2
    pages = split_pages(load_pages(root, args.limit), args.split)
    truths = {page_id: true for page_id, _, _, true in pages}
    names = args.only or list(EXTRACTORS)
    if "trafilatura" not in names:
        names.append("trafilatura")
    timed = {name: EXTRACTORS[name] for name in names} | {"bare-parse": _bare_parse}
    runs = run_all(timed, pages)
    bare = runs.pop("bare-parse")[1]
    results = {name: (score(preds, truths), secs) for name, (preds, secs) in runs.items()}
    _print_table(results)
    _print_costs(pages, results, bare)
    _print_worst(results["syndiwatch"][0] if "syndiwatch" in results else None, args.worst)
    return 0


def _print_table(results: Mapping[str, tuple[Score, list[float]]]) -> None:
    base_med = statistics.median(results["trafilatura"][1])
    base_p99 = p99(results["trafilatura"][1])
    print(
        f"{'extractor':<18} {'F1':>6} {'prec':>6} {'recall':>6} {'med ms':>7} {'p99 ms':>7}"
        f" {'med/traf':>8} {'p99/traf':>8}"
    )
    for name, (sc, seconds) in results.items():
        med, tail = statistics.median(seconds), p99(seconds)
        print(
            f"{name:<18} {sc.f1:6.3f} {sc.precision:6.3f} {sc.recall:6.3f} {med * 1e3:7.1f}"
            f" {tail * 1e3:7.1f} {med / base_med:8.2f} {tail / base_p99:8.2f}"
        )


def _print_costs(
    pages: list[tuple[str, bytes, str, str]],
    results: Mapping[str, tuple[Score, list[float]]],
    bare: list[float],
) -> None:
    if "syndiwatch" not in results:
        return
    ours = results["syndiwatch"][1]
    print(
        f"normalisation: {len(ours) / sum(ours):.1f} pages/s; "
        f"cost {sum(ours) / sum(bare):.1f}x a bare lxml.html.fromstring parse "
        f"({len(bare) / sum(bare):.0f} pages/s)"
    )
    size, mib = peak_memory(pages)
    print(f"peak memory normalising the largest page ({size / 1e6:.2f} MB): {mib:.1f} MiB")


def _print_worst(sc: Score | None, count: int) -> None:
    if sc is None or count <= 0:
        return
    worst = sorted(sc.per_page.items(), key=lambda kv: kv[1])[:count]
    print("worst pages (per-page F1):")
    for page_id, f1 in worst:
        print(f"  {f1:.3f} {page_id}")


if __name__ == "__main__":
    raise SystemExit(main())
