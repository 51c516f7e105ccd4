"""Concurrent writers in separate processes never create duplicates (SQLite and PostgreSQL).

Several processes, released together by a barrier, record the same copy (snapshot,
analysis, findings, trace) and publish the same story signature; afterwards each
exists once. Each test runs on SQLite and on PostgreSQL (`database_url`).
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from scale_site import ORIGINAL_PARAS, article_html
from sqlalchemy import create_engine, text

from drift.analyse import analyse_copy
from drift.normalise import normalise
from storage import Store, open_store
from storage.engine import parse_url
from storage.traces import TraceRecord
from syndiwatch.shared_index import SharedIndex, publish_signatures

PROCESSES = 4
T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
ORIGINAL_URL = "https://news.example/2026/11/port-strike"
COPY_URL = "https://republisher.example/a/7"
ORIGINAL_HTML = article_html("Port strike", ORIGINAL_PARAS, byline="Jane Doe").encode()
COPY_HTML = article_html("Strike at the port", ORIGINAL_PARAS[:6], byline="Staff").encode()


def _record_copy(
    url: str, story_id: int, n: int, barrier: multiprocessing.synchronize.Barrier
) -> None:
    original = normalise(ORIGINAL_HTML, ORIGINAL_URL, {})
    copy = normalise(COPY_HTML, COPY_URL, {})
    analysis = analyse_copy(original, copy)
    with open_store(url) as store:
        barrier.wait(timeout=30)
        snap = store.record_fetch(COPY_URL, status=200, body=COPY_HTML, headers={},
                                  article=copy, fetched_at=T0)  # fmt: skip
        store.record_analysis(story_id, COPY_URL, snapshot_id=snap.id, analysis=analysis,
                              discovered_via="site", title=copy.title,
                              now=T0 + timedelta(seconds=n))  # fmt: skip
        store.record_traces([TraceRecord(url=COPY_URL, content_hash="h", outcome="copy",
                             copy_of=(story_id,), stories_upto=story_id, last_fetched=T0,
                             last_changed=T0, first_seen=T0)])  # fmt: skip
        publish_signatures(store, now=T0)


def _store_original(store: Store) -> None:
    article = normalise(ORIGINAL_HTML, ORIGINAL_URL, {})
    store.record_fetch(ORIGINAL_URL, status=200, body=ORIGINAL_HTML, headers={},
                       article=article, fetched_at=T0)  # fmt: skip


def _count(url: str, table: str) -> int:
    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def _all_at_once(url: str) -> None:
    with open_store(url) as store:
        story = store.add_story(ORIGINAL_URL, now=T0)
        _store_original(store)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    workers = [ctx.Process(target=_record_copy, args=(url, story.id, n, barrier))
               for n in range(PROCESSES)]  # fmt: skip
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES


def _assert_once(url: str) -> None:
    assert _count(url, "copies") == 1
    assert _count(url, "page_traces") == 1
    assert _count(url, "story_signatures") == 1
    with open_store(url) as store:
        (copy,) = store.copies_for_story(store.list_stories()[0].id)
        assert copy.findings  # the copy drops a credit and passages
        findings = [(f.finding.code, f.finding.message) for f in copy.findings]
        assert len(findings) == len(set(findings))
        assert _count(url, "findings") == len(findings)
        index = SharedIndex(store)
        assert index.refresh()
        assert index.versions == {copy.story_id: 1}  # four publishers, one version


@pytest.mark.slow
def test_processes_record_the_same_copy_once(database_url: str) -> None:
    _all_at_once(database_url)
    _assert_once(database_url)


def test_shared_index_follows_stories_added_elsewhere(database_url: str) -> None:
    with open_store(database_url) as writer, open_store(database_url) as reader:
        index = SharedIndex(reader)
        assert not index.refresh()
        story = writer.add_story(ORIGINAL_URL, now=T0)
        _store_original(writer)
        assert publish_signatures(writer, now=T0) == 1
        assert publish_signatures(writer, now=T0) == 0  # unchanged text: nothing to publish
        assert index.refresh()
        copy_text = "\n\n".join(ORIGINAL_PARAS[:6])
        assert [sid for sid, _ in index.query(copy_text)] == [story.id]
        assert index.query("an unrelated text about something else entirely, nothing shared") == []
        assert writer.remove_story(story.id)
        assert index.refresh()  # the signature went with its story
        assert index.query(copy_text) == []
