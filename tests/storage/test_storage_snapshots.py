"""Pages and snapshots: idempotent fetch records, compression, failures, time zones."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from storage_samples import COPY, article

from storage import StorageError, Store
from storage.convert import MAX_URL_BYTES

BODY = b"<html><body><p>" + b"On May 24, AFP reported 2,800 files. " * 200 + b"</p></body></html>"


def _fetch(store: Store, at: datetime, body: bytes = BODY, status: int = 200):
    return store.record_fetch(
        COPY,
        status=status,
        body=body,
        headers={"Content-Type": "text/html; charset=utf-8"},
        article=article(),
        fetched_at=at,
        final_url=COPY + "?amp=1",
    )


def _count(store: Store, table: str) -> int:
    with store._engine.connect() as conn:  # white-box row count
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_same_body_twice_keeps_one_snapshot(store: Store, t0: datetime) -> None:
    first = _fetch(store, t0)
    again = _fetch(store, t0 + timedelta(hours=1))
    assert first.created is True
    assert again.created is False
    assert again.id == first.id
    assert again.fetched_at == t0 + timedelta(hours=1)
    assert again.first_fetched_at == t0
    assert _count(store, "snapshots") == 1
    assert store.get_page(COPY).last_fetched_at == t0 + timedelta(hours=1)


def test_changed_body_adds_a_snapshot_and_latest_follows(store: Store, t0: datetime) -> None:
    first = _fetch(store, t0)
    changed = _fetch(store, t0 + timedelta(hours=1), body=BODY + b"<!-- edited -->")
    assert changed.created is True
    assert changed.id != first.id
    assert store.latest_snapshot(COPY).id == changed.id
    # Back to the first body: the old row is reused (bodies are content-addressed).
    back = _fetch(store, t0 + timedelta(hours=2))
    assert back.created is True
    assert back.id == first.id
    assert store.latest_snapshot(COPY).id == first.id
    assert _count(store, "snapshots") == 2


def test_latest_snapshot_rebuilds_the_article(store: Store, t0: datetime) -> None:
    assert store.latest_snapshot(COPY) is None
    _fetch(store, t0)
    latest = store.latest_snapshot(COPY)
    assert latest is not None
    assert latest.article == article()
    assert latest.final_url == COPY + "?amp=1"
    assert latest.status == 200


def test_raw_html_is_compressed_and_round_trips(store: Store, t0: datetime) -> None:
    snap = _fetch(store, t0)
    assert store.get_raw_html(snap.id) == BODY
    with store._engine.connect() as conn:
        stored = conn.execute(text("SELECT raw_html FROM snapshots")).scalar_one()
    assert len(stored) < len(BODY) / 5
    assert zlib.decompress(stored) == BODY


def test_binary_body_round_trips(store: Store, t0: datetime) -> None:
    body = bytes(range(256)) * 4
    snap = _fetch(store, t0, body=body)
    assert store.get_raw_html(snap.id) == body


def test_failure_is_counted_and_keeps_data(store: Store, t0: datetime) -> None:
    snap = _fetch(store, t0)
    for n in range(1, 3):
        store.record_fetch_failure(
            COPY, error="connection refused", error_kind="dns", at=t0 + timedelta(minutes=n)
        )
    page = store.get_page(COPY)
    assert page.consecutive_failures == 2
    assert page.last_error == "connection refused"
    assert page.last_error_kind == "dns"
    assert page.last_error_at == t0 + timedelta(minutes=2)
    assert store.latest_snapshot(COPY).id == snap.id
    assert store.get_raw_html(snap.id) == BODY
    _fetch(store, t0 + timedelta(hours=1))
    page = store.get_page(COPY)
    assert page.consecutive_failures == 0
    assert page.last_error is None


def test_failure_on_a_never_fetched_page(store: Store, t0: datetime) -> None:
    store.record_fetch_failure("https://gone.example/x", error="404", error_kind=None, at=t0)
    page = store.get_page("https://gone.example/x")
    assert page.consecutive_failures == 1
    assert page.domain == "gone.example"
    assert store.latest_snapshot("https://gone.example/x") is None


def test_timestamps_come_back_aware_utc(store: Store) -> None:
    plus_two = timezone(timedelta(hours=2))
    at = datetime(2026, 11, 24, 14, 0, tzinfo=plus_two)
    snap = _fetch(store, at)
    assert snap.fetched_at.utcoffset() == timedelta(0)
    assert snap.fetched_at == at
    latest = store.latest_snapshot(COPY)
    assert latest.fetched_at.tzinfo is not None
    assert latest.fetched_at.utcoffset() == timedelta(0)
    assert latest.fetched_at.hour == 12


def test_naive_timestamps_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        _fetch(store, datetime(2026, 11, 24, 12, 0))
    assert store.get_page(COPY) is None


def test_unknown_snapshot_id(store: Store) -> None:
    with pytest.raises(LookupError):
        store.get_raw_html(12345)


def test_overlong_urls_are_refused_with_one_line(store: Store, t0: datetime) -> None:
    long_url = "https://r.example/" + "a" * 3000
    with pytest.raises(StorageError, match="URL cannot be stored") as caught:
        store.record_fetch(long_url, status=200, body=b"x", headers={}, article=None, fetched_at=t0)
    assert "\n" not in str(caught.value)
    with pytest.raises(StorageError):
        store.add_story(long_url, now=t0)
    with pytest.raises(StorageError):
        store.record_fetch_failure(long_url, error="x", error_kind=None, at=t0)
    assert store.list_stories() == []
    # The longest storable URL is stored on both backends.
    edge = "https://r.example/" + "b" * (MAX_URL_BYTES - 18)
    assert store.record_fetch(
        edge, status=200, body=b"x", headers={}, article=None, fetched_at=t0
    ).created
