"""Queue-mode rounds: workers' counts add up under concurrency, a round settles once,
the run history shows the counts; partial source-state merges; the recorded leader."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

from storage import Store, open_store
from storage.catalog import MERGED_MAX_KEYS
from storage.operations import HealthRecord
from storage.rounds import RoundTally

WRITERS = 4
TALLIES_EACH = 25


def _source_and_run(store: Store, t0) -> tuple[int, int]:
    source = store.add_source("site", "https://republisher.example/", now=t0)
    run_id = store.start_run(f"source:{source.id}", now=t0)
    store.finish_run(run_id, stats={"source_id": source.id, "enqueued": 1}, error=None, now=t0)
    return source.id, run_id


def test_concurrent_tallies_lose_no_count(store: Store, db_url: str, t0) -> None:
    source_id, run_id = _source_and_run(store, t0)
    stores = [open_store(db_url) for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)

    def report(n: int) -> None:
        barrier.wait()
        for i in range(TALLIES_EACH):
            tally = RoundTally(run_id, source_id, {"pages": 2, "copies": i % 2, "errors": 1},
                               last_error=f"site https://r.example/{n}/{i}: HTTP 500")  # fmt: skip
            stores[n].add_round_tallies([tally], now=t0)

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(report, range(WRITERS)))
    finally:
        for s in stores:
            s.close()
    (run,) = store.runs_of_kind(f"source:{source_id}")
    assert run.stats["pages"] == 2 * WRITERS * TALLIES_EACH
    assert run.stats["copies"] == WRITERS * (TALLIES_EACH // 2)
    assert run.stats["errors"] == WRITERS * TALLIES_EACH
    assert run.stats["enqueued"] == 1  # the daemon's own stats stay
    assert run.stats["round"]["last_error"].endswith("HTTP 500")
    assert store.list_runs(1)[0].stats == run.stats
    assert store.last_runs_by_kind()[f"source:{source_id}"].stats == run.stats


def test_tallies_of_unknown_runs_are_skipped(store: Store, t0) -> None:
    assert store.add_round_tallies([RoundTally(999, 1, {"pages": 1})], now=t0) == 0


def test_a_round_settles_once(store: Store, t0) -> None:
    source_id, run_id = _source_and_run(store, t0)

    def failed(before: HealthRecord) -> tuple[HealthRecord, bool | None]:
        after = replace(before, consecutive_failures=before.consecutive_failures + 1,
                        total_runs=before.total_runs + 1, last_error="HTTP 500")  # fmt: skip
        return after, None

    first = store.settle_source_health(
        source_id, failed, round_id=run_id, error="site https://r.example/: HTTP 500", now=t0
    )
    again = store.settle_source_health(
        source_id, failed, round_id=run_id, error="site https://r.example/: HTTP 500", now=t0
    )
    assert first is not None
    assert again is None  # a redelivered start message does not count twice
    assert store.source_health(source_id).consecutive_failures == 1
    (run,) = store.runs_of_kind(f"source:{source_id}")
    assert run.error == "site https://r.example/: HTTP 500"
    assert run.stats["round"]["outcome"] == "failed"
    # Without a round (one machine) every call counts.
    store.settle_source_health(source_id, failed, now=t0)
    assert store.source_health(source_id).consecutive_failures == 2


def test_concurrent_rounds_of_one_source_all_count(store: Store, db_url: str, t0) -> None:
    source_id, first = _source_and_run(store, t0)
    runs = [first] + [_source_and_run(store, t0)[1] for _ in range(WRITERS - 1)]
    stores = [open_store(db_url) for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)

    def settle(n: int) -> None:
        barrier.wait()
        stores[n].settle_source_health(
            source_id, lambda h: (replace(h, total_runs=h.total_runs + 1), None),
            round_id=runs[n], now=t0,
        )  # fmt: skip

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(settle, range(WRITERS)))
    finally:
        for s in stores:
            s.close()
    assert store.source_health(source_id).total_runs == WRITERS


def test_settling_can_disable_the_source(store: Store, t0) -> None:
    source_id, run_id = _source_and_run(store, t0)
    disabled = store.settle_source_health(
        source_id, lambda h: (replace(h, disabled_at=t0), False), round_id=run_id, now=t0
    )
    assert disabled is not None
    assert not next(s for s in store.list_sources() if s.id == source_id).enabled


def test_merged_state_keeps_both_writers_keys(store: Store, t0) -> None:
    source = store.add_source("sitemap", "https://r.example/sitemap.xml", now=t0)
    store.set_source_state(source.id, {"validators": {"a": {"etag": "1"}}, "other": 1})
    assert store.merge_source_state(source.id, merge={"validators": {"b": {"etag": "2"}}})
    assert store.merge_source_state(source.id, merge={"validators": {"a": {"etag": "3"}}},
                                    replace={"other": 2})  # fmt: skip
    state = store.get_source(source.id).state  # type: ignore[union-attr]
    assert state == {"validators": {"a": {"etag": "3"}, "b": {"etag": "2"}}, "other": 2}
    assert not store.merge_source_state(source.id + 1, replace={"x": 1})


def test_a_merged_mapping_keeps_only_the_newest_keys(store: Store, t0) -> None:
    # Sitemap validators of a site that renames its files every day must not pile up.
    source = store.add_source("sitemap", "https://r.example/sitemap.xml", now=t0)
    old = {f"https://r.example/old-{i}.xml": {"etag": str(i)} for i in range(MERGED_MAX_KEYS)}
    assert store.merge_source_state(source.id, merge={"validators": old})
    new = {f"https://r.example/new-{i}.xml": {"etag": str(i)} for i in range(10)}
    assert store.merge_source_state(source.id, merge={"validators": new})
    again = {"https://r.example/old-0.xml": {"etag": "again"}}  # rewritten: kept as newest
    assert store.merge_source_state(source.id, merge={"validators": again})
    validators = store.get_source(source.id).state["validators"]  # type: ignore[union-attr]
    assert len(validators) == MERGED_MAX_KEYS
    assert set(new) | set(again) <= set(validators)
    assert "https://r.example/old-1.xml" not in validators  # the oldest went first
    assert f"https://r.example/old-{MERGED_MAX_KEYS - 1}.xml" in validators


def test_the_leader_is_recorded(store: Store, t0) -> None:
    assert store.last_leader() is None
    store.record_leader(holder="a-1", host="a", pid=1, since=t0)
    store.record_leader(holder="b-2", host="b", pid=2, since=t0 + timedelta(seconds=5))
    leader = store.last_leader()
    assert leader is not None
    assert (leader.holder, leader.host, leader.pid) == ("b-2", "b", 2)
    assert leader.since == t0 + timedelta(seconds=5)
