"""Benchmark feeds.parse on a ~95 KB RSS 2.0 feed with content:encoded.

Prints median milliseconds for feeds.parse, for bare feedparser.parse (what our
mapping adds on top) and for lxml.etree.fromstring of the same bytes, plus the
ratios against lxml measured in the same run. Run: .venv/bin/python bench/feed_parsing.py
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import feedparser
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feeds  # the package: the repository root is searched before bench/

TARGET_BYTES = 95_000
PARAGRAPH = (
    "On May 24, the ministry said the leaked files were authentic and that an inquiry "
    "would report by June 30. &#8220;We take this seriously,&#8221; a spokesperson said, "
    "according to AFP. Officials declined to say how many of the 2,800 pages were affected."
)


def build_feed(target: int = TARGET_BYTES) -> bytes:
    """An RSS 2.0 feed of news items (teaser + two-paragraph content:encoded) of ~target bytes."""
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>Bench News</title><link>https://bench.example/</link>"
    )
    items: list[str] = []
    size = len(head)
    while size < target - 200:
        n = len(items)
        item = (
            f"<item><title>Story {n}: ministry responds</title>"
            f"<link>/2022/05/24/story-{n}?utm_source=rss</link>"
            f'<guid isPermaLink="false">bench-{n}</guid>'
            f"<pubDate>Tue, 24 May 2022 {n % 24:02d}:00:00 +0200</pubDate>"
            f"<dc:creator>Reporter {n % 7}</dc:creator>"
            f"<description><![CDATA[<p>{PARAGRAPH[:140]}…</p>]]></description>"
            f'<content:encoded><![CDATA[<p>{PARAGRAPH}</p><p><a href="/docs/{n}">'
            f"Documents</a> {PARAGRAPH}</p>]]></content:encoded></item>"
        )
        items.append(item)
        size += len(item)
    return (head + "".join(items) + "</channel></rss>").encode()


def median_ms(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median wall time of each callable; rounds interleave them so that load from other
    processes on the machine hits every contender alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()  # warm-up
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    data = build_feed()
    url = "https://bench.example/rss.xml"
    entries = len(feeds.parse(data, url).entries)
    headers = {"content-location": url}  # what feeds.parse passes, so the work is the same
    medians = median_ms(
        {
            "lxml": lambda: etree.fromstring(data),
            "feedparser": lambda: feedparser.parse(io.BytesIO(data), response_headers=headers),
            "feeds": lambda: feeds.parse(data, url),
        },
        args.repeat,
    )
    baseline, bare, ours = medians["lxml"], medians["feedparser"], medians["feeds"]
    print(f"feed: {len(data) / 1000:.1f} KB, {entries} entries, median of {args.repeat} runs")
    print(f"lxml.etree.fromstring   {baseline:8.2f} ms   1.0x (baseline)")
    print(f"feedparser.parse        {bare:8.2f} ms   {bare / baseline:6.1f}x")
    print(f"feeds.parse             {ours:8.2f} ms   {ours / baseline:6.1f}x")
    print(f"feeds.parse / feedparser.parse: {ours / bare:.2f}")


if __name__ == "__main__":
    main()
