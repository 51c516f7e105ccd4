"""Source health: when a source's run was last missed, so old misses stop counting as a problem.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25

Rows from before this revision keep their `missed_runs` count with no time: they are
shown as history, not as a current problem (the run history still lists each miss).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "source_health", sa.Column("last_missed_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("source_health") as batch:
        batch.drop_column("last_missed_at")
