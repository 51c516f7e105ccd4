"""Race-free upserts: INSERT … ON CONFLICT for SQLite and PostgreSQL alike.

Both dialects offer the same `on_conflict_do_nothing/do_update` API; this
module picks the right `insert` so the verbs stay dialect-blind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.schema import Base


def _insert(session: Session, model: type[Base]) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


def insert_ignore(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    conflict: Sequence[str],
    where: Sequence[ColumnElement[bool]],
) -> int:
    """Insert a row unless `conflict` columns already match one; return the row's id."""
    stmt = _insert(session, model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    session.execute(stmt)
    found = session.scalar(select(model.id).where(*where))  # type: ignore[attr-defined]
    if found is None:  # deleted between the two statements: only under READ UNCOMMITTED
        raise RuntimeError(f"{model.__tablename__} row vanished during upsert")
    return int(found)


def insert_or_update(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    conflict: Sequence[str],
    update: Mapping[str, Any],
) -> int:
    """Insert a row, or update `update` columns of the one `conflict` matches; return its id."""
    if not update:
        raise ValueError("insert_or_update needs at least one column to update")
    stmt = _insert(session, model).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=conflict, set_=dict(update))
    stmt = stmt.returning(model.id)  # type: ignore[attr-defined]
    found = session.scalar(stmt)
    if found is None:
        raise RuntimeError(f"{model.__tablename__} upsert returned no row")
    return int(found)
