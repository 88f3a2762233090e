"""The SQL tables of the inventory store (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Ids in an inventory file are unique within one owner only, so every record has a surrogate key
`pk` and a unique (owner_id, ext_id). A dependency names its target by id and resolves within the
owner of the application that lists it: that join is what keeps one tenant's diagram from ever
reaching another tenant's applications.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(200)
TEXT = String(1000)


def _record(name: str, *columns: Column) -> Table:
    return Table(
        name,
        metadata,
        Column("pk", Integer, primary_key=True, autoincrement=True),
        Column("owner_id", ID, nullable=False),
        Column("ext_id", ID, nullable=False),
        Column("active", Boolean, nullable=False, default=True),
        Column("roles", JSON, nullable=False),
        *columns,
        UniqueConstraint("owner_id", "ext_id"),
    )


clients = _record("clients", Column("name", TEXT, nullable=False))

systems = _record(
    "systems",
    Column("name", TEXT, nullable=False),
    Column("clients", JSON, nullable=False),
    Column("entries", JSON, nullable=False),
    Column("source", TEXT),  # the other tool's files it was imported from (`import --from`), if any
)

applications = _record(
    "applications",
    Column("name", TEXT, nullable=False),
    Column("family", String(40), nullable=False),
    Column("size", String(20), nullable=False),
    Column("environment", TEXT),
    Column("provider", TEXT),
    Column("language", TEXT),
    Column("cluster", TEXT),
    Column("shared", Boolean),
    Column("team", TEXT),
    Column("source", TEXT),
)

servers = _record(
    "servers",
    Column("hostname", TEXT, nullable=False),
    Column("ipv4_private", TEXT),
    Column("ipv4_public", TEXT),
    Column("cpu", Float),
    Column("memory", Float),
    Column("os", JSON),
    Column("environment", TEXT),
    Column("datacenter", JSON),
    Column("role", TEXT),
)


def _child(name: str, parent: Table, parent_key: str, *columns: Column) -> Table:
    """A list field of a record, one row per item, kept in the list's order by `position`."""
    return Table(
        name,
        metadata,
        Column(parent_key, Integer, ForeignKey(parent.c.pk, ondelete="CASCADE"), primary_key=True),
        Column("position", Integer, primary_key=True),
        *columns,
    )


# The lookup walks dependencies by source; the primary key (app_pk, position) serves it.
dependencies = _child(
    "dependencies",
    applications,
    "app_pk",
    Column("target_id", ID, nullable=False),
    Column("endpoint", TEXT),
    Column("calls", BigInteger),
)

application_systems = _child(
    "application_systems",
    applications,
    "app_pk",
    Column("owner_id", ID, nullable=False),
    Column("system_id", ID, nullable=False),
)
Index(None, application_systems.c.owner_id, application_systems.c.system_id)

# Read grants to principals other than the owner; the lookup checks them on every hop.
application_grants = Table(
    "application_grants",
    metadata,
    Column("app_pk", Integer, ForeignKey(applications.c.pk, ondelete="CASCADE"), primary_key=True),
    Column("principal", ID, primary_key=True),
    Column("role", Integer, nullable=False),
)
Index(None, application_grants.c.principal)

server_applications = _child(
    "server_applications",
    servers,
    "server_pk",
    Column("owner_id", ID, nullable=False),
    Column("app_id", ID, nullable=False),
)
Index(None, server_applications.c.owner_id, server_applications.c.app_id)

# What each import from another tool's files changed, per owner and source, newest last
imports = Table(
    "imports",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", ID, nullable=False),
    Column("source", TEXT, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("report", JSON, nullable=False),
)
Index(None, imports.c.owner_id, imports.c.source)

# Graph runs: what was asked, where the current run is, and what it produced. `run` counts the
# runs of a graph; a stage writes only while its run is the current one, so a re-run supersedes.
# A run the local runner holds is claimed by it (`claimed_by`), which beats (`heartbeat`) while it
# lives: a run whose claimant stopped beating is taken over by another (`records.take_over`).
graphs = Table(
    "graphs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner_id", ID, nullable=False),
    Column("name", TEXT, nullable=False),
    Column("type", String(20), nullable=False),
    Column("request", JSON, nullable=False),
    Column("run", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("stage", String(20)),
    Column("percent", Integer, nullable=False),
    Column("message", TEXT),
    Column("stats", JSON),
    Column("published_run", Integer),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("deadline", Float),
    Column("claimed_by", String(64)),
    Column("heartbeat", Float),
)
Index(None, graphs.c.owner_id)

# People and teams. A user's principals are their own id and the teams they belong to; a team is
# the set of its members, each with Maestro's role on the team's records (1 read, 3 write, 7 admin).
users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", TEXT, nullable=False),
    Column("admin", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    # carried by every token of the user; a new key (logout, a user made anew) ends them all
    Column("session_key", String(32), nullable=False, server_default=""),
)

# Teams by id: an owner is a user or a team, never both (users and teams share one space of ids)
teams = Table(
    "teams",
    metadata,
    Column("id", ID, primary_key=True),
    Column("created_at", Float, nullable=False),
)

team_members = Table(
    "team_members",
    metadata,
    Column("team_id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column("role", Integer, nullable=False),
)
Index(None, team_members.c.user_id)

# One-time login links (as Jupyter prints): only a hash of the secret is kept.
login_tokens = Table(
    "login_tokens",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("expires_at", Float, nullable=False),
)

# Public links to a graph's diagram: anyone holding the token sees the diagram, nothing else.
public_links = Table(
    "public_links",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("graph_id", String(64), ForeignKey(graphs.c.id, ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", ID, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float),
    Column("revoked_at", Float),
)
Index(None, public_links.c.graph_id)
