"""Stable positions: a layout made again after a change keeps what did not change where it was, so
that a reader sees the change, not a reshuffled picture.

    Previous(grid)                         the earlier layout, as the parts' phases read it
    previous.reused(ids, edges, entries, widths) -> (Grid, corner) | None
    previous.seed(ids) -> {id: y}
    place(sizes, anchors, fixed, aspect) -> [(x, y), ...]

Three rules, from the strongest to the weakest:

1. A **part** (`packing.parts`) whose applications, dependencies (with endpoints), entries and
   label widths are all as they were keeps its earlier drawing exactly, where it stood.
2. A part that changed is laid out again, each column's order started from the earlier one (its
   applications in their earlier top-to-bottom order, a new one beside its neighbours) and only
   improved by transposition, which swaps neighbours while that removes crossings; its rows are
   then moved so that every application drawn before takes its earlier row where the order allows
   (`kept_rows`, pool-adjacent-violators again); and it is placed where its kept applications
   stood (the median of their moves), or as near as it fits.
3. New parts are packed among themselves (`packing.pack`) and the block put in the free place
   that leaves the whole nearest the aspect asked. Room left by a removed part stays empty,
   where the viewer can draw what was removed.

The earlier layout's rail is set aside first (the rows above the rest): it is placed again as
usual.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Mapping, Sequence

from analytics_maestro.domain import Edge
from analytics_maestro.layout.coordinates import Slot, isotonic
from analytics_maestro.layout.grid import ENTRY_MARGIN, Grid, Route, route_key, shifted, snap
from analytics_maestro.layout.packing import EPS, ROW_GAP, pack
from analytics_maestro.layout.widths import column_widths
from analytics_maestro.render.labels import ROW, UNIT

# How much a slot without an earlier row (a lane, a new node) weighs against one with it.
WEIGHT_NEW = 0.25


class Previous:
    """An earlier layout without its rail: cells and routes as the packing placed them."""

    def __init__(self, grid: Grid):
        rail = set(grid.rail)
        # a block of callers as it was laid out, before its members were put in (`bundles.py`)
        members = {m for b in grid.blocks for m in b.members}
        cells = [c for c in grid.cells if c.id not in rail and c.id not in members] + [b.cell for b in grid.blocks]
        # the rows of the rail, and the one between it and containers
        shift = min((c.row for c in cells), default=0) if rail else 0
        routes = [
            r for r in grid.routes
            if r.kind != "shared" and r.source not in rail and r.target not in rail and r.source not in members
        ] + [t for b in grid.blocks for t in b.trunks]  # fmt: skip
        cells, routes = shifted(cells, routes, 0.0, -shift)
        self.cells = {c.id: c for c in cells}
        self.routes: dict[str, list[Route]] = {}
        for route in routes:
            self.routes.setdefault(route.source, []).append(route)
            if route.target != route.source:
                self.routes.setdefault(route.target, []).append(route)
        self.entries = set(grid.entries) - members
        self.entries |= {b.cell.id for b in grid.blocks if set(b.members) & set(grid.entries)}

    def seed(self, ids: Sequence[str]) -> dict[str, int]:
        """The earlier first row of each of `ids` that was drawn."""
        return {i: self.cells[i].row for i in ids if i in self.cells}

    def reused(
        self, ids: Sequence[str], edges: Sequence[Edge], entries: Collection[str], widths: Mapping[str, float]
    ) -> tuple[Grid, tuple[float, int]] | None:
        """The earlier drawing of a part (moved to the origin) and where it stood, when nothing of
        it changed: the same applications, dependencies, entries and column widths; else None."""
        if not ids or any(i not in self.cells for i in ids):
            return None
        members = set(ids)
        routes = {id(r): r for i in ids for r in self.routes.get(i, ())}.values()
        if any(r.source not in members or r.target not in members for r in routes):
            return None  # the part was larger
        if sorted((r.source, r.target, r.endpoint or "") for r in routes) != sorted(
            (e.source, e.target, e.endpoint or "") for e in edges
        ):
            return None
        if members & self.entries != members & set(entries):
            return None
        cells = [self.cells[i] for i in ids]
        columns = max(c.col for c in cells) + 1
        needed = column_widths(cells, widths, columns)
        if any(abs(c.w - snap(needed[c.col])) > EPS for c in cells):
            return None
        first = [c for c in cells if c.col == 0] or cells
        dx = snap(min(c.x - c.w / 2 for c in first) - ENTRY_MARGIN)
        ys = [y for r in routes for _, y in r.points]
        dy = min([*(c.row for c in cells), *(math.floor(y) for y in ys)])
        bottom = max([*(c.row + c.span for c in cells), *(math.ceil(y) for y in ys)])
        moved, moved_routes = shifted(cells, sorted(routes, key=route_key), -dx, -dy)
        return Grid(tuple(moved), tuple(moved_routes), columns, bottom - dy, ()), (dx, dy)

    def anchor(self, grid: Grid) -> tuple[float, int] | None:
        """Where to put a part laid out again so that its kept applications move least: the median
        of their moves (rows whole), or None when none of them was drawn before."""
        kept = [(self.cells[c.id], c) for c in grid.cells if c.id in self.cells]
        if not kept:
            return None
        dx = statistics.median_low([old.x - new.x for old, new in kept])
        dy = statistics.median_low([old.row - new.row for old, new in kept])
        return max(0.0, snap(dx)), max(0, dy)


def kept_rows(columns: Sequence[Sequence[Slot]], earlier: Sequence[int | None]) -> None:
    """Move the slots (`coordinates.Slot`, tops already whole rows) of a part laid out again so
    that each node drawn before takes its earlier row where the column's order allows, and the rest
    move with them (by the median of the nodes' moves); rows stay whole, the smallest top 0.
    `earlier` is each item's earlier row, None for a lane or a new node."""
    moves = [earlier[s.items[0]] - s.top for slots in columns for s in slots if earlier[s.items[0]] is not None]
    if not moves:
        return
    shift = statistics.median_low(moves)
    for slots in columns:
        targets, weights, offset = [], [], 0.0
        for slot in slots:
            row = earlier[slot.items[0]]
            targets.append((slot.top + shift if row is None else row) - offset)
            weights.append(WEIGHT_NEW if row is None else 1.0)
            offset += slot.height
        floor, offset = None, 0.0
        for slot, z in zip(slots, isotonic(targets, weights), strict=True):
            top = round(z + offset)
            top = top if floor is None else max(top, floor)
            slot.top, floor = float(top), top + slot.height
            offset += slot.height
    lowest = min((slots[0].top for slots in columns if slots), default=0.0)
    for slots in columns:
        for slot in slots:
            slot.top -= lowest


def place(
    sizes: Sequence[tuple[float, int]],
    anchors: Sequence[tuple[float, int] | None],
    fixed: Sequence[bool],
    aspect: float,
) -> list[tuple[float, int]]:
    """The top-left corner of each part (width, rows): a `fixed` one at its anchor, one with an
    anchor at the free place nearest it, the rest packed together (to `aspect`) and placed as one
    block where the whole comes nearest `aspect`.

    >>> place([(4.0, 2), (4.0, 2), (2.0, 1)], [(0.0, 0), (0.0, 0), None], [True, False, False], 2.0)
    [(0.0, 0), (0.0, 3), (4.0, 0)]
    """
    at: list[tuple[float, int] | None] = [None] * len(sizes)
    placed = _Placed()
    for k, anchor in enumerate(anchors):
        if fixed[k] and anchor is not None:
            at[k] = anchor
            placed.add(*anchor, *sizes[k])
    for k, anchor in enumerate(anchors):
        if not fixed[k] and anchor is not None:
            at[k] = placed.nearest(sizes[k], anchor)
            placed.add(*at[k], *sizes[k])
    rest = [k for k in range(len(sizes)) if at[k] is None]
    if rest:
        corners = pack([sizes[k] for k in rest], aspect)
        block = (
            max(x + sizes[k][0] for k, (x, _) in zip(rest, corners, strict=True)),
            max(y + sizes[k][1] for k, (_, y) in zip(rest, corners, strict=True)),
        )
        bx, by = placed.fitting(block, aspect)
        for k, (x, y) in zip(rest, corners, strict=True):
            at[k] = (snap(bx + x), by + y)
    return at  # type: ignore[return-value]


class _Placed:
    """The parts placed so far, found by the bands of rows they cover; and the corners where the
    next one may go: the `NEAR` x and y values nearest a wanted corner among the left side, the
    wanted corner's and the right and bottom sides of what is placed, and two that are always free
    (below everything, right of everything)."""

    BAND = 8  # rows
    NEAR = 24

    def __init__(self) -> None:
        self.rects: list[tuple[float, int, float, int]] = []
        self.bands: dict[int, list[int]] = {}
        self.right, self.bottom = 0.0, 0

    def add(self, x: float, y: int, w: float, h: int) -> None:
        for band in range(y // self.BAND, (y + h + ROW_GAP) // self.BAND + 1):
            self.bands.setdefault(band, []).append(len(self.rects))
        self.rects.append((x, y, w, h))
        self.right, self.bottom = max(self.right, x + w), max(self.bottom, y + h)

    def free(self, x: float, y: int, w: float, h: int) -> bool:
        near = {
            k for band in range(y // self.BAND, (y + h + ROW_GAP) // self.BAND + 1) for k in self.bands.get(band, ())
        }
        for k in near:
            ox, oy, ow, oh = self.rects[k]
            if x < ox + ow - EPS and ox < x + w - EPS and y < oy + oh + ROW_GAP and oy < y + h + ROW_GAP:
                return False
        return True

    def corners(self, anchor: tuple[float, int]) -> list[tuple[float, int]]:
        ax, ay = anchor
        xs = sorted({ax, 0.0, *(ox + ow for ox, _, ow, _ in self.rects)}, key=lambda x: (abs(x - ax), x))[: self.NEAR]
        ys = sorted({ay, 0, *(oy + oh + ROW_GAP for _, oy, _, oh in self.rects)}, key=lambda y: (abs(y - ay), y))
        always = [(ax, self.bottom + ROW_GAP if self.rects else ay), (self.right, ay)]
        return [(x, y) for x in xs for y in ys[: self.NEAR]] + always

    def nearest(self, size: tuple[float, int], anchor: tuple[float, int]) -> tuple[float, int]:
        """The free corner nearest `anchor`, in pixels, for a part of `size`."""
        w, h = size
        ax, ay = anchor
        if self.free(ax, ay, w, h):
            return anchor
        candidates = sorted((((x - ax) * UNIT) ** 2 + ((y - ay) * ROW) ** 2, y, x) for x, y in self.corners(anchor))
        _, y, x = next(c for c in candidates if self.free(c[2], c[1], w, h))
        return snap(x), y

    def fitting(self, size: tuple[float, int], aspect: float) -> tuple[float, int]:
        """The free corner for a block of `size` that leaves the whole nearest `aspect`, the smaller
        area, then the higher and further left, breaking ties."""
        w, h = size

        def score(corner: tuple[float, int]):
            x, y = corner
            width, height = max(self.right, x + w), max(self.bottom, y + h)
            return abs(math.log(width / max(height, 1) / aspect)), width * height, y, x

        x, y = min((c for c in self.corners((0.0, 0)) if self.free(*c, w, h)), key=score)
        return snap(x), y
