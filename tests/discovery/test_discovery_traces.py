"""Page traces in storage (revision 0003) on SQLite and PostgreSQL: batch upserts, prefix reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from storage import Store, open_store
from storage.traces import TraceRecord

T0 = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An empty store on SQLite and on PostgreSQL (`database_kind`, tests/conftest.py)."""
    with open_store(database_url) as s:
        yield s


def trace(url: str, digest: str = "h1", at: datetime = T0, **kw: object) -> TraceRecord:
    return TraceRecord(url=url, content_hash=digest, outcome=str(kw.get("outcome", "not_copy")),
                       copy_of=tuple(kw.get("copy_of", ())), stories_upto=int(kw.get("upto", 1)),
                       last_fetched=at, first_seen=at)  # type: ignore[arg-type]  # fmt: skip


def test_batch_upsert_keeps_first_seen_and_updates_the_rest(store: Store) -> None:
    urls = [f"http://a.example/p{i}" for i in range(450)]  # more than one statement's rows
    assert store.record_traces([trace(u) for u in urls]) == 450
    later = T0 + timedelta(days=1)
    store.record_traces([trace(urls[0], "h2", later, outcome="copy", copy_of=(3, 1), upto=4)])
    got = store.get_traces([urls[0], urls[1], "http://a.example/none"])
    assert set(got) == {urls[0], urls[1]}
    first = got[urls[0]]
    assert (first.content_hash, first.outcome, first.copy_of, first.stories_upto) == (
        "h2", "copy", (1, 3), 4)  # fmt: skip
    assert first.first_seen == T0
    assert first.last_fetched == later


def test_traces_under_reads_one_site_only_and_escapes_like_wildcards(store: Store) -> None:
    store.record_traces([trace("http://a_b.example/x"), trace("http://axb.example/y"),
                         trace("http://a_b.example/%/z")])  # fmt: skip
    assert set(store.traces_under("http://a_b.example/")) == {
        "http://a_b.example/x", "http://a_b.example/%/z"}  # fmt: skip


def test_the_last_trace_of_a_url_in_one_batch_wins(store: Store) -> None:
    url = "http://a.example/twice"
    store.record_traces([trace(url, "old"), trace(url, "new")])
    assert store.get_traces([url])[url].content_hash == "new"
