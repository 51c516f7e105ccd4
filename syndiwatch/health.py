"""Source health: how a run went (ok, blocked, error), back-off and disabling, silent sources.

Pure rules over storage.operations.HealthRecord; the daemon stores the result.
A blocked fetch (HTTP 403/429, a bot-challenge page) is told apart from a plain
error because the cure differs: a blocked source needs a human, not a retry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from storage.operations import HealthRecord
from storage.records import SourceRecord
from syndiwatch.config import ScheduleConfig
from syndiwatch.scheduling import source_backoff

BLOCKED_STATUSES = frozenset({401, 403, 429})
_BLOCKED_TEXT = re.compile(r"\bHTTP (?:401|403|429)\b|too many requests|forbidden", re.I)
_TIMEOUT_TEXT = re.compile(r"timed out|did not finish within|no answer within")
# Markers of interstitial bot checks (Cloudflare, Akamai, DataDome, hCaptcha/reCAPTCHA pages).
_CHALLENGE = re.compile(
    rb"cf-chl-|challenge-platform|just a moment\.\.\.|attention required!|captcha-delivery|"
    rb"g-recaptcha|h-captcha|verify you are human|are you a robot|ddos protection by",
    re.I,
)
CHALLENGE_SCAN_BYTES = 64_000
# A missed run is a current problem for this long after it (the scheduler was overloaded
# or down then); older misses stay in the run history and in the `missed_runs` count.
RECENT_MISS = timedelta(hours=24)


def is_bot_challenge(status: int, headers: Mapping[str, str], body: bytes) -> bool:
    """True for a bot-check page (often served as 200 or 503 instead of the article)."""
    if status in BLOCKED_STATUSES:
        return True
    lowered = {k.lower(): v for k, v in headers.items()}
    if lowered.get("cf-mitigated", "").lower() == "challenge":
        return True
    return bool(_CHALLENGE.search(body[:CHALLENGE_SCAN_BYTES]))


def error_kind(error: str, fetch_kind: str | None = None) -> str:
    """`blocked`, `timeout` or `error` for an error line (and a FetchedPage error_kind)."""
    if fetch_kind == "blocked" or _BLOCKED_TEXT.search(error):
        return "blocked"
    if fetch_kind == "timeout" or _TIMEOUT_TEXT.search(error):
        return "timeout"
    return "error"


def after_success(health: HealthRecord, *, entries: int, now: datetime) -> HealthRecord:
    """Health after a run that worked; `entries` 0 counts towards a silent source."""
    return replace(
        health,
        consecutive_failures=0,
        empty_runs=health.empty_runs + 1 if entries == 0 else 0,
        total_runs=health.total_runs + 1,
        last_run_at=now,
        last_success_at=now,
        backoff_until=None,
        disabled_at=None,
    )


def after_failure(
    health: HealthRecord,
    source: SourceRecord,
    sched: ScheduleConfig,
    *,
    error: str,
    kind: str,
    now: datetime,
) -> HealthRecord:
    """Health after a failed run: counted, backed off, disabled past `disable_after`."""
    failed = replace(
        health,
        consecutive_failures=health.consecutive_failures + 1,
        total_runs=health.total_runs + 1,
        last_run_at=now,
        last_failure_at=now,
        last_error=error,
        last_error_kind=kind,
    )
    wait = source_backoff(failed, source, sched)
    failed = replace(failed, backoff_until=now + timedelta(seconds=wait) if wait else None)
    if failed.consecutive_failures >= sched.disable_after and health.disabled_at is None:
        failed = replace(failed, disabled_at=now)
    return failed


def is_silent(health: HealthRecord, sched: ScheduleConfig) -> bool:
    """A source whose recent successful runs all yielded nothing."""
    return health.empty_runs >= sched.silent_after


def problems(health: HealthRecord, sched: ScheduleConfig, *, now: datetime) -> list[str]:
    """What is wrong with a source at `now`, one short phrase each (empty when healthy)."""
    out: list[str] = []
    if health.disabled_at is not None:
        out.append(f"disabled after {health.consecutive_failures} failed runs")
    elif health.consecutive_failures:
        kind = health.last_error_kind or "error"
        out.append(f"{health.consecutive_failures} failed run(s) in a row ({kind})")
    if is_silent(health, sched):
        out.append(f"no entries in {health.empty_runs} runs")
    if missed_recently(health, now):
        last = health.last_missed_at.strftime("%Y-%m-%d %H:%M UTC") if health.last_missed_at else ""
        out.append(f"missed its schedule {health.missed_runs} time(s), the last at {last}")
    return out


def missed_recently(health: HealthRecord, now: datetime) -> bool:
    """True when the source's latest missed run is less than RECENT_MISS before `now`."""
    last = health.last_missed_at
    return bool(health.missed_runs) and last is not None and now - last < RECENT_MISS


def after_missed(health: HealthRecord, *, now: datetime) -> HealthRecord:
    """Health after the scheduler could not start a run in time."""
    return replace(health, missed_runs=health.missed_runs + 1, last_missed_at=now)
