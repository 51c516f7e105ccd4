"""Random keys kept with the database: table `secret_keys` (revision 0008).

A key is made on first use from the operating system's CSPRNG and stored, so
every process on the database (a restarted desk, two desks behind one proxy)
signs with the same key, and nothing about it can be derived from a
configured token. Only storage/ imports the model; callers get the key as text.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.schema import Base
from storage.upsert import _insert

KEY_BYTES = 32


class SecretKey(Base):
    """One named random key (e.g. the review desk's session signing key)."""

    __tablename__ = "secret_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))  # url-safe base64 of KEY_BYTES random bytes
    created_at: Mapped[datetime]


def secret_key(session: Session, name: str, now: datetime) -> str:
    """The key called `name`, made and stored on first use; concurrent first uses agree."""
    value = secrets.token_urlsafe(KEY_BYTES)
    stmt = _insert(session, SecretKey).values(name=name, value=value, created_at=now)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
    stored = session.scalar(select(SecretKey.value).where(SecretKey.name == name))
    if stored is None:  # deleted between the two statements: only under READ UNCOMMITTED
        raise RuntimeError(f"secret key {name!r} vanished while it was made")
    return stored
