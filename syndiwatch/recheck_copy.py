"""Re-check one known copy: removed, failing, edited, stale — and store it in one analysis.

The copy's content and attribution findings come from drift.analyse_copy as on
first sight; the lifecycle findings (copy_edited, original_updated carried over,
stale_copy) are added to the same analysis so one transaction stores them all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from drift.analyse import analyse_copy
from drift.errors import NotAnArticle
from drift.lifecycle import (
    EDITED,
    ORIGINAL_UPDATED,
    Change,
    classify_change,
    describe_changes,
    edit_finding,
    is_flip_back,
    removed_finding,
    stale_findings,
)
from drift.model import SEVERITY_RANK, Article, CopyAnalysis, Finding
from drift.normalise import normalise
from drift.score import score_findings
from scraper.items import FetchedPage
from storage import Store
from storage.operations import CorrectionRecord
from storage.records import CopyRecord, SnapshotRecord, StoryRecord
from syndiwatch.config import Config
from syndiwatch.health import BLOCKED_STATUSES, is_bot_challenge

log = logging.getLogger(__name__)

GONE = (404, 410)
FLIP_HISTORY = 10
CARRIED = (EDITED, ORIGINAL_UPDATED)


@dataclass(frozen=True, slots=True)
class CopyJob:
    """One copy to re-check, with its story (current original) and the story's corrections."""

    story: StoryRecord
    copy: CopyRecord
    corrections: tuple[CorrectionRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    edited: bool = False
    removed: bool = False
    failed: bool = False
    stale: int = 0


def recheck_copy(
    store: Store, config: Config, job: CopyJob, page: FetchedPage, *, now: datetime
) -> CopyOutcome:
    """Record a new fetch of a known copy and what changed since the last one."""
    copy = job.copy
    if page.status in GONE:
        finding = removed_finding(f"HTTP {page.status}")
        store.mark_copy_removed(copy.id, finding, snapshot_id=None, now=now)
        return CopyOutcome(removed=copy.status != "removed")
    if page.status in BLOCKED_STATUSES:
        return _record_failure(store, config, job, f"blocked: {page.error}", "blocked", now)
    if page.error is not None:
        return _record_failure(store, config, job, page.error, page.error_kind, now)
    try:
        article: Article | None = normalise(page.body, page.url, page.headers)
    except NotAnArticle as exc:
        article, reason = None, f"no longer an article: {exc}"
    if _challenged(job, page, article):
        error = f"blocked: HTTP {page.status} bot-challenge page instead of the article"
        return _record_failure(store, config, job, error, "blocked", now)
    snapshot = store.record_fetch(
        copy.url, status=page.status, body=page.body, headers=page.headers, article=article,
        fetched_at=now, final_url=page.url,
    )  # fmt: skip
    if article is None:
        store.mark_copy_removed(copy.id, removed_finding(reason), snapshot_id=snapshot.id, now=now)
        return CopyOutcome(removed=copy.status != "removed")
    assert job.story.article is not None
    analysis = analyse_copy(job.story.article, article)
    if not analysis.is_copy:
        _store(store, job, snapshot, analysis, article, now)
        finding = removed_finding("no longer a copy of the story")
        store.mark_copy_removed(copy.id, finding, snapshot_id=snapshot.id, now=now)
        return CopyOutcome(removed=copy.status != "removed")
    edited = _edit_finding(store, copy, snapshot, article)
    stale = stale_findings(_superseded(job.corrections), article)
    lifecycle = [*_carried(copy, replace_edit=edited is not None), *stale]
    lifecycle += [edited] if edited is not None else []
    _store(store, job, snapshot, _with(analysis, lifecycle), article, now)
    return CopyOutcome(edited=edited is not None, stale=len(stale))


def _challenged(job: CopyJob, page: FetchedPage, article: Article | None) -> bool:
    """A page that is no article (or no copy) and looks like a bot check is a block, not a removal.

    Only then is the body scanned: a real article may carry a captcha form.
    """
    if article is not None:
        assert job.story.article is not None
        if analyse_copy(job.story.article, article).is_copy:
            return False
    return is_bot_challenge(page.status, page.headers, page.body)


def _record_failure(
    store: Store, config: Config, job: CopyJob, error: str, kind: str | None, now: datetime
) -> CopyOutcome:
    """Count the failure on the page; past `fail_after` in a row, lifecycle.fetch_failed."""
    url = job.copy.url
    store.record_fetch_failure(url, error=error, error_kind=kind, at=now)
    page = store.get_page(url)
    failures = page.consecutive_failures if page is not None else 1
    if failures >= config.schedule.fail_after:
        store.record_copy_failure(job.story.id, url, error=error, now=now)
    log.warning("re-check of copy %s failed (%d in a row): %s", url, failures, error)
    return CopyOutcome(failed=True)


def _edit_finding(
    store: Store, copy: CopyRecord, snapshot: SnapshotRecord, article: Article
) -> Finding | None:
    """A copy_edited finding when the copy changed beyond noise and is no A/B flip-back."""
    if copy.snapshot_id is None or copy.snapshot_id == snapshot.id:
        return None
    previous = store.snapshot_by_id(copy.snapshot_id)
    if previous is None or previous.article is None:
        return None
    if classify_change(previous.article, article) != "edit":
        return None
    earlier = [
        s.article
        for s in store.page_history(copy.url, FLIP_HISTORY)
        if s.article is not None and s.id not in (snapshot.id, previous.id)
    ]
    if is_flip_back(article, earlier):
        log.info("copy %s went back to an earlier version; not an edit", copy.url)
        return None
    changes = describe_changes(previous.article, article)
    extra = {"from_snapshot": previous.id, "to_snapshot": snapshot.id}
    return edit_finding(EDITED, changes, extra)


def _superseded(corrections: tuple[CorrectionRecord, ...]) -> list[Change]:
    return [Change(c.old_text, c.new_text) for c in corrections]


def _carried(copy: CopyRecord, *, replace_edit: bool) -> list[Finding]:
    """The copy's active copy_edited/original_updated findings, kept until replaced."""
    return [
        r.finding
        for r in copy.findings
        if r.finding.code in CARRIED and not (replace_edit and r.finding.code == EDITED)
    ]


def _with(analysis: CopyAnalysis, lifecycle: list[Finding]) -> CopyAnalysis:
    findings = [*analysis.findings, *lifecycle]
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.code))
    score, severity = score_findings(findings)
    return replace(analysis, findings=tuple(findings), drift_score=score, severity=severity)


def _store(
    store: Store,
    job: CopyJob,
    snapshot: SnapshotRecord,
    analysis: CopyAnalysis,
    article: Article,
    now: datetime,
) -> None:
    store.record_analysis(
        job.story.id, job.copy.url, snapshot_id=snapshot.id, analysis=analysis,
        discovered_via=job.copy.discovered_via, title=article.title, now=now, lifecycle=True,
    )  # fmt: skip
