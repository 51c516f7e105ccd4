"""When things are due: re-check intervals with back-off, source triggers, source back-off.

Pure functions over config and storage records, so the daemon, `run --once` and
`status` agree on one schedule. Time is always passed in; nothing here sleeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from storage.operations import CopyCheckRow, HealthRecord
from storage.records import SourceRecord, StoryRecord
from syndiwatch.config import ScheduleConfig, parse_duration

# A source's back-off after failures doubles per consecutive failure, capped here.
MAX_SOURCE_BACKOFF_S = 24 * 3600.0


def copy_interval(row: CopyCheckRow, now: datetime, sched: ScheduleConfig) -> float:
    """Seconds between re-checks of a copy: doubled per `backoff_after` it stayed unchanged."""
    if row.status == "removed":
        return sched.recheck_max
    since = row.unchanged_since or row.last_checked
    steps = max(0, int((now - since).total_seconds() // sched.backoff_after))
    return float(min(sched.recheck_every * 2 ** min(steps, 16), max(sched.recheck_max, 1.0)))


def copy_due(row: CopyCheckRow, now: datetime, sched: ScheduleConfig) -> bool:
    last = max(t for t in (row.last_checked, row.last_error_at) if t is not None)
    return last + timedelta(seconds=copy_interval(row, now, sched)) <= now


def original_interval(story: StoryRecord, now: datetime, sched: ScheduleConfig) -> float:
    """Every `original_every` during the story's first `original_fast_for`, then slower."""
    young = (now - story.created_at).total_seconds() < sched.original_fast_for
    return sched.original_every if young else sched.original_every_later


def original_due(
    story: StoryRecord, last_error_at: datetime | None, now: datetime, sched: ScheduleConfig
) -> bool:
    seen = [t for t in (story.last_checked, last_error_at) if t is not None]
    if not seen:
        return True
    return max(seen) + timedelta(seconds=original_interval(story, now, sched)) <= now


def source_interval(source: SourceRecord, sched: ScheduleConfig) -> float | None:
    """A source's interval in seconds, or None when it runs on a cron expression."""
    if source.cron:
        return None
    return parse_duration(source.every) if source.every else sched.source_every


def source_trigger(source: SourceRecord, sched: ScheduleConfig) -> Any:
    """The APScheduler trigger of a source: its cron or interval, with jitter.

    Jitter is at most a tenth of the interval, so a 1-second test schedule stays one.
    """
    interval = source_interval(source, sched)
    if interval is None:
        assert source.cron is not None
        minute, hour, day, month, weekday = _crontab_fields(source.cron)
        return CronTrigger(
            minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
            timezone="UTC", jitter=int(sched.jitter) or None,
        )  # fmt: skip
    jitter = min(sched.jitter, interval / 10)
    return IntervalTrigger(seconds=interval, jitter=jitter or None, timezone="UTC")


def _crontab_fields(expr: str) -> list[str]:
    """The five fields of a crontab expression (CronTrigger.from_crontab takes no jitter)."""
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"not a crontab expression (5 fields): {expr!r}")
    return fields


def source_backoff(health: HealthRecord, source: SourceRecord, sched: ScheduleConfig) -> float:
    """Seconds to wait after the latest failure: the interval doubled per failure, capped."""
    if health.consecutive_failures <= 1:
        return 0.0
    base = source_interval(source, sched) or sched.source_every
    return float(min(base * 2 ** min(health.consecutive_failures - 1, 16), MAX_SOURCE_BACKOFF_S))


def schedule_signature(source: SourceRecord, sched: ScheduleConfig) -> str:
    """What a source's job depends on: a changed signature means reschedule."""
    return f"{source.kind}|{source.url}|{source.every}|{source.cron}|{sched.source_every}"
