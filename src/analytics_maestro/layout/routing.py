"""Routes: each edge a polyline from its source box's border to its target box's border.

Edges leave a box on its right side and enter on its left side. The ports along a side are spread
evenly and ordered by the height of the other end, so edges of one box never cross each other at
the box. Between two columns a route is one straight segment; through a column it passes as a
horizontal segment at its lane's height, in rows that hold no box. So no route enters a box other
than its own two. A self-loop is a small loop over the top of its box, in the free margin that
every box has above it. The routes are also made compiled: `route_chains` is the facade that
`compiled.loops()` decides for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import msgspec

from analytics_maestro.domain import Edge
from analytics_maestro.layout import compiled
from analytics_maestro.layout.grid import NODE_WIDTH, Route, snap

LOOP_WIDTH = 0.3
LOOP_HEIGHT = 0.14


class Box(msgspec.Struct, frozen=True, gc=False):
    x: float
    y: float
    w: float
    h: float

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2


class Chain(msgspec.Struct, frozen=True, gc=False):
    """A layout edge from `tail` to `head` (node indices), through `lanes` (lane items), in layout direction."""

    tail: int
    head: int
    lanes: tuple[int, ...]


def _spread(top: float, height: float, count: int) -> list[float]:
    return [top + height * (j + 1) / (count + 1) for j in range(count)]


def route_chains(
    chains: Sequence[Chain],
    boxes: Sequence[Box],
    lane_y: Sequence[float],
    lane_x: Sequence[float],
    position: Sequence[int],
) -> list[list[tuple[float, float]]]:
    """The polyline of each chain, from the tail's right side to the head's left side.

    `position` is each item's place in its column: it breaks ties between ports whose other ends
    are at the same height. The facade: compiled where built (`compiled.loops()`), else
    `python_route_chains`.
    """
    native = compiled.loops()
    if native is not None:
        return native.routes(chains, boxes, lane_y, lane_x, position, NODE_WIDTH)
    return python_route_chains(chains, boxes, lane_y, lane_x, position)


def python_route_chains(
    chains: Sequence[Chain],
    boxes: Sequence[Box],
    lane_y: Sequence[float],
    lane_x: Sequence[float],
    position: Sequence[int],
) -> list[list[tuple[float, float]]]:
    """The reference loops of `route_chains`."""
    right: dict[int, list[tuple[float, int, int]]] = {}
    left: dict[int, list[tuple[float, int, int]]] = {}
    for k, chain in enumerate(chains):
        first = chain.lanes[0] if chain.lanes else chain.head
        last = chain.lanes[-1] if chain.lanes else chain.tail
        first_y = lane_y[first] if chain.lanes else boxes[first].y
        last_y = lane_y[last] if chain.lanes else boxes[last].y
        right.setdefault(chain.tail, []).append((first_y, position[first], k))
        left.setdefault(chain.head, []).append((last_y, position[last], k))
    out_port = _ports(right, boxes)
    in_port = _ports(left, boxes)
    routes = []
    half = NODE_WIDTH / 2
    for k, chain in enumerate(chains):
        points = [(snap(boxes[chain.tail].right), snap(out_port[k]))]
        for lane in chain.lanes:
            x, y = lane_x[lane], snap(lane_y[lane])
            points += [(snap(x - half), y), (snap(x + half), y)]
        points.append((snap(boxes[chain.head].left), snap(in_port[k])))
        routes.append(points)
    return routes


def _ports(sides: dict[int, list[tuple[float, int, int]]], boxes: Sequence[Box]) -> dict[int, float]:
    """Each chain's port height on one side of its box: spread evenly, in the order of the other ends."""
    port = {}
    for node, ends in sides.items():
        box = boxes[node]
        for (_, _, k), y in zip(sorted(ends), _spread(box.top, box.h, len(ends)), strict=True):
            port[k] = y
    return port


def self_loop(box: Box, index: int, count: int) -> list[tuple[float, float]]:
    """The `index`-th of `count` loops over the top of a box, nested so that they do not cross."""
    inset = LOOP_WIDTH * (index + 1) / (count + 1)
    rise = LOOP_HEIGHT * (index + 1) / count
    x0, x1, y = box.x - inset, box.x + inset, box.top
    return [(snap(x0), snap(y)), (snap(x0), snap(y - rise)), (snap(x1), snap(y - rise)), (snap(x1), snap(y))]


def loop_routes(loops: Iterable[Edge], box_of: Callable[[str], Box]) -> list[Route]:
    """Each self-loop's route over its box (`box_of` its node), the loops of one box nested."""
    per_node: dict[str, list[Edge]] = {}
    for edge in loops:
        per_node.setdefault(edge.source, []).append(edge)
    routes = []
    for ident, mine in per_node.items():
        box = box_of(ident)
        for j, edge in enumerate(mine):
            routes.append(Route(edge.source, edge.target, edge.endpoint, "self", tuple(self_loop(box, j, len(mine)))))
    return routes
