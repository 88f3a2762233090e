"""The layout engine: no overlaps, no edge through a node, every edge drawn, edges flowing right,
entries first, deep chains, and byte-identical output whatever the input order or hash seed."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_maestro.domain import Edge, GraphRequest, Node, Subgraph
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate
from analytics_maestro.layout import engine, layout, ordering, refine
from analytics_maestro.layout.grid import ENTRY_MARGIN, NODE_WIDTH, grid_from_json
from analytics_maestro.layout.layering import assign_columns
from analytics_maestro.layout.quality import from_layout_json, measure
from analytics_maestro.layout.simplex import network_simplex
from tests.conftest import examples


def subgraph(n: int, edges, entries=(0,)) -> Subgraph:
    nodes = tuple(Node(f"n{i}", 0, name=f"n{i}") for i in range(n))
    return Subgraph(
        entries=tuple(f"n{e}" for e in entries),
        nodes=nodes,
        edges=tuple(Edge(f"n{u}", f"n{v}", endpoint) for u, v, endpoint in edges),
    )


@st.composite
def graphs(draw):
    """Random graphs with cycles, self-loops, duplicate edges (other endpoints), several parts and
    isolated nodes."""
    n = draw(st.integers(min_value=1, max_value=40))
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(["https", "grpc", None]))
    edges = draw(st.lists(edge, max_size=3 * n))
    entries = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
    return subgraph(n, edges, entries)


def check(graph: Subgraph, shared=None) -> dict:
    grid = layout(graph, shared=shared)
    rail = set(grid.rail)
    called = {e.target for e in graph.edges if e.source != e.target}
    assert rail == (set() if shared is None else set(shared) - (set(graph.entries) - called))
    quality = measure(*from_layout_json(grid.to_json()))
    assert quality.overlaps == 0 and quality.through_nodes == 0
    cells = {c.id: c for c in grid.cells}
    assert set(cells) == {n.id for n in graph.nodes}
    # every distinct edge is drawn once, from its source's border to its target's
    assert sorted((r.source, r.target, r.endpoint or "") for r in grid.routes) == sorted(
        {(e.source, e.target, e.endpoint or "") for e in graph.edges}
    )
    for route in grid.routes:
        source, target = cells[route.source], cells[route.target]
        start, end = route.points[0], route.points[-1]
        if route.source in rail or route.target in rail:
            # a badge, on the top or bottom border of the end not on the rail (else the source)
            held = cells[route.target] if route.source in rail and route.target not in rail else source
            if route.source == route.target:
                assert route.kind == "self" and len(route.points) == 4
            else:
                assert route.kind == "shared"
                (point,) = route.points
                assert held.x - held.w / 2 <= point[0] <= held.x + held.w / 2
                assert point[1] in (round(held.y - held.h / 2, 3), round(held.y + held.h / 2, 3))
            continue
        # (coordinates are kept to a thousandth of a unit)
        if route.kind == "forward":
            assert source.col < target.col
            assert abs(start[0] - (source.x + source.w / 2)) < 1e-6 and abs(end[0] - (target.x - target.w / 2)) < 1e-6
        elif route.kind == "back":
            assert source.col >= target.col and route.source != route.target
            assert abs(start[0] - (source.x - source.w / 2)) < 1e-6 and abs(end[0] - (target.x + target.w / 2)) < 1e-6
        else:
            assert route.kind == "self" and route.source == route.target and len(route.points) == 4
        for cell, point in ((source, start), (target, end)):
            assert cell.y - cell.h / 2 <= point[1] <= cell.y + cell.h / 2
    # boxes in one column stay in their rows; entries that nothing calls open column 0; the rail
    # stands above everything else
    for cell in grid.cells:
        assert cell.row >= 0 and cell.span >= 1 and cell.h == round(cell.span - 0.4, 3)
    if rail:
        assert max(cells[i].row for i in rail) < min((c.row for c in grid.cells if c.id not in rail), default=1e9)
    called = {e.target for e in graph.edges if e.source != e.target and not {e.source, e.target} & rail}
    for entry in graph.entries:
        if entry not in called:
            assert cells[entry].col == 0
    return quality.as_dict()


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_random_graphs_lay_out_cleanly(graph):
    check(graph)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.data())
def test_random_graphs_with_a_rail_lay_out_cleanly(graph, data):
    """Any nodes on the rail: every edge still drawn once (as a line or a badge), nothing overlaps,
    no line runs through a box."""
    ids = sorted(n.id for n in graph.nodes)
    check(graph, shared=data.draw(st.lists(st.sampled_from(ids), max_size=5, unique=True)))


def test_the_default_rule_puts_a_database_used_by_many_on_the_rail():
    nodes = [Node("web", 0), *(Node(f"s{i}", 1) for i in range(6)), Node("db", 2, family="Database")]
    edges = [*(Edge("web", f"s{i}", "http") for i in range(6)), *(Edge(f"s{i}", "db", "sql") for i in range(6))]
    graph = Subgraph(entries=("web",), nodes=tuple(nodes), edges=tuple(edges))
    grid = layout(graph)
    assert grid.rail == ("db",)
    assert sorted(r.source for r in grid.routes if r.kind == "shared") == [f"s{i}" for i in range(6)]
    # four users are not enough (five are), nor is a family outside the rule; `shared=()` turns it off
    assert layout(Subgraph(("web",), tuple(nodes), tuple(edges[:-1]))).rail == ("db",)
    assert layout(Subgraph(("web",), tuple(nodes), tuple(edges[:-2]))).rail == ()
    other = [*nodes[:-1], Node("db", 2, family="Application")]
    assert layout(Subgraph(("web",), tuple(other), tuple(edges))).rail == ()
    assert layout(graph, shared=()).rail == () and all(r.kind == "forward" for r in layout(graph, shared=()).routes)
    # the inventory's word wins over the rule, both ways
    marked = [*nodes[:-1], Node("db", 2, family="Database", shared=False), Node("cfg", 1, shared=True)]
    assert layout(Subgraph(("web",), tuple(marked), tuple(edges))).rail == ("cfg",)


def test_cycles_are_drawn_as_back_routes_not_dropped():
    graph = subgraph(4, [(0, 1, "https"), (1, 2, "grpc"), (2, 0, "grpc"), (2, 2, "tcp"), (2, 3, None)])
    grid = layout(graph)
    kinds = {(r.source, r.target): r.kind for r in grid.routes}
    assert kinds == {("n0", "n1"): "forward", ("n1", "n2"): "forward", ("n2", "n0"): "back",
                     ("n2", "n2"): "self", ("n2", "n3"): "forward"}  # fmt: skip
    assert [c.col for c in grid.cells] == [0, 1, 2, 3]


def test_an_edge_spanning_columns_gets_a_lane_in_each():
    # a→b→c→d and a→d: a→d passes columns 1 and 2 with a horizontal run through each
    grid = layout(subgraph(4, [(0, 1, None), (1, 2, None), (2, 3, None), (0, 3, None)]))
    (long,) = [r for r in grid.routes if (r.source, r.target) == ("n0", "n3")]
    assert len(long.points) == 6
    runs = [(a, b) for a, b in zip(long.points[1:-1:2], long.points[2:-1:2], strict=True)]
    assert [round(b[0] - a[0], 3) for a, b in runs] == [NODE_WIDTH, NODE_WIDTH] and all(a[1] == b[1] for a, b in runs)


def test_shared_database_sits_next_to_its_deepest_user():
    # entry → s1 → s2 → s3 → s4 → s5, and s1 and s5 both use db
    edges = [(0, 1, None), (1, 2, None), (2, 3, None), (3, 4, None), (4, 5, None), (1, 6, "sql"), (5, 6, "sql")]
    cells = {c.id: c for c in layout(subgraph(7, edges)).cells}
    assert cells["n6"].col == cells["n5"].col + 1


def test_a_service_moves_towards_the_databases_it_calls():
    # one caller, three stores deeper down: the service sits just before them, not right after its caller
    edges = [(0, 1, None), (1, 2, None), (2, 3, None), (3, 4, None), (4, 5, None), (0, 6, None)]
    edges += [(6, 7, "sql"), (6, 8, "sql"), (6, 9, "sql"), (5, 7, "sql"), (5, 8, "sql"), (5, 9, "sql")]
    cells = {c.id: c for c in layout(subgraph(10, edges)).cells}
    stores = min(cells[f"n{i}"].col for i in (7, 8, 9))
    assert cells["n6"].col == stores - 1 == cells["n5"].col


def test_a_parent_is_centred_on_its_children():
    grid = layout(subgraph(4, [(0, 1, None), (0, 2, None), (0, 3, None)]))
    cells = {c.id: c for c in grid.cells}
    children = sorted(cells[f"n{i}"].y for i in (1, 2, 3))
    assert cells["n0"].y == children[1]


def test_a_busy_node_spans_rows():
    grid = layout(subgraph(13, [(0, i, None) for i in range(1, 13)]))
    cells = {c.id: c for c in grid.cells}
    assert cells["n0"].span == 3 and cells["n1"].span == 1


def test_a_2000_deep_chain():
    grid = layout(subgraph(2000, [(i, i + 1, None) for i in range(1999)]))
    assert grid.columns == 2000 and [c.col for c in grid.cells if c.id == "n1999"] == [1999]
    assert grid.cells[0].x == ENTRY_MARGIN + NODE_WIDTH / 2


def test_an_empty_graph():
    grid = layout(Subgraph(entries=(), nodes=(), edges=()))
    assert grid.cells == () and grid.routes == () and grid.columns == 0


def demo_graph(n: int, seed: int) -> Subgraph:
    inventory = validate(generate(n, seed)).inventory
    return lookup(MemoryInventory(inventory, "t"), GraphRequest(owner="t", all_systems=True), 40)[1]


def test_generated_inventories_lay_out_cleanly():
    for n, seed in ((100, 1), (400, 2)):
        quality = check(demo_graph(n, seed))
        assert quality["crossings"] > 0  # the measure sees real crossings: it is not vacuous


def test_layout_json_does_not_depend_on_input_order():
    graph = demo_graph(300, 5)
    rnd = random.Random(1)
    nodes, edges, entries = list(graph.nodes), list(graph.edges), list(graph.entries)
    rnd.shuffle(nodes)
    rnd.shuffle(edges)
    rnd.shuffle(entries)
    shuffled = Subgraph(entries=tuple(entries), nodes=tuple(nodes), edges=tuple(edges + edges[:10]))
    assert layout(shuffled).to_json() == layout(graph).to_json()


def test_layout_json_does_not_depend_on_the_hash_seed(tmp_path):
    script = (
        "from tests.test_layout import demo_graph; from analytics_maestro.layout import layout; "
        "import sys; sys.stdout.write(layout(demo_graph(300, 6)).to_json())"
    )
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True, cwd=os.getcwd())
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["nodes"]


def contiguous(grid, groups) -> bool:
    """In every column of every part (nodes joined by drawn edges; the rail aside), each group's
    nodes stand together."""
    from analytics_maestro.layout.packing import parts

    ids = sorted(c.id for c in grid.cells if c.id not in grid.rail)
    index = {ident: i for i, ident in enumerate(ids)}
    lines = [(index[r.source], index[r.target]) for r in grid.routes if r.kind != "shared"]
    part = {ids[i]: k for k, members in enumerate(parts(len(ids), lines)) for i in members}
    columns: dict[tuple[int, int], list] = {}
    for cell in grid.cells:
        if cell.id in index:
            columns.setdefault((part[cell.id], cell.col), []).append(cell)
    for cells in columns.values():
        order = [groups[c.id] for c in sorted(cells, key=lambda c: c.row)]
        runs = [g for k, g in enumerate(order) if k == 0 or order[k - 1] != g]
        if len(runs) != len(set(runs)):
            return False
    return True


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(min_value=1, max_value=4), st.randoms(use_true_random=False))
def test_groups_stand_together_in_every_column(graph, count, rnd):
    groups = {n.id: f"g{rnd.randrange(count)}" for n in graph.nodes}
    grid = layout(graph, groups)
    assert contiguous(grid, groups)
    quality = measure(*grid.measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0


def held(grid, groups) -> None:
    """Each container holds the boxes of its group and touches no other box nor container."""
    boxes = [(b.group, b.x - b.w / 2, b.y - b.h / 2, b.x + b.w / 2, b.y + b.h / 2) for b in grid.containers]

    def meets(a, b) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for cell in grid.cells:
        box = (cell.x - cell.w / 2, cell.y - cell.h / 2, cell.x + cell.w / 2, cell.y + cell.h / 2)
        mine = [b for b in boxes if b[0] == groups.get(cell.id)]
        assert (
            not grid.containers
            or cell.id in grid.rail
            or not groups.get(cell.id)
            or any(b[1] <= box[0] and box[2] <= b[3] and b[2] <= box[1] and box[3] <= b[4] for b in mine)
        ), f"{cell.id} is not in a box of {groups.get(cell.id)}"
        for b in boxes:
            assert b[0] == groups.get(cell.id) or not meets(box, b[1:]), f"{cell.id} is in the box of {b[0]}"
    for a, b in itertools.combinations(boxes, 2):
        assert not meets(a[1:], b[1:]), f"the boxes of {a[0]} and {b[0]} meet"


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(min_value=2, max_value=5), st.randoms(use_true_random=False), st.booleans())
def test_each_group_stands_in_a_container_of_its_own(graph, count, rnd, rail):
    groups = {n.id: f"g{rnd.randrange(count)}" for n in graph.nodes if rnd.random() < 0.9}
    shared = sorted(groups)[:2] if rail else ()
    grid = layout(graph, groups, shared)
    held(grid, groups)
    quality = measure(*grid.measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0
    drawn = [c.id for c in grid.cells if c.id not in grid.rail]
    if len({groups.get(i, "") for i in drawn}) >= 2:
        assert {b.group for b in grid.containers} == {groups[i] for i in drawn if i in groups}
    else:
        assert grid.containers == ()
    # kept as drawn when laid out again from itself
    assert layout(graph, groups, shared, previous=grid) == grid


def test_systems_in_containers_on_a_generated_inventory():
    graph = demo_graph(1000, 2)
    groups = {n.id: n.systems[0] for n in graph.nodes if n.systems}
    grid = layout(graph, groups)
    held(grid, groups)
    assert len({b.group for b in grid.containers}) >= 20
    assert layout(graph, groups).to_json() == grid.to_json()
    plain = measure(*layout(graph).measurable())
    boxed = measure(*grid.measurable())
    assert boxed.overlaps == 0 and boxed.through_nodes == 0
    # keeping systems apart costs crossings (963 against 450 here), never many times more
    assert boxed.crossings <= 2.5 * plain.crossings


def test_grouping_a_generated_infrastructure_view():
    from analytics_maestro.analytics import infra

    inventory = validate(generate(400, 3)).inventory
    catalogue = MemoryInventory(inventory, "t")
    request = GraphRequest(owner="t", all_systems=True)
    _, graph = lookup(catalogue, request, 40)
    view = infra.infra_view(graph, catalogue.servers(request, [n.id for n in graph.nodes]))
    groups = infra.groups_of(view)
    assert len(set(groups.values())) >= 4
    plain = layout(view)
    grouped = layout(view, groups)
    assert contiguous(grouped, groups) and not contiguous(plain, groups)


@st.composite
def ranking_problems(draw):
    """Small connected acyclic graphs (each node after the first hangs from an earlier one, more
    edges on top), with weights and minimum lengths, and a feasible ranking to start from: the
    longest-path one, with some nodes pushed further (so that the first tree of tight edges does
    not span the graph, and ranks must shift)."""
    n = draw(st.integers(min_value=2, max_value=5))
    edges = [(draw(st.integers(0, i - 1)), i) for i in range(1, n)]
    edges += draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] < e[1])))
    weight = [draw(st.integers(0, 4)) for _ in edges]
    minlen = [draw(st.integers(0, 1)) for _ in edges]
    rank = [draw(st.integers(0, 2)) for _ in range(n)]
    for _ in range(n):
        for (u, v), m in zip(edges, minlen, strict=True):
            rank[v] = max(rank[v], rank[u] + m)
    return n, edges, rank, minlen, weight


@settings(max_examples=examples(200), deadline=None)
@given(ranking_problems())
def test_network_simplex_finds_the_shortest_feasible_ranking(problem):
    """Checked against every ranking within reach: node 0 at 0, the others within the sum of the
    minimum lengths (an optimal ranking has a tight spanning tree, so none lies further)."""
    n, edges, rank, minlen, weight = problem

    def feasible(r):
        return all(r[v] - r[u] >= m for (u, v), m in zip(edges, minlen, strict=True))

    def length(r):
        return sum(w * (r[v] - r[u]) for (u, v), w in zip(edges, weight, strict=True))

    result = network_simplex(n, edges, rank, minlen, weight)
    assert feasible(result)
    reach = sum(minlen)
    best = min(
        length((0, *rest)) for rest in itertools.product(range(-reach, reach + 1), repeat=n - 1) if feasible((0, *rest))
    )
    assert length(result) == best


@st.composite
def layered_graphs(draw, layers=(2, 4), size=7, edges=12):
    """Items in `layers` (min, max) layers of up to `size`, up to `edges` edges between each two
    neighbouring layers (some repeated), every layer shuffled."""
    sizes = draw(st.lists(st.integers(1, size), min_size=layers[0], max_size=layers[1]))
    order, start = [], 0
    for count in sizes:
        order.append(list(range(start, start + count)))
        start += count
    up: list[list[int]] = [[] for _ in range(start)]
    down: list[list[int]] = [[] for _ in range(start)]
    for upper, lower in itertools.pairwise(order):
        for u, v in draw(st.lists(st.tuples(st.sampled_from(upper), st.sampled_from(lower)), max_size=edges)):
            down[u].append(v)
            up[v].append(u)
    for layer in order:
        draw(st.randoms(use_true_random=False)).shuffle(layer)
    return order, up, down


@settings(max_examples=examples(200), deadline=None)
@given(layered_graphs())
def test_sifting_removes_what_it_says_and_never_adds_crossings(problem):
    layers, up, down = problem
    pos = ordering._positions(layers, len(up))
    before = ordering.total_crossings(layers, down, pos)
    items = sorted(item for layer in layers for item in layer)
    gained = ordering.sift(layers, up, down, pos, [10**6])
    assert sorted(item for layer in layers for item in layer) == items
    assert pos == ordering._positions(layers, len(up))
    assert gained >= 0 and ordering.total_crossings(layers, down, pos) == before - gained


def test_sifting_untangles_a_reversed_matching():
    """Four edges 0-7, 1-6, 2-5, 3-4 drawn in reverse cross six times; sifting leaves none."""
    layers = [[0, 1, 2, 3], [4, 5, 6, 7]]
    up: list[list[int]] = [[] for _ in range(8)]
    down: list[list[int]] = [[] for _ in range(8)]
    for u in range(4):
        down[u].append(7 - u)
        up[7 - u].append(u)
    pos = ordering._positions(layers, 8)
    assert ordering.total_crossings(layers, down, pos) == 6
    assert ordering.sift(layers, up, down, pos, [10**6]) == 6
    assert ordering.total_crossings(layers, down, pos) == 0


@settings(max_examples=examples(200), deadline=None)
@given(layered_graphs())
def test_crossing_count_equals_the_pairs_of_edges_that_cross(problem):
    """Two edges between neighbouring layers cross when their ends stand in opposite orders."""
    layers, _, down = problem
    pos = ordering._positions(layers, len(down))
    for upper in layers[:-1]:
        ends = [(pos[u], pos[v]) for u in upper for v in down[u]]
        expected = sum(1 for a in ends for b in ends if a[0] < b[0] and a[1] > b[1])
        assert ordering.count_crossings(upper, down, pos) == expected


@st.composite
def layered_dags(draw):
    """An acyclic graph (edges from lower to higher index) with its shortest columns and pinned
    sources."""
    n = draw(st.integers(min_value=2, max_value=14))
    pairs = st.tuples(st.integers(0, n - 2), st.integers(1, n - 1)).filter(lambda p: p[0] < p[1])
    edges = sorted(set(draw(st.lists(pairs, min_size=1, max_size=3 * n))))
    called = {v for _, v in edges}
    pinned = [u for u in range(n) if u not in called]
    return n, edges, pinned, assign_columns(n, edges, pinned)


def straight_crossings(n: int, edges, columns: list[int], work: list[int]) -> int:
    """Crossings of the depth-first order of a layering, lanes included (a deterministic stand-in
    for the engine's quick ordering)."""
    layer_of, up, down, _ = engine._items(columns, edges)
    work[0] -= len(layer_of)
    layers = ordering.initial_order(layer_of, down, [u for u in range(n) if not up[u]])
    return ordering.total_crossings(layers, down, ordering._positions(layers, len(up)))


@settings(max_examples=examples(150), deadline=None)
@given(layered_dags())
def test_refined_columns_keep_edges_right_and_never_cost_more(problem):
    n, edges, pinned, columns = problem

    def cost(cols: list[int]) -> float:
        length = sum(cols[v] - cols[u] for u, v in edges)
        return straight_crossings(n, edges, cols, [10**9]) + refine.LENGTH_COST * length

    def crossings(cols, work):  # every node may move
        return straight_crossings(n, edges, cols, work), [1] * n

    refined = refine.refine_columns(columns, edges, pinned, crossings, 10**6)
    assert all(refined[u] < refined[v] for u, v in edges)
    assert all(refined[p] == 0 for p in pinned) and min(refined) == 0
    assert cost(refined) <= cost(columns)


def test_refining_moves_only_nodes_whose_edges_cross():
    # n4 could sit in column 1 or 2 (beside n1 or n2); its edges cross nothing, so it is not tried
    n, edges = 5, [(0, 1), (1, 2), (2, 3), (0, 4), (4, 3)]
    columns = assign_columns(n, edges, [0])
    tried = []

    def crossings(cols, work):
        tried.append([c - b for c, b in zip(cols, columns, strict=True)])
        return 1, [0, 0, 0, 1, 0]

    refine.refine_columns(columns, edges, [0], crossings, 10**6)
    assert tried[1:] and all(moved[:3] == [0, 0, 0] and moved[4] == 0 for moved in tried[1:])


def test_refining_stops_when_the_budget_is_spent():
    n, edges = 6, [(0, 1), (0, 2), (1, 3), (1, 4), (1, 5), (2, 3), (2, 4), (2, 5)]
    columns = assign_columns(n, edges, [0])
    calls = []

    def crossings(cols, work):
        calls.append(cols)
        work[0] -= 10
        return (3 if cols == columns else 5), [1] * n

    assert refine.refine_columns(columns, edges, [0], crossings, 25) == columns
    assert len(calls) == 3  # the start, then moves while work remains


def test_two_services_over_three_stores_cross_less_than_the_shortest_columns_allow():
    """Two services each calling the same three stores: in neighbouring columns the six edges cross
    three times whatever the order (K2,3). One store a column further on, reached by lanes, leaves
    one crossing for two columns more of edges."""
    edges = [(0, 1, None), (0, 2, None)] + [(s, d, "sql") for s in (1, 2) for d in (3, 4, 5)]
    grid = layout(subgraph(6, edges))
    cells = {c.id: c for c in grid.cells}
    assert measure(*grid.measurable()).crossings == 1
    assert sorted(cells[f"n{i}"].col for i in (3, 4, 5)) == [2, 2, 3]


def test_only_sparse_small_graphs_choose_among_drawn_orders(monkeypatch):
    """Measuring a drawing costs about the square of its segments: a dense graph of few nodes
    keeps its best order by count instead of drawing eight."""
    measured = []
    real = engine.measure
    monkeypatch.setattr(engine, "measure", lambda *a: measured.append(1) or real(*a))
    rnd = random.Random(1)
    dense = [(0, i, None) for i in range(1, 61)] + [
        (rnd.randrange(1, 61), rnd.randrange(61, 121), None) for _ in range(600)
    ]
    layout(subgraph(121, dense))
    assert measured == []
    layout(demo_graph(100, 1))
    assert len(measured) > 1


def test_the_final_order_crosses_no_more_than_the_column_search_promised():
    """The column search judges a layering by a quick ordering; the final ordering of the chosen
    layering starts from that one too, so it never ends with more crossings."""
    graph = demo_graph(100, 3)
    ids = sorted(node.id for node in graph.nodes)
    index = {ident: i for i, ident in enumerate(ids)}
    entries = sorted(index[e] for e in graph.entries)
    edges = sorted(set(graph.edges), key=engine._edge_key)
    state = engine._Layout(ids, index, entries, edges)
    state.settle(search=True)
    promised = state.quick[tuple(state.col)]
    (final,) = ordering.order_layers(state.layer_of, state.up, state.down, state.entries, known=[promised])
    size = len(state.up)
    count = ordering.total_crossings(final, state.down, ordering._positions(final, size))
    assert count <= ordering.total_crossings(promised, state.down, ordering._positions(promised, size))


@settings(max_examples=examples(200), deadline=None)
@given(layered_graphs())
def test_each_segment_crosses_the_segments_whose_ends_stand_in_opposite_orders(problem):
    layers, _, down = problem
    pos = ordering._positions(layers, len(down))
    counted = ordering.segment_crossings(layers, down)
    for layer in layers:
        ends = [(pos[u], pos[v], (u, v)) for u in layer for v in down[u]]
        for a, b, key in ends:
            assert counted[key] == sum(1 for c, d, _ in ends if (a - c) * (b - d) < 0)


@settings(max_examples=examples(200), deadline=None)
@given(st.data())
def test_sifting_the_groups_keeps_them_whole_and_never_crosses_more(data):
    from analytics_maestro.layout.containers import sifted_groups

    rng = random.Random(data.draw(st.integers(0, 10**6)))
    sizes = [rng.randint(1, 6) for _ in range(rng.randint(2, 5))]
    layers, item = [], 0
    for size in sizes:
        layers.append(list(range(item, item + size)))
        item += size
    down = [[] for _ in range(item)]
    for k in range(len(layers) - 1):
        for u in layers[k]:
            down[u] = sorted(rng.sample(layers[k + 1], rng.randint(0, len(layers[k + 1]))))
    names = "ABCD"[: rng.randint(2, 4)]
    of = [rng.choice(names) for _ in range(item)]
    ranked = sorted(set(of))
    grouped = [sorted(layer, key=lambda i: (ranked.index(of[i]), i)) for layer in layers]

    def crossings(ls):
        pos = [0] * item
        for layer in ls:
            for i, x in enumerate(layer):
                pos[x] = i
        return ordering.total_crossings(ls, down, pos)

    out, order = sifted_groups(grouped, down, of.__getitem__, ranked, [10**6])
    assert sorted(order) == ranked
    for before, after in zip(grouped, out, strict=True):
        assert sorted(after) == sorted(before)
        # each group stands together, in the order given, its items in their order
        assert [of[i] for i in after] == sorted((of[i] for i in after), key=order.index)
        for name in ranked:
            assert [i for i in after if of[i] == name] == [i for i in before if of[i] == name]
    assert crossings(out) <= crossings(grouped)


def clients_of_one_gateway(clients: int, order: int = 0) -> Subgraph:
    """`clients` applications that nothing calls, each calling the gateway (with a protocol of
    its own), which calls two services that share a database; shuffled by `order`."""
    nodes = [Node(f"client-{i:03d}", 0) for i in range(clients)]
    nodes += [Node("api", 1), Node("orders", 2), Node("users", 2), Node("db", 3, family="Database")]
    edges = [Edge(f"client-{i:03d}", "api", f"http/{i}") for i in range(clients)]
    edges += [Edge("api", "orders", None), Edge("api", "users", None), Edge("orders", "db", None),
              Edge("users", "db", None)]  # fmt: skip
    entries = [f"client-{i:03d}" for i in range(clients)]
    random.Random(order).shuffle(nodes)
    random.Random(order).shuffle(edges)
    return Subgraph(entries=tuple(entries), nodes=tuple(nodes), edges=tuple(edges))


def test_a_hundred_and_twenty_callers_of_one_gateway_are_one_block_with_one_trunk():
    graph = clients_of_one_gateway(120)
    grid = layout(graph, shared=())
    quality = measure(*grid.measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0 and quality.crossings == 0
    # a block, not a column of 120 boxes: the drawing is about as wide as high
    width, height = grid.width * 150, grid.rows * 80
    assert 1 / 3 <= width / height <= 3, (width, height)
    cells = {c.id: c for c in grid.cells}
    assert set(cells) == {n.id for n in graph.nodes} and set(grid.entries) == set(graph.entries)
    assert cells["api"].span <= 2  # its 120 callers come in as one trunk
    # every dependency keeps its own route, protocol included, from its caller's box to the gateway
    routes = {(r.source, r.target, r.endpoint): r for r in grid.routes}
    assert set(routes) == {(e.source, e.target, e.endpoint) for e in graph.edges}
    api = cells["api"]
    for i in range(120):
        route, client = routes[(f"client-{i:03d}", "api", f"http/{i}")], cells[f"client-{i:03d}"]
        (x0, y0), (x1, y1) = route.points[0], route.points[-1]
        assert client.x - client.w / 2 <= x0 <= client.x + client.w / 2 and y0 == pytest.approx(client.y + client.h / 2)
        assert x1 == pytest.approx(api.x - api.w / 2) and api.y - api.h / 2 <= y1 <= api.y + api.h / 2
    # whatever the order the inventory came in
    assert layout(clients_of_one_gateway(120, order=7), shared=()).to_json() == grid.to_json()


def test_onap_drawn_again_from_its_layout_is_drawn_as_before_with_its_block():
    from analytics_maestro.inventory.files import load_inventory

    report = load_inventory(Path(__file__).parent.parent / "examples" / "onap.yaml")
    graph = lookup(MemoryInventory(report.inventory, "t"), GraphRequest(owner="t", all_systems=True), 40)[1]
    grid = layout(graph, shared=())  # every edge a line: the DCAE collectors that call the router are a block
    assert len(grid.blocks) == 1 and len(grid.blocks[0].members) >= 8
    assert grid_from_json(grid.to_json()) == grid
    assert layout(graph, shared=(), previous=grid_from_json(grid.to_json())).to_json() == grid.to_json()


def test_fewer_callers_than_a_block_stand_in_their_column():
    grid = layout(clients_of_one_gateway(5), shared=())
    assert {c.col for c in grid.cells if c.id.startswith("client-")} == {0}
    assert len({c.x for c in grid.cells if c.id.startswith("client-")}) == 1


@settings(max_examples=examples(60), deadline=None)
@given(st.data())
def test_blocks_of_callers_lay_out_cleanly_in_any_graph_and_group(data):
    rng = random.Random(data.draw(st.integers(0, 10**6)))
    core = [f"s{i}" for i in range(rng.randint(2, 8))]
    edges = [Edge(a, b, None) for a in core for b in core if a < b and rng.random() < 0.3]
    nodes = [Node(i, 0) for i in core]
    entries = []
    for k in range(rng.randint(1, 3)):  # classes of callers, each of the same targets
        targets = rng.sample(core, rng.randint(1, min(3, len(core))))
        for i in range(rng.randint(6, 30)):
            ident = f"c{k}-{i:02d}"
            nodes.append(Node(ident, 0))
            entries.append(ident)
            edges += [Edge(ident, t, rng.choice([None, "http", "grpc"])) for t in targets]
    groups = {n.id: rng.choice("AB") for n in nodes} if rng.random() < 0.5 else None
    graph = Subgraph(entries=tuple(entries), nodes=tuple(nodes), edges=tuple(edges))
    grid = layout(graph, groups, shared=())
    quality = measure(*grid.measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0
    assert {c.id for c in grid.cells} == {n.id for n in nodes}
    assert sorted((r.source, r.target, r.endpoint or "") for r in grid.routes) == sorted(
        (e.source, e.target, e.endpoint or "") for e in set(edges)
    )
    if groups:
        held(grid, groups)
    # drawn again from its own layout JSON (a graph's next run), it is drawn exactly as before
    again = layout(graph, groups, shared=(), previous=grid_from_json(grid.to_json()))
    assert again.to_json() == grid.to_json()


def test_lone_nodes_of_one_group_beside_other_parts_stand_in_their_box():
    # the matrix of 30 lone nodes is reshaped to fill what a part of 11 leaves: in its box still
    nodes = [Node(f"l{i:02d}", 0) for i in range(30)] + [Node("a", 0)] + [Node(f"t{i:02d}", 1) for i in range(10)]
    groups = {**{f"l{i:02d}": "A" for i in range(30)}, "a": "A", **{f"t{i:02d}": "B" for i in range(10)}}
    edges = tuple(Edge("a", f"t{i:02d}", None) for i in range(10))
    grid = layout(Subgraph(entries=("a",), nodes=tuple(nodes), edges=edges), groups)
    assert len({c.x for c in grid.cells if c.id.startswith("l")}) == 3  # (4 columns on its own)
    held(grid, groups)


def test_lone_nodes_stand_in_the_order_a_reader_looks_their_names_up_in():
    names = ["system-10", "System-2", "system-1", "alpha", "system-100", "beta", "system-20", "gamma"]
    nodes = tuple(Node(f"id{k}", 0, name=name) for k, name in enumerate(names))
    grid = layout(Subgraph(entries=(), nodes=nodes, edges=()))
    cells = sorted(grid.cells, key=lambda c: (c.row, c.x))
    by_id = {n.id: n.name for n in nodes}
    assert [by_id[c.id] for c in cells] == [
        "alpha", "beta", "gamma", "system-1", "System-2", "system-10", "system-20", "system-100",
    ]  # fmt: skip


def test_a_block_beside_other_boxes_in_its_column_does_not_widen_them():
    from analytics_maestro.render.labels import box_units

    graph = clients_of_one_gateway(20)
    admins = [Node(f"admin-console-{k}", 0) for k in range(3)]
    graph = Subgraph(
        entries=(*graph.entries, *(n.id for n in admins)),
        nodes=(*graph.nodes, *admins, Node("admin-api", 1)),
        edges=(*graph.edges, *(Edge(n.id, "admin-api", None) for n in admins), Edge("admin-api", "db", None)),
    )
    grid = layout(graph, shared=())
    cells = {c.id: c for c in grid.cells}
    first = cells["admin-console-0"]
    beside = [c for c in grid.cells if abs(c.x - c.w / 2 - (first.x - first.w / 2)) < 0.3]
    assert {c.id for c in beside} >= {f"client-{i:03d}" for i in range(20)}
    # every box in the column is at most as wide as the widest name in it asks
    widest = max(box_units(c.id) for c in beside)
    assert all(c.w <= widest + 0.01 for c in beside)
    quality = measure(*grid.measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0
    assert cells["api"].span <= 2
