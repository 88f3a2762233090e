"""Insights: what breaks if something fails, where the single points of failure are, the cycles, the
busiest applications and the longest chain of dependencies. Pure functions over a lookup result,
on networkx's algorithms.

    insights(subgraph, hosts) -> Insights
    blast_radius(subgraph, app) -> Impact
    server_radius(subgraph, server, hosted) -> Impact
    reached_by(nodes, ids, clients_of) -> (per system, per client)

- **Single points of failure**: with a virtual root calling every entry, the dominator tree
  (Cooper, Harvey and Kennedy, as networkx computes it): an application dominates what every
  path from the entries passes through it, so its loss cuts exactly those off. Ranked by how
  many it cuts off (ties by id), the first `SINGLE_POINTS` of those that cut off at least one
  (`cut_off` gives them all). A **server** is one when its loss (that of every application it
  runs) cuts others off: for a server that runs one application of the diagram, what that one
  dominates; for one that runs several, a search from the entries around them.
- **Articulation points**: the applications whose loss splits the diagram in two or more, its
  edges taken both ways.
- **Cycles**: the strongly connected parts of two or more applications, each in id order.
- **Fan-in and fan-out**: the applications with the most distinct callers and callees.
- **Longest chain**: the longest path (in applications) of the graph whose nodes are the cycles
  and the applications in none, one application per cycle (its first id).
- **Blast radius** of an application: every application that depends on it, directly or not,
  with the fewest hops to it, and the entries among them; of a server, the applications it runs
  (0 hops) and everything that depends on them, with the fewest hops to one of those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from analytics_maestro.domain import Node, Subgraph
from analytics_maestro.gcpause import paused_gc

LEADERS = 5  # fan-in and fan-out leaders listed
SINGLE_POINTS = 10  # single points of failure listed
_ROOT = ("entries",)  # the virtual root: a tuple, never an application id


class Ranked(msgspec.Struct, frozen=True, array_like=True):
    id: str
    count: int


class Insights(msgspec.Struct, frozen=True):
    single_points: tuple[Ranked, ...]  # application, how many applications its loss cuts off
    articulation_points: tuple[str, ...]
    cycles: tuple[tuple[str, ...], ...]
    fan_in: tuple[Ranked, ...]
    fan_out: tuple[Ranked, ...]
    longest_chain: tuple[str, ...]
    server_points: tuple[Ranked, ...] = ()  # server, how many applications besides its own its loss cuts off


class Impact(msgspec.Struct, frozen=True):
    """What depends on `id`: each dependent with its fewest hops to it, and the entries among them."""

    id: str
    dependents: tuple[Ranked, ...]  # (application, hops), fewest hops first
    entries: tuple[str, ...]


def _graph(subgraph: Subgraph, backwards: bool = False):
    """The graph of a lookup result in networkx, nodes and edges in id order; `backwards`: every
    edge reversed, in no particular order (what a breadth-first search needs, and half the cost)."""
    import networkx as nx  # on first use: `draw` without statistics never needs it

    graph = nx.DiGraph()
    with paused_gc():  # tens of thousands of dicts that all live on: nothing for the collector to find
        if backwards:
            graph.add_nodes_from(node.id for node in subgraph.nodes)
            graph.add_edges_from((e.target, e.source) for e in subgraph.edges if e.source != e.target)
        else:
            graph.add_nodes_from(sorted(node.id for node in subgraph.nodes))
            graph.add_edges_from(sorted({(e.source, e.target) for e in subgraph.edges if e.source != e.target}))
    return nx, graph


def _leaders(counts: Iterable[tuple[str, int]], listed: int = LEADERS) -> tuple[Ranked, ...]:
    ranked = sorted(((ident, k) for ident, k in counts if k > 0), key=lambda item: (-item[1], item[0]))
    return tuple(Ranked(ident, k) for ident, k in ranked[:listed])


def insights(subgraph: Subgraph, hosts: Mapping[str, Iterable[str]] | None = None) -> Insights:
    """The insights of a lookup result; `hosts` gives the applications each server runs.

    >>> from analytics_maestro.domain import Node, Edge, Subgraph
    >>> nodes = tuple(Node(i, 0) for i in ("web", "api", "db", "cache", "jobs"))
    >>> edges = (Edge("web", "api", None), Edge("api", "db", None), Edge("api", "cache", None),
    ...          Edge("cache", "api", None), Edge("jobs", "db", None))
    >>> found = insights(Subgraph(entries=("web", "jobs"), nodes=nodes, edges=edges))
    >>> [(r.id, r.count) for r in found.single_points], found.cycles, found.longest_chain
    ([('web', 2), ('api', 1)], (('api', 'cache'),), ('web', 'api', 'db'))
    >>> found.articulation_points
    ('api', 'db')
    >>> hosts = {"vm-1": ["api"], "vm-2": ["web", "jobs"]}
    >>> insights(Subgraph(entries=("web", "jobs"), nodes=nodes, edges=edges), hosts).server_points
    (Ranked(id='vm-2', count=3), Ranked(id='vm-1', count=1))
    """
    with paused_gc():  # networkx builds a dict per node and edge, all of which live until the end
        return _insights(subgraph, hosts)


def _insights(subgraph: Subgraph, hosts: Mapping[str, Iterable[str]] | None) -> Insights:
    nx, graph = _graph(subgraph)
    cycles = sorted(tuple(sorted(part)) for part in nx.strongly_connected_components(graph) if len(part) > 1)
    condensed = nx.condensation(graph)
    first = {k: min(condensed.nodes[k]["members"]) for k in condensed}
    chain = tuple(first[k] for k in _longest_path(nx, condensed, first))
    dominated = _cut_off(nx, graph, subgraph.entries)
    servers = _server_cut_off(graph, subgraph.entries, hosts or {}, dominated)
    return Insights(
        single_points=_leaders(dominated.items(), SINGLE_POINTS),
        articulation_points=tuple(sorted(nx.articulation_points(graph.to_undirected()))),
        cycles=tuple(cycles),
        fan_in=_leaders(graph.in_degree()),
        fan_out=_leaders(graph.out_degree()),
        longest_chain=chain,
        server_points=_leaders(servers.items(), SINGLE_POINTS),
    )


def _server_cut_off(graph, entries: Iterable[str], hosts: Mapping[str, Iterable[str]], dominated: Mapping[str, int]):
    """Per server, how many applications besides its own its loss cuts off from every entry."""
    starts = sorted(set(entries) & set(graph))
    before: set | None = None
    known: dict[frozenset, int] = {}
    out = {}
    for server, apps in hosts.items():
        held = frozenset(app for app in apps if app in graph)
        if not held:
            continue
        if held not in known:
            if len(held) == 1:
                known[held] = dominated.get(next(iter(held)), 0)
            else:
                before = _reached(graph, starts, frozenset()) if before is None else before
                known[held] = len(before - held - _reached(graph, starts, held))
        out[server] = known[held]
    return out


def _reached(graph, starts: Iterable[str], without: frozenset) -> set:
    """Every application a walk from `starts` reaches, never through `without`."""
    seen = {s for s in starts if s not in without}
    stack = list(seen)
    successors = graph.succ
    while stack:
        for following in successors[stack.pop()]:
            if following not in seen and following not in without:
                seen.add(following)
                stack.append(following)
    return seen


def cut_off(subgraph: Subgraph) -> dict[str, int]:
    """How many applications each one's loss cuts off from every entry (its dominator subtree).

    >>> from analytics_maestro.domain import Node, Edge, Subgraph
    >>> nodes = tuple(Node(i, 0) for i in ("web", "api", "db"))
    >>> cut_off(Subgraph(entries=("web",), nodes=nodes, edges=(Edge("web", "api", None), Edge("api", "db", None))))
    {'api': 1, 'db': 0, 'web': 2}
    """
    nx, graph = _graph(subgraph)
    return dict(sorted(_cut_off(nx, graph, subgraph.entries).items()))


def _cut_off(nx, graph, entry_ids: Iterable[str]) -> dict[str, int]:
    entries = sorted(set(entry_ids) & set(graph))
    rooted = graph.copy()
    rooted.add_edges_from((_ROOT, entry) for entry in entries)
    dominated: dict[str, int] = {}
    if entries:
        parent = nx.immediate_dominators(rooted, _ROOT)
        below: dict[object, list] = {}
        for node, up in parent.items():
            if node != _ROOT:
                below.setdefault(up, []).append(node)
        # subtree sizes, leaves first (a breadth-first order from the root, reversed)
        order, queue = [], [_ROOT]
        while queue:
            node = queue.pop()
            order.append(node)
            queue.extend(below.get(node, ()))
        size: dict[object, int] = {}
        for node in reversed(order):
            size[node] = 1 + sum(size[child] for child in below.get(node, ()))
        dominated = {node: size[node] - 1 for node in order if node != _ROOT}
    return dominated


def _longest_path(nx, dag, first) -> list:
    """The longest path of a DAG in nodes; among the longest, the one whose ids come first."""
    best: dict[int, tuple[int, tuple[str, ...], list]] = {}
    for node in reversed(list(nx.lexicographical_topological_sort(dag, key=lambda k: first[k]))):
        tails = [best[child] for child in dag.successors(node)]
        length, names, path = min(tails, key=lambda t: (-t[0], t[1]), default=(0, (), []))
        best[node] = (length + 1, (first[node], *names), [node, *path])
    return min(best.values(), key=lambda t: (-t[0], t[1]))[2] if best else []


def blast_radius(subgraph: Subgraph, app: str) -> Impact:
    """Everything that depends on `app`, with the fewest hops to it, and the entries among them.

    >>> from analytics_maestro.domain import Node, Edge, Subgraph
    >>> nodes = tuple(Node(i, 0) for i in ("web", "api", "db", "jobs"))
    >>> edges = (Edge("web", "api", None), Edge("api", "db", None), Edge("jobs", "db", None))
    >>> found = blast_radius(Subgraph(entries=("web", "jobs"), nodes=nodes, edges=edges), "db")
    >>> [(r.id, r.count) for r in found.dependents], found.entries
    ([('api', 1), ('jobs', 1), ('web', 2)], ('jobs', 'web'))
    """
    return _radius(subgraph, app, [app], keep_sources=False)


def server_radius(subgraph: Subgraph, server: str, hosted: Iterable[str]) -> Impact:
    """What breaks if `server` fails: the applications it runs (`hosted`, 0 hops) and everything
    that depends on them, with the fewest hops to one of those, and the entries among them.

    >>> from analytics_maestro.domain import Node, Edge, Subgraph
    >>> nodes = tuple(Node(i, 0) for i in ("web", "api", "db", "jobs"))
    >>> edges = (Edge("web", "api", None), Edge("api", "db", None), Edge("jobs", "db", None))
    >>> found = server_radius(Subgraph(entries=("web", "jobs"), nodes=nodes, edges=edges), "vm-1", ["api", "jobs"])
    >>> [(r.id, r.count) for r in found.dependents], found.entries
    ([('api', 0), ('jobs', 0), ('web', 1)], ('jobs', 'web'))
    """
    return _radius(subgraph, server, hosted, keep_sources=True)


def _radius(subgraph: Subgraph, ident: str, sources: Iterable[str], keep_sources: bool) -> Impact:
    nx, backwards = _graph(subgraph, backwards=True)
    sources = sorted(s for s in set(sources) if s in backwards)
    if not sources:
        return Impact(ident, (), ())
    if len(sources) == 1:
        hops = nx.single_source_shortest_path_length(backwards, sources[0])
    else:
        hops = {node: int(k) for node, k in nx.multi_source_dijkstra_path_length(backwards, set(sources)).items()}
    if not keep_sources:
        for source in sources:
            hops.pop(source)
    ranked = sorted(hops.items(), key=lambda item: (item[1], item[0]))
    entries = set(subgraph.entries) & (set(hops) | (set(sources) if keep_sources else set()))
    return Impact(ident, tuple(Ranked(i, k) for i, k in ranked), tuple(sorted(entries)))


def reached_by(
    nodes: Mapping[str, Node], ids: Iterable[str], clients_of: Mapping[str, Iterable[str]]
) -> tuple[dict[str, int], dict[str, int]]:
    """How many of the applications `ids` each system holds, and each client (through the systems
    `clients_of` gives it), by name.

    >>> from analytics_maestro.domain import Node
    >>> nodes = {"a": Node("a", 0, systems=("shop",)), "b": Node("b", 1, systems=("shop", "ops"))}
    >>> reached_by(nodes, ["a", "b"], {"shop": ["acme"], "ops": ["acme", "beta"]})
    ({'ops': 1, 'shop': 2}, {'acme': 2, 'beta': 1})
    """
    systems: dict[str, int] = {}
    clients: dict[str, int] = {}
    for ident in ids:
        held = nodes[ident].systems
        for system in held:
            systems[system] = systems.get(system, 0) + 1
        for client in sorted({c for system in held for c in clients_of.get(system, ())}):
            clients[client] = clients.get(client, 0) + 1
    return dict(sorted(systems.items())), dict(sorted(clients.items()))
