"""Upsert the stories and sources named in the config file into the database.

The database is the single source of truth while running (CONTRACT.md §2);
the file only adds to it. Stories added here are fetched on the next run.
"""

from __future__ import annotations

import logging

from storage import Store
from syndiwatch.config import Config

log = logging.getLogger(__name__)


def sync_config(store: Store, config: Config) -> None:
    """Add the config's [[stories]] and [[sources]] that the database lacks."""
    for story in config.stories:
        existing = store.find_story(story.url)
        if existing is None or (story.name and existing.name != story.name):
            store.add_story(story.url, name=story.name)
    for source in config.sources:
        story_id = None
        if source.story:
            scoped = store.find_story(source.story)
            if scoped is None:
                scoped = store.add_story(source.story)
            story_id = scoped.id
        store.add_source(
            source.kind, source.url, every=source.every, cron=source.cron, story_id=story_id
        )
