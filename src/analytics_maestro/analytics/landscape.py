"""The landscape level of a diagram: one node per system, as the C4 system landscape draws it.

    landscape(subgraph, names) -> Subgraph

Each application belongs to the first system it lists (its *home*); applications in no system
belong to `NO_SYSTEM`. A system's node carries its name and application count as its label, the
families of its applications (most common first) as its summary, its applications' ids as what it
holds (`hosts`), the most common provider of its applications (for its colour), and the smallest
depth among them. Dependencies between applications of two systems become one edge per ordered
pair of systems, whose endpoint says how many there are; dependencies inside a system are not
drawn. The entries are the homes of the entry applications. A system that as many other systems
use as the rail's rule asks of a node (`rail.users_needed`), a platform, is marked shared: the
rail draws it once, whatever its applications' families.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from analytics_maestro.domain import Edge, Node, Subgraph
from analytics_maestro.layout.rail import users_needed

NO_SYSTEM = "(no system)"
FAMILY = "Corporate"  # the symbol a system is drawn with


def home(node: Node) -> str:
    """The system an application is drawn in at the landscape level: the first it lists."""
    return node.systems[0] if node.systems else NO_SYSTEM


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def landscape(subgraph: Subgraph, names: Mapping[str, str]) -> Subgraph:
    """The systems of `subgraph` and the dependencies between them; `names` gives system names.

    >>> from analytics_maestro.domain import Node, Edge, Subgraph
    >>> apps = (Node("web", 0, systems=("shop",)), Node("db", 1, family="Database", systems=("shop",)),
    ...         Node("pay", 1, systems=("pay",)), Node("psp", 2, systems=("pay",)))
    >>> edges = (Edge("web", "db", "sql"), Edge("web", "pay", "http"), Edge("web", "psp", "https"))
    >>> view = landscape(Subgraph(entries=("web",), nodes=apps, edges=edges), {"shop": "Shop"})
    >>> [(n.id, n.name, n.summary) for n in view.nodes]
    [('shop', 'Shop · 2 apps', 'Application 1, Database 1'), ('pay', 'pay · 2 apps', 'Application 2')]
    >>> [(e.source, e.target, e.endpoint) for e in view.edges], view.entries
    ([('shop', 'pay', '2 dependencies')], ('shop',))
    """
    members: dict[str, list[Node]] = {}
    for node in subgraph.nodes:
        members.setdefault(home(node), []).append(node)
    where = {node.id: home(node) for node in subgraph.nodes}
    links = Counter((where[e.source], where[e.target]) for e in subgraph.edges if where[e.source] != where[e.target])
    users = Counter(b for _, b in links)
    least = users_needed(len(members))
    nodes = []
    for system, apps in members.items():
        label = f"{names.get(system) or system} · {_count(len(apps), 'app', 'apps')}"
        families = Counter(app.family for app in apps)
        providers = Counter(app.provider for app in apps if app.provider)
        nodes.append(
            Node(
                system, min(app.depth for app in apps), label,
                FAMILY, provider=min(providers, key=lambda p: (-providers[p], p)) if providers else None,
                systems=(system,), hosts=tuple(sorted(app.id for app in apps)),
                summary=", ".join(f"{f} {k}" for f, k in sorted(families.items(), key=lambda fk: (-fk[1], fk[0]))),
                shared=True if users[system] >= least else None,
            )
        )  # fmt: skip
    nodes.sort(key=lambda n: (n.depth, n.id))
    edges = [Edge(a, b, _count(k, "dependency", "dependencies")) for (a, b), k in links.items()]
    return Subgraph(
        entries=tuple(sorted({where[e] for e in subgraph.entries if e in where})),
        nodes=tuple(nodes),
        edges=tuple(sorted(edges, key=lambda e: (e.source, e.target))),
        truncated=subgraph.truncated,
    )
