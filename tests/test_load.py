"""Load on the real server: 20 concurrent clients create 200 graphs against gunicorn with the local
runner, on the default SQLite store and on PostgreSQL; every graph is accepted, none is lost, all
finish."""

from __future__ import annotations

import pytest
from bench.api import load, start_server

from tests.conftest import PG_URL


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
def test_twenty_clients_two_hundred_graphs_none_lost_on_postgresql(tmp_path, pg_schema):
    _twenty_clients_two_hundred_graphs(tmp_path, f"{PG_URL}?options=-csearch_path%3D{pg_schema}")
