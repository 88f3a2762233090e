"""Inventories from other tools: the source of each application and system, an application's team,
the calls traces count on a dependency, and the report of each import

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dependencies") as batch:
        batch.add_column(sa.Column("calls", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("team", sa.String(1000), nullable=True))
    for table in ("applications", "systems"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("source", sa.String(1000), nullable=True))
    op.create_table(
        "imports",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.String(200), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_imports")),
    )
    op.create_index(op.f("ix_imports_owner_id_source"), "imports", ["owner_id", "source"])


def downgrade() -> None:
    op.drop_index(op.f("ix_imports_owner_id_source"), table_name="imports")
    op.drop_table("imports")
    for table in ("applications", "systems"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("team")
    with op.batch_alter_table("dependencies") as batch:
        batch.drop_column("calls")
