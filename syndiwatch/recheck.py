"""Re-checks of known originals and copies: fetch again, store, find what changed.

Originals first (a correction is known before its copies are looked at), then copies,
in batches of one child-process crawl each. Edit, noise and stale passages are
drift.lifecycle's; what is due is syndiwatch.scheduling's. Used by `run --once` and the daemon.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from drift.errors import NotAnArticle
from drift.lifecycle import (
    ORIGINAL_UPDATED,
    classify_change,
    describe_changes,
    edit_finding,
    is_flip_back,
)
from drift.normalise import normalise
from scraper.errors import CrawlError
from scraper.items import FetchedPage
from storage import Store
from storage.records import StoryRecord
from syndiwatch.config import Config
from syndiwatch.crawl import fetch_pages
from syndiwatch.recheck_copy import CopyJob, recheck_copy
from syndiwatch.scheduling import copy_due, original_due

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
# URLs per child crawl: bounds a crawl's wall clock and what one crash can cost.
BATCH = 100
FLIP_HISTORY = 10


@dataclass
class RecheckSummary:
    """What one round of re-checks did (stored as a run's stats)."""

    originals_checked: int = 0
    originals_updated: int = 0
    copies_checked: int = 0
    copies_edited: int = 0
    copies_removed: int = 0
    stale_findings: int = 0
    failures: int = 0
    errors: list[str] = field(default_factory=list)

    def merge(self, other: RecheckSummary) -> None:
        for name in (
            "originals_checked", "originals_updated", "copies_checked", "copies_edited",
            "copies_removed", "stale_findings", "failures",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    def as_stats(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k != "errors"} | {"errors": self.errors[:20]}


def recheck_all(
    store: Store,
    config: Config,
    *,
    now: datetime,
    only_due: bool = False,
    progress: Progress | None = None,
) -> RecheckSummary:
    """Re-check every story's original, then every copy (only those due when `only_due`)."""
    summary = RecheckSummary()
    stories = store.list_stories()
    if only_due:
        stories = [s for s in stories if _original_is_due(store, s, now, config)]
    summary.merge(recheck_originals(store, config, stories, now=now, progress=progress))
    rows = store.copy_check_rows()
    if only_due:
        rows = [r for r in rows if copy_due(r, now, config.schedule)]
    jobs = _copy_jobs(store, [(r.copy_id, r.story_id) for r in rows])
    summary.merge(recheck_copies(store, config, jobs, now=now, progress=progress))
    return summary


def recheck_story(
    store: Store, config: Config, story_id: int, *, now: datetime, progress: Progress | None = None
) -> RecheckSummary:
    """Re-check one story's original and all its copies now."""
    story = store.get_story(story_id)
    if story is None:
        return RecheckSummary(errors=[f"no story with id {story_id}"])
    summary = recheck_originals(store, config, [story], now=now, progress=progress)
    copies = store.copies_for_story(story_id)
    jobs = _copy_jobs(store, [(c.id, story_id) for c in copies])
    summary.merge(recheck_copies(store, config, jobs, now=now, progress=progress))
    return summary


def _original_is_due(store: Store, story: StoryRecord, now: datetime, config: Config) -> bool:
    page = store.get_page(story.url)
    return original_due(story, page.last_error_at if page else None, now, config.schedule)


def _copy_jobs(store: Store, ids: Sequence[tuple[int, int]]) -> list[CopyJob]:
    wanted = {copy_id for copy_id, _ in ids}
    jobs: list[CopyJob] = []
    for story_id in dict.fromkeys(story_id for _, story_id in ids):
        story = store.get_story(story_id)
        if story is None or story.article is None:
            continue
        corrections = store.corrections_for(story_id)
        for copy in store.copies_for_story(story_id):
            if copy.id in wanted:
                jobs.append(CopyJob(story, copy, tuple(corrections)))
    return jobs


def recheck_originals(
    store: Store,
    config: Config,
    stories: Sequence[StoryRecord],
    *,
    now: datetime,
    progress: Progress | None = None,
) -> RecheckSummary:
    """Fetch each original again; an edit records its superseded passages and original_updated."""
    summary = RecheckSummary()
    by_url = {s.url: s for s in stories}
    for page in _fetch(config, list(by_url), summary):
        story = by_url[page.request_url]
        summary.originals_checked += 1
        summary.failures += page.error is not None
        if _recheck_original(store, story, page, now):
            summary.originals_updated += 1
        if progress:
            progress(f"original {story.url}")
    return summary


def _recheck_original(store: Store, story: StoryRecord, page: FetchedPage, now: datetime) -> bool:
    """Store the new fetch of an original; return True when it was edited."""
    error = page.error
    article = None
    if error is None:
        try:
            article = normalise(page.body, page.url, page.headers)
        except NotAnArticle as exc:
            error = f"the original is no longer an article: {exc}"
    if error is not None or article is None:
        store.record_fetch_failure(
            story.url, error=error or "no article", error_kind=page.error_kind, at=now
        )
        log.warning("re-check of original %s failed: %s", story.url, error)
        return False
    fetch = {
        "url": story.url, "status": page.status, "body": page.body, "headers": page.headers,
        "article": article, "fetched_at": now, "final_url": page.url,
    }  # fmt: skip
    previous = story.article
    if previous is None or classify_change(previous, article) != "edit":
        store.record_original_version(story.id, fetch, now=now)
        return False
    earlier = store.page_articles(story.url, FLIP_HISTORY)[1:]
    if is_flip_back(article, earlier):
        log.info("original %s went back to an earlier version; not an update", story.url)
        store.record_original_version(story.id, fetch, now=now)
        return False
    changes = describe_changes(previous, article)
    superseded = [(c.old, c.new) for c in changes if c.old is not None and c.old != previous.title]
    updated = edit_finding(ORIGINAL_UPDATED, changes)
    store.record_original_version(story.id, fetch, corrections=superseded, updated=updated, now=now)
    log.info("original %s was updated (%d passages changed)", story.url, len(changes))
    return True


def recheck_copies(
    store: Store,
    config: Config,
    jobs: Sequence[CopyJob],
    *,
    now: datetime,
    progress: Progress | None = None,
) -> RecheckSummary:
    """Fetch each copy again and record what happened to it (edited, removed, stale, failing)."""
    summary = RecheckSummary()
    by_url = {job.copy.url: job for job in jobs}
    for page in _fetch(config, list(by_url), summary):
        job = by_url[page.request_url]
        outcome = recheck_copy(store, config, job, page, now=now)
        summary.copies_checked += 1
        summary.copies_edited += outcome.edited
        summary.copies_removed += outcome.removed
        summary.stale_findings += outcome.stale
        summary.failures += outcome.failed
        if progress:
            progress(f"copy {job.copy.url}")
    return summary


def _fetch(config: Config, urls: list[str], summary: RecheckSummary) -> Iterable[FetchedPage]:
    """Yield one FetchedPage per URL, batch by batch; a failed crawl fails only its own URLs."""
    for start in range(0, len(urls), BATCH):
        batch = urls[start : start + BATCH]
        pending = dict.fromkeys(batch)
        error = "the crawl returned nothing for this URL"
        try:
            for page in fetch_pages(config, batch):
                if page.request_url in pending:
                    del pending[page.request_url]
                    yield page
        except CrawlError as exc:
            error = str(exc)
            summary.errors.append(error)
            log.error("re-check crawl failed (%d URLs left unchecked): %s", len(pending), exc)
        for url in pending:
            yield FetchedPage(request_url=url, url=url, status=0, error=error, error_kind="crawl")
