"""Stories, sources and runs: the things operators name and the log of what ran.

Runs inside a transaction opened by storage.store.Store; returns records.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.convert import checked_url, clean, json_safe, run_record, source_record, story_record
from storage.errors import UnknownRecord
from storage.pages import find_page, latest_snapshot_row
from storage.records import RunRecord, SourceRecord, StoryRecord
from storage.redact import mask_json, mask_optional
from storage.rounds import with_rounds
from storage.schema import Run, Source, Story
from storage.upsert import insert_ignore, insert_or_update

SOURCE_KINDS = ("feed", "sitemap", "site", "url")


def add_story(session: Session, url: str, *, name: str | None, now: datetime) -> StoryRecord:
    """Insert a story by URL, or return the existing one (renamed when `name` is given)."""
    values = {"url": checked_url(url), "name": clean(name), "created_at": now}
    if name is not None:
        story_id = insert_or_update(session, Story, values, ("url",), {"name": clean(name)})
    else:
        story_id = insert_ignore(session, Story, values, ("url",), (Story.url == url,))
    story = session.get(Story, story_id, populate_existing=True)
    assert story is not None
    return _with_latest(session, story)


def _with_latest(session: Session, story: Story) -> StoryRecord:
    page = find_page(session, story.url)
    latest = latest_snapshot_row(session, page.id) if page is not None else None
    return story_record(story, latest)


def get_story(session: Session, story_id: int) -> StoryRecord | None:
    story = session.get(Story, story_id)
    return _with_latest(session, story) if story is not None else None


def find_story(session: Session, url: str) -> StoryRecord | None:
    story = session.scalar(select(Story).where(Story.url == url))
    return _with_latest(session, story) if story is not None else None


def list_stories(session: Session) -> list[StoryRecord]:
    stories = session.scalars(select(Story).order_by(Story.id)).all()
    return [_with_latest(session, s) for s in stories]


def remove_story(session: Session, story_id: int) -> bool:
    """Delete a story with its copies, findings and scoped sources (pages stay)."""
    result = session.execute(delete(Story).where(Story.id == story_id))
    return bool(getattr(result, "rowcount", 0))


def start_run(session: Session, kind: str, *, now: datetime) -> int:
    run = Run(kind=kind, started_at=now, finished_at=None, stats={}, error=None)
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session, run_id: int, *, stats: Mapping[str, Any], error: str | None, now: datetime
) -> None:
    run = session.get(Run, run_id)
    if run is None:
        raise UnknownRecord(f"no run with id {run_id}")
    run.finished_at = now
    run.stats = mask_json(json_safe(stats))
    run.error = clean(mask_optional(error))  # a redis-py message may quote a URL


def list_runs(session: Session, limit: int) -> list[RunRecord]:
    runs = session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)).all()
    return with_rounds(session, [run_record(r) for r in runs])


def add_source(
    session: Session,
    kind: str,
    url: str,
    *,
    every: str | None,
    cron: str | None,
    story_id: int | None,
    now: datetime,
) -> SourceRecord:
    """Insert a source, or update the schedule of the same (kind, url, story) and enable it."""
    if kind not in SOURCE_KINDS:
        raise ValueError(f"source kind must be one of {', '.join(SOURCE_KINDS)}: {kind!r}")
    if every is not None and cron is not None:
        raise ValueError("give a source either every or cron, not both")
    if story_id is not None and session.get(Story, story_id) is None:
        raise UnknownRecord(f"no story with id {story_id}")
    schedule = {"every": every, "cron": cron, "enabled": True}
    values = {"kind": kind, "url": checked_url(url), "story_id": story_id, "scope": story_id or 0}
    source_id = insert_or_update(
        session,
        Source,
        {**values, **schedule, "created_at": now, "state": {}},
        ("kind", "url", "scope"),
        schedule,
    )
    source = session.get(Source, source_id, populate_existing=True)
    assert source is not None
    return source_record(source)


def list_sources(session: Session) -> list[SourceRecord]:
    return [source_record(s) for s in session.scalars(select(Source).order_by(Source.id)).all()]


def get_source(session: Session, source_id: int) -> SourceRecord | None:
    source = session.get(Source, source_id)
    return source_record(source) if source is not None else None


# A source's state is read and rewritten whole on every change, so it must stay small.
# Sitemap validators are merged one file at a time; a round reads at most 1,000 files
# (scraper.spiders.sitemap.SITEMAP_MAX_FILES), so this keeps two rounds' worth even
# when a site renames its files every day.
MERGED_MAX_KEYS = 2_000


def merge_source_state(
    session: Session,
    source_id: int,
    replace: Mapping[str, Any],
    merge: Mapping[str, Mapping[str, Any]],
) -> bool:
    """Change part of a source's state under a row lock; False when the source is gone.

    Keys of `replace` are replaced; each mapping of `merge` is merged key by key into
    the stored mapping of that name, so two writers of different keys both win. A
    merged mapping keeps its MERGED_MAX_KEYS most recently written keys.
    """
    source = session.get(Source, source_id, with_for_update=True)
    if source is None:
        return False
    state = dict(source.state or {})
    state.update(replace)
    for name, part in merge.items():
        current = state.get(name)
        kept = current.items() if isinstance(current, Mapping) else ()
        merged = {**{k: v for k, v in kept if k not in part}, **part}  # newest last
        state[name] = dict(list(merged.items())[-MERGED_MAX_KEYS:])
    source.state = json_safe(state)
    return True


def remove_source(session: Session, source_id: int) -> bool:
    result = session.execute(delete(Source).where(Source.id == source_id))
    return bool(getattr(result, "rowcount", 0))


def set_source_state(session: Session, source_id: int, state: Mapping[str, Any]) -> SourceRecord:
    """Replace a source's JSON state (e.g. ETag, Last-Modified, seen entries)."""
    source = session.get(Source, source_id)
    if source is None:
        raise UnknownRecord(f"no source with id {source_id}")
    source.state = json_safe(state)
    session.flush()
    return source_record(source)
