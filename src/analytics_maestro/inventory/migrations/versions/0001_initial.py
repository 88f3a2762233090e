"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 06:56:16.030596
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "applications",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.String(length=200), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("family", sa.String(length=40), nullable=False),
        sa.Column("size", sa.String(length=20), nullable=False),
        sa.Column("environment", sa.String(length=1000), nullable=True),
        sa.Column("provider", sa.String(length=1000), nullable=True),
        sa.Column("language", sa.String(length=1000), nullable=True),
        sa.Column("cluster", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_applications")),
        sa.UniqueConstraint("owner_id", "ext_id", name=op.f("uq_applications_owner_id_ext_id")),
    )
    op.create_table(
        "clients",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.String(length=200), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_clients")),
        sa.UniqueConstraint("owner_id", "ext_id", name=op.f("uq_clients_owner_id_ext_id")),
    )
    op.create_table(
        "servers",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.String(length=200), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("hostname", sa.String(length=1000), nullable=False),
        sa.Column("ipv4_private", sa.String(length=1000), nullable=True),
        sa.Column("ipv4_public", sa.String(length=1000), nullable=True),
        sa.Column("cpu", sa.Float(), nullable=True),
        sa.Column("memory", sa.Float(), nullable=True),
        sa.Column("os", sa.JSON(), nullable=True),
        sa.Column("environment", sa.String(length=1000), nullable=True),
        sa.Column("datacenter", sa.JSON(), nullable=True),
        sa.Column("role", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_servers")),
        sa.UniqueConstraint("owner_id", "ext_id", name=op.f("uq_servers_owner_id_ext_id")),
    )
    op.create_table(
        "systems",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.String(length=200), nullable=False),
        sa.Column("ext_id", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("clients", sa.JSON(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_systems")),
        sa.UniqueConstraint("owner_id", "ext_id", name=op.f("uq_systems_owner_id_ext_id")),
    )
    op.create_table(
        "application_grants",
        sa.Column("app_pk", sa.Integer(), nullable=False),
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("role", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_pk"],
            ["applications.pk"],
            name=op.f("fk_application_grants_app_pk_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("app_pk", "principal", name=op.f("pk_application_grants")),
    )
    with op.batch_alter_table("application_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_grants_principal"), ["principal"], unique=False)

    op.create_table(
        "application_systems",
        sa.Column("app_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.String(length=200), nullable=False),
        sa.Column("system_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_pk"],
            ["applications.pk"],
            name=op.f("fk_application_systems_app_pk_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("app_pk", "position", name=op.f("pk_application_systems")),
    )
    with op.batch_alter_table("application_systems", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_systems_owner_id_system_id"), ["owner_id", "system_id"], unique=False
        )

    op.create_table(
        "dependencies",
        sa.Column("app_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_pk"],
            ["applications.pk"],
            name=op.f("fk_dependencies_app_pk_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("app_pk", "position", name=op.f("pk_dependencies")),
    )
    op.create_table(
        "server_applications",
        sa.Column("server_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.String(length=200), nullable=False),
        sa.Column("app_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["server_pk"],
            ["servers.pk"],
            name=op.f("fk_server_applications_server_pk_servers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("server_pk", "position", name=op.f("pk_server_applications")),
    )
    with op.batch_alter_table("server_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_server_applications_owner_id_app_id"), ["owner_id", "app_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("server_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_server_applications_owner_id_app_id"))

    op.drop_table("server_applications")
    op.drop_table("dependencies")
    with op.batch_alter_table("application_systems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_systems_owner_id_system_id"))

    op.drop_table("application_systems")
    with op.batch_alter_table("application_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_grants_principal"))

    op.drop_table("application_grants")
    op.drop_table("systems")
    op.drop_table("servers")
    op.drop_table("clients")
    op.drop_table("applications")
