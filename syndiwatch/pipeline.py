"""The application pipeline: fetch → normalise → analyse → store.

Used by `check`, `story add` and (later) `run --once` and the daemon. Holds no
policy of its own about what drift is (that is drift's) or how rows look
(that is storage's); it wires them together and keeps every failure visible.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from drift.analyse import analyse_copy
from drift.errors import NotAnArticle
from drift.model import Article
from drift.normalise import normalise
from scraper.items import FetchedPage
from storage import Store
from storage.records import StoryRecord
from syndiwatch.config import Config
from syndiwatch.crawl import fetch_one, fetch_pages

log = logging.getLogger(__name__)

Outcome = Literal["copy", "not_a_copy", "not_an_article", "error"]


class PipelineError(Exception):
    """A step that the command cannot do without (the message is one line)."""


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    url: str  # as asked for
    final_url: str  # after redirects; the stored page
    outcome: Outcome
    message: str | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    story: StoryRecord
    outcomes: tuple[CopyOutcome, ...]


def utcnow() -> datetime:
    return datetime.now(UTC)


def article_from_page(page: FetchedPage) -> Article:
    """Normalise a fetched page; raises PipelineError with the fetch error or NotAnArticle."""
    if page.error is not None:
        raise PipelineError(page.error)
    return normalise(page.body, page.url, page.headers)


def add_story(store: Store, config: Config, url: str, *, name: str | None = None) -> StoryRecord:
    """Fetch the original now, store its snapshot and the story; return the story."""
    page = fetch_one(config, url)
    return _store_original(store, url, page, name=name)


def _store_original(store: Store, url: str, page: FetchedPage, *, name: str | None) -> StoryRecord:
    if page.error is not None:
        raise PipelineError(f"cannot fetch the original {url}: {page.error}")
    try:
        article = normalise(page.body, page.url, page.headers)
    except NotAnArticle as exc:
        raise PipelineError(f"the original {url} is not an article: {exc}") from None
    story = store.add_story(url, name=name, now=utcnow())
    store.record_fetch(
        url,
        status=page.status,
        body=page.body,
        headers=page.headers,
        article=article,
        fetched_at=_fetched_at(page),
        final_url=page.url,
    )
    found = store.get_story(story.id)
    assert found is not None
    return found


def check(
    store: Store,
    config: Config,
    original_url: str,
    copy_urls: Sequence[str],
    *,
    discovered_via: str = "check",
) -> CheckResult:
    """Fetch the original and each copy now (one crawl), analyse and store them.

    Each page is stored as it arrives (copies that come before the original wait for
    it), so a host that never answers costs only its own URLs.
    """
    copies = [u for u in dict.fromkeys(copy_urls) if u != original_url]
    story: StoryRecord | None = None
    waiting: list[FetchedPage] = []
    outcomes: dict[str, CopyOutcome] = {}
    for page in fetch_pages(config, [original_url, *copies]):
        if page.request_url == original_url and story is None:
            story = _store_original(store, original_url, page, name=None)
            arrived, waiting = waiting, []
        elif page.request_url in copies and page.request_url not in outcomes:
            arrived = [page]
            if story is None:
                waiting += arrived
                continue
        else:
            continue
        for copy in arrived:
            outcomes[copy.request_url] = _check_copy(store, story, copy, discovered_via)
    if story is None:
        story = _store_original(store, original_url, _missing(original_url), name=None)
    assert story.article is not None
    return CheckResult(
        story=story,
        outcomes=tuple(
            outcomes.get(u) or _check_copy(store, story, _missing(u), discovered_via)
            for u in copies
        ),
    )


def _check_copy(
    store: Store, story: StoryRecord, page: FetchedPage, discovered_via: str
) -> CopyOutcome:
    now = utcnow()
    if page.error is not None:
        store.record_fetch_failure(page.url, error=page.error, error_kind=page.error_kind, at=now)
        store.record_copy_failure(story.id, page.url, error=page.error, now=now)
        return CopyOutcome(page.request_url, page.url, "error", page.error)
    try:
        article: Article | None = normalise(page.body, page.url, page.headers)
    except NotAnArticle as exc:
        article = None
        reason = str(exc)
    snapshot = store.record_fetch(
        page.url,
        status=page.status,
        body=page.body,
        headers=page.headers,
        article=article,
        fetched_at=_fetched_at(page),
        final_url=page.url,
    )
    if article is None:
        return CopyOutcome(page.request_url, page.url, "not_an_article", reason)
    assert story.article is not None
    analysis = analyse_copy(story.article, article)
    record = store.record_analysis(
        story.id,
        page.url,
        snapshot_id=snapshot.id,
        analysis=analysis,
        discovered_via=discovered_via,
        title=article.title,
        now=now,
    )
    if not analysis.is_copy:
        return CopyOutcome(
            page.request_url, page.url, "not_a_copy", "holds too little of the original"
        )
    assert record is not None
    return CopyOutcome(page.request_url, page.url, "copy")


def _missing(url: str) -> FetchedPage:
    return FetchedPage(
        request_url=url, url=url, status=0, error="the crawl returned nothing for this URL",
        error_kind="other",
    )  # fmt: skip


def _fetched_at(page: FetchedPage) -> datetime:
    if page.fetched_at:
        try:
            return datetime.fromisoformat(page.fetched_at.replace("Z", "+00:00"))
        except ValueError:
            log.debug("unparsable fetched_at %r for %s", page.fetched_at, page.url)
    return utcnow()
