"""The infrastructure view: servers as nodes, dependencies between the applications they run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from analytics_maestro.analytics.infra import group_of, infra_view, server_family
from analytics_maestro.cli import main
from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate
from analytics_maestro.model import Server

DOC = {
    "applications": [
        {"id": "lb", "family": "Loadbalance", "deps": [{"id": "web", "endpoint": "http"}]},
        {"id": "web", "deps": [{"id": "api", "endpoint": "grpc"}, {"id": "db", "endpoint": "sql"}]},
        {"id": "api", "deps": [{"id": "db", "endpoint": "sql"}]},
        {"id": "db", "family": "Database"},
    ],
    "servers": [
        {"id": "s-app", "hostname": "app-1", "role": "application", "environment": "production",
         "datacenter": {"provider": "aws", "region": "eu-west-1"}, "applications": ["web", "api"]},
        {"id": "s-db", "hostname": "db-1", "role": "database", "environment": "production",
         "datacenter": {"provider": "aws", "region": "eu-west-1"}, "applications": ["db"]},
        {"id": "s-dr", "hostname": "db-2", "role": "database", "environment": "dr",
         "datacenter": {"provider": "azure", "region": "westeurope"}, "applications": ["db"]},
    ],
}  # fmt: skip


def view():
    inventory = validate(DOC).inventory
    catalogue = MemoryInventory(inventory, "t")
    request = GraphRequest(owner="t", apps=("lb",))
    _, graph = lookup(catalogue, request, 40)
    return infra_view(graph, catalogue.servers(request, [n.id for n in graph.nodes]))


def test_servers_become_nodes_with_what_they_host():
    infra = view()
    nodes = {n.id: n for n in infra.nodes}
    assert set(nodes) == {"s-app", "s-db", "s-dr"}  # lb runs on no server: not in this view
    assert nodes["s-app"].hosts == ("api", "web") and nodes["s-app"].name == "app-1"
    assert (nodes["s-db"].family, nodes["s-db"].provider) == ("Database", "aws")
    assert nodes["s-dr"].systems == ("azure westeurope / dr",)


def test_dependencies_between_applications_become_dependencies_between_their_servers():
    infra = view()
    edges = {(e.source, e.target, e.endpoint) for e in infra.edges}
    # web → api runs inside s-app: not drawn; web and api → db reach both database servers
    assert edges == {("s-app", "s-db", "sql"), ("s-app", "s-dr", "sql")}
    assert infra.entries == ()  # the entry (lb) has no server


def test_roles_and_groups():
    assert server_family(Server(id="x", role="Cache")) == "Cache"
    assert server_family(Server(id="x", role="queue")) == "Broker"
    assert server_family(Server(id="x")) == "Application"
    assert group_of(Server(id="x")) == "unknown datacenter / unknown environment"


def test_draw_the_infrastructure_view(tmp_path):
    inventory = tmp_path / "inv.json"
    inventory.write_text(json.dumps(DOC))
    out, stats = tmp_path / "infra.svg", tmp_path / "stats.json"
    result = CliRunner().invoke(main, ["draw", str(inventory), "--app", "lb", "--type", "infra", "-o", str(out),
                                       "--stats", str(stats)])  # fmt: skip
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    apps = {g.get("data-app-id") for g in root.iter(f"{ns}g") if "app" in g.get("class", "").split()}
    assert apps == {"s-app", "s-db", "s-dr"}
    tip = [(t.get("class"), t.text) for t in root.find(f".//{ns}g[@id='tool-s-app']").iter(f"{ns}tspan")]
    assert tip[-1] == ("hosts", "api, web")
    assert json.loads(stats.read_text())["servers"] == 3
