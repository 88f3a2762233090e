"""The landscape level of a diagram: one node per system, as the C4 system landscape draws it.

    landscape(subgraph, names) -> Subgraph

Each application belongs to the first system it lists (its *home*); applications in no system
belong to `NO_SYSTEM`. A system's node carries its name, its applications' ids as what it holds
(`hosts`; their count is drawn with the name), the families of its applications (most common
first) as its summary, the most common provider of its applications (for its colour), and the smallest
depth among them. Dependencies between applications of two systems become one edge per ordered
pair of systems, whose endpoint says how many there are; dependencies inside a system are not
drawn. The entries are the homes of the entry applications. A system that as many other systems
use as the rail's rule asks of a node (`rail.users_needed`), a platform, is marked shared: the
rail draws it once, whatever its applications' families.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

from analytics_maestro.domain import Edge, Node, Subgraph
from analytics_maestro.layout.rail import users_needed
from analytics_maestro.render.labels import counted

NO_SYSTEM = "(no system)"
FAMILY = "Corporate"  # the symbol a system is drawn with


def home(node: Node) -> str:
    """The system an application is drawn in at the landscape level: the first it lists."""
    return node.systems[0] if node.systems else NO_SYSTEM


def landscape(subgraph: Subgraph, names: Mapping[str, str], expanded: Collection[str] = ()) -> Subgraph:
    """The systems of `subgraph` and the dependencies between them; `names` gives system names.
    The systems in `expanded` are opened in place: their applications stand as themselves, with
    their own dependencies, among the other systems' boxes (a dependency between an application
    and a box is counted like one between boxes). A system's box has the system's id, unless an
    opened application has it, and `system_box` names the system.

    >>> from analytics_maestro.domain import Node, Edge, Subgraph
    >>> apps = (Node("web", 0, systems=("shop",)), Node("db", 1, family="Database", systems=("shop",)),
    ...         Node("pay", 1, systems=("pay",)), Node("psp", 2, systems=("pay",)))
    >>> edges = (Edge("web", "db", "sql"), Edge("web", "pay", "http"), Edge("web", "psp", "https"))
    >>> view = landscape(Subgraph(entries=("web",), nodes=apps, edges=edges), {"shop": "Shop"})
    >>> [(n.id, n.name, n.summary) for n in view.nodes]
    [('shop', 'Shop', 'Application 1, Database 1'), ('pay', 'pay', 'Application 2')]
    >>> [(e.source, e.target, e.endpoint) for e in view.edges], view.entries
    ([('shop', 'pay', '2 dependencies')], ('shop',))
    >>> opened = landscape(Subgraph(entries=("web",), nodes=apps, edges=edges), {}, expanded={"shop"})
    >>> [n.id for n in opened.nodes], [(e.source, e.target, e.endpoint) for e in opened.edges], opened.entries
    (['web', 'db', 'pay'], [('web', 'db', 'sql'), ('web', 'pay', '2 dependencies')], ('web',))
    """
    members: dict[str, list[Node]] = {}
    homes = {node.id: home(node) for node in subgraph.nodes}
    for node in subgraph.nodes:
        members.setdefault(homes[node.id], []).append(node)
    opened = {node.id for system in expanded for node in members.get(system, ())}
    box = {system: f"{system} (system)" if system in opened else system for system in members}
    where = {node.id: node.id if node.id in opened else box[homes[node.id]] for node in subgraph.nodes}
    links = Counter(
        (where[e.source], where[e.target])
        for e in subgraph.edges
        if where[e.source] != where[e.target] and not (e.source in opened and e.target in opened)
    )
    # a platform is one that many other systems use, whichever are opened
    users = Counter(b for a, b in {(homes[e.source], homes[e.target]) for e in subgraph.edges} if a != b)
    least = users_needed(len(members))
    nodes = []
    for system, apps in members.items():
        if system in expanded:
            nodes.extend(apps)
            continue
        families = Counter(app.family for app in apps)
        providers = Counter(app.provider for app in apps if app.provider)
        nodes.append(
            Node(
                box[system], min(app.depth for app in apps), names.get(system) or system,
                FAMILY, provider=min(providers, key=lambda p: (-providers[p], p)) if providers else None,
                systems=(system,), hosts=tuple(sorted(app.id for app in apps)),
                summary=", ".join(f"{f} {k}" for f, k in sorted(families.items(), key=lambda fk: (-fk[1], fk[0]))),
                shared=True if users[system] >= least else None, system_box=system,
            )
        )  # fmt: skip
    nodes.sort(key=lambda n: (n.depth, n.id))
    edges = [Edge(a, b, counted(k, "dependency", "dependencies")) for (a, b), k in links.items()]
    edges += [e for e in subgraph.edges if e.source in opened and e.target in opened]
    return Subgraph(
        entries=tuple(sorted({where[e] for e in subgraph.entries if e in where})),
        nodes=tuple(nodes),
        edges=tuple(sorted(edges, key=lambda e: (e.source, e.target, e.endpoint or ""))),
        truncated=subgraph.truncated,
    )
