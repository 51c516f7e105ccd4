"""Notifications through apprise (`[notify] urls`): one message per copy's new high findings,
and operator alerts about sources (disabled, silent).

Findings are grouped into notices by storage (an outbox, so none is told twice);
this module delivers them target by target. A failing target never blocks the
others; it is retried later with growing delays, and nothing here raises.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import apprise

from storage import Store
from storage.outbox import NoticeRecord
from syndiwatch.config import Config

log = logging.getLogger(__name__)

NOTIFY_SEVERITIES = ("high",)
# Delays before the 2nd, 3rd … attempt of a notice; after the last one it is given up.
RETRY_DELAYS_S = (60, 300, 1800, 7200, 21600, 86400)


@dataclass(frozen=True, slots=True)
class NotifyResult:
    queued: int = 0
    sent: int = 0
    failed: int = 0


def notify_new_findings(store: Store, config: Config, *, now: datetime) -> NotifyResult:
    """Queue a notice per copy with new high-severity findings, then deliver what is due."""
    urls = config.notify.urls
    if not urls:
        return NotifyResult()
    try:
        names = {s.id: s.name or s.url for s in store.list_stories()}
        queued = store.queue_notices(NOTIFY_SEVERITIES, now=now, story_names=names)
        return NotifyResult(len(queued), *deliver_due(store, urls, now=now))
    except Exception:  # never let notifying stop the daemon; the outbox keeps what is owed
        log.exception("notifying failed; pending notices are retried later")
        return NotifyResult()


def send_alert(
    store: Store, config: Config, *, code: str, title: str, body: str, now: datetime
) -> NotifyResult:
    """Queue an operator alert (`code` such as `source.disabled`) and deliver what is due.

    The alert goes through the outbox like a findings notice: a target that is down
    gets it on a later attempt (RETRY_DELAYS_S), from this process or any other sender.
    """
    if not config.notify.urls:
        return NotifyResult()
    try:
        store.queue_alert(title=f"syndiwatch: {title}", body=body, codes=(code,), now=now)
        return NotifyResult(1, *deliver_due(store, config.notify.urls, now=now))
    except Exception:  # never let notifying stop the daemon; the outbox keeps what is owed
        log.exception("alerting failed; pending notices are retried later")
        return NotifyResult()


def deliver_due(store: Store, urls: Sequence[str], *, now: datetime) -> tuple[int, int]:
    """Send every notice due now (claimed, so no other sender repeats it): (sent, failed)."""
    sent = failed = 0
    for notice in store.claim_notices(now=now):
        ok = deliver_notice(store, urls, notice, now=now)
        sent, failed = sent + ok, failed + (not ok)
    return sent, failed


def deliver_notice(
    store: Store, urls: Sequence[str], notice: NoticeRecord, *, now: datetime
) -> bool:
    """Send one notice to every target not yet reached; record the attempt; True when all got it."""
    delivered: list[int] = []
    errors: list[str] = []
    for index, url in enumerate(urls):
        if index in notice.delivered:
            continue
        error = send(url, notice.title, notice.body)
        if error is None:
            delivered.append(index)
        else:
            errors.append(error)
    error = "; ".join(errors) or None
    retry = _next_attempt(notice.attempts, now) if error else None
    if error:
        log.warning(
            "notice %d not delivered (attempt %d): %s", notice.id, notice.attempts + 1, error
        )
    store.record_notice_attempt(
        notice.id, delivered=delivered, error=error, next_attempt_at=retry, now=now
    )
    return error is None


def send(url: str, title: str, body: str) -> str | None:
    """Send one message to one apprise URL; return None on success, else why not (one line)."""
    plugin: Any = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return f"not a usable apprise URL: {_scheme(url)}://…"
    shown = plugin.url(privacy=True)
    try:
        ok = bool(plugin.notify(body=body, title=title))
    except Exception as exc:  # a plugin bug must not reach the daemon; say which target
        return f"{shown}: {type(exc).__name__}: {exc}"
    return None if ok else f"{shown}: delivery failed"


def _scheme(url: str) -> str:
    return url.split("://", 1)[0] if "://" in url else "?"


def _next_attempt(attempts_so_far: int, now: datetime) -> datetime | None:
    if attempts_so_far >= len(RETRY_DELAYS_S):
        return None
    return now + timedelta(seconds=RETRY_DELAYS_S[attempts_so_far])
