"""Real architectures, modelled from public microservice demos (examples/): clean layouts, and no
more crossings than Graphviz `dot` draws on the same graphs where we claim so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from analytics_maestro.domain import GraphRequest, Subgraph
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.files import load_inventory
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate
from analytics_maestro.layout import layout
from analytics_maestro.layout.quality import from_plain, measure
from tests.conftest import require_dot

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURES = [*sorted((ROOT / "examples").glob("*.yaml")), ROOT / "src/analytics_maestro/demo/inventory.yaml"]
# Where our drawing crosses no more than dot's (the others are reported by `make bench`).
NO_WORSE_THAN_DOT = {
    "eshop-on-containers.yaml", "hotel-reservation.yaml", "opentelemetry-demo.yaml", "piggymetrics.yaml",
    "social-network.yaml", "sock-shop.yaml",
}  # fmt: skip
# Those with shared infrastructure, where the rail's drawing crosses at most half as often as dot's
WITH_A_RAIL = {
    "eshop-on-containers.yaml", "hotel-reservation.yaml", "onap.yaml", "opentelemetry-demo.yaml", "piggymetrics.yaml",
}  # fmt: skip


def whole(path: Path) -> Subgraph:
    report = load_inventory(path)
    assert report.ok and not report.warnings, report.errors + report.warnings
    return lookup(MemoryInventory(report.inventory, "x"), GraphRequest(owner="x", all_systems=True), 40)[1]


def dot_quality(graph: Subgraph):
    require_dot()
    source = "digraph G {\n rankdir=LR;\n node [shape=box];\n"
    source += "".join(f' "{n.id}";\n' for n in graph.nodes)
    source += "".join(f' "{e.source}" -> "{e.target}";\n' for e in graph.edges) + "}\n"
    plain = subprocess.run(["dot", "-Tplain"], input=source, capture_output=True, text=True, check=True).stdout
    return measure(*from_plain(plain))


@pytest.mark.parametrize("path", ARCHITECTURES, ids=lambda p: p.name)
def test_architecture_lays_out_cleanly(path):
    graph = whole(path)
    assert len(graph.nodes) >= 12
    quality = measure(*layout(graph).measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0 and quality.edges == len(graph.edges)


@pytest.mark.parametrize("name", sorted(NO_WORSE_THAN_DOT))
def test_no_more_crossings_than_dot_with_every_edge_a_line(name):
    graph = whole(ROOT / "examples" / name)
    ours, theirs = measure(*layout(graph, shared=()).measurable()), dot_quality(graph)
    assert ours.crossings <= theirs.crossings


@pytest.mark.parametrize("name", sorted(WITH_A_RAIL))
def test_the_rail_crosses_at_most_half_as_often_as_dot(name):
    graph = whole(ROOT / "examples" / name)
    grid = layout(graph)
    assert grid.rail, "the rule finds the shared infrastructure"
    ours, theirs = measure(*grid.measurable()), dot_quality(graph)
    assert ours.crossings <= theirs.crossings / 2 and ours.overlaps == ours.through_nodes == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_hundred_applications_cross_no_more_than_dot(seed):
    inventory = validate(generate(100, seed)).inventory
    graph = lookup(MemoryInventory(inventory, "x"), GraphRequest(owner="x", all_systems=True), 40)[1]
    ours, theirs = measure(*layout(graph).measurable()), dot_quality(graph)
    assert ours.crossings <= theirs.crossings


def page_aspect(grid) -> float:
    """Width over height of the flat drawing of a grid (a unit across is 150 px, a row 80 px)."""
    return grid.width * 150 / (grid.rows * 80)


def test_the_3000_application_inventory_is_drawn_as_a_landscape_not_a_hairline():
    inventory = validate(generate(3000, 1)).inventory
    graph = lookup(MemoryInventory(inventory, "x"), GraphRequest(owner="x", all_systems=True), 40)[1]
    grid = layout(graph)
    assert 1 / 3 <= page_aspect(grid) <= 3 and grid.rail
    quality = measure(*grid.measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0


def test_over_a_hundred_roots_sharing_a_database_pack_to_the_aspect():
    from analytics_maestro.domain import Edge, Node

    nodes = [Node("db", 2, family="Database")]
    edges = []
    for i in range(120):
        nodes += [Node(f"ui-{i}", 0), Node(f"svc-{i}", 1)]
        edges += [Edge(f"ui-{i}", f"svc-{i}", "http"), Edge(f"svc-{i}", "db", "sql")]
    graph = Subgraph(entries=tuple(f"ui-{i}" for i in range(120)), nodes=tuple(nodes), edges=tuple(edges))
    for aspect in (16 / 10, 1.0, 3.0):
        grid = layout(graph, aspect=aspect)
        assert grid.rail == ("db",) and abs(page_aspect(grid) / aspect - 1) < 0.35, page_aspect(grid)
    # every part starts with its entry in its own first column
    cells = {c.id: c for c in layout(graph).cells}
    assert all(cells[f"ui-{i}"].col == 0 and cells[f"svc-{i}"].col == 1 for i in range(120))
    assert len({cells[f"ui-{i}"].x for i in range(120)}) > 3  # side by side, not one column
