"""Load on the real server: 20 concurrent clients create 200 graphs against gunicorn with the local
runner, on the default SQLite store and on PostgreSQL; every graph is accepted, none is lost, all
finish."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from bench.api import load, start_server

from tests.conftest import PG_URL, unavailable


def _twenty_clients_two_hundred_graphs(tmp_path, database_url: str | None = None) -> None:
    server = start_server(tmp_path, workers=2, database_url=database_url)
    try:
        result = load(server, clients=20, graphs=200, timeout=300)
    finally:
        server.stop()
    assert len(result.created) == len(set(result.created)) == 200
    assert set(result.created) <= set(result.statuses), "graphs missing from the list"
    assert [result.statuses[g] for g in result.created] == ["finished"] * 200


@pytest.mark.slow
def test_twenty_clients_two_hundred_graphs_none_lost_on_sqlite(tmp_path):
    _twenty_clients_two_hundred_graphs(tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_twenty_clients_two_hundred_graphs_none_lost_on_postgresql(tmp_path):
    admin = sa.create_engine(PG_URL, connect_args={"connect_timeout": 5})
    schema = f"load_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        unavailable(f"PostgreSQL at {PG_URL} is unreachable ({exc.__class__.__name__})")
    try:
        _twenty_clients_two_hundred_graphs(tmp_path, f"{PG_URL}?options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
