"""graphlookup on SQLite and PostgreSQL: against an independent breadth-first search, and on the cases
the original got wrong (other tenants, inactive applications, cycles, missing targets, the depth cap)."""

from __future__ import annotations

import random
from collections import deque

import pytest

from analytics_maestro.domain import FAMILIES, GraphRequest
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.sql import SqlInventory
from analytics_maestro.inventory.validate import validate
from tests.conftest import load


def bfs(doc: dict, entries: list[str], max_depth: int = 40):
    """Reference: minimum depths, edges among reached applications, and missing dependencies."""
    apps = {a["id"]: a for a in doc["applications"] if a.get("active", True)}
    depth = {e: 0 for e in entries if e in apps}
    queue = deque(depth)
    while queue:
        current = queue.popleft()
        if depth[current] == max_depth:
            continue
        for dep in apps[current].get("deps", []):
            if dep["id"] in apps and dep["id"] not in depth:
                depth[dep["id"]] = depth[current] + 1
                queue.append(dep["id"])
    edges, missing = set(), set()
    for source in depth:
        for dep in apps[source].get("deps", []):
            key = (source, dep["id"], dep.get("endpoint"))
            if dep["id"] in depth:
                edges.add(key)
            elif dep["id"] not in apps:
                missing.add(key)
    return depth, edges, missing


def entries_of(doc: dict, system_id: str, active: set[str]) -> list[str]:
    """Reference: the listed entries that are active, else the members of the best-ranked family."""
    (system,) = [s for s in doc["systems"] if s["id"] == system_id]
    listed = [e for e in system["entries"] if e in active]
    if listed:
        return listed
    members = [a for a in doc["applications"] if a["id"] in active and system_id in a["systems"]]
    best = min((FAMILIES.index(a["family"]) for a in members), default=None)
    return [a["id"] for a in members if FAMILIES.index(a["family"]) == best]


def run(engine, owner="acme", max_depth=40, **request):
    request = GraphRequest(owner=owner, **request)
    with engine.connect() as connection:
        return lookup(SqlInventory(connection), request, max_depth)[1]


def as_sets(graph):
    depth = {n.id: n.depth for n in graph.nodes}
    edges = {(e.source, e.target, e.endpoint) for e in graph.edges}
    missing = {(e.source, e.target, e.endpoint) for e in graph.missing}
    return depth, edges, missing


@pytest.mark.parametrize("n, seed", [(60, 1), (400, 2), (2500, 3)])
def test_lookup_matches_breadth_first_search_on_generated_inventories(engine, n, seed):
    doc = generate(n, seed)
    rnd = random.Random(seed)
    # Some dependencies point nowhere and some applications are switched off, as in real inventories.
    for app in rnd.sample(doc["applications"], len(doc["applications"]) // 50):
        app["deps"].append({"id": f"gone-{app['id']}", "endpoint": "tcp"})
    for app in rnd.sample(doc["applications"], len(doc["applications"]) // 40):
        app["active"] = False
    load(engine, doc)
    systems = doc["systems"]
    starts = [
        {"systems": (systems[1]["id"],)},
        {"systems": tuple(s["id"] for s in rnd.sample(systems, min(5, len(systems))))},
        {"apps": tuple(a["id"] for a in rnd.sample(doc["applications"], 3))},
        {"systems": tuple(s["id"] for s in systems)},
    ]
    for start in starts:
        graph = run(engine, **start)
        active = {a["id"] for a in doc["applications"] if a.get("active", True)}
        if "apps" in start:
            wanted = [a for a in start["apps"] if a in active]
        else:
            wanted = [e for s in start["systems"] for e in entries_of(doc, s, active)]
        assert set(graph.entries) == set(wanted)
        expected = bfs(doc, wanted)
        assert as_sets(graph) == expected
        assert [n.depth for n in graph.nodes] == sorted(n.depth for n in graph.nodes)


def chain(length: int, prefix: str = "c") -> list[dict]:
    return [
        {
            "id": f"{prefix}{i}",
            "name": f"{prefix}{i}",
            "deps": [{"id": f"{prefix}{i + 1}", "endpoint": "grpc"}],
        }
        for i in range(length - 1)
    ] + [{"id": f"{prefix}{length - 1}", "name": f"{prefix}{length - 1}"}]


def test_max_depth_is_honoured_and_reported(engine):
    load(engine, {"applications": chain(60)})
    graph = run(engine, apps=("c0",))
    assert len(graph.nodes) == 41 and graph.nodes[-1].id == "c40" and graph.truncated
    assert len(graph.edges) == 40 and graph.missing == ()
    small = run(engine, apps=("c0",), max_depth=5)
    assert [n.id for n in small.nodes] == [f"c{i}" for i in range(6)] and small.truncated
    assert not run(engine, apps=("c55",)).truncated


def test_a_deep_chain_is_followed_when_the_limit_allows(engine):
    load(engine, {"applications": chain(2000)})
    graph = run(engine, apps=("c0",), max_depth=5000)
    assert len(graph.nodes) == 2000 and graph.nodes[-1].depth == 1999 and not graph.truncated


def test_cycles_terminate_with_minimum_depths(engine):
    apps = [
        {"id": "a", "deps": [{"id": "b"}, {"id": "d"}]},
        {"id": "b", "deps": [{"id": "c"}]},
        {"id": "c", "deps": [{"id": "a"}, {"id": "d"}, {"id": "c"}]},  # back edge, shortcut, self-loop
        {"id": "d", "deps": [{"id": "b"}]},
    ]
    load(engine, {"applications": apps})
    graph = run(engine, apps=("a",))
    assert graph.depths() == {"a": 0, "b": 1, "d": 1, "c": 2}
    assert {(e.source, e.target) for e in graph.edges} == {
        ("a", "b"), ("a", "d"), ("b", "c"), ("c", "a"), ("c", "d"), ("c", "c"), ("d", "b"),
    }  # fmt: skip


def test_other_tenants_applications_are_never_reached(engine):
    # Both owners use the same ids; globex's `web` depends on an extra `secret` that acme lacks,
    # and acme's `api` names `secret` too: for acme it is a missing dependency, not globex's app.
    acme = {"applications": [
        {"id": "web", "name": "acme-web", "deps": [{"id": "api"}]},
        {"id": "api", "name": "acme-api", "deps": [{"id": "secret", "endpoint": "grpc"}]},
    ]}  # fmt: skip
    globex = {"applications": [
        {"id": "web", "name": "globex-web", "deps": [{"id": "api"}, {"id": "secret"}]},
        {"id": "api", "name": "globex-api"},
        {"id": "secret", "name": "globex-secret", "deps": [{"id": "web"}]},
    ]}  # fmt: skip
    load(engine, acme, owner="acme")
    load(engine, globex, owner="globex")
    graph = run(engine, owner="acme", apps=("web",))
    assert [n.name for n in graph.nodes] == ["acme-web", "acme-api"]
    assert [(e.source, e.target) for e in graph.missing] == [("api", "secret")]
    theirs = run(engine, owner="globex", apps=("web",))
    assert {n.name for n in theirs.nodes} == {"globex-web", "globex-api", "globex-secret"}
    # Asking for globex's inventory as an acme principal reaches nothing.
    assert run(engine, owner="globex", principals=("acme",), apps=("web",)).nodes == ()


def test_inactive_applications_are_neither_entries_nor_followed(engine):
    apps = [
        {"id": "a", "deps": [{"id": "b"}, {"id": "x"}]},
        {"id": "b", "active": False, "deps": [{"id": "c"}]},
        {"id": "c"},
        {"id": "x", "deps": [{"id": "c"}]},
        {"id": "off", "active": False},
    ]
    load(engine, {"applications": apps})
    graph = run(engine, apps=("a", "off"))
    assert graph.depths() == {"a": 0, "x": 1, "c": 2}
    assert [(e.source, e.target) for e in graph.missing] == [("a", "b")]
    assert graph.entries == ("a",)


def test_grants_let_a_user_see_only_what_was_shared(engine):
    apps = [
        {"id": "front", "roles": [{"id": "u-ana", "role": 1}], "deps": [{"id": "core"}, {"id": "hr"}]},
        {"id": "core", "roles": [{"id": "team-ops", "refs": "teams", "role": 7}], "deps": [{"id": "db"}]},
        {"id": "db", "roles": [{"id": "u-ana", "role": 1}]},
        {"id": "hr"},
    ]
    load(engine, {"applications": apps}, owner="corp")
    assert run(engine, owner="corp", apps=("front",)).depths() == {"front": 0, "core": 1, "hr": 1, "db": 2}
    # Ana alone reaches front; core is not hers, so the walk stops there (db is behind core).
    ana = run(engine, owner="corp", principals=("u-ana",), apps=("front",))
    assert ana.depths() == {"front": 0}
    assert {e.target for e in ana.missing} == {"core", "hr"}
    # As a member of team-ops she reaches core, and db through it.
    both = run(engine, owner="corp", principals=("u-ana", "team-ops"), apps=("front",))
    assert both.depths() == {"front": 0, "core": 1, "db": 2}


def test_dangling_dependencies_are_returned_not_raised(engine):
    load(engine, {"applications": [{"id": "a", "deps": [{"id": "nowhere", "endpoint": "https"}, {"id": "a"}]}]})
    graph = run(engine, apps=("a",))
    assert [(e.source, e.target, e.endpoint) for e in graph.missing] == [("a", "nowhere", "https")]
    assert [(e.source, e.target) for e in graph.edges] == [("a", "a")]


def test_nothing_to_start_from_is_an_empty_graph(engine):
    load(engine, {"applications": [{"id": "a"}]})
    graph = run(engine, apps=("zzz",))
    assert graph.nodes == () and graph.edges == ()


def test_nodes_carry_their_fields_and_systems(engine):
    load(engine, {
        "systems": [{"id": "s1"}, {"id": "s2"}],
        "applications": [{"id": "a", "name": "A", "family": "Cache", "size": "large", "environment": "prod",
                          "provider": "aws", "language": "go", "cluster": "k1", "systems": ["s2", "s1"]}],
    })  # fmt: skip
    (node,) = run(engine, apps=("a",)).nodes
    app = node
    assert (app.name, app.family, app.size, app.environment, app.provider, app.language, app.cluster) == (
        "A", "Cache", "large", "prod", "aws", "go", "k1",
    )  # fmt: skip
    assert app.systems == ("s2", "s1")


def test_the_inventory_word_on_the_rail_comes_back_from_the_store(engine):
    load(engine, {"applications": [
        {"id": "a", "deps": [{"id": "b"}, {"id": "c"}, {"id": "d"}]},
        {"id": "b", "shared": True}, {"id": "c", "shared": False}, {"id": "d"},
    ]})  # fmt: skip
    shared = {node.id: node.shared for node in run(engine, apps=("a",)).nodes}
    assert shared == {"a": None, "b": True, "c": False, "d": None}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_in_memory_inventory_answers_as_the_store_does(engine, seed):
    doc = generate(700, seed)
    rnd = random.Random(seed)
    for app in rnd.sample(doc["applications"], 20):
        app["active"] = False
    for app in rnd.sample(doc["applications"], 10):
        app["deps"].append({"id": "nowhere", "endpoint": "tcp"})
    doc["systems"][3]["entries"] = []
    doc["systems"][4]["active"] = False
    doc["applications"][7]["roles"] = [{"id": "u-ana", "role": 1}]
    for k, app in enumerate(rnd.sample(doc["applications"], 10)):
        app["shared"] = k % 2 == 0
    report = validate(doc)
    load(engine, doc)
    memory = MemoryInventory(report.inventory, "acme")
    requests = [
        GraphRequest(owner="acme", all_systems=True),
        GraphRequest(owner="acme", systems=("sys-system-3", "sys-system-4", "sys-nope")),
        GraphRequest(owner="acme", clients=("client-0", "client-9")),
        GraphRequest(owner="acme", apps=(doc["applications"][7]["id"], "app-12", "app-99999")),
        GraphRequest(owner="acme", principals=("u-ana",), apps=(doc["applications"][7]["id"],)),
        GraphRequest(owner="other", all_systems=True),
    ]
    with engine.connect() as connection:
        for request in requests:
            for depth in (40, 2):
                mine, graph = lookup(memory, request, depth)
                theirs, expected = lookup(SqlInventory(connection), request, depth)
                assert (mine.ids, mine.guessed, mine.problems) == (theirs.ids, theirs.guessed, theirs.problems)
                assert graph == expected
