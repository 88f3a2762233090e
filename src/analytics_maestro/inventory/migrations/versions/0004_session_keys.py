"""session keys: every token carries its user's key; a new key ends the user's sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing users get an empty key: tokens issued before carry none, so they end with this
    # upgrade, and the next login gives a key of its own.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_key", sa.String(length=32), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_key")
