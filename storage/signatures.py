"""The shared match index in the database: one signature row per tracked story.

Owns table `story_signatures` (revision 0005): the story's sampled stable shingle
hashes (drift.fingerprint, uint64 big-endian bytes) and a version bumped on every
change, so each worker can poll `signature_versions` cheaply and load only what
changed. Only storage/ imports the model; callers get plain ids, ints and bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.schema import Base
from storage.store import Store
from storage.upsert import _insert


class StorySignature(Base):
    """A tracked story's fingerprint as the match index needs it."""

    __tablename__ = "story_signatures"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    text_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the text it was made from
    shingles: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]


def save_signature(
    store: Store, story_id: int, *, text_hash: str, shingles: bytes, now: datetime
) -> int:
    """Store (or replace) a story's signature; return its version. Same text: unchanged.

    Safe under concurrent writers: one INSERT … ON CONFLICT; the version only moves
    when the text hash differs, so two workers publishing the same story agree.
    """
    return store._write(_save, story_id, text_hash, shingles, now)


def _save(session: Session, story_id: int, text_hash: str, shingles: bytes, now: datetime) -> int:
    current = session.get(StorySignature, story_id)
    if current is not None and current.text_hash == text_hash:
        return current.version
    table = StorySignature.__table__
    values = {"story_id": story_id, "version": 1, "text_hash": text_hash,
              "shingles": shingles, "updated_at": now}  # fmt: skip
    update = {"version": table.c.version + 1, "text_hash": text_hash,
              "shingles": shingles, "updated_at": now}  # fmt: skip
    stmt = _insert(session, StorySignature).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["story_id"], set_=update, where=table.c.text_hash != text_hash
    )
    version = session.scalar(stmt.returning(table.c.version))
    if version is None:  # a concurrent writer stored this very text first
        version = session.scalar(
            select(StorySignature.version).where(StorySignature.story_id == story_id)
        )
    return int(version or 0)


def signature_versions(store: Store) -> dict[int, int]:
    """{story id: version} of every stored signature (two ints a story: cheap to poll)."""
    return store._read(
        lambda s: {
            int(i): int(v)
            for i, v in s.execute(select(StorySignature.story_id, StorySignature.version))
        }
    )


def load_signatures(store: Store, story_ids: Iterable[int]) -> dict[int, tuple[int, bytes]]:
    """{story id: (version, shingle bytes)} for the given stories that have one."""
    ids = list(story_ids)
    if not ids:
        return {}

    def read(session: Session) -> dict[int, tuple[int, bytes]]:
        rows = session.execute(
            select(StorySignature.story_id, StorySignature.version, StorySignature.shingles).where(
                StorySignature.story_id.in_(ids)
            )
        )
        return {int(i): (int(v), bytes(b)) for i, v, b in rows}

    return store._read(read)


def text_hashes(store: Store) -> Mapping[int, str]:
    """{story id: text hash} of every stored signature (to skip re-publishing)."""
    return store._read(
        lambda s: {
            int(i): str(h)
            for i, h in s.execute(select(StorySignature.story_id, StorySignature.text_hash))
        }
    )


def drop_signatures(store: Store, keep: Iterable[int]) -> int:
    """Delete signatures of stories not in `keep`; return how many went."""
    kept = list(keep)
    return store._write(
        lambda s: (
            s.execute(delete(StorySignature).where(StorySignature.story_id.not_in(kept))).rowcount
            or 0
        )
    )
