"""Stories, runs and sources: upserts, cascades and listings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from storage_samples import COPY, ORIGINAL, analysis, article, number_changed

from storage import Store


def _count(store: Store, table: str) -> int:
    with store._engine.connect() as conn:  # white-box row count
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_add_story_is_an_upsert_by_url(store: Store, t0: datetime) -> None:
    first = store.add_story(ORIGINAL, now=t0)
    assert (first.name, first.created_at, first.public_id) == (None, t0, "s_01")
    renamed = store.add_story(ORIGINAL, name="Leak story", now=t0 + timedelta(1))
    assert (renamed.id, renamed.name, renamed.created_at) == (first.id, "Leak story", t0)
    unnamed = store.add_story(ORIGINAL)
    assert unnamed.name == "Leak story"
    assert [s.id for s in store.list_stories()] == [first.id]


def test_get_and_find_story(store: Store, t0: datetime) -> None:
    story = store.add_story(ORIGINAL, now=t0)
    assert store.get_story(story.id) == story
    assert store.find_story(ORIGINAL) == story
    assert store.get_story(story.id + 1) is None
    assert store.find_story("https://news.example/none") is None


def test_story_article_comes_from_latest_snapshot(store: Store, t0: datetime) -> None:
    story = store.add_story(ORIGINAL, now=t0)
    assert (story.article, story.last_checked) == (None, None)
    for n, title in enumerate(["First", "Corrected"]):
        store.record_fetch(
            ORIGINAL,
            status=200,
            body=title.encode(),
            headers={},
            article=article(ORIGINAL, title=title),
            fetched_at=t0 + timedelta(hours=n),
        )
    loaded = store.get_story(story.id)
    assert loaded.article.title == "Corrected"
    assert loaded.last_checked == t0 + timedelta(hours=1)


def test_remove_story_cascades_to_copies_not_pages(store: Store, t0: datetime) -> None:
    story = store.add_story(ORIGINAL, now=t0)
    keep = store.add_story("https://news.example/keep", now=t0)
    snap = store.record_fetch(COPY, status=200, body=b"x", headers={}, article=None, fetched_at=t0)
    for sid in (story.id, keep.id):
        store.record_analysis(
            sid,
            COPY,
            snapshot_id=snap.id,
            analysis=analysis(number_changed()),
            discovered_via="url",
            title="t",
            now=t0,
        )
    store.add_source("feed", "https://republisher.example/rss", story_id=story.id, now=t0)
    assert store.remove_story(story.id) is True
    assert store.remove_story(story.id) is False
    assert store.get_story(story.id) is None
    assert store.copies_for_story(story.id) == []
    assert len(store.copies_for_story(keep.id)) == 1
    assert (_count(store, "copies"), _count(store, "findings")) == (1, 1)
    assert store.list_sources() == []
    assert store.get_raw_html(snap.id) == b"x"
    assert store.get_page(COPY) is not None


def test_runs_start_finish_and_list(store: Store, t0: datetime) -> None:
    first = store.start_run("once", now=t0)
    second = store.start_run("source:3", now=t0 + timedelta(minutes=1))
    store.finish_run(
        first, stats={"pages": 4, "copies": (1, 2)}, error=None, now=t0 + timedelta(minutes=2)
    )
    runs = store.list_runs()
    assert [r.id for r in runs] == [second, first]
    assert runs[0].finished_at is None
    done = runs[1]
    assert (done.kind, done.started_at, done.finished_at) == ("once", t0, t0 + timedelta(minutes=2))
    assert done.stats == {"pages": 4, "copies": [1, 2]}
    assert [r.id for r in store.list_runs(limit=1)] == [second]
    store.finish_run(second, stats={}, error="crawl crashed", now=t0)
    assert store.list_runs()[0].error == "crawl crashed"
    with pytest.raises(LookupError):
        store.finish_run(999, stats={}, error=None, now=t0)


def test_sources_upsert_on_kind_url_story(store: Store, t0: datetime) -> None:
    story = store.add_story(ORIGINAL, now=t0)
    feed = store.add_source("feed", "https://r.example/rss", every="15m", now=t0)
    again = store.add_source("feed", "https://r.example/rss", cron="*/5 * * * *")
    scoped = store.add_source("feed", "https://r.example/rss", story_id=story.id, now=t0)
    assert again.id == feed.id
    assert (again.every, again.cron, again.created_at) == (None, "*/5 * * * *", t0)
    assert scoped.id != feed.id
    assert scoped.story_id == story.id
    assert [s.id for s in store.list_sources()] == [feed.id, scoped.id]
    assert feed.enabled is True
    assert feed.state == {}


def test_source_validation(store: Store, t0: datetime) -> None:
    with pytest.raises(ValueError, match="kind"):
        store.add_source("podcast", "https://r.example/x", now=t0)
    with pytest.raises(ValueError, match="either every or cron"):
        store.add_source("feed", "https://r.example/x", every="1h", cron="0 * * * *", now=t0)
    with pytest.raises(LookupError):
        store.add_source("url", "https://r.example/x", story_id=42, now=t0)
    assert store.list_sources() == []


def test_remove_source_and_state(store: Store, t0: datetime) -> None:
    src = store.add_source("sitemap", "https://r.example/sitemap.xml", every="1h", now=t0)
    updated = store.set_source_state(src.id, {"etag": '"abc"', "seen": ("a", "b")})
    assert updated.state == {"etag": '"abc"', "seen": ["a", "b"]}
    assert store.list_sources()[0].state == updated.state
    assert store.remove_source(src.id) is True
    assert store.remove_source(src.id) is False
    with pytest.raises(LookupError):
        store.set_source_state(src.id, {})
