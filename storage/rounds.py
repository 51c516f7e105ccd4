"""Queue-mode rounds and the cluster's leader (revision 0006).

Owns `source_rounds`: what the workers fetched for one enqueued run of a source,
added up by atomic increments (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n)
so concurrent workers never lose a count, and settled once (the start URL's
outcome). Owns `cluster_leader`: who leads the schedule and since when. Session
functions only; storage.opsverbs offers them as Store verbs. Health rules are
syndiwatch's; storage.operations.settle_health applies them under a row lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.convert import clean
from storage.records import RunRecord
from storage.redact import mask_optional, mask_secrets
from storage.schema import Base, Run
from storage.upsert import _insert

# The counters a worker adds to a round; also the keys they show under in run stats.
COUNTERS = ("pages", "unchanged", "candidates", "copies", "errors", "entries", "documents",
            "not_modified")  # fmt: skip
LEADER_ROLE = "scheduler"


class SourceRound(Base):
    """The workers' totals for one enqueued run (`runs.id`) of one source."""

    __tablename__ = "source_rounds"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    copies: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # ok | failed, once settled
    settled_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ClusterLeader(Base):
    """The daemon that took the scheduler's lock last (one row per role)."""

    __tablename__ = "cluster_leader"

    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(Text)  # host-pid
    host: Mapped[str] = mapped_column(Text)
    pid: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime]


@dataclass(frozen=True, slots=True)
class RoundTally:
    """Counts one worker adds to a round (zeros are fine); `last_error` a sample line."""

    run_id: int
    source_id: int
    counts: Mapping[str, int]
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class LeaderRecord:
    holder: str
    host: str
    pid: int
    since: datetime


def add_tallies(session: Session, tallies: Iterable[RoundTally], now: datetime) -> int:
    """Add each tally to its round's counters atomically; rounds of unknown runs are skipped."""
    batch = list(tallies)
    known = _existing_runs(session, {t.run_id for t in batch})
    table = SourceRound.__table__
    written = 0
    for tally in batch:
        if tally.run_id not in known:
            continue
        counts = {k: int(tally.counts.get(k, 0)) for k in COUNTERS}
        error = clean(mask_optional(tally.last_error))
        values = {"run_id": tally.run_id, "source_id": tally.source_id, **counts,
                  "last_error": error, "updated_at": now}  # fmt: skip
        stmt = _insert(session, SourceRound).values(**values)
        added: dict[str, Any] = {k: table.c[k] + getattr(stmt.excluded, k) for k in COUNTERS}
        added["last_error"] = func.coalesce(stmt.excluded.last_error, table.c.last_error)
        added["updated_at"] = now
        session.execute(stmt.on_conflict_do_update(index_elements=["run_id"], set_=added))
        written += 1
    return written


def claim_settlement(
    session: Session, run_id: int, source_id: int, outcome: str, now: datetime
) -> bool:
    """Mark the round settled with `outcome`; False when it was settled before (or no run)."""
    if not _existing_runs(session, {run_id}):
        return False
    table = SourceRound.__table__
    values = {"run_id": run_id, "source_id": source_id, **dict.fromkeys(COUNTERS, 0),
              "outcome": outcome, "settled_at": now, "updated_at": now}  # fmt: skip
    stmt = _insert(session, SourceRound).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["run_id"],
        set_={"outcome": outcome, "settled_at": now},
        where=table.c.settled_at.is_(None),
    )
    return session.scalar(stmt.returning(table.c.run_id)) is not None


def fail_run(session: Session, run_id: int, error: str) -> None:
    """Give an already recorded run its error (its round failed after it was enqueued)."""
    run = session.get(Run, run_id)
    if run is not None:
        run.error = clean(mask_secrets(error))


def with_rounds(session: Session, runs: Sequence[RunRecord]) -> list[RunRecord]:
    """The runs with their round's counters (and settlement) merged into their stats."""
    ids = [r.id for r in runs]
    if not ids:
        return []
    rows = {
        row.run_id: row
        for row in session.scalars(select(SourceRound).where(SourceRound.run_id.in_(ids)))
    }
    return [_merged(r, rows[r.id]) if r.id in rows else r for r in runs]


def _merged(run: RunRecord, row: SourceRound) -> RunRecord:
    stats: dict[str, Any] = {**run.stats, **{k: getattr(row, k) for k in COUNTERS}}
    stats["not_modified"] = bool(row.not_modified)
    stats["round"] = {"outcome": row.outcome, "settled_at": row.settled_at,
                      "last_report": row.updated_at, "last_error": row.last_error}  # fmt: skip
    return replace(run, stats=stats)


def save_leader(session: Session, holder: str, host: str, pid: int, since: datetime) -> None:
    values = {"role": LEADER_ROLE, "holder": holder, "host": host, "pid": pid, "since": since}
    stmt = _insert(session, ClusterLeader).values(**values)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["role"],
            set_={"holder": holder, "host": host, "pid": pid, "since": since},
        )
    )


def get_leader(session: Session) -> LeaderRecord | None:
    row = session.get(ClusterLeader, LEADER_ROLE)
    return LeaderRecord(row.holder, row.host, row.pid, row.since) if row is not None else None


def _existing_runs(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(Run.id).where(Run.id.in_(sorted(ids)))).all())
