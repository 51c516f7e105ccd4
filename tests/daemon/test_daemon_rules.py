"""Pure rules of the daemon: what is due, source back-off and health, blocked fetches, config."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from storage.operations import CopyCheckRow, HealthRecord
from storage.records import SourceRecord, StoryRecord
from syndiwatch import health
from syndiwatch.config import ConfigError, ScheduleConfig, load_config
from syndiwatch.scheduling import (
    copy_due,
    copy_interval,
    original_due,
    source_backoff,
    source_trigger,
)

SCHED = ScheduleConfig()
H = 3600.0
DAY = 86400.0


def row(
    t0: datetime, *, checked_ago: float, unchanged_for: float, status: str = "live"
) -> CopyCheckRow:
    now = t0
    return CopyCheckRow(1, 1, "https://c.example/a", status, now - timedelta(seconds=checked_ago),
                        now - timedelta(seconds=unchanged_for), None, 7)  # fmt: skip


def source(every: str | None = "15m", cron: str | None = None) -> SourceRecord:
    return SourceRecord(1, "feed", "https://f.example/rss", every, cron, None, True,
                        datetime(2026, 1, 1).astimezone())  # fmt: skip


@pytest.mark.parametrize(
    ("unchanged_days", "interval_h"),
    [(0, 6), (6.9, 6), (7, 12), (14, 24), (21, 48), (60, 96)],
)
def test_copy_interval_backs_off_while_unchanged(
    t0: datetime, unchanged_days: float, interval_h: float
) -> None:
    r = row(t0, checked_ago=0, unchanged_for=unchanged_days * DAY)
    assert copy_interval(r, t0, SCHED) == interval_h * H


def test_copy_due_and_removed_copies_wait_longest(t0: datetime) -> None:
    assert copy_due(row(t0, checked_ago=6 * H, unchanged_for=DAY), t0, SCHED)
    assert not copy_due(row(t0, checked_ago=5 * H, unchanged_for=DAY), t0, SCHED)
    gone = row(t0, checked_ago=2 * DAY, unchanged_for=0, status="removed")
    assert copy_interval(gone, t0, SCHED) == SCHED.recheck_max
    assert not copy_due(gone, t0, SCHED)


def test_originals_hourly_for_a_day_then_daily(t0: datetime) -> None:
    young = StoryRecord(1, "https://o.example/a", None, t0 - timedelta(hours=5),
                        last_checked=t0 - timedelta(minutes=61))  # fmt: skip
    assert original_due(young, None, t0, SCHED)
    old = replace(young, created_at=t0 - timedelta(days=3))
    assert not original_due(old, None, t0, SCHED)
    assert original_due(replace(old, last_checked=t0 - timedelta(hours=25)), None, t0, SCHED)
    never = replace(old, last_checked=None)
    assert original_due(never, None, t0, SCHED)
    assert not original_due(never, t0 - timedelta(minutes=5), t0, SCHED)  # just failed


def test_source_triggers_with_capped_jitter() -> None:
    trigger = source_trigger(source("15m"), SCHED)
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval == timedelta(minutes=15)
    assert trigger.jitter == 60
    fast = source_trigger(source("1s"), SCHED)
    assert fast.jitter == pytest.approx(0.1)
    assert isinstance(source_trigger(source(None, "*/5 * * * *"), SCHED), CronTrigger)
    default = source_trigger(source(None), SCHED)
    assert default.interval == timedelta(seconds=SCHED.source_every)


def test_source_backs_off_then_is_disabled(t0: datetime) -> None:
    src, h = source("15m"), HealthRecord(1)
    waits = []
    for n in range(SCHED.disable_after):
        h = health.after_failure(h, src, SCHED, error="HTTP 500", kind="error", now=t0)
        waits.append(source_backoff(h, src, SCHED))
        assert (h.disabled_at is not None) is (n + 1 >= SCHED.disable_after)
    assert waits[:3] == [0.0, 1800.0, 3600.0]
    assert max(waits) == 24 * H
    assert "disabled after 10 failed runs" in health.problems(h, SCHED, now=t0)[0]
    well = health.after_success(h, entries=3, now=t0)
    assert (well.consecutive_failures, well.disabled_at, well.backoff_until) == (0, None, None)


def test_silent_source_is_reported(t0: datetime) -> None:
    h = HealthRecord(1)
    for _ in range(SCHED.silent_after):
        h = health.after_success(h, entries=0, now=t0)
    assert health.is_silent(h, SCHED)
    assert health.problems(h, SCHED, now=t0) == [f"no entries in {SCHED.silent_after} runs"]
    assert not health.is_silent(health.after_success(h, entries=1, now=t0), SCHED)


def test_a_missed_run_is_a_problem_for_a_day_then_history(t0: datetime) -> None:
    h = health.after_missed(
        health.after_missed(HealthRecord(1), now=t0), now=t0 + timedelta(hours=1)
    )
    assert (h.missed_runs, h.last_missed_at) == (2, t0 + timedelta(hours=1))
    [problem] = health.problems(h, SCHED, now=t0 + timedelta(hours=2))
    assert problem.startswith("missed its schedule 2 time(s), the last at ")
    later = health.after_success(h, entries=1, now=t0 + timedelta(hours=3))
    assert health.problems(later, SCHED, now=t0 + timedelta(hours=24, minutes=59)) != []
    assert health.problems(later, SCHED, now=t0 + timedelta(hours=25)) == []
    assert later.missed_runs == 2  # the count stays, as history
    # A count from before the time was recorded is history, not a current problem.
    assert health.problems(HealthRecord(1, missed_runs=3), SCHED, now=t0) == []


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("feed https://f.example/rss: HTTP 403 Forbidden", "blocked"),
        ("HTTP 429 Too Many Requests", "blocked"),
        ("crawl did not finish within 10 s; the crawl process was killed", "timeout"),
        ("timed out after 30 s", "timeout"),
        ("no answer within 95 s", "timeout"),  # the host of a page never answered
        ("HTTP 500 Internal Server Error", "error"),
        ("DNS lookup failed for nowhere.example", "error"),
    ],
)
def test_blocked_fetches_are_told_apart(error: str, kind: str) -> None:
    assert health.error_kind(error) == kind


@pytest.mark.parametrize(
    ("status", "headers", "body", "blocked"),
    [
        (403, {}, b"<html>Forbidden</html>", True),
        (503, {}, b"<title>Just a moment...</title><div id='cf-chl-widget'>", True),
        (200, {"cf-mitigated": "challenge"}, b"<html></html>", True),
        (200, {}, b"<p>Please verify you are human</p>", True),
        (200, {}, b"<article><p>The port strike entered its third day.</p></article>", False),
    ],
)
def test_bot_challenge_pages(
    status: int, headers: dict[str, str], body: bytes, blocked: bool
) -> None:
    assert health.is_bot_challenge(status, headers, body) is blocked


def test_schedule_config_table(tmp_path: Path) -> None:
    path = tmp_path / "syndiwatch.toml"
    path.write_text('[schedule]\nrecheck_every = "2h"\njitter = 0\nfail_after = 5\n'
                    '[retention]\nraw_html_days = 30\n')  # fmt: skip
    config = load_config(path)
    assert config.schedule.recheck_every == 2 * H
    assert config.schedule.jitter == 0.0
    assert config.schedule.fail_after == 5
    assert config.retention.raw_html_days == 30
    path.write_text('[schedule]\nrecheck_evry = "2h"\n')
    with pytest.raises(ConfigError, match="no key 'recheck_evry'"):
        load_config(path)
    path.write_text('[schedule]\nsweep_every = "soon"\n')
    with pytest.raises(ConfigError, match="sweep_every"):
        load_config(path)
