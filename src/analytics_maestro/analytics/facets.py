"""What the nodes of a drawn diagram can be filtered by.

    facets(view, names) -> Facets(items=[Faceted(id, system=("shop",), environment="prod", ...)],
                                  values={"system": [Value("shop", "Shop", 12), ...], ...})

The fields are a node's systems (an application may be in several; one in none is in the
landscape's `NO_SYSTEM`), its environment, provider, family and team. Each field's values are
listed most common first, then by value, each with how many nodes have it and, for a system, its
name (`names`, else its id); a node without a value counts under none, and is found by no filter
on that field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import msgspec

from analytics_maestro.analytics.landscape import NO_SYSTEM
from analytics_maestro.domain import Subgraph

FIELDS = ("system", "environment", "provider", "family", "team")


class Faceted(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    system: tuple[str, ...] = ()
    environment: str | None = None
    provider: str | None = None
    family: str | None = None
    team: str | None = None


class Value(msgspec.Struct, frozen=True):
    value: str
    name: str
    count: int


class Facets(msgspec.Struct, frozen=True):
    items: list[Faceted]
    values: dict[str, list[Value]]


def facets(view: Subgraph, names: Mapping[str, str]) -> Facets:
    """Each node of `view` with its facets, and each field's values (see the module).

    >>> from analytics_maestro.domain import Node, Subgraph
    >>> view = Subgraph(entries=("web",), nodes=(Node("web", 0, systems=("shop",), environment="prod"),
    ...                 Node("db", 1, family="Database", systems=("shop", "data")), Node("x", 1)), edges=())
    >>> found = facets(view, {"shop": "Shop"})
    >>> found.items[1]
    Faceted(id='db', system=('shop', 'data'), environment=None, provider=None, family='Database', team=None)
    >>> [(v.value, v.name, v.count) for v in found.values["system"]], found.values["provider"]
    ([('shop', 'Shop', 2), ('(no system)', '(no system)', 1), ('data', 'data', 1)], [])
    """
    items = [
        Faceted(node.id, node.systems or (NO_SYSTEM,), node.environment, node.provider, node.family, node.team)
        for node in view.nodes
    ]
    counts: dict[str, Counter[str]] = {field: Counter() for field in FIELDS}
    for item in items:
        counts["system"].update(item.system)
        for field in FIELDS[1:]:
            value = getattr(item, field)
            if value:
                counts[field][value] += 1
    values = {
        field: [
            Value(value, names.get(value, value) if field == "system" else value, n)
            for value, n in sorted(counted.items(), key=lambda vn: (-vn[1], vn[0]))
        ]
        for field, counted in counts.items()
    }
    return Facets(items, values)
