"""The infrastructure view of a diagram: its servers as nodes, with the applications they host.

    infra_view(subgraph, servers) -> Subgraph

A server depends on another when an application it runs depends on an application the other runs
(the endpoint is kept; a dependency between two applications of one server is not drawn). Each
server's group is its datacenter and environment; the entries are the servers of the entry
applications. Applications without servers do not appear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from analytics_maestro.domain import FAMILIES, Edge, Node, Subgraph

if TYPE_CHECKING:  # the records as validated; on the drawing path, their msgspec twins
    from analytics_maestro.model import Server

_FAMILY_BY_ROLE = {family.lower(): family for family in FAMILIES} | {
    "db": "Database", "database": "Database", "cache": "Cache", "broker": "Broker", "queue": "Broker",
    "lb": "Loadbalance", "loadbalancer": "Loadbalance", "storage": "NAS", "auth": "Auth",
}  # fmt: skip


def server_family(server: Server) -> str:
    """The family a server is drawn as, from its role; plain servers are `Application`.

    >>> from analytics_maestro.model import Server
    >>> server_family(Server(id="s", role="database")), server_family(Server(id="s", role="web"))
    ('Database', 'Application')
    """
    return _FAMILY_BY_ROLE.get((server.role or "").strip().lower(), "Application")


def group_of(server: Server) -> str:
    """Datacenter and environment, e.g. `aws us-east-1 / production`."""
    dc = server.datacenter
    place = " ".join(p for p in (dc.provider, dc.region, dc.zone, dc.name) if p) if dc else ""
    return f"{place or 'unknown datacenter'} / {server.environment or 'unknown environment'}"


def infra_view(subgraph: Subgraph, servers: Mapping[str, Sequence[Server]]) -> Subgraph:
    depth = {node.id: node.depth for node in subgraph.nodes}
    hosted: dict[str, list[str]] = {}
    by_id: dict[str, Server] = {}
    for app, group in servers.items():
        if app not in depth:
            continue
        for server in group:
            by_id[server.id] = server
            hosted.setdefault(server.id, []).append(app)
    nodes = []
    for server_id in sorted(by_id):
        server, apps = by_id[server_id], sorted(hosted[server_id])
        dc = server.datacenter
        nodes.append(
            Node(
                server_id, min(depth[a] for a in apps), server.hostname or server_id, server_family(server),
                environment=server.environment, provider=dc.provider if dc else None,
                cluster=dc.region if dc else None, systems=(group_of(server),), hosts=tuple(apps),
            )
        )  # fmt: skip
    runs_on: dict[str, list[str]] = {}
    for server_id, apps in hosted.items():
        for app in apps:
            runs_on.setdefault(app, []).append(server_id)
    edges = {
        Edge(source, target, edge.endpoint)
        for edge in subgraph.edges
        for source in runs_on.get(edge.source, ())
        for target in runs_on.get(edge.target, ())
        if source != target
    }
    entries = sorted({s for app in subgraph.entries for s in runs_on.get(app, ())})
    nodes.sort(key=lambda n: (n.depth, n.id))
    return Subgraph(
        entries=tuple(entries),
        nodes=tuple(nodes),
        edges=tuple(sorted(edges, key=lambda e: (e.source, e.target, e.endpoint or ""))),
        truncated=subgraph.truncated,
    )


def groups(view: Subgraph) -> dict[str, str]:
    """Each server's group, for `layout(view, groups)` to keep groups together."""
    return {node.id: node.systems[0] for node in view.nodes if node.systems}


def view_of(
    subgraph: Subgraph, servers: Mapping[str, Sequence[Server]], graph_type: str
) -> tuple[Subgraph, dict[str, str] | None]:
    """What a diagram of `graph_type` draws, and the groups its layout keeps together: the
    applications themselves (no groups), or for `infra` their servers grouped by place."""
    if graph_type != "infra":
        return subgraph, None
    view = infra_view(subgraph, servers)
    return view, groups_of(view, graph_type)


def groups_of(view: Subgraph, graph_type: str) -> dict[str, str] | None:
    """The groups a view's layout keeps together: servers by place in the `infra` view, none else."""
    return groups(view) if graph_type == "infra" else None
