"""Discovery: run sources (feeds, sitemaps, site crawls, single URLs) end to end.

`run_source` / `run_sources` fetch through Scrapy in a child process (one crawl
per kind), hand every fetched page to syndiwatch.matching while the crawl goes
on, remember each source's state (validators, seen entries) and record the run's
statistics. A failing source never raises: its SourceRun carries one-line errors.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from drift.errors import NotAnArticle
from drift.normalise import normalise
from scraper.errors import CrawlError
from scraper.items import FetchedPage
from storage import SourceRecord, Store
from syndiwatch.config import Config
from syndiwatch.crawl import fetch_pages
from syndiwatch.crawl_streams import CrawlFailure, merged_pages, split_by_host
from syndiwatch.discovery_jobs import build_job, job_timeout
from syndiwatch.matching import PageMatcher, PageResult, fetched_at

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
KIND_ORDER = ("feed", "sitemap", "site", "url")
# Feed polling is feedparser work in the crawl child: many feeds are split over two
# children (two cores). Page crawls are not: the parent's triage uses the other core.
PARALLEL_KINDS = ("feed",)
PARALLEL_CRAWLS = 2
PARALLEL_MIN = 100
# Beyond this many failed pages a source's errors are summarised in one line.
MAX_PAGE_ERRORS = 3


@dataclass(frozen=True, slots=True)
class SourceRun:
    """What one run of one source did. errors: one line each (which source, why)."""

    source_id: int
    pages_fetched: int = 0
    pages_unchanged: int = 0
    candidates: int = 0
    copies_found: int = 0
    errors: tuple[str, ...] = ()
    entries_seen: int = 0
    not_modified: bool = False
    analysed: int = 0
    not_articles: int = 0
    documents_fetched: int = 0  # feeds and sitemap files that answered 200
    warnings: tuple[str, ...] = ()


@dataclass
class _Tally:
    """The running counts of one source during a crawl."""

    source: SourceRecord
    pages_fetched: int = 0
    pages_unchanged: int = 0
    candidates: int = 0
    copies_found: int = 0
    analysed: int = 0
    not_articles: int = 0
    entries_seen: int = 0
    documents_fetched: int = 0
    not_modified: bool = False
    errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    failed_entries: set[str] = field(default_factory=set)
    dead_links: int = 0

    def result(self) -> SourceRun:
        return SourceRun(
            source_id=self.source.id,
            pages_fetched=self.pages_fetched,
            pages_unchanged=self.pages_unchanged,
            candidates=self.candidates,
            copies_found=self.copies_found,
            errors=tuple(self.errors + _summarise(self.source, self.page_errors)),
            entries_seen=self.entries_seen,
            not_modified=self.not_modified,
            analysed=self.analysed,
            not_articles=self.not_articles,
            documents_fetched=self.documents_fetched,
            warnings=tuple(self.warnings + self._dead_link_note()),
        )

    def _dead_link_note(self) -> list[str]:
        if not self.dead_links:
            return []
        return [f"site {self.source.url}: {self.dead_links} links led to 404/410 pages"]


def run_source(
    store: Store,
    config: Config,
    source: SourceRecord,
    *,
    now: datetime,
    progress: Progress | None = None,
) -> SourceRun:
    """Run one source now: fetch, find candidates, match, analyse and store copies."""
    return run_sources(store, config, [source], now=now, progress=progress)[0]


def run_sources(
    store: Store,
    config: Config,
    sources: Sequence[SourceRecord],
    *,
    now: datetime,
    progress: Progress | None = None,
    run_kind: str | None = "discover",
    scrapy_settings: Mapping[str, Any] | None = None,
) -> list[SourceRun]:
    """Run several sources now, one crawl per kind; return a SourceRun per source, in order.

    With `run_kind`, the run and every source's statistics are recorded
    (store.start_run/finish_run) under that kind. `scrapy_settings` are extra
    Scrapy settings for the crawls (benchmarks and tests on loopback). `progress`
    is called as progress(event, n) with event "page", "copy" or "error".
    """
    run_id = store.start_run(run_kind, now=now) if run_kind else None
    tallies = {s.id: _Tally(s) for s in sources}
    try:
        _run_all(
            store,
            config,
            sources,
            tallies,
            now,
            _Crawl(store, config, scrapy_settings or {}, progress),
        )
    except BaseException as exc:  # not a source's failure (the database, Ctrl-C): keep the record
        if run_id is not None:
            with contextlib.suppress(Exception):
                stats = run_stats(t.result() for t in tallies.values())
                error = f"{type(exc).__name__}: {exc}"
                store.finish_run(run_id, stats=stats, error=error, now=now)
        raise
    results = [tallies[s.id].result() for s in sources]
    if run_id is not None:
        store.finish_run(run_id, stats=run_stats(results), error=None, now=now)
    return results


def _run_all(
    store: Store,
    config: Config,
    sources: Sequence[SourceRecord],
    tallies: dict[int, _Tally],
    now: datetime,
    crawl: _Crawl,
) -> None:
    matcher = PageMatcher(store, store.list_stories(), now=now)
    if not matcher.articles:
        for tally in tallies.values():
            tally.warnings.append("no tracked story has been fetched yet; nothing to match")
        return
    for kind in KIND_ORDER:
        group = [s for s in sources if s.kind == kind]
        if group:
            _run_group(crawl, kind, group, tallies, matcher)
    matcher.flush()
    store.set_source_states(
        {t.source.id: state for t in tallies.values() if (state := _new_state(t)) is not None}
    )


def fetch_missing_originals(store: Store, config: Config, *, now: datetime) -> list[str]:
    """Fetch every tracked story not fetched yet (e.g. named only in the config file).

    Returns one line per story that could not be fetched or read; never raises for those.
    """
    missing = [s for s in store.list_stories() if s.article is None]
    if not missing:
        return []
    # Each original is stored as it arrives: a host that never answers costs only its own.
    problems: dict[str, str | None] = {}
    unanswered = "no response"
    try:
        for page in fetch_pages(config, list(dict.fromkeys(s.url for s in missing))):
            if page.request_url not in problems:
                problems[page.request_url] = _store_original(store, page.request_url, page, now)
    except CrawlError as exc:
        unanswered = str(exc)
    return [
        f"story {s.public_id} {s.url}: {problems.get(s.url, unanswered)}"
        for s in missing
        if problems.get(s.url, unanswered)
    ]


def _store_original(store: Store, url: str, page: FetchedPage, now: datetime) -> str | None:
    if not page.ok:
        return page.error or f"HTTP {page.status}"
    try:
        article = normalise(page.body, page.url, page.headers)
    except NotAnArticle as exc:
        return f"not an article: {exc}"
    store.record_fetch(
        url, status=page.status, body=page.body, headers=page.headers, article=article,
        fetched_at=fetched_at(page, now), final_url=page.url,
    )  # fmt: skip
    return None


def run_stats(results: Iterable[SourceRun]) -> dict[str, Any]:
    """Totals and per-source statistics of a run, as stored in the run record."""
    per_source = {str(r.source_id): asdict(r) for r in results}
    keys = ("pages_fetched", "pages_unchanged", "candidates", "analysed", "copies_found",
            "entries_seen", "not_articles", "documents_fetched")  # fmt: skip
    totals: dict[str, Any] = {k: sum(s[k] for s in per_source.values()) for k in keys}
    totals["errors"] = sum(len(s["errors"]) for s in per_source.values())
    totals["not_modified"] = sum(1 for s in per_source.values() if s["not_modified"])
    totals["sources"] = len(per_source)
    return {**totals, "per_source": per_source}


@dataclass(frozen=True, slots=True)
class _Crawl:
    store: Store
    config: Config
    settings: Mapping[str, Any]
    progress: Progress | None


def _run_group(
    crawl: _Crawl,
    kind: str,
    group: Sequence[SourceRecord],
    tallies: dict[int, _Tally],
    matcher: PageMatcher,
) -> None:
    by_url = {s.url: s.id for s in group}
    progress = crawl.progress
    parts = PARALLEL_CRAWLS if kind in PARALLEL_KINDS and len(group) >= PARALLEL_MIN else 1
    crawls = [
        (
            build_job(crawl.store, crawl.config, kind, part, crawl.settings),
            job_timeout(crawl.config, kind, len(part)),
            part,
        )
        for part in split_by_host(group, parts)
    ]
    for item in merged_pages(crawls):
        if isinstance(item, CrawlFailure):
            for source in item.sources:
                tallies[source.id].errors.append(f"{source.kind} {source.url}: {item.error}")
                _tick(progress, "error")
            continue
        source_id = int(item.meta.get("source") or by_url.get(item.request_url, 0))
        tally = tallies.get(source_id)
        if tally is None:
            log.warning("crawl returned a page for no known source: %s", item.url)
            continue
        _handle(tally, item, matcher, progress)


def _handle(
    tally: _Tally, page: FetchedPage, matcher: PageMatcher, progress: Progress | None
) -> None:
    role = str(page.meta.get("role") or "page")
    if role == "feed":
        _on_feed(tally, page)
    elif role == "sitemap":
        _on_sitemap(tally, page)
    else:
        _on_page(tally, page, matcher, progress)


def _on_feed(tally: _Tally, page: FetchedPage) -> None:
    if page.error is not None:
        tally.errors.append(f"feed {tally.source.url}: {page.error}")
        return
    if isinstance(page.meta.get("state"), dict):
        tally.state.update(page.meta["state"])
    if page.status == 304:
        tally.not_modified = True
        return
    tally.documents_fetched += 1
    tally.entries_seen += int(page.meta.get("entries") or 0)
    if page.meta.get("warning"):
        tally.warnings.append(f"feed {tally.source.url}: {page.meta['warning']}")


def _on_sitemap(tally: _Tally, page: FetchedPage) -> None:
    if page.error is not None:
        line = f"sitemap {page.request_url}: {page.error}"
        if page.error.startswith(f"sitemap {page.request_url}"):
            line = page.error
        if page.error_kind == "sitemap_loop":
            tally.warnings.append(page.error)
        else:
            tally.errors.append(line)
        return
    validators = page.meta.get("validators")
    if isinstance(validators, dict):
        tally.state.setdefault("validators", {})[page.url] = validators
    if page.status == 304:
        tally.not_modified = tally.not_modified or page.request_url == tally.source.url
        return
    tally.documents_fetched += 1
    tally.entries_seen += int(page.meta.get("urls") or 0) if "fresh" in page.meta else 0
    if page.meta.get("warning"):
        tally.warnings.append(f"sitemap {page.url}: {page.meta['warning']}")


def _on_page(
    tally: _Tally, page: FetchedPage, matcher: PageMatcher, progress: Progress | None
) -> None:
    tally.pages_fetched += 1
    _tick(progress, "page")
    if not page.ok and _dead_link(tally, page):
        tally.dead_links += 1
        return
    if not page.ok:
        tally.page_errors.append(f"{page.request_url}: {page.error or f'HTTP {page.status}'}")
        if page.meta.get("entry_key"):
            tally.failed_entries.add(str(page.meta["entry_key"]))
        _tick(progress, "error")
        return
    try:
        result = matcher.process(page, via=tally.source.kind, scope=tally.source.story_id)
    except Exception as exc:  # hostile page content must not end the run; say which page
        log.exception("matching %s failed", page.url)
        tally.page_errors.append(f"{page.url}: could not analyse: {type(exc).__name__}: {exc}")
        _tick(progress, "error")
        return
    _count(tally, result)
    if result.copies:
        _tick(progress, "copy", result.copies)


def _dead_link(tally: _Tally, page: FetchedPage) -> bool:
    """A crawled link that answers 404/410: a flaw of the site, not a failure of the source."""
    return (
        tally.source.kind == "site"
        and page.status in (404, 410)
        and page.request_url != tally.source.url
    )


def _count(tally: _Tally, result: PageResult) -> None:
    tally.pages_unchanged += result.outcome == "unchanged"
    tally.candidates += result.candidate
    tally.analysed += result.analysed
    tally.not_articles += result.outcome == "not_article"
    tally.copies_found += result.copies


def _new_state(tally: _Tally) -> dict[str, Any] | None:
    """What the crawl learnt (None: nothing new); entries whose page failed stay unseen."""
    if not tally.state:
        return None
    state = {**tally.source.state, **tally.state}
    if tally.failed_entries and isinstance(state.get("seen"), list):
        state["seen"] = [k for k in state["seen"] if k not in tally.failed_entries]
    return None if state == dict(tally.source.state) else state


def _summarise(source: SourceRecord, page_errors: list[str]) -> list[str]:
    if len(page_errors) <= MAX_PAGE_ERRORS:
        return [f"{source.kind} {source.url}: {line}" for line in page_errors]
    return [f"{source.kind} {source.url}: {len(page_errors)} pages failed, e.g. {page_errors[0]}"]


def _tick(progress: Progress | None, event: str, n: int = 1) -> None:
    if progress is not None:
        progress(event, n)
