"""graph runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 08:15:41.254471
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "graphs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.Column("published_run", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("deadline", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graphs")),
    )
    with op.batch_alter_table("graphs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_graphs_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("graphs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graphs_owner_id"))

    op.drop_table("graphs")
