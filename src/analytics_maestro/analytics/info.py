"""info: the statistics of a diagram, under our names and under Maestro's.

    info(subgraph, servers, clients) -> Info

The histogram counts nodes per dependency depth (the lookup's shortest distance from the entries,
as Maestro's columns were), so how a diagram is drawn (its rail, its packing) never changes it.
Density is that of a directed graph, m / n(n-1) (self-loops counted in m, as Maestro did), written
with two decimals; connections are the distinct edges (each drawn once, as a line or as a badge on the rail); a
server that runs several applications of the diagram counts once (Maestro counted it once per
application). `insights` are the single points of failure (applications and servers), cycles,
fan-in and fan-out leaders and the longest chain (`insights.py`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import msgspec

from analytics_maestro.analytics.insights import Insights, insights
from analytics_maestro.domain import Subgraph

if TYPE_CHECKING:  # the records as validated; on the drawing path, their msgspec twins
    from analytics_maestro.model import Server


class Info(msgspec.Struct, frozen=True):
    histogram: tuple[int, ...]
    density: str
    connections: int
    families: dict[str, int]
    systems: tuple[str, ...]
    servers: int
    clients: tuple[str, ...]
    applications: int
    insights: Insights | None = None

    def to_json(self) -> str:
        return json.dumps(msgspec.to_builtins(self), indent=1, sort_keys=True) + "\n"

    def maestro(self) -> dict:
        """The statistics under the names Maestro's front reads (spelling included)."""
        return maestro_names(msgspec.structs.asdict(self))


def maestro_names(
    stats: Mapping, systems: Sequence[Mapping] | None = None, clients: Sequence[Mapping] | None = None
) -> dict:
    """Our statistics (as in `Info.to_json`) in the shapes Maestro's Data App keeps and its front
    reads (spelling included): the histogram by column, density as a string, the systems and
    clients as references (`systems`, `clients`: their records as Maestro has them, `{_id, name}`;
    without them, the ids), the families counted.

    >>> stats = {"histogram": [1, 2], "density": "0.33", "connections": 2, "systems": ["s"],
    ...          "families": {"Application": 3}, "servers": 1, "clients": [], "applications": 3}
    >>> maestro_names(stats)["info"], maestro_names(stats)["isystems"]
    ({'histograms': {'0': 1, '1': 2}, 'density': '0.33', 'conections': 2}, {'items': [{'_id': 's'}], 'total': 1})
    """
    systems = [{"_id": s} for s in stats["systems"]] if systems is None else list(systems)
    clients = [{"_id": c} for c in stats["clients"]] if clients is None else list(clients)
    return {
        "info": {
            "histograms": {str(column): count for column, count in enumerate(stats["histogram"])},
            "density": stats["density"],
            "conections": stats["connections"],
        },
        "isystems": {"items": systems, "total": len(systems)},
        "ifamilies": {"items": dict(stats["families"]), "total": stats["applications"]},
        "iservers": {"total": stats["servers"]},
        "iclients": {"items": clients, "total": len(clients)},
    }


def density(nodes: int, edges: int) -> str:
    """Directed density with two decimals.

    >>> density(4, 6), density(1, 0), density(0, 0)
    ('0.50', '0.00', '0.00')
    """
    return f"{edges / (nodes * (nodes - 1)) if nodes > 1 else 0.0:.2f}"


def info(subgraph: Subgraph, servers: Mapping[str, Iterable[Server]], clients: Iterable[str]) -> Info:
    histogram = [0] * (max((node.depth for node in subgraph.nodes), default=-1) + 1)
    for node in subgraph.nodes:
        histogram[node.depth] += 1
    edges = set(subgraph.edges)  # as the layout draws them: one per source, target and endpoint
    families = Counter(node.family for node in subgraph.nodes)
    systems = sorted({system for node in subgraph.nodes for system in node.systems})
    distinct_servers = {server.id for group in servers.values() for server in group}
    hosts: dict[str, list[str]] = {}
    for app, group in servers.items():
        for server in group:
            hosts.setdefault(server.id, []).append(app)
    return Info(
        histogram=tuple(histogram),
        density=density(len(subgraph.nodes), len(edges)),
        connections=len(edges),
        families=dict(sorted(families.items())),
        systems=tuple(systems),
        servers=len(distinct_servers),
        clients=tuple(sorted(set(clients))),
        applications=len(subgraph.nodes),
        insights=insights(subgraph, dict(sorted(hosts.items()))),
    )
