"""A worker's reports on queue-mode rounds: per source and run, what it fetched and how it went.

A round is one enqueued run of a source (the start message names the run). The
worker counts pages, copies, errors, entries and documents here, and the outcome of
the round's start URL (the source answered, or failed outright). `flush` adds the
counts to storage.rounds with atomic increments and settles each round's health once
(syndiwatch.daemon_jobs.update_health, the single-machine rules). The worker's
matching and queue are syndiwatch.worker's.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from scraper.items import FetchedPage
from storage import Store
from storage.rounds import RoundTally
from syndiwatch.config import Config
from syndiwatch.daemon_jobs import JobOutcome, update_health
from syndiwatch.matching import PageResult
from syndiwatch.pipeline import utcnow

log = logging.getLogger(__name__)

DEAD_LINK_STATUSES = (404, 410)  # a crawled link to a missing page: the site's flaw, not ours


@dataclass(frozen=True, slots=True)
class _Settlement:
    run_id: int
    source_id: int
    outcome: JobOutcome


class RoundBook:
    """Counts per (run, source) since the last flush, and round outcomes to settle."""

    def __init__(self) -> None:
        self.counts: dict[tuple[int, int], Counter[str]] = {}
        self.last_error: dict[tuple[int, int], str] = {}
        self.settlements: list[_Settlement] = []

    def page(self, page: FetchedPage, kind: str, result: PageResult | None = None) -> None:
        """A candidate page (fetched or failed) and, when matched, what it was."""
        key = _round(page)
        if key is None:
            return
        counts = self.counts.setdefault(key, Counter())
        counts["pages"] += 1
        if result is not None:
            counts["copies"] += result.copies
            counts["unchanged"] += result.outcome == "unchanged"
            counts["candidates"] += result.candidate
        start = bool(page.meta.get("start"))
        if not page.ok and not (kind == "site" and not start and _dead_link(page)):
            self.error(page, kind)
        if start:
            self._settle(key, page, kind, pages=1)

    def document(self, doc: FetchedPage, kind: str) -> None:
        """A feed, sitemap or robots.txt (its entries counted; 304 is not modified)."""
        key = _round(doc)
        if key is None:
            return
        counts = self.counts.setdefault(key, Counter())
        if doc.error is not None:
            self.error(doc, kind)
        elif doc.status == 304:
            counts["not_modified"] = 1
        else:
            counts["documents"] += 1
            counts["entries"] += int(doc.meta.get("entries") or 0)
        if doc.meta.get("start"):
            not_modified = doc.status == 304 and doc.error is None
            self._settle(key, doc, kind, entries=int(doc.meta.get("entries") or 0),
                         not_modified=not_modified)  # fmt: skip

    def error(self, page: FetchedPage, kind: str) -> None:
        """A failure of `page` that belongs to its round (a matching crash, a failed fetch)."""
        key = _round(page)
        if key is not None:
            self.counts.setdefault(key, Counter())["errors"] += 1
            self.last_error[key] = _line(page, kind)

    def flush(self, store: Store, config: Config) -> None:
        """Add the counts to their rounds, then settle the rounds whose start URL answered.

        Raises what storage raises; what was not written stays here for the next flush.
        """
        tallies = [
            RoundTally(run, source, dict(c), self.last_error.get((run, source)))
            for (run, source), c in self.counts.items()
        ]
        if tallies:
            store.add_round_tallies(tallies, now=utcnow())
            self.counts, self.last_error = {}, {}
        while self.settlements:
            settle = self.settlements[0]
            source = store.get_source(settle.source_id)
            if source is not None:
                update_health(store, config, source, settle.outcome, round_id=settle.run_id)
            self.settlements.pop(0)

    def _settle(self, key: tuple[int, int], page: FetchedPage, kind: str, **stats: int) -> None:
        if page.error is not None:
            outcome = JobOutcome({"error_kind": page.error_kind}, _line(page, kind))
        else:
            outcome = JobOutcome(dict(stats))
        self.settlements.append(_Settlement(key[0], key[1], outcome))


def _round(page: FetchedPage) -> tuple[int, int] | None:
    """(run id, source id) of a page fetched for an enqueued run; None outside one."""
    run, source = page.meta.get("run"), page.meta.get("source")
    if not run or not source:
        return None
    try:
        return int(run), int(source)
    except (TypeError, ValueError):
        return None


def _dead_link(page: FetchedPage) -> bool:
    return page.status in DEAD_LINK_STATUSES


def _line(page: FetchedPage, kind: str) -> str:
    prefix = f"{kind} {page.request_url}"
    if page.error and page.error.startswith(prefix):  # the line names its file already
        return page.error
    return f"{prefix}: {page.error or f'HTTP {page.status}'}"
