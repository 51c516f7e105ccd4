"""Concurrent writers: the same copy checked at once is stored once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from storage_samples import COPY, ORIGINAL, analysis, article, credit_placeholder, number_changed

from storage import Store, open_store

WORKERS = 4


def _count(store: Store, table: str) -> int:
    with store._engine.connect() as conn:  # white-box row count
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _all_at_once(db_url: str, work: Callable[[Store, int], Any]) -> list[Any]:
    """Run `work(store, n)` in WORKERS threads, each with its own Store, released together."""
    stores = [open_store(db_url) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)

    def run(n: int) -> Any:
        barrier.wait()
        return work(stores[n], n)

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            return list(pool.map(run, range(WORKERS)))
    finally:
        for s in stores:
            s.close()


def test_same_copy_recorded_at_once_is_one_copy(store: Store, db_url: str, t0) -> None:
    story_id = store.add_story(ORIGINAL, now=t0).id

    def check(worker: Store, n: int):
        snap = worker.record_fetch(
            COPY, status=200, body=b"<p>same</p>", headers={}, article=article(), fetched_at=t0
        )
        return worker.record_analysis(
            story_id,
            COPY,
            snapshot_id=snap.id,
            analysis=analysis(number_changed(), credit_placeholder()),
            discovered_via="feed",
            title="Leak",
            now=t0 + timedelta(seconds=n),
        )

    results = _all_at_once(db_url, check)
    assert len({r.id for r in results}) == 1
    assert (_count(store, "pages"), _count(store, "snapshots")) == (1, 1)
    assert (_count(store, "copies"), _count(store, "findings")) == (1, 2)
    copy = store.copies_for_story(story_id)[0]
    assert copy.first_seen in {t0 + timedelta(seconds=n) for n in range(WORKERS)}
    assert len(copy.findings) == 2


def test_one_store_shared_by_threads(store: Store, t0) -> None:
    story_id = store.add_story(ORIGINAL, now=t0).id

    def check(n: int) -> int:
        url = f"{COPY}/{n % 2}"
        snap = store.record_fetch(
            url, status=200, body=b"<p>x</p>", headers={}, article=None, fetched_at=t0
        )
        copy = store.record_analysis(
            story_id,
            url,
            snapshot_id=snap.id,
            analysis=analysis(number_changed()),
            discovered_via="site",
            title="t",
            now=t0,
        )
        return copy.id

    with ThreadPoolExecutor(WORKERS) as pool:
        ids = list(pool.map(check, range(WORKERS * 4)))
    assert len(set(ids)) == 2
    assert (_count(store, "copies"), _count(store, "findings")) == (2, 2)


def test_same_story_and_source_added_at_once(store: Store, db_url: str, t0) -> None:
    def add(worker: Store, n: int) -> tuple[int, int]:
        story = worker.add_story(ORIGINAL, now=t0)
        source = worker.add_source("feed", "https://r.example/rss", every="15m", now=t0)
        return story.id, source.id

    results = _all_at_once(db_url, add)
    assert len(set(results)) == 1
    assert (_count(store, "stories"), _count(store, "sources")) == (1, 1)


def test_failures_counted_at_once_are_all_counted(store: Store, db_url: str, t0) -> None:
    def fail(worker: Store, n: int) -> None:
        for i in range(5):
            worker.record_fetch_failure(
                COPY, error=f"e{n}.{i}", error_kind="timeout", at=t0 + timedelta(seconds=i)
            )

    _all_at_once(db_url, fail)
    assert store.get_page(COPY).consecutive_failures == WORKERS * 5
