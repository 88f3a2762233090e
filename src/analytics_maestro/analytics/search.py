"""Find in a drawn diagram: the nodes that a few typed characters could mean, best first.

    search(view, servers, "10.0.3") -> [Match(id, name, field="ipv4_private", value="10.0.3.7"), ...]

A node is found by its name, its id, its family, its systems, its team, and by the servers it runs
on (hostname, private and public address); in the infrastructure view, where the nodes are
servers, also by the applications each runs. Case does not matter. A node whose name or id is the
text comes first, then one whose name or id begins with it, then one with another field that is
the text or begins with it (a family, a system, a server), then one that holds it anywhere; among
equals, by the field (a name before a family before a server) and then by id, so the answer is the
same every time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import msgspec

from analytics_maestro.domain import Node, Subgraph

if TYPE_CHECKING:
    from analytics_maestro.model import Server

FIELDS = ("name", "id", "family", "system", "team", "hostname", "ipv4_private", "ipv4_public", "hosts")


class Match(msgspec.Struct, frozen=True):
    id: str
    name: str
    field: str  # which of FIELDS matched
    value: str  # its value, as it is written


def _values(node: Node, servers: Sequence[Server]) -> Iterator[tuple[str, str]]:
    yield "name", node.name or node.id
    yield "id", node.id
    yield "family", node.family
    yield from (("system", s) for s in node.systems)
    if node.team:
        yield "team", node.team
    for server in servers:
        for field in ("hostname", "ipv4_private", "ipv4_public"):
            value = getattr(server, field)
            if value:
                yield field, value
    yield from (("hosts", h) for h in node.hosts)


def search(view: Subgraph, servers: Mapping[str, Iterable[Server]], query: str, limit: int = 20) -> list[Match]:
    """The nodes of `view` that `query` finds, at most `limit`, best first (see the module)."""
    wanted = " ".join(query.split()).lower()
    if not wanted:
        return []
    ranked = []
    rank_of = {field: k for k, field in enumerate(FIELDS)}
    for node in view.nodes:
        best = None
        for field, value in _values(node, tuple(servers.get(node.id, ()))):
            text = value.lower()
            how = 0 if text == wanted else 1 if text.startswith(wanted) else 2 if wanted in text else None
            if how is not None:
                named = field in ("name", "id")
                tier = (0 if named else 2) + how if how < 2 else 4 + (not named)
                key = (tier, rank_of[field], node.id)
                if best is None or key < best[0]:
                    best = (key, Match(node.id, node.name or node.id, field, value))
        if best is not None:
            ranked.append(best)
    ranked.sort(key=lambda found: found[0])
    return [match for _, match in ranked[:limit]]
