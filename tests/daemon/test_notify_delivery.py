"""Notifications through real apprise json:// targets on loopback: grouped, never repeated,
a failing target neither blocks the others nor gets a message twice once it recovers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from daemon_helpers import HookServer

from drift.codes import make_finding
from drift.model import Article, CopyAnalysis, Match
from storage import Store, open_store
from syndiwatch.config import Config, NotifyConfig
from syndiwatch.notify import notify_new_findings, send_alert

ORIGINAL = "https://news.example/strike"
COPY = "https://copy.example/strike"


@pytest.fixture
def hooks() -> Iterator[tuple[HookServer, HookServer]]:
    a, b = HookServer(), HookServer()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def store(database_url: str, t0: datetime) -> Iterator[Store]:
    with open_store(database_url) as s:
        story = s.add_story(ORIGINAL, name="Strike", now=t0)
        snap = s.record_fetch(COPY, status=200, body=b"x", headers={}, article=Article(COPY),
                              fetched_at=t0)  # fmt: skip
        findings = (
            make_finding("content.number_changed", original="2,800", copy="28,000"),
            make_finding("attribution.credit_placeholder", original="Source: AFP", copy="Source:"),
            make_finding("content.truncated"),
        )
        analysis = CopyAnalysis(Match("full", 0.9, 0.9, 0.1), findings, 70, "high")
        s.record_analysis(story.id, COPY, snapshot_id=snap.id, analysis=analysis,
                          discovered_via="feed", title="T", now=t0)  # fmt: skip
        yield s


def test_one_message_per_copy_to_every_target(
    store: Store, hooks: tuple[HookServer, HookServer], t0: datetime
) -> None:
    config = Config(notify=NotifyConfig(urls=(hooks[0].url, hooks[1].url)))
    result = notify_new_findings(store, config, now=t0)
    assert (result.queued, result.sent, result.failed) == (1, 1, 0)
    for hook in hooks:
        [post] = hook.posts
        assert f"Copy: {COPY}" in post["message"]
        assert "content.number_changed" in post["message"]
        assert "attribution.credit_placeholder" in post["message"]
        assert "content.truncated" not in post["message"]  # medium: not notified
    notify_new_findings(store, config, now=t0 + timedelta(hours=1))
    assert [len(h.posts) for h in hooks] == [1, 1]


def test_failing_target_is_retried_without_repeating_the_others(
    store: Store, hooks: tuple[HookServer, HookServer], t0: datetime
) -> None:
    broken, working = hooks
    broken.failing = True
    config = Config(notify=NotifyConfig(urls=(broken.url, working.url, "nonsense://")))
    result = notify_new_findings(store, config, now=t0)
    assert (result.sent, result.failed) == (0, 1)
    assert len(working.posts) == 1
    [notice] = store.list_notices()
    assert notice.status == "pending"
    assert notice.delivered == (1,)
    assert "not a usable apprise URL" in (notice.last_error or "")
    notify_new_findings(store, config, now=t0 + timedelta(seconds=10))  # retry not due yet
    broken.failing = False
    config = Config(notify=NotifyConfig(urls=(broken.url, working.url)))
    result = notify_new_findings(store, config, now=t0 + timedelta(minutes=2))
    assert result.sent == 1
    assert (len(broken.posts), len(working.posts)) == (1, 1)
    assert store.list_notices()[0].status == "sent"


def test_alert_raised_while_the_target_is_down_is_sent_when_it_is_back(
    store: Store, hooks: tuple[HookServer, HookServer], t0: datetime
) -> None:
    hook = hooks[0]
    hook.failing = True
    config = Config(notify=NotifyConfig(urls=(hook.url,)))
    result = send_alert(store, config, code="source.disabled", title="source 7 disabled",
                        body="https://feeds.example/rss failed 5 times", now=t0)  # fmt: skip
    assert (result.queued, result.sent, result.failed) == (1, 0, 1)
    alert = next(n for n in store.list_notices() if n.codes == ("source.disabled",))
    assert (alert.copy_id, alert.status, alert.attempts) == (None, "pending", 1)
    hook.failing = False
    notify_new_findings(store, config, now=t0 + timedelta(seconds=10))  # its retry is not due
    assert [p["title"] for p in hook.posts if "disabled" in p["title"]] == []
    notify_new_findings(store, config, now=t0 + timedelta(minutes=2))  # any sender delivers it
    [post] = [p for p in hook.posts if "disabled" in p["title"]]
    assert post["title"] == "syndiwatch: source 7 disabled"
    assert "failed 5 times" in post["message"]
    alert = next(n for n in store.list_notices() if n.codes == ("source.disabled",))
    assert alert.status == "sent"
    notify_new_findings(store, config, now=t0 + timedelta(hours=3))
    assert len([p for p in hook.posts if "disabled" in p["title"]]) == 1


def test_no_targets_queue_nothing(store: Store, t0: datetime) -> None:
    assert notify_new_findings(store, Config(), now=t0).queued == 0
    alert = send_alert(store, Config(), code="source.silent", title="t", body="b", now=t0)
    assert alert.queued == 0
    assert store.list_notices() == []


def test_two_senders_at_once_send_each_notice_once(
    store: Store, hooks: tuple[HookServer, HookServer], t0: datetime
) -> None:
    import threading

    config = Config(notify=NotifyConfig(urls=(hooks[0].url,)))
    store.queue_notices(("high",), now=t0, story_names={})
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        notify_new_findings(store, config, now=t0)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(hooks[0].posts) == 1
    assert store.list_notices()[0].attempts == 1
