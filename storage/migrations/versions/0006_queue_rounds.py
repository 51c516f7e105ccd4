"""Scale-out: the workers' per-source round counters and the cluster's leader.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
COUNTERS = ("pages", "unchanged", "candidates", "copies", "errors", "entries", "documents",
            "not_modified")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "source_rounds",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("settled_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_source_rounds_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_source_rounds")),
    )
    op.create_table(
        "cluster_leader",
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("since", TS, nullable=False),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_cluster_leader")),
    )


def downgrade() -> None:
    op.drop_table("cluster_leader")
    op.drop_table("source_rounds")
