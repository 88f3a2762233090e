"""Load on the real server: 20 concurrent clients create 200 graphs against gunicorn with the local
runner and the default SQLite store; every graph is accepted, none is lost, all finish."""

from __future__ import annotations

import pytest
from bench.api import load, start_server


@pytest.mark.slow
def test_twenty_clients_two_hundred_graphs_none_lost(tmp_path):
    server = start_server(tmp_path, workers=2)
    try:
        result = load(server, clients=20, graphs=200, timeout=300)
    finally:
        server.stop()
    assert len(result.created) == len(set(result.created)) == 200
    assert set(result.created) <= set(result.statuses), "graphs missing from the list"
    assert [result.statuses[g] for g in result.created] == ["finished"] * 200
