"""Run several crawl children at once and read their pages as one stream.

Polling a thousand feeds is feedparser work in the child; split over two
children it uses both cores while the parent (idle for feeds) reads both
streams. Sources of one host always go to the same child, so per-host
politeness (Scrapy's per-domain slots) is never doubled.
"""

from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from scraper.errors import CrawlError
from scraper.items import CrawlJob, FetchedPage
from scraper.runner import run_crawl
from storage import SourceRecord

_DONE = object()


@dataclass(frozen=True, slots=True)
class CrawlFailure:
    """A child crawl that failed, with the sources it served."""

    error: CrawlError
    sources: tuple[SourceRecord, ...]


def split_by_host(sources: Sequence[SourceRecord], parts: int) -> list[list[SourceRecord]]:
    """`sources` in up to `parts` non-empty groups; one host's sources share a group."""
    groups: list[list[SourceRecord]] = [[] for _ in range(max(1, parts))]
    for source in sources:
        host = (urlsplit(source.url).hostname or "").encode()
        groups[zlib.crc32(host) % len(groups)].append(source)
    if len([g for g in groups if g]) < len(groups) and len(sources) >= len(groups):
        # One host (or a few) holds everything: split evenly, politeness is per child anyway.
        groups = [list(sources[i :: len(groups)]) for i in range(len(groups))]
    return [g for g in groups if g]


def merged_pages(
    crawls: Sequence[tuple[CrawlJob, float, Sequence[SourceRecord]]],
) -> Iterator[FetchedPage | CrawlFailure]:
    """Pages of every (job, timeout, sources) crawl as they arrive; a failed crawl as CrawlFailure.

    Closing the iterator early stops every child.
    """
    if len(crawls) == 1:
        job, timeout, sources = crawls[0]
        try:
            yield from run_crawl(job, timeout=timeout)
        except CrawlError as exc:
            yield CrawlFailure(exc, tuple(sources))
        return
    items: queue.Queue[object] = queue.Queue(maxsize=1_000)
    stop = threading.Event()
    threads = [threading.Thread(target=_pump, args=(c, items, stop), daemon=True) for c in crawls]
    for thread in threads:
        thread.start()
    try:
        running = len(threads)
        while running:
            item = items.get()
            if item is _DONE:
                running -= 1
            else:
                yield item  # type: ignore[misc]
    finally:
        stop.set()
        _drain(items, threads)


def _pump(
    crawl: tuple[CrawlJob, float, Sequence[SourceRecord]],
    items: queue.Queue[object],
    stop: threading.Event,
) -> None:
    job, timeout, sources = crawl
    pages = run_crawl(job, timeout=timeout)
    try:
        for page in pages:
            if stop.is_set():
                break
            items.put(page)
    except CrawlError as exc:
        items.put(CrawlFailure(exc, tuple(sources)))
    finally:
        close = getattr(pages, "close", None)  # a generator: closing kills a running child
        if close is not None:
            close()
        items.put(_DONE)


def _drain(items: queue.Queue[object], threads: Sequence[threading.Thread]) -> None:
    """Let pumping threads finish after an early stop (they may be blocked on a full queue)."""
    while any(t.is_alive() for t in threads):
        try:
            items.get(timeout=0.1)
        except queue.Empty:
            continue
    for thread in threads:
        thread.join()
