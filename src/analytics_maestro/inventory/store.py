"""The inventory store: an SQLAlchemy engine on SQLite (the default) or PostgreSQL, and its migrations."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from analytics_maestro.errors import StoreError
from analytics_maestro.inventory import schema

__all__ = ["StoreError", "counts", "open_store", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_store_engine(url: str, **engine_options) -> Engine:
    """An engine for `url`; a SQLite file's folder is created, an in-memory SQLite is shared."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        options: dict = {"connect_args": {"check_same_thread": False}}
        if database in ("", ":memory:"):
            options["poolclass"] = StaticPool
        else:
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder of the store {database}: {exc.strerror}") from None
        engine = sa.create_engine(parsed, **options, **engine_options)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, **engine_options)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the store at {engine.url.render_as_string()}: {exc.orig}") from None


def open_store(url: str) -> Engine:
    """An engine on an up-to-date schema."""
    engine = create_store_engine(url)
    upgrade(engine)
    return engine


def refresh_statistics(engine: Engine) -> None:
    """Let the query planner see the new row counts after a bulk write.

    Without fresh statistics PostgreSQL plans the recursive lookup as if the tables were empty and
    runs it 15 to 40 times slower until autovacuum gets round to them.
    """
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            tables = ", ".join(table.name for table in schema.metadata.sorted_tables)
            connection.exec_driver_sql(f"ANALYZE {tables}")
        elif engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA optimize")


def counts(engine: Engine, owner: str | None = None) -> dict[str, int]:
    """How many records of each kind the store holds (for one owner, or in all)."""
    out = {}
    with engine.connect() as connection:
        for table in (schema.clients, schema.systems, schema.applications, schema.servers):
            query = sa.select(sa.func.count()).select_from(table)
            if owner is not None:
                query = query.where(table.c.owner_id == owner)
            out[table.name] = connection.execute(query).scalar_one()
    return out
