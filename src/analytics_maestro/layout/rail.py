"""The rail: shared infrastructure drawn once, along the top of the diagram, instead of as a
curtain of long edges.

    shared_nodes(nodes, edges, entries) -> ids      the default rule
    place_rail(main, rail, widths, edges) -> cells, routes, rows

A node is shared when the request names it (then exactly the named nodes are), or when the
inventory says so (an application's `shared: true`; `shared: false` keeps it off), or by the
default rule: its family is
one of `SHARED_FAMILIES` (databases, caches, brokers, object stores, monitoring, logs, identity,
service discovery, DNS, mail) and at least `users_needed` other nodes use it: 5, or 15 % of the
diagram, or the square root of its size, whichever is more, but never more than the square root
past 5. Shared nodes
stand in rows of their own above everything else, left to right by dependency depth and id (their
`col` is 0: they stand in no column). Every edge with a shared end becomes a *badge*: a route of kind
`shared` with one point, on the border of the edge's other end (its source, when both ends are
shared), where renderers draw the shared node's symbol. The rest is laid out without them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence

from analytics_maestro.domain import Edge, Node
from analytics_maestro.layout.grid import ENTRY_MARGIN, NODE_WIDTH, ROW_MARGIN, Cell, Route, shifted, snap
from analytics_maestro.layout.routing import Box, loop_routes

SHARED_FAMILIES = frozenset(
    {"Database", "Cache", "Broker", "ObjectStorage", "Monitor", "Logs", "Auth", "ServiceDiscovery", "DNS", "SMTP"}
)
MIN_USERS = 5
SHARE = 0.15
RAIL_GAP = 0.5  # between two boxes on the rail, in grid units
BADGE_STEP = 0.14  # between two badges along a border
BADGE_INSET = 0.12  # from the box's right end to the first badge


def shared_nodes(nodes: Iterable[Node], edges: Iterable[Edge], entries: Collection[str]) -> list[str]:
    """The nodes on the rail when the request names none: those the inventory marks `shared`, and
    those the default rule chooses among the ones it does not mark; in id order.

        >>> from analytics_maestro.domain import Node, Edge
        >>> nodes = [Node("db", 1, family="Database")] + [Node(f"s{i}", 0) for i in range(5)]
        >>> shared_nodes(nodes, [Edge(f"s{i}", "db", "sql") for i in range(5)], [])
        ['db']
        >>> shared_nodes(nodes, [Edge(f"s{i}", "db", "sql") for i in range(4)], [])
        []
        >>> shared_nodes([Node("db", 1, family="Database", shared=False), Node("cfg", 1, shared=True)], [], [])
        ['cfg']
    """
    nodes = list(nodes)
    users: dict[str, set[str]] = {}
    for edge in edges:
        if edge.source != edge.target:
            users.setdefault(edge.target, set()).add(edge.source)
    least = users_needed(len(nodes))
    return sorted(
        n.id
        for n in nodes
        if n.id not in entries
        and (n.shared or (n.shared is None and n.family in SHARED_FAMILIES and len(users.get(n.id, ())) >= least))
    )


def users_needed(nodes: int) -> int:
    """How many users make a node of a shared family shared, in a diagram of `nodes` nodes:
    max(`MIN_USERS`, min(`SHARE` of them, their square root)). The square root keeps the rule
    finding a platform's few hubs in a diagram of thousands, where each is used by a few percent.

    >>> users_needed(10), users_needed(30), users_needed(140), users_needed(2300)
    (5, 5, 12, 48)
    """
    return max(MIN_USERS, min(math.ceil(SHARE * nodes), math.ceil(math.sqrt(nodes))))


def holder(edge: Edge | Route, rail: Collection[str]) -> str:
    """The end of a rail edge that carries its badge: the end not on the rail, else the source."""
    return edge.target if edge.source in rail and edge.target not in rail else edge.source


def place_rail(
    main: Sequence[Cell],
    main_routes: Sequence[Route],
    main_rows: int,
    rail: Sequence[str],
    widths: Mapping[str, float],
    edges: Sequence[Edge],
    loops: Sequence[Edge],
    gap: int = 0,
) -> tuple[list[Cell], list[Route], int]:
    """The rail's cells (`rail`: the shared nodes, in the order they stand) in rows above `main`,
    which moves down below them and `gap` rows more, and a badge for each of `edges` with a shared
    end. Returns all cells, all routes and the number of rows. `loops` are the shared nodes'
    self-loops, drawn over their boxes as elsewhere."""
    if not rail:
        return list(main), list(main_routes), main_rows
    span = max((c.x + c.w / 2 for c in main), default=0.0) - ENTRY_MARGIN
    total = sum(widths.get(i, NODE_WIDTH) for i in rail) + RAIL_GAP * (len(rail) - 1)
    rows = max(1, math.ceil(total / span)) if span > 0 else 1
    per_row = math.ceil(len(rail) / rows)
    cells: list[Cell] = []
    for k, ident in enumerate(rail):
        row, place = divmod(k, per_row)
        if place == 0:
            x = ENTRY_MARGIN
        w = widths.get(ident, NODE_WIDTH)
        cells.append(Cell(ident, 0, row, 1, snap(x + w / 2), snap(row + 0.5), snap(w), snap(1 - 2 * ROW_MARGIN)))
        x += w + RAIL_GAP
    shift = rows + gap  # the rest starts in the row under the rail
    moved, routes = shifted(main, main_routes, 0.0, shift)
    by_id = {c.id: c for c in (*moved, *cells)}
    on_rail = {c.id for c in cells}
    routes += loop_routes(loops, lambda ident: Box(by_id[ident].x, by_id[ident].y, by_id[ident].w, by_id[ident].h))
    badges: dict[str, list[Edge]] = {}
    for edge in edges:
        badges.setdefault(holder(edge, on_rail), []).append(edge)
    for ident, held in badges.items():
        routes += badge_routes(by_id[ident], sorted(held, key=lambda e: (e.source, e.target, e.endpoint or "")))
    return cells + moved, routes, main_rows + shift


def badge_routes(box: Cell, held: Sequence[Edge]) -> list[Route]:
    """One `shared` route per edge, its point on the box's top border from the right, then on its
    bottom border."""
    per_side = max(1, int((box.w - BADGE_INSET) / BADGE_STEP) + 1)
    out = []
    for j, edge in enumerate(held):
        side, place = divmod(j, per_side)
        x = box.x + box.w / 2 - BADGE_INSET - place * BADGE_STEP
        y = box.y - box.h / 2 if side % 2 == 0 else box.y + box.h / 2
        out.append(Route(edge.source, edge.target, edge.endpoint, "shared", ((snap(x), snap(y)),)))
    return out
