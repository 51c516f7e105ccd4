"""syndiwatch's storage room: `open_store(url) -> Store` and the records it returns.

SQLAlchemy sessions and ORM classes stay inside this package; callers use the
verbs of `Store` and get drift dataclasses or storage.records back.
"""

from __future__ import annotations

from storage.errors import DatabaseUnavailable, StorageError, UnknownRecord
from storage.records import (
    CopyRecord,
    FindingRecord,
    PageRecord,
    RunRecord,
    SnapshotRecord,
    SourceRecord,
    StoryRecord,
    StoryReport,
    parse_story_id,
    story_public_id,
)
from storage.store import Store, open_store

__all__ = [
    "CopyRecord",
    "DatabaseUnavailable",
    "FindingRecord",
    "PageRecord",
    "RunRecord",
    "SnapshotRecord",
    "SourceRecord",
    "StorageError",
    "Store",
    "StoryRecord",
    "StoryReport",
    "UnknownRecord",
    "open_store",
    "parse_story_id",
    "story_public_id",
]
