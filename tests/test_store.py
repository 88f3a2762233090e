"""The store's schema: migrations create exactly the tables the code uses, on both backends."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from analytics_maestro.inventory import schema
from analytics_maestro.inventory.store import StoreError, counts, open_store, upgrade
from tests.conftest import load


def test_migrations_match_the_schema(raw_engine):
    upgrade(raw_engine)
    upgrade(raw_engine)  # a second run is a no-op
    with raw_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), schema.metadata)
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    assert diff == [] and version == "0008"


def test_users_of_an_older_store_keep_their_accounts_and_log_in_again(raw_engine):
    """0004 gives every user a session key: their old tokens end, the accounts stay."""
    from alembic import command

    from analytics_maestro.inventory.store import alembic_config
    from analytics_maestro.web import auth

    config = alembic_config()
    with raw_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(sa.text("INSERT INTO users (id, name, admin, created_at) VALUES ('old', 'Old', false, 0)"))
    upgrade(raw_engine)
    assert auth.load_user(raw_engine, "old").name == "Old"
    token = auth.issue_token(raw_engine, "s" * 40, "old", 60)
    assert auth.user_of(raw_engine, "s" * 40, token).id == "old"
    auth.end_sessions(raw_engine, "old")
    with pytest.raises(auth.AuthError, match="the session has ended"):
        auth.user_of(raw_engine, "s" * 40, token)


def test_the_lookup_has_its_indexes(engine):
    inspector = sa.inspect(engine)
    assert {"owner_id", "ext_id"} <= {
        c for u in inspector.get_unique_constraints("applications") for c in u["column_names"]
    }
    assert inspector.get_pk_constraint("dependencies")["constrained_columns"] == ["app_pk", "position"]
    assert ["principal"] in [i["column_names"] for i in inspector.get_indexes("application_grants")]


def test_counts_per_owner(engine):
    load(engine, {"applications": [{"id": "a"}, {"id": "b"}], "servers": [{"id": "s"}]}, owner="one")
    load(engine, {"applications": [{"id": "a"}]}, owner="two")
    assert counts(engine, "one") == {"clients": 0, "systems": 0, "applications": 2, "servers": 1}
    assert counts(engine)["applications"] == 3


def test_a_store_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(StoreError, match=r"cannot create the folder of the store .*file/maestro\.db"):
        open_store(f"sqlite:///{blocked}/maestro.db")


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreError, match=r"cannot open the store at postgresql\+psycopg://nobody@127.0.0.1:9/x"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:9/x")
