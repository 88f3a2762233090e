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


def view_of(
    subgraph: Subgraph, servers: Mapping[str, Sequence[Server]], graph_type: str, containers: bool = True
) -> tuple[Subgraph, dict[str, str] | None]:
    """What a diagram of `graph_type` draws, and the groups its layout puts in containers: the
    applications themselves, each in its first system, or for `infra` their servers, by place.
    None without `containers` or where there are not two groups to tell apart."""
    view = subgraph if graph_type != "infra" else infra_view(subgraph, servers)
    groups = groups_of(view) if containers else {}
    return view, groups if len(set(groups.values())) >= 2 else None


def groups_of(view: Subgraph) -> dict[str, str]:
    """Each node's group: its first system (for a server, its place). The landscape's system
    boxes have none: there, the applications of an opened system are its group."""
    return {node.id: node.systems[0] for node in view.nodes if node.systems and node.system_box is None}
