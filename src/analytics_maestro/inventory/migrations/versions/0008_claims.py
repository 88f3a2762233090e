"""graphs.claimed_by, graphs.heartbeat: the local runner that holds a run, and when it last beat

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("graphs") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("heartbeat", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("graphs") as batch:
        batch.drop_column("heartbeat")
        batch.drop_column("claimed_by")
