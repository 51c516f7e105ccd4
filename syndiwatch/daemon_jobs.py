"""What the daemon's jobs do: run a source, sweep re-checks, re-read sources, keep house.

Each job is recorded as a run (kind = the job id, e.g. `source:3`), never raises
(a crash is a failed run, logged with its traceback), and ends by notifying. The
scheduler, signals and lifecycle are syndiwatch.daemon's.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage import Store
from storage.operations import HealthRecord
from storage.records import SourceRecord
from syndiwatch import health
from syndiwatch.config import Config
from syndiwatch.notify import notify_new_findings, send_alert
from syndiwatch.pipeline import utcnow
from syndiwatch.recheck import recheck_all

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobOutcome:
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def recorded(store: Store, kind: str, body: Callable[[datetime], JobOutcome]) -> JobOutcome:
    """Run `body` as a stored run of `kind`; any exception becomes the run's error."""
    return recorded_run(store, kind, lambda now, _run_id: body(now))


def recorded_run(
    store: Store, kind: str, body: Callable[[datetime, int], JobOutcome]
) -> JobOutcome:
    """Like recorded(), for a body that needs its run's id (a queue-mode round names it)."""
    now = utcnow()
    run_id = store.start_run(kind, now=now)
    try:
        outcome = body(now, run_id)
    except Exception as exc:  # a job must never take the daemon down; the run says why
        log.error("job %s failed: %s\n%s", kind, exc, traceback.format_exc())
        outcome = JobOutcome(error=f"{type(exc).__name__}: {exc}")
    store.finish_run(run_id, stats=outcome.stats, error=outcome.error, now=utcnow())
    return outcome


def backing_off(store: Store, source: SourceRecord) -> JobOutcome | None:
    """The outcome of a skipped run while the source backs off (None: run it)."""
    before = store.source_health(source.id)
    if before.backoff_until is not None and before.backoff_until > utcnow():
        log.info("source %d backing off until %s", source.id, before.backoff_until.isoformat())
        return JobOutcome(stats={"skipped": "backing off"})
    return None


def run_source_job(store: Store, config: Config, source: SourceRecord) -> JobOutcome:
    """Run one source (discovery) and update its health; disabled past the limit."""
    skipped = backing_off(store, source)
    if skipped is not None:
        return skipped
    outcome = recorded(
        store, f"source:{source.id}", lambda now: _discover(store, config, source, now)
    )
    update_health(store, config, source, outcome)
    notify_new_findings(store, config, now=utcnow())
    return outcome


def _discover(store: Store, config: Config, source: SourceRecord, now: datetime) -> JobOutcome:
    from syndiwatch.discover import run_sources  # discovery's room; imported when the job runs

    result = run_sources(store, config, [source], now=now, run_kind=None)[0]
    stats = {
        "source_id": source.id, "pages": result.pages_fetched, "unchanged": result.pages_unchanged,
        "candidates": result.candidates, "copies": result.copies_found,
        "entries": result.entries_seen, "not_modified": result.not_modified,
        "errors": list(result.errors[:20]),
    }  # fmt: skip
    # Failed: errors and nothing came back at all (a feed that answered 304 did come back).
    useful = result.pages_fetched or result.not_modified or getattr(result, "documents_fetched", 0)
    failed = bool(result.errors) and not useful
    return JobOutcome(stats, result.errors[0] if failed else None)


def update_health(
    store: Store,
    config: Config,
    source: SourceRecord,
    outcome: JobOutcome,
    *,
    round_id: int | None = None,
) -> None:
    """Fold a run's outcome into the source's health (atomically); alert when it changes.

    `outcome.stats` "entries" and "pages" (and "not_modified") say whether the run
    yielded anything. With `round_id` (a queue-mode round, settled by a worker) the
    health moves once per round however often its start message is delivered.
    """
    kind = (
        health.error_kind(outcome.error, outcome.stats.get("error_kind")) if outcome.error else ""
    )
    now = utcnow()

    def change(before: HealthRecord) -> tuple[HealthRecord, bool | None]:
        if outcome.error is None:
            stats = outcome.stats
            entries = int(stats.get("entries", 0)) + int(stats.get("pages", 0))
            entries += bool(stats.get("not_modified"))
            after = health.after_success(before, entries=entries, now=now)
            return after, True if before.disabled_at else None
        after = health.after_failure(
            before, source, config.schedule, error=outcome.error, kind=kind, now=now
        )
        return (
            after,
            False if after.disabled_at is not None and before.disabled_at is None else None,
        )

    settled = store.settle_source_health(
        source.id, change, round_id=round_id, error=outcome.error, now=now
    )
    if settled is None:
        return
    before, after = settled
    if outcome.error is None:
        if health.is_silent(after, config.schedule) and not health.is_silent(
            before, config.schedule
        ):
            note = f"{source.url} returned no entries in {after.empty_runs} runs in a row."
            _alert(store, config, "source.silent", f"source {source.id} yields nothing", note)
        return
    log.warning("source %d (%s) failed [%s]: %s", source.id, source.url, kind, outcome.error)
    if after.disabled_at is not None and before.disabled_at is None:
        note = f"{source.url} failed {after.consecutive_failures} times in a row ({kind})"
        title, body = f"source {source.id} disabled", f"{note}: {outcome.error}"
        _alert(store, config, "source.disabled", title, body)


def _alert(store: Store, config: Config, code: str, title: str, body: str) -> None:
    """Tell the operators about a source (disabled, silent): logged, and queued in the
    notification outbox, so a target that is down gets it when it is back."""
    log.error("%s: %s", title, body)
    result = send_alert(store, config, code=code, title=title, body=body, now=utcnow())
    if result.failed:
        log.warning("the alert %r is not delivered yet; it is retried later", title)


def run_recheck_job(store: Store, config: Config) -> JobOutcome:
    """Re-check the originals and copies that are due, then notify."""

    def body(now: datetime) -> JobOutcome:
        summary = recheck_all(store, config, now=now, only_due=True)
        return JobOutcome(summary.as_stats(), summary.errors[0] if summary.errors else None)

    outcome = recorded(store, "recheck", body)
    notify_new_findings(store, config, now=utcnow())
    return outcome


def run_maintenance_job(store: Store, config: Config) -> JobOutcome:
    """Retry originals never fetched; prune old raw HTML nothing cites; deliver due notices."""

    def body(now: datetime) -> JobOutcome:
        fetch_new_originals(store, config)
        before = now - timedelta(days=config.retention.raw_html_days)
        pruned = store.prune_raw_html(before=before)
        sent = notify_new_findings(store, config, now=now)
        return JobOutcome({"pruned_snapshots": pruned, "notices_sent": sent.sent})

    return recorded(store, "maintenance", body)


def record_missed(store: Store, job_id: str, scheduled: datetime | None) -> None:
    """Store a run that did not happen (the daemon was down or busy past the grace time)."""
    now = utcnow()
    when = scheduled.isoformat() if scheduled else "?"
    run_id = store.start_run(job_id, now=now)
    store.finish_run(run_id, stats={"missed": when}, error=f"missed its schedule ({when})", now=now)
    if job_id.startswith("source:"):  # under the row lock: the source's own run may be settling
        source_id = int(job_id.split(":", 1)[1])
        store.settle_source_health(
            source_id, lambda before: (health.after_missed(before, now=now), None), now=now
        )
    log.warning("job %s missed its run at %s", job_id, when)


def fetch_new_originals(store: Store, config: Config) -> None:
    """Fetch stories named in the config (or added) that were never fetched."""
    from syndiwatch.discover import fetch_missing_originals

    try:
        for problem in fetch_missing_originals(store, config, now=utcnow()):
            log.warning("%s", problem)
    except Exception:  # a failed fetch of an original is retried by the next sync
        log.exception("fetching new originals failed")
