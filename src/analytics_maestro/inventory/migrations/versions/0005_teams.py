"""teams by id, so that an owner is a user or a team, never both

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:30:00
"""

import time

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    # every team that has members is a team; an id that is a user's too stays as it was (its
    # members keep their roles) and no new member can be added to it
    op.execute(
        sa.text(
            "INSERT INTO teams (id, created_at) SELECT DISTINCT team_id, :now FROM team_members"
            " WHERE team_id NOT IN (SELECT id FROM users)"
        ).bindparams(now=time.time())
    )


def downgrade() -> None:
    op.drop_table("teams")
