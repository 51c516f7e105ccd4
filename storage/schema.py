"""The SQLAlchemy 2 models of syndiwatch's database (typed declarative).

Only storage/ imports this module: callers see storage.records dataclasses.
Schema changes are made here *and* in a new Alembic revision under
storage/migrations/versions/.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime in and out, on PostgreSQL and on SQLite.

    SQLite keeps no offset, so values are stored as naive UTC and given their
    UTC zone back on the way out. Naive values are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime given to storage: {value!r} (use UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Page(Base):
    """One row per canonical URL; fetch failures are counted here."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    domain: Mapped[str] = mapped_column(String(255), index=True)
    last_fetched_at: Mapped[datetime | None]
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(64))
    last_error_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Snapshot(Base):
    """A distinct body of a page (content-addressed); raw HTML kept zlib-compressed."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("page_id", "content_hash"),
        Index("ix_snapshots_page_latest", "page_id", "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    fetched_at: Mapped[datetime]  # first fetch that returned this body
    last_seen_at: Mapped[datetime]  # latest fetch that returned this body
    status: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    raw_html: Mapped[bytes] = mapped_column(LargeBinary)
    compression: Mapped[str] = mapped_column(String(16), default="zlib")
    headers: Mapped[dict[str, Any]]
    article: Mapped[dict[str, Any] | None]
    final_url: Mapped[str | None] = mapped_column(Text)


class Copy(Base):
    """A page judged a copy of a story, with the metrics of its latest analysis."""

    __tablename__ = "copies"
    __table_args__ = (
        UniqueConstraint("story_id", "page_id"),
        Index("ix_copies_story_score", "story_id", "drift_score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    discovered_via: Mapped[str] = mapped_column(String(32))
    first_seen: Mapped[datetime]
    last_checked: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    match_kind: Mapped[str] = mapped_column(String(16))
    containment: Mapped[float] = mapped_column(Float)
    verbatim: Mapped[float] = mapped_column(Float)
    added: Mapped[float] = mapped_column(Float)
    drift_score: Mapped[int]
    severity: Mapped[str] = mapped_column(String(16))
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(Text, default="")
    # Copy-level review (revision 0002): the whole copy confirmed or dismissed.
    review: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]


class FindingRow(Base):
    """One distinct fact about one copy, de-duplicated by `key` (sha256 of Finding.key)."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("copy_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("copies.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]]
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    review: Mapped[str] = mapped_column(String(16), default="open")
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    stats: Mapped[dict[str, Any]]
    error: Mapped[str | None] = mapped_column(Text)


class Source(Base):
    """Where copies are looked for. `scope` is story_id or 0, so the upsert key has no NULL."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("kind", "url", "scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    every: Mapped[str | None] = mapped_column(String(32))
    cron: Mapped[str | None] = mapped_column(String(128))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    scope: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[dict[str, Any]]


class ReviewEvent(Base):
    """One review decision on a copy or one of its findings (revision 0002), kept as history."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("copies.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class PageTrace(Base):
    """What discovery last saw at a canonical URL (revision 0003): copies and non-copies alike.

    A non-copy keeps only this row (no snapshot), so an unchanged page is neither
    fetched again from a sitemap nor matched again. `stories_upto` is the highest
    story id the page was matched against; `copy_of` the story ids it copies.
    """

    __tablename__ = "page_traces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    copy_of: Mapped[list[int]] = mapped_column(JSON)
    stories_upto: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime]
    last_fetched: Mapped[datetime]
    last_changed: Mapped[datetime]
