"""Find in a diagram (`analytics.search`), and its route."""

from __future__ import annotations

from analytics_maestro.analytics.search import search
from analytics_maestro.domain import Node, Subgraph
from analytics_maestro.model import Server


def _view(*nodes: Node) -> Subgraph:
    return Subgraph(entries=(nodes[0].id,), nodes=nodes, edges=(), missing=(), truncated=False)


VIEW = _view(
    Node("web", 0, "frontend-lb", "Loadbalance", systems=("shop",)),
    Node("api", 1, "shop-api", "Application", systems=("shop",), team="storefront"),
    Node("db", 2, "orders", "Database", systems=("shop", "billing")),
    Node("shop", 2, "shop", "Application"),
)
SERVERS = {"db": (Server(id="s1", hostname="pg-primary", ipv4_private="10.0.3.7"),)}


def test_a_name_named_whole_comes_first_then_by_the_start_then_anywhere():
    assert [(m.id, m.field) for m in search(VIEW, SERVERS, "shop")] == [
        ("shop", "name"), ("api", "name"), ("db", "system"), ("web", "system")]  # fmt: skip
    assert [m.id for m in search(VIEW, SERVERS, "  LB ")] == ["web"]  # any case, spaces ignored


def test_family_team_system_and_the_servers_find_their_applications():
    assert [(m.id, m.field, m.value) for m in search(VIEW, SERVERS, "10.0.3")] == [("db", "ipv4_private", "10.0.3.7")]
    assert [(m.id, m.field) for m in search(VIEW, SERVERS, "pg-primary")] == [("db", "hostname")]
    assert [(m.id, m.field) for m in search(VIEW, SERVERS, "database")] == [("db", "family")]
    assert [(m.id, m.field) for m in search(VIEW, SERVERS, "storefront")] == [("api", "team")]
    assert [(m.id, m.field) for m in search(VIEW, SERVERS, "billing")] == [("db", "system")]


def test_nothing_asked_nothing_found_and_the_limit_holds():
    assert search(VIEW, SERVERS, "   ") == [] and search(VIEW, SERVERS, "zzz") == []
    assert len(search(VIEW, SERVERS, "a", limit=2)) == 2


def test_the_infrastructure_view_finds_a_server_by_the_applications_it_runs():
    infra = _view(Node("s1", 0, "pg-primary", "Database", hosts=("orders", "ledger")))
    assert [(m.id, m.field, m.value) for m in search(infra, {}, "ledger")] == [("s1", "hosts", "ledger")]
