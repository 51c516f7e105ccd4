"""The daemon's verbs on Store: source health, run history, re-check rows, notices, retention.

A mixin of storage.store.Store, so callers still use one Store; each verb is one
transaction. The work lives in storage.operations and storage.outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from drift.model import Article, Finding
from storage import operations as ops
from storage import outbox, rounds
from storage.convert import utc
from storage.operations import CopyCheckRow, CorrectionRecord, HealthChange, HealthRecord
from storage.outbox import NoticeRecord
from storage.records import RunRecord, SnapshotRecord
from storage.rounds import LeaderRecord, RoundTally

T = TypeVar("T")


class OperationsVerbs:
    """Verbs the daemon, `run --once` and `status` use (mixed into Store)."""

    _write: Callable[..., Any]
    _read: Callable[..., Any]

    # Source health -------------------------------------------------------------------

    def source_health(self, source_id: int) -> HealthRecord:
        result: HealthRecord = self._read(ops.get_health, source_id)
        return result

    def all_source_health(self) -> dict[int, HealthRecord]:
        result: dict[int, HealthRecord] = self._read(ops.all_health)
        return result

    def save_source_health(self, health: HealthRecord, *, enabled: bool | None = None) -> None:
        """Store a source's health; `enabled` False disables the source (True re-enables)."""
        self._write(ops.save_health, health, enabled)

    def settle_source_health(
        self,
        source_id: int,
        change: HealthChange,
        *,
        round_id: int | None = None,
        error: str | None = None,
        now: datetime,
    ) -> tuple[HealthRecord, HealthRecord] | None:
        """Apply a health rule atomically (row lock); with `round_id`, once per round.

        `change` maps the current health to (new health, `enabled` as for
        save_source_health). Returns (before, after), or None when nothing changed
        (the round was settled before, or the source is gone).
        """
        result: tuple[HealthRecord, HealthRecord] | None = self._write(
            ops.settle_health, source_id, change, round_id, error, utc(now)
        )
        return result

    # Queue-mode rounds and the leader (storage.rounds) ----------------------------------

    def add_round_tallies(self, tallies: Sequence[RoundTally], *, now: datetime) -> int:
        """Add workers' counts to their rounds (atomic increments, one transaction)."""
        if not tallies:
            return 0
        result: int = self._write(rounds.add_tallies, tallies, utc(now))
        return result

    def record_leader(self, *, holder: str, host: str, pid: int, since: datetime) -> None:
        """Remember which daemon took the scheduler's lock, and when."""
        self._write(rounds.save_leader, holder, host, pid, utc(since))

    def last_leader(self) -> LeaderRecord | None:
        result: LeaderRecord | None = self._read(rounds.get_leader)
        return result

    # Runs ------------------------------------------------------------------------------

    def close_interrupted_runs(self, *, now: datetime) -> int:
        result: int = self._write(ops.close_interrupted_runs, utc(now))
        return result

    def last_runs_by_kind(self) -> dict[str, RunRecord]:
        result: dict[str, RunRecord] = self._read(ops.last_runs_by_kind)
        return result

    def runs_of_kind(self, kind: str, limit: int = 20) -> list[RunRecord]:
        result: list[RunRecord] = self._read(ops.runs_of_kind, kind, limit)
        return result

    def story_ids(self) -> list[int]:
        """Ids of every tracked story (cheap: no articles loaded)."""
        result: list[int] = self._read(ops.story_ids)
        return result

    def scheduled_jobs(self) -> list[tuple[str, datetime | None]]:
        """(job id, next run time) of the daemon's persistent schedule, soonest first."""
        result: list[tuple[str, datetime | None]] = self._read(ops.scheduled_jobs)
        return result

    # Re-checks -------------------------------------------------------------------------

    def copy_check_rows(self) -> list[CopyCheckRow]:
        result: list[CopyCheckRow] = self._read(ops.copy_check_rows)
        return result

    def snapshot_by_id(self, snapshot_id: int) -> SnapshotRecord | None:
        result: SnapshotRecord | None = self._read(ops.snapshot_by_id, snapshot_id)
        return result

    def page_articles(self, url: str, limit: int = 10) -> list[Article]:
        """Articles of the page's newest snapshots, newest first."""
        result: list[Article] = self._read(ops.page_articles, url, limit)
        return result

    def record_original_version(
        self,
        story_id: int,
        fetch: Mapping[str, Any],
        *,
        corrections: Sequence[tuple[str, str | None]] = (),
        updated: Finding | None = None,
        now: datetime,
    ) -> SnapshotRecord:
        """Record a fetch of an original with its superseded passages, in one transaction."""
        fetch = {**fetch, "fetched_at": utc(fetch["fetched_at"])}
        result: SnapshotRecord = self._write(
            ops.record_original_version, story_id, fetch, corrections, updated, utc(now)
        )
        return result

    def corrections_for(self, story_id: int) -> list[CorrectionRecord]:
        result: list[CorrectionRecord] = self._read(ops.corrections_for, story_id)
        return result

    def mark_copy_removed(
        self, copy_id: int, finding: Finding, *, snapshot_id: int | None, now: datetime
    ) -> None:
        self._write(ops.mark_copy_removed, copy_id, finding, snapshot_id, utc(now))

    # Notices and retention --------------------------------------------------------------

    def queue_notices(
        self, severities: Sequence[str], *, now: datetime, story_names: dict[int, str]
    ) -> list[NoticeRecord]:
        """Put every active, never-noticed finding of `severities` into one notice per copy."""
        result: list[NoticeRecord] = self._write(
            outbox.queue_notices, severities, utc(now), story_names
        )
        return result

    def queue_alert(
        self, *, title: str, body: str, codes: Sequence[str], now: datetime
    ) -> NoticeRecord:
        """Queue an operator alert in the notification outbox (delivered like any notice)."""
        result: NoticeRecord = self._write(outbox.queue_alert, title, body, tuple(codes), utc(now))
        return result

    def claim_notices(
        self, *, now: datetime, lease: timedelta = timedelta(minutes=5), limit: int = 50
    ) -> list[NoticeRecord]:
        """Take the notices due now for this sender (nobody else gets them within `lease`)."""
        result: list[NoticeRecord] = self._write(
            outbox.claim_notices, utc(now), utc(now) + lease, limit
        )
        return result

    def record_notice_attempt(
        self,
        notice_id: int,
        *,
        delivered: Sequence[int],
        error: str | None,
        next_attempt_at: datetime | None,
        now: datetime,
    ) -> None:
        self._write(
            outbox.record_attempt,
            notice_id,
            delivered=delivered,
            error=error,
            next_attempt_at=utc(next_attempt_at) if next_attempt_at else None,
            now=utc(now),
        )

    def list_notices(self, limit: int = 50) -> list[NoticeRecord]:
        result: list[NoticeRecord] = self._read(outbox.notices, limit)
        return result

    def prune_raw_html(self, *, before: datetime) -> int:
        """Drop raw HTML of old snapshots nothing cites; return how many were pruned."""
        result: int = self._write(outbox.prune_raw_html, utc(before))
        return result
