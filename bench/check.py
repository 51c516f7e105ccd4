"""Benchmark `check`: one original against the demo copies on loopback.

Prints wall time and peak memory of a full check (crawl in a child process,
normalise, analyse, store in SQLite) next to a bare crawl of the same URLs
through the same runner, measured in the same run, and their ratio.

    .venv/bin/python bench/check.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from storage import open_store
from syndiwatch import pipeline
from syndiwatch.config import load_config
from syndiwatch.crawl import fetch_pages
from syndiwatch.demo.server import serve_sites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = load_config()
    config = replace(base, network=replace(base.network, allow_private=True))
    bare, full = [], []
    with serve_sites() as sites, tempfile.TemporaryDirectory() as tmp:
        urls = [sites.original_url, *sites.candidate_urls]
        for i in range(args.repeat):
            t0 = time.perf_counter()
            pages = list(fetch_pages(config, urls))
            bare.append(time.perf_counter() - t0)
            assert len(pages) == len(urls)
            db = replace(config, database_url=f"sqlite:///{Path(tmp) / f'b{i}.db'}")
            with open_store(db.database_url) as store:
                t0 = time.perf_counter()
                result = pipeline.check(store, db, sites.original_url, sites.candidate_urls)
                full.append(time.perf_counter() - t0)
    copies = sum(o.outcome == "copy" for o in result.outcomes)
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    b, f = statistics.median(bare), statistics.median(full)
    print(f"check: 1 original + {len(urls) - 1} candidates ({copies} copies), {args.repeat} runs")
    print("| run | median wall s | ratio |\n| --- | --- | --- |")
    print(f"| bare crawl of the same URLs (baseline) | {b:.2f} | 1.00x |")
    print(f"| full check (crawl + normalise + analyse + store) | {f:.2f} | {f / b:.2f}x |")
    print(f"peak RSS: application process {me:.0f} MiB, crawl child {child:.0f} MiB")


if __name__ == "__main__":
    main()
