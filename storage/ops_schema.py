"""Tables of the daemon's bookkeeping (revision 0004): source health, notices, corrections.

Declared on storage.schema.Base (so Alembic and the metadata see them); only
storage/ imports this module. Run history reuses `runs` with its new `job_id`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema import Base


class SourceHealth(Base):
    """How a source's scheduled runs have gone lately (one row per source)."""

    __tablename__ = "source_health"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    empty_runs: Mapped[int] = mapped_column(Integer, default=0)  # successes yielding nothing
    total_runs: Mapped[int] = mapped_column(Integer, default=0)
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(32))  # blocked | error | timeout
    backoff_until: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    missed_runs: Mapped[int] = mapped_column(Integer, default=0)
    last_missed_at: Mapped[datetime | None]  # revision 0007


class Notice(Base):
    """One notification: a group of new high-severity findings of one copy (an outbox row)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    copy_id: Mapped[int | None] = mapped_column(
        ForeignKey("copies.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    codes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # apprise targets (by index into [notify] urls) already delivered, so a retry skips them.
    delivered: Mapped[list[int]] = mapped_column(JSON)


class NoticedFinding(Base):
    """A finding already put in a notice: never notified twice."""

    __tablename__ = "noticed_findings"

    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True
    )
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))


class Correction(Base):
    """A passage of a story's original that a later version replaced or removed."""

    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("story_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    old_text: Mapped[str] = mapped_column(Text)
    new_text: Mapped[str | None] = mapped_column(Text)
    found_at: Mapped[datetime]
    detail: Mapped[dict[str, Any]]
