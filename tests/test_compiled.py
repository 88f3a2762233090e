"""The compiled parts against the Python they stand in for: the layout's loops (`layout/_native.c`)
give the same orders, crossings, rows and work, step for step, and the renderer's number
formatting (`render/_numbers.c`) the same text, so a diagram does not depend on which one ran."""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate
from analytics_maestro.layout import compiled, coordinates, grid, layering, layout, ordering, routing
from analytics_maestro.layout.grid import Route
from analytics_maestro.layout.simplex import network_simplex
from analytics_maestro.render import common, exports, flat, iso
from tests.conftest import examples
from tests.test_layout import graphs, layered_graphs

NATIVE = compiled.native


@pytest.mark.parametrize(
    ("built", "what"),
    [(NATIVE is not None, "the layout's compiled loops"), (common.num is not common.python_num, "the renderer's")],
)
def test_the_compiled_parts_are_built(built, what):
    """`make` builds them wherever a C compiler is at hand, as on CI (where a missing build fails);
    elsewhere the Python they stand in for runs, slower, and this says how to build them."""
    if not built:
        message = f"{what} are not built: install gcc and the Python headers, then `make venv`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


needs_native = pytest.mark.skipif(NATIVE is None, reason="the compiled loops are not built (see above)")


def python_loops(run, *args):
    """`run(*args)` with the Python loops behind every facade."""
    with compiled.python_loops():
        return run(*args)


@needs_native
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    layered_graphs(layers=(1, 6), size=9, edges=20),
    st.sampled_from(ordering.RULES),
    st.booleans(),
    st.integers(1, 24),
    st.integers(-5, 400),
)
def test_compiled_sweeps_do_what_the_python_loops_do(problem, rule, transpose, iterations, budget):
    layers, up, down = problem
    compiled_layers, python_layers = [list(layer) for layer in layers], [list(layer) for layer in layers]
    compiled_work, python_work = [budget], [budget]
    compiled = ordering.sweeps(compiled_layers, up, down, iterations, rule, compiled_work, transpose)
    python = ordering.python_sweeps(python_layers, up, down, iterations, rule, python_work, transpose)
    assert compiled == python
    assert compiled_work == python_work
    assert compiled_layers == python_layers  # both leave the last order in the caller's lists


@needs_native
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layered_graphs(layers=(1, 6), size=9, edges=20), st.booleans(), st.integers(-5, 400))
def test_compiled_transposition_does_what_the_python_loop_does(problem, reverse, budget):
    layers, up, down = problem
    python_layers = [list(layer) for layer in layers]
    python_work = [budget]
    pos = ordering._positions(python_layers, len(up))
    ordering._transpose(python_layers, up, down, pos, reverse, python_work)
    count, work = NATIVE.transpose(layers, up, down, reverse, budget, ordering.MAX_TRANSPOSE_ROUNDS)
    assert layers == python_layers
    assert (count, work) == (ordering.total_crossings(layers, down, pos), python_work[0])
    assert NATIVE.total_crossings(layers, up, down) == count


@needs_native
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layered_graphs(layers=(1, 6), size=9, edges=20), st.integers(-5, 400))
def test_compiled_sifting_does_what_the_python_loop_does(problem, budget):
    layers, up, down = problem
    python_layers, python_work = [list(layer) for layer in layers], [budget]
    python_pos = ordering._positions(python_layers, len(up))
    gained = ordering.python_sift(python_layers, up, down, python_pos, python_work)
    pos, work = ordering._positions(layers, len(up)), [budget]
    assert ordering.sift(layers, up, down, pos, work) == gained
    assert (layers, pos, work) == (python_layers, python_pos, python_work)


@needs_native
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layered_graphs(layers=(1, 6), size=9, edges=20), st.data())
def test_compiled_rows_are_the_python_rows(problem, data):
    layers, up, down = problem
    size = len(up)
    is_lane = data.draw(st.lists(st.booleans(), min_size=size, max_size=size))
    spans = data.draw(st.lists(st.integers(1, 6), min_size=size, max_size=size))

    def tops():
        columns = coordinates.assign_rows(layers, up, down, is_lane, spans)
        return [[(slot.items, slot.height, slot.top) for slot in slots] for slots in columns]

    assert tops() == python_loops(tops)


@needs_native
@settings(max_examples=examples(3000), deadline=None)
@given(
    st.one_of(
        st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
        st.integers(-(10**7), 10**7).map(lambda k: k / 2000),  # halves of thousandths
        st.floats(min_value=-1e300, max_value=1e300, allow_nan=False),
    )
)
def test_compiled_snapping_rounds_as_python_does(value):
    assert NATIVE.snap(value) == grid.snap(value)
    assert str(NATIVE.snap(value)) == str(grid.snap(value))  # no -0.0 either


@st.composite
def routing_problems(draw):
    """Boxes in columns, chains between them through lane items, ties in the other ends' heights."""
    boxes = [
        routing.Box(draw(st.integers(0, 6)) * 2.5, draw(st.integers(0, 20)) / 2, 1.0, draw(st.integers(1, 6)) - 0.4)
        for _ in range(draw(st.integers(1, 8)))
    ]
    lanes = draw(st.integers(0, 10))
    items = len(boxes) + lanes
    lane_y = [float(i) for i in range(len(boxes))] + [draw(st.integers(0, 40)) / 3 for _ in range(lanes)]
    lane_x = [0.0] * len(boxes) + [draw(st.integers(0, 6)) * 2.5 + 1.0 for _ in range(lanes)]
    position = draw(st.permutations(range(items)))
    chain = st.builds(
        routing.Chain,
        st.integers(0, len(boxes) - 1),
        st.integers(0, len(boxes) - 1),
        st.lists(st.integers(len(boxes), items - 1), max_size=3).map(tuple) if lanes else st.just(()),
    )
    return draw(st.lists(chain, max_size=12)), boxes, lane_y, lane_x, position


@needs_native
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routing_problems())
def test_compiled_routes_are_the_python_routes(problem):
    compiled_routes = routing.route_chains(*problem)
    assert compiled_routes == routing.python_route_chains(*problem)


@needs_native
def test_compiled_sweeps_refuse_layers_that_do_not_hold_every_item_once():
    up: list[list[int]] = [[], [0], []]
    down: list[list[int]] = [[1], [], []]
    for layers in ([[0], [1]], [[0, 2], [1, 2]], [[0, 2], [1, 7]]):
        with pytest.raises(ValueError, match="every item once"):
            NATIVE.total_crossings(layers, up, down)
    with pytest.raises(ValueError, match="not an item"):
        NATIVE.total_crossings([[0, 2], [1]], up, [[5], [], []])


@needs_native
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_random_graphs_lay_out_the_same_with_either(graph):
    assert layout(graph).to_json() == python_loops(lambda: layout(graph).to_json())


@needs_native
@pytest.mark.parametrize(("n", "seed"), [(100, 1), (100, 3), (300, 2), (1000, 1)])
def test_generated_inventories_lay_out_the_same_with_either(n, seed):
    report = validate(generate(n, seed))
    _, graph = lookup(MemoryInventory(report.inventory, "t"), GraphRequest(owner="t", all_systems=True), 10_000)
    assert layout(graph).to_json() == python_loops(lambda: layout(graph).to_json())


needs_numbers = pytest.mark.skipif(common.num is common.python_num, reason="the number formatting is not compiled")
coordinates_ = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)


@needs_numbers
@settings(max_examples=examples(2000), deadline=None)
@given(
    st.one_of(
        coordinates_,
        st.integers(-1000, 1000).map(lambda k: k / 20),
        st.integers(-(10**6), 10**6),
        st.floats(min_value=-9e14, max_value=9e14),  # past where the digits are written out by hand
    )
)
def test_compiled_numbers_are_the_python_numbers(value):
    """Halves of tenths (0.05, 0.25, -0.15...) included: both round them to even."""
    assert common.num(value) == common.python_num(value)


@needs_numbers
@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(coordinates_, coordinates_), max_size=8))
def test_compiled_path_data_is_the_python_path_data(points):
    assert common.path_data(points) == common.python_path_data(points)
    assert common.path_data([list(p) for p in points]) == common.python_path_data(points)


@needs_numbers
@pytest.mark.parametrize("style", ["iso", "flat"])
def test_a_generated_diagram_is_the_same_with_either(monkeypatch, style):
    report = validate(generate(300, 2))
    catalogue = MemoryInventory(report.inventory, "t")
    request = GraphRequest(owner="t", all_systems=True)
    _, graph = lookup(catalogue, request, 10_000)
    servers = catalogue.servers(request, [node.id for node in graph.nodes])
    grid, nodes = layout(graph), {node.id: node for node in graph.nodes}
    compiled_svg = exports.svg(grid, nodes, servers, style)
    monkeypatch.setattr(common, "_numbers", None)
    for module in (common, iso, flat):
        for name, python in (("num", common.python_num), ("path_data", common.python_path_data)):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, python)
    assert exports.svg(grid, nodes, servers, style) == compiled_svg


names = st.text(alphabet=st.sampled_from("ab&<>\"\n\t'é→ 0"), min_size=1, max_size=6)


@st.composite
def drawn_routes(draw):
    """Routes between named nodes, with ids and endpoints that need escaping, some with one point."""
    ids = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    point = st.tuples(coordinates_, coordinates_)
    route = st.builds(
        Route,
        st.sampled_from(ids),
        st.sampled_from(ids),
        st.one_of(st.none(), st.just(""), names),
        st.sampled_from(["forward", "back", "self"]),
        st.lists(point, min_size=1, max_size=6).map(tuple),
    )
    return draw(st.lists(route, max_size=8)), common.element_ids(sorted(ids))


@needs_numbers
@settings(max_examples=examples(500), deadline=None)
@given(drawn_routes(), st.booleans())
def test_compiled_edges_are_the_python_edges(problem, lifted):
    routes, sids = problem
    projection, z = (iso.ISO, iso.TILE) if lifted else (flat.FLAT, 0.0)
    assert common.edge_groups(routes, sids, projection, z) == common.python_edge_groups(routes, sids, projection, z)


@st.composite
def simplex_problems(draw):
    """Connected acyclic graphs of up to 40 nodes (each node after the first hangs from an earlier
    one, more edges on top, some repeated), weights, minimum lengths, and a feasible ranking with
    slack to start from."""
    n = draw(st.integers(2, 40))
    edges = [(draw(st.integers(0, i - 1)), i) for i in range(1, n)]
    edges += draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] < e[1])))
    weight = [draw(st.integers(0, 5)) for _ in edges]
    minlen = [draw(st.integers(0, 2)) for _ in edges]
    rank = [draw(st.integers(0, 3)) for _ in range(n)]
    for v in range(n):  # nodes are in topological order: push each past its predecessors
        rank[v] = max([rank[v], *(rank[u] + m for (u, w), m in zip(edges, minlen, strict=True) if w == v)])
    return n, edges, rank, minlen, weight


@needs_native
@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simplex_problems(), st.integers(0, 60))
def test_compiled_network_simplex_is_the_python_one(problem, exchanges):
    n, edges, rank, minlen, weight = problem
    compiled_ranks = network_simplex(n, edges, rank, minlen, weight, exchanges)
    assert compiled_ranks == python_loops(network_simplex, n, edges, rank, minlen, weight, exchanges)


@st.composite
def acyclic_graphs(draw):
    """Acyclic graphs of up to 40 nodes in any numbering (edges follow a drawn order), with
    repeated edges, isolated nodes, and some nodes pinned."""
    n = draw(st.integers(0, 40))
    rank = draw(st.permutations(range(n)))
    pairs = st.tuples(st.integers(0, max(0, n - 1)), st.integers(0, max(0, n - 1)))
    edges = [(u, v) for u, v in draw(st.lists(pairs, max_size=80)) if n and rank[u] < rank[v]]
    pinned = draw(st.lists(st.integers(0, max(0, n - 1)), max_size=4)) if n else []
    return n, edges, pinned


@needs_native
@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acyclic_graphs(), st.integers(0, 40))
def test_compiled_greedy_columns_are_the_python_ones(problem, passes):
    n, edges, pinned = problem
    tails, heads = [u for u, _ in edges], [v for _, v in edges]
    compiled_columns = NATIVE.greedy_columns(n, tails, heads, pinned, passes)
    assert layering.greedy_columns(n, edges, pinned, passes) == compiled_columns  # the facade
    assert compiled_columns == layering.python_greedy_columns(n, edges, pinned, passes)
    assert all(compiled_columns[u] < compiled_columns[v] for u, v in edges)


@needs_native
def test_compiled_greedy_columns_refuse_a_cycle():
    with pytest.raises(ValueError, match="cycle"):
        NATIVE.greedy_columns(3, [0, 1, 2], [1, 2, 0], [], 30)
    with pytest.raises(ValueError, match="not a node"):
        NATIVE.greedy_columns(2, [0], [5], [], 30)


def test_the_python_loops_run_within_the_block_only_and_in_this_thread_only():
    import threading

    seen = {}
    with compiled.python_loops():
        assert compiled.loops() is None
        worker = threading.Thread(target=lambda: seen.update(other=compiled.loops()))
        worker.start()
        worker.join()
    assert compiled.loops() is NATIVE and seen["other"] is NATIVE


def test_a_rule_of_an_unknown_value_is_refused_by_both_loops():
    """A new way to sort a layer must be written in both loops: neither takes it for another."""
    layers, up, down = [[0, 1], [2, 3]], [[], [], [1], [0]], [[3], [2], [], []]
    odd = ordering.Rule(3, hold=False)  # type: ignore[arg-type]
    for loops in [compiled.python_loops()] if NATIVE is None else [compiled.python_loops(), contextlib.nullcontext()]:
        with loops, pytest.raises(ValueError, match="3 is not a valid Value"):
            ordering.sweeps([list(x) for x in layers], up, down, 4, odd, [100])
    if NATIVE is not None:
        with pytest.raises(ValueError, match="unknown ordering value 3"):
            NATIVE.sweeps(layers, up, down, 4, 3, False, 100, True, 8, 0.995, 50)


@needs_numbers
def test_a_broken_edge_template_is_refused():
    routes = [Route("a", "b", "tcp", "forward", ((0.0, 0.0), (1.0, 0.0)))]
    sids = common.element_ids(["a", "b"])
    args = (routes, sids, {"a": '"a"', "b": '"b"', "tcp": '"tcp"'}, {"tcp": "tcp"}, common.MARKER_OF)
    with pytest.raises(ValueError, match="field out of range"):
        common._numbers.edge_groups(*args, (("<g>", 12),), False, (1.0, 1.0, 0.0, 0.0, 0.0))
    markup, _ = common._numbers.edge_groups(*args, (("<g ", 0), ("/>", -1)), False, (1.0, 1.0, 0.0, 0.0, 0.0))
    assert markup == "<g forward/>"  # the template decides the markup, not the compiled code
