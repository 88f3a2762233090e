"""The Grid: what the layout engine returns and renderers read, and its JSON form.

Coordinates are flat (before any isometric projection), in grid units: a column is `COLUMN_PITCH`
wide, a row 1 high. A node's box is `NODE_WIDTH` wide and `span - 2 * ROW_MARGIN` high, centred in
the rows it covers, so boxes in one column never touch and edges have room between them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Literal

import msgspec

NODE_WIDTH = 1.0
COLUMN_PITCH = 2.5
ROW_MARGIN = 0.2
# Column 0 starts right of a free band where renderers draw the entry markers.
ENTRY_MARGIN = 0.75

RouteKind = Literal["forward", "back", "self", "shared"]


class Cell(msgspec.Struct, frozen=True, gc=False):
    """A node placed on the grid: column, first row, rows covered, and its box (centre and size)."""

    id: str
    col: int
    row: int
    span: int
    x: float
    y: float
    w: float
    h: float


class Route(msgspec.Struct, frozen=True, gc=False):
    """An edge as drawn: the polyline from the source box's border to the target box's border.

    `kind` is `forward` (to a later column), `back` (a cycle's return route, to an earlier column),
    `self` (a loop on one application) or `shared` (an edge to or from a node on the rail, drawn
    as a badge: its one point is where the badge sits, on the border of the end not on the rail).
    """

    source: str
    target: str
    endpoint: str | None
    kind: RouteKind
    points: tuple[tuple[float, float], ...]


class Container(msgspec.Struct, frozen=True, gc=False):
    """A labelled box drawn around a group's nodes (a system's applications, a place's servers):
    the group's key, and the box (centre and size) in grid units."""

    group: str
    x: float
    y: float
    w: float
    h: float


class Block(msgspec.Struct, frozen=True, gc=False):
    """A block of callers (`bundles.py`) as the layout placed it before its members were put in:
    its members, its cell and its routes (one per target), kept so that a later layout can find it
    unchanged (`stable.Previous`)."""

    members: tuple[str, ...]
    cell: Cell
    trunks: tuple[Route, ...]


class Grid(msgspec.Struct, frozen=True):
    """Every node's cell, every edge's route, the grid's size, the entries, the nodes on the
    rail (shared infrastructure, in the rows above the rest), the containers of groups and the
    blocks of callers."""

    cells: tuple[Cell, ...]
    routes: tuple[Route, ...]
    columns: int
    rows: int
    entries: tuple[str, ...]
    rail: tuple[str, ...] = ()
    containers: tuple[Container, ...] = ()
    blocks: tuple[Block, ...] = ()

    @property
    def width(self) -> float:
        return max(c.x + c.w / 2 for c in self.cells) + ENTRY_MARGIN if self.cells else 0.0

    @property
    def height(self) -> float:
        return float(self.rows)

    def measurable(self) -> tuple[dict[str, tuple[float, float, float, float]], list]:
        """Boxes and polylines, as `quality.measure` takes them."""
        boxes = {c.id: (c.x, c.y, c.w, c.h) for c in self.cells}
        return boxes, [(r.source, r.target, r.points) for r in self.routes]

    def to_json(self) -> str:
        """The layout JSON (DESIGN.md): byte-identical for the same grid."""
        return json.dumps(
            {
                "nodes": [
                    {"id": c.id, "x": c.x, "y": c.y, "w": c.w, "h": c.h, "col": c.col, "row": c.row, "span": c.span}
                    for c in self.cells
                ],
                "edges": [
                    {
                        "source": r.source,
                        "target": r.target,
                        "endpoint": r.endpoint,
                        "kind": r.kind,
                        "points": [list(p) for p in r.points],
                    }
                    for r in self.routes
                ],
                "columns": self.columns,
                "rows": self.rows,
                "entries": list(self.entries),
                **({"rail": list(self.rail)} if self.rail else {}),
                **({"containers": [msgspec.structs.asdict(b) for b in self.containers]} if self.containers else {}),
                **({"blocks": [msgspec.to_builtins(b) for b in self.blocks]} if self.blocks else {}),
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )


class _Document(msgspec.Struct):
    """The layout JSON as it is read: every field checked for its type."""

    nodes: tuple[Cell, ...]
    edges: tuple[Route, ...]
    columns: int
    rows: int
    entries: tuple[str, ...]
    rail: tuple[str, ...] = ()
    containers: tuple[Container, ...] = ()
    blocks: tuple[Block, ...] = ()


def grid_from_json(text: str | bytes) -> Grid:
    """The Grid back from its layout JSON (`Grid.to_json`); msgspec.ValidationError names the
    field of one that is not (`$.nodes[0].x`).

    >>> grid_from_json('{"nodes": [{"id": "a", "x": "left"}], "edges": [], "columns": 1, "rows": 1, "entries": []}')
    Traceback (most recent call last):
    ...
    msgspec.ValidationError: Expected `float`, got `str` - at `$.nodes[0].x`
    """
    doc = msgspec.json.decode(text, type=_Document)
    return Grid(doc.nodes, doc.edges, doc.columns, doc.rows, doc.entries, doc.rail, doc.containers, doc.blocks)


def shifted(cells: Iterable[Cell], routes: Iterable[Route], dx: float, dy: int) -> tuple[list[Cell], list[Route]]:
    """Cells and routes moved right by `dx` and down by `dy` whole rows."""
    moved = [msgspec.structs.replace(c, x=snap(c.x + dx), y=snap(c.y + dy), row=c.row + dy) for c in cells]
    return moved, [
        msgspec.structs.replace(r, points=tuple((snap(x + dx), snap(y + dy)) for x, y in r.points)) for r in routes
    ]


def shifted_containers(containers: Iterable[Container], dx: float, dy: int) -> tuple[Container, ...]:
    """Containers moved as `shifted` moves cells."""
    return tuple(msgspec.structs.replace(b, x=snap(b.x + dx), y=snap(b.y + dy)) for b in containers)


def shifted_blocks(blocks: Iterable[Block], dx: float, dy: int) -> tuple[Block, ...]:
    """Blocks moved as `shifted` moves cells and routes."""
    out = []
    for b in blocks:
        (cell,), trunks = shifted([b.cell], b.trunks, dx, dy)
        out.append(Block(b.members, cell, tuple(trunks)))
    return tuple(out)


def route_key(route: Route) -> tuple[str, str, str, str]:
    """The order routes are kept in: by source, target, endpoint and kind."""
    return (route.source, route.target, route.endpoint or "", route.kind)


def column_x(col: int) -> float:
    """The x of a column's centre."""
    return ENTRY_MARGIN + NODE_WIDTH / 2 + col * COLUMN_PITCH


def snap(value: float) -> float:
    """Coordinates are rounded to 1/1000 of a unit so that output bytes do not depend on float noise."""
    return round(value, 3) + 0.0
