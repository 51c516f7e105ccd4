"""Random keys kept with the database (the review desk's session signing key).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Before this revision the desk signed sessions with a key derived from its token,
so one cookie let anyone test guesses of the token offline; sessions signed that
way are no longer accepted (reviewers sign in again once).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "secret_keys",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_secret_keys")),
    )


def downgrade() -> None:
    op.drop_table("secret_keys")
