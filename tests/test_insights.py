"""Insights: every answer checked against an independent brute-force computation on random graphs,
the statistics carrying them, and `analytics-maestro impact`."""

from __future__ import annotations

import json
from itertools import pairwise, permutations

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_maestro.analytics.insights import LEADERS, blast_radius, cut_off, insights, server_radius
from analytics_maestro.cli import main
from analytics_maestro.domain import Edge, Node, Subgraph
from tests.conftest import examples


@st.composite
def graphs(draw, most: int = 12):
    n = draw(st.integers(min_value=1, max_value=most))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    entries = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))
    return Subgraph(
        entries=tuple(f"n{e}" for e in entries),
        nodes=tuple(Node(f"n{i}", 0) for i in range(n)),
        edges=tuple(Edge(f"n{u}", f"n{v}", None) for u, v in pairs),
    )


def reach(graph: Subgraph, starts, without=None, backwards=False) -> set[str]:
    """Every node a walk from `starts` reaches, never through `without`."""
    out: dict[str, set[str]] = {}
    for e in graph.edges:
        a, b = (e.target, e.source) if backwards else (e.source, e.target)
        out.setdefault(a, set()).add(b)
    seen = {s for s in starts if s != without}
    stack = list(seen)
    while stack:
        for nxt in out.get(stack.pop(), ()):
            if nxt != without and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_what_each_loss_cuts_off_is_what_removing_it_leaves_unreached(graph):
    before = reach(graph, graph.entries)
    found = cut_off(graph)
    for node in graph.nodes:
        lost = before - {node.id} - reach(graph, graph.entries, without=node.id)
        assert found.get(node.id, 0) == (len(lost) if node.id in before else 0), node.id
    ranked = [(r.id, r.count) for r in insights(graph).single_points]
    expected = sorted(((i, k) for i, k in found.items() if k > 0), key=lambda item: (-item[1], item[0]))
    assert ranked == expected[: len(ranked)] and len(ranked) == min(len(expected), 10)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_cycles_are_the_groups_that_reach_each_other(graph):
    ids = sorted(n.id for n in graph.nodes)
    reaches = {i: reach(graph, [i]) - ({i} if not any(e.source == e.target == i for e in graph.edges) else set())
               for i in ids}  # fmt: skip
    groups = {tuple(sorted({i} | {j for j in ids if j in reaches[i] and i in reaches[j]})) for i in ids}
    assert set(insights(graph).cycles) == {g for g in groups if len(g) > 1}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.data())
def test_the_blast_radius_is_everything_that_reaches_the_application(graph, data):
    app = data.draw(st.sampled_from(sorted(n.id for n in graph.nodes)))
    found = blast_radius(graph, app)
    dependents = reach(graph, [app], backwards=True) - {app}
    assert {r.id for r in found.dependents} == dependents
    assert set(found.entries) == dependents & set(graph.entries)
    # the hops: the fewest edges from each dependent to the application, by breadth-first levels
    level, frontier, hops = 0, {app}, {}
    while frontier:
        level += 1
        frontier = {e.source for e in graph.edges if e.target in frontier and e.source not in hops} - {app}
        hops.update({i: level for i in frontier})
    assert {r.id: r.count for r in found.dependents} == hops


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.data())
def test_a_servers_blast_radius_is_what_reaches_any_application_it_runs(graph, data):
    hosted = data.draw(st.sets(st.sampled_from(sorted(n.id for n in graph.nodes)), min_size=1))
    found = server_radius(graph, "vm", hosted)
    assert found.id == "vm"
    reached = reach(graph, hosted, backwards=True)
    assert {r.id for r in found.dependents} == reached and set(found.entries) == reached & set(graph.entries)
    # the hops: the fewest edges to any hosted application, each measured alone
    for r in found.dependents:
        single = [0 if r.id == h else next((k.count for k in blast_radius(graph, h).dependents if k.id == r.id), None)
                  for h in hosted]  # fmt: skip
        assert r.count == min(k for k in single if k is not None), r


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.data())
def test_a_server_is_a_single_point_of_failure_by_what_losing_all_it_runs_cuts_off(graph, data):
    ids = sorted(n.id for n in graph.nodes)
    hosts = {f"vm{k}": data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3)) for k in range(4)}
    before = reach(graph, graph.entries)
    expected = {}
    for server, apps in hosts.items():
        left = set(graph.entries) - set(apps)
        changed = True
        while changed:  # the walk again, by fixed point, never entering what the server runs
            grown = left | {e.target for e in graph.edges if e.source in left and e.target not in apps}
            changed, left = grown != left, grown
        expected[server] = len(before - set(apps) - left)
    ranked = sorted(((s, k) for s, k in expected.items() if k > 0), key=lambda item: (-item[1], item[0]))
    assert [(r.id, r.count) for r in insights(graph, hosts).server_points] == ranked


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(most=7))
def test_the_longest_chain_is_as_long_as_the_longest_path_between_cycles(graph):
    ids = sorted(n.id for n in graph.nodes)
    reaches = {i: reach(graph, [i]) for i in ids}
    group = {i: min(j for j in ids if j == i or (j in reaches[i] and i in reaches[j])) for i in ids}
    links = {(group[e.source], group[e.target]) for e in graph.edges if group[e.source] != group[e.target]}
    heads = sorted(set(group.values()))
    longest = 1
    for size in range(2, len(heads) + 1):  # every ordering of every subset: tiny graphs only
        if any(all(p in links for p in pairwise(path)) for path in permutations(heads, size)):
            longest = size
    chain = insights(graph).longest_chain
    assert len(chain) == longest
    assert all((group[a], group[b]) in links for a, b in pairwise(chain))


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_articulation_points_and_leaders(graph):
    ids = sorted(n.id for n in graph.nodes)
    both = Subgraph(graph.entries, graph.nodes, (*graph.edges, *(Edge(e.target, e.source, None) for e in graph.edges)))

    def parts(without=None) -> int:
        left, count = set(ids) - {without}, 0
        while left:
            left -= reach(both, [min(left)], without=without)
            count += 1
        return count

    found = insights(graph)
    # a node whose loss leaves more separate pieces than there were
    assert set(found.articulation_points) == {i for i in ids if parts(i) > parts()}
    callers = {i: len({e.source for e in graph.edges if e.target == i and e.source != i}) for i in ids}
    expected = sorted(((i, k) for i, k in callers.items() if k), key=lambda item: (-item[1], item[0]))[:LEADERS]
    assert [(r.id, r.count) for r in found.fan_in] == expected


def test_the_statistics_carry_the_insights_and_impact_answers_on_the_command_line(tmp_path):
    doc = {"systems": [{"id": "shop", "clients": ["acme"], "entries": ["web"]}], "clients": [{"id": "acme"}],
           "applications": [{"id": "web", "systems": ["shop"], "deps": [{"id": "api"}]},
                            {"id": "api", "systems": ["shop"], "deps": [{"id": "db"}]},
                            {"id": "db", "systems": ["shop"], "family": "Database"}]}  # fmt: skip
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps(doc))
    result = CliRunner().invoke(main, ["draw", str(inventory), "--all", "-o", str(tmp_path / "d.svg"),
                                       "--stats", str(tmp_path / "s.json")])  # fmt: skip
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "s.json").read_text())["insights"]
    assert found["single_points"] == [["web", 2], ["api", 1]] and found["longest_chain"] == ["web", "api", "db"]
    result = CliRunner().invoke(main, ["impact", str(inventory), "db", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "id": "db", "dependents": [{"id": "api", "hops": 1}, {"id": "web", "hops": 2}], "entries": ["web"],
        "systems": {"shop": 3}, "clients": {"acme": 3},
    }  # fmt: skip
    text = CliRunner().invoke(main, ["impact", str(inventory), "db"]).output
    assert "2 applications depend on it" in text and "2 hop(s): web" in text
    missing = CliRunner().invoke(main, ["impact", str(inventory), "nope"])
    assert missing.exit_code == 2 and "'nope'" in missing.output
    # a server: what it runs, and what depends on that, by id or by hostname
    doc["servers"] = [{"id": "vm-7", "hostname": "db-01", "applications": ["db"]}]
    inventory.write_text(json.dumps(doc))
    for name in ("vm-7", "db-01"):
        result = CliRunner().invoke(main, ["impact", str(inventory), name, "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["dependents"] == [{"id": "db", "hops": 0}, {"id": "api", "hops": 1},
                                                           {"id": "web", "hops": 2}]  # fmt: skip
    text = CliRunner().invoke(main, ["impact", str(inventory), "db-01"]).output
    assert "db-01 runs db; 2 more applications depend on them" in text and "clients: acme 3" in text
