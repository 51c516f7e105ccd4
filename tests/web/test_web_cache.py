"""Page cache for readers not signed in: fresh after any commit, never for reviewers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from deskdata import NUMBER_SITE, T0, DeskData, sign_in
from starlette.testclient import TestClient

from storage import open_store
from syndiwatch.web.cache import PageCache


def test_a_commit_by_another_process_shows_at_once(client: TestClient, desk: DeskData) -> None:
    path = f"/copies/{desk.copy_ids[NUMBER_SITE]}"
    first = client.get(path).text
    assert client.get(path).text == first  # served again, unchanged
    assert "rv rv-dismissed" not in first
    with open_store(desk.url) as other:  # e.g. the daemon or another desk
        fid = other.get_copy(desk.copy_ids[NUMBER_SITE]).findings[0].id
        other.review_finding(fid, "dismissed", note="seen elsewhere", by="bo", now=T0)
    assert "rv rv-dismissed" in client.get(path).text


def test_signed_in_reviewers_get_their_own_forms(client: TestClient, desk: DeskData) -> None:
    path = f"/copies/{desk.copy_ids[NUMBER_SITE]}"
    assert "csrf_token" not in client.get(path).text
    sign_in(client)
    assert "csrf_token" in client.get(path).text


def test_store_reports_a_new_version_after_a_commit(desk: DeskData) -> None:
    with open_store(desk.url) as reader, open_store(desk.url) as writer:
        before = reader.data_version()
        assert before is not None
        if desk.url.startswith("sqlite"):  # PostgreSQL's moves with the whole server's writes
            assert reader.data_version() == before
        writer.add_story("https://news.example/another", now=T0)
        assert reader.data_version() != before


def test_version_is_read_from_any_thread(desk: DeskData) -> None:
    # The desk reads it from Starlette's thread pool; a probe tied to one
    # thread would fall back to None and silently switch the cache off.
    with open_store(desk.url) as store, ThreadPoolExecutor(4) as pool:
        versions = list(pool.map(lambda _: store.data_version(), range(8)))
    assert None not in versions
    if desk.url.startswith("sqlite"):
        # PostgreSQL's token is the server's WAL position: other databases' writes move it.
        assert len(set(versions)) == 1


def test_memory_database_is_never_cached() -> None:
    # About SQLite itself: an in-memory database has no data version to probe.
    with open_store("sqlite://") as store:
        assert store.data_version() is None


def test_page_cache_is_a_bounded_lru() -> None:
    cache = PageCache(max_entries=2)
    cache.put("a", "1", b"A")
    cache.put("b", "1", b"B")
    assert cache.get("a", "1") == b"A"
    cache.put("c", "1", b"C")  # evicts b, the least recently used
    assert cache.get("b", "1") is None
    assert cache.get("a", "2") is None  # another version is a miss
    assert cache.get("c", "1") == b"C"


def test_signed_in_story_table_is_fresh_after_a_commit(client: TestClient, desk: DeskData) -> None:
    sign_in(client, "Ana")
    path = f"/stories/s_{desk.story_id:02d}?review=confirmed"
    first = client.get(path).text
    assert "No copies match these filters." in first
    assert "Signed in as <strong>Ana</strong>" in first
    with open_store(desk.url) as other:
        other.set_copy_review(desk.copy_ids["metro"], "confirmed", note=None, by="bo", now=T0)
    again = client.get(path).text
    assert "<strong>1</strong> copy" in again
    assert "Signed in as <strong>Ana</strong>" in again  # the table is shared, the page is not
