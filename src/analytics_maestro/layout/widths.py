"""Column widths: each column as wide as its widest box, the gaps between columns kept.

    widen(cells, routes, widths) -> cells, routes

The earlier phases place and route everything on columns one `NODE_WIDTH` wide. This phase then
maps x piecewise: inside column k's box band, scaled to the column's width; in the gaps, shifted.
Every route segment lies inside one band or one gap (between columns a segment runs from one
column's right border to the next one's left border, through a column along a lane), so the map
keeps every segment straight, every port on its border and every route clear of boxes: widening
adds no crossing and no bend. With every width `NODE_WIDTH` it changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import msgspec

from analytics_maestro.layout.grid import COLUMN_PITCH, ENTRY_MARGIN, NODE_WIDTH, Cell, Route, column_x, snap

GAP = COLUMN_PITCH - NODE_WIDTH


def column_widths(cells: Sequence[Cell], widths: Mapping[str, float], columns: int) -> list[float]:
    """Each column's width: that of its widest box, never under `NODE_WIDTH`, rounded up to a
    hundredth (so that snapping never takes a box below what its label needs)."""
    out = [NODE_WIDTH] * columns
    for cell in cells:
        out[cell.col] = max(out[cell.col], widths.get(cell.id, NODE_WIDTH))
    return [math.ceil(w * 100 - 1e-9) / 100 for w in out]


def widen(
    cells: Sequence[Cell], routes: Sequence[Route], column_width: Sequence[float]
) -> tuple[tuple[Cell, ...], tuple[Route, ...]]:
    """Cells and routes with column k `column_width[k]` wide.

    >>> cells = [Cell("a", 0, 0, 1, column_x(0), 0.5, 1.0, 0.6), Cell("b", 1, 0, 1, column_x(1), 0.5, 1.0, 0.6)]
    >>> routes = [Route("a", "b", None, "forward", ((1.75, 0.5), (3.25, 0.5)))]
    >>> wide_cells, wide_routes = widen(cells, routes, [2.0, 1.0])
    >>> [(c.x, c.w) for c in wide_cells], wide_routes[0].points
    ([(1.75, 2.0), (4.75, 1.0)], ((2.75, 0.5), (4.25, 0.5)))
    """
    if all(w == NODE_WIDTH for w in column_width):
        return tuple(cells), tuple(routes)
    centres, x = [], ENTRY_MARGIN
    for w in column_width:
        centres.append(x + w / 2)
        x += w + GAP
    last = len(column_width) - 1
    first = column_x(0)

    def at(x: float) -> float:
        k = min(last, max(0, round((x - first) / COLUMN_PITCH)))
        d = x - column_x(k)
        w = column_width[k]
        if d > NODE_WIDTH / 2:
            return snap(centres[k] + w / 2 + d - NODE_WIDTH / 2)
        if d < -NODE_WIDTH / 2:
            return snap(centres[k] - w / 2 + d + NODE_WIDTH / 2)
        return snap(centres[k] + d * w / NODE_WIDTH)

    wide_cells = tuple(msgspec.structs.replace(c, x=snap(centres[c.col]), w=snap(column_width[c.col])) for c in cells)
    wide_routes = tuple(msgspec.structs.replace(r, points=tuple((at(px), py) for px, py in r.points)) for r in routes)
    return wide_cells, wide_routes
