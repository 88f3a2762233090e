"""Packing: the parts of a diagram that share no edge, laid out one by one and placed side by side
to a target aspect ratio, never as one tall stack.

    parts(n, pairs) -> [[node, ...], ...]
    pack(sizes, aspect) -> [(x, y), ...]

Each part is a rectangle (its width in grid units, its height in rows). `pack` places them with a
skyline: tallest first, each where its top is highest (then leftmost) under a chosen width; it
tries widths between the widest part and all of them in a row and keeps the placement whose bounding
box is nearest the aspect (width over height, in the same units), the smaller area breaking ties;
most of the widths tried lie around the width that the parts' area suggests.
Rows stay whole: every part moves down by a whole number of rows. Nodes without a line to another
(`matrix`) are not parts of their own each: they stand together in one matrix, row by row, as
close as their entry markers and the isometric captions under their tiles allow
(`captions.room_under`), in the order a reader looks names up in (`reading_order`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

from analytics_maestro.domain import Edge
from analytics_maestro.layout.grid import ENTRY_MARGIN, NODE_WIDTH, ROW_MARGIN, Cell, Grid, snap
from analytics_maestro.layout.routing import Box, loop_routes
from analytics_maestro.render.captions import room_under

ROW_GAP = 1  # rows between two parts, one above the other
# grid units between the rightmost box or route of a part and the entry margin of the next part
PART_GAP = 0.15
MATRIX_GAP = 0.3  # grid units at least between two boxes side by side in the matrix of lone nodes
SPREAD = 4  # widths tried between the widest part and all parts in a row, besides
AROUND = 8  # widths tried from 0.6 to 1.6 times the width that the parts' area suggests
EPS = 1e-9


def parts(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The weakly connected parts of a graph on nodes 0..n-1, each in node order, the parts in the
    order of their first node.

    >>> parts(5, [(0, 3), (4, 1)])
    [[0, 3], [1, 4], [2]]
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in pairs:
        a, b = find(u), find(v)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for x in range(n):
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def footprint(grid: Grid) -> tuple[float, int]:
    """The width and rows a part takes in the packing: from its entry margin to its rightmost box or
    route, and `PART_GAP` more.

    >>> footprint(matrix(["a", "b"], {}, [], 9.0))
    (3.2, 1)
    """
    right = max([*(c.x + c.w / 2 for c in grid.cells), *(x for r in grid.routes for x, _ in r.points)])
    return snap(right + PART_GAP), grid.rows


def _skyline(sizes: Sequence[tuple[float, int]], order: Sequence[int], width: float) -> list[tuple[float, int]]:
    """Each part's top-left corner, placed in `order` under a skyline `width` wide (a part wider
    than that starts at the left)."""
    # the skyline: (x, top) steps, each up to the next one's x; the last runs to infinity
    line: list[tuple[float, int]] = [(0.0, 0)]
    at: list[tuple[float, int]] = [(0.0, 0)] * len(sizes)
    for k in order:
        w, h = sizes[k]
        best: tuple[int, float, int] | None = None  # (y, x, step)
        steps = len(line)
        for i in range(steps):
            x = line[i][0]
            if x > 0 and x + w > width + EPS:
                break
            right, y, j = x + w - EPS, 0, i
            # a place further right wins only by standing higher: stop as soon as it cannot
            limit = best[0] if best is not None else None
            while j < steps and line[j][0] < right:
                if line[j][1] > y:
                    y = line[j][1]
                    if limit is not None and y >= limit:
                        break
                j += 1
            if best is None or y < best[0]:
                best = (y, x, i)
        y, x, _ = best  # type: ignore[misc]
        at[k] = (x, y)
        right = x + w
        kept = [step for step in line if step[0] < x - EPS]
        later = [step for step in line if step[0] >= right - EPS]
        if not later or later[0][0] > right + EPS:
            # the step that held the part's right end goes on from there
            later.insert(0, (right, max(step for step in line if step[0] < right - EPS)[1]))
        line = []
        for step in [*kept, (x, y + h + ROW_GAP), *later]:
            if not line or line[-1][1] != step[1]:
                line.append(step)
    return at


def pack(sizes: Sequence[tuple[float, int]], aspect: float) -> list[tuple[float, int]]:
    """The top-left corner of each part (width, rows) so that the whole is nearest `aspect`.

    >>> pack([(4.0, 10), (4.0, 10), (4.0, 10), (4.0, 10)], 0.4)
    [(0.0, 0), (4.0, 0), (0.0, 11), (4.0, 11)]
    >>> pack([(3.0, 2)], 1.0)
    [(0.0, 0)]
    """
    if len(sizes) <= 1:
        return [(0.0, 0)] * len(sizes)
    order = sorted(range(len(sizes)), key=lambda k: (-sizes[k][1], -sizes[k][0], k))
    narrowest = max(w for w, _ in sizes)
    widest = sum(w for w, _ in sizes)
    # the width a square-ish packing of the parts' area would take at the aspect, and around it
    guess = math.sqrt(sum(w * (h + ROW_GAP) for w, h in sizes) * aspect)
    widths = {narrowest * (widest / narrowest) ** (t / SPREAD) for t in range(SPREAD + 1)}
    widths |= {guess * (0.6 + t / AROUND) for t in range(AROUND + 1)}
    best: tuple[tuple[float, float], list[tuple[float, int]]] | None = None
    for width in sorted(w for w in widths if narrowest <= w <= widest):
        at = _skyline(sizes, order, width)
        score = extent(sizes, at, aspect)
        if best is None or score < best[0]:
            best = (score, at)
    return best[1]  # type: ignore[index]


def extent(sizes: Sequence[tuple[float, int]], at: Sequence[tuple[float, int]], aspect: float) -> tuple[float, float]:
    """How large a placement is: the height of the smallest box of `aspect` that holds it (what a
    screen fitted to it shows), then its area.

    >>> extent([(4.0, 10), (4.0, 10)], [(0.0, 0), (4.0, 0)], 0.4)
    (20.0, 80.0)
    """
    w = max(x + sizes[k][0] for k, (x, _) in enumerate(at))
    h = max(y + sizes[k][1] for k, (_, y) in enumerate(at))
    return max(w / aspect, h), w * h


def reading_order(ids: Sequence[str], names: Mapping[str, str]) -> list[str]:
    """`ids` in the order a reader looks a name up in: by name (`names`, else the id), letters
    without regard to case and numbers by value, ties by id.

    >>> reading_order(["s10", "s2", "b", "A"], {"s10": "system-10", "s2": "system-2", "b": "beta"})
    ['A', 'b', 's2', 's10']
    """

    def key(ident: str) -> tuple:
        parts = re.split(r"(\d+)", (names.get(ident) or ident).casefold())
        return (tuple(int(p) if k % 2 else p for k, p in enumerate(parts)), ident)

    return sorted(ids, key=key)


def matrix(
    ids: Sequence[str],
    widths: Mapping[str, float],
    loops: Sequence[Edge],
    aspect: float,
    columns: int | None = None,
    captions: Callable[[str], float] | None = None,
) -> Grid:
    """Lone nodes (`ids`, in order) as one part: a matrix of boxes all as wide as the widest, with
    `columns` columns or as many as bring it nearest `aspect` (width over rows), and their self-loops.
    `captions` gives the pixels across a node's isometric caption: the boxes stand apart by what
    the widest needs under its tile (`room_under`), rows skipped between them if need be.

    >>> grid = matrix(["a", "b", "c", "d"], {}, [], 2.0)
    >>> [(c.id, c.row, c.x) for c in grid.cells], grid.rows
    ([('a', 0, 1.25), ('b', 0, 2.55), ('c', 1, 1.25), ('d', 1, 2.55)], 2)
    >>> grid = matrix(["a", "b", "c", "d"], {}, [], 2.0, captions=lambda i: 140.0 if i == "a" else 20.0)
    >>> [(c.id, c.row, c.x) for c in grid.cells], grid.rows
    ([('a', 0, 1.25), ('b', 0, 4.01), ('c', 2, 1.25), ('d', 2, 4.01)], 3)
    """
    # rounded up to a hundredth, so that snapping never takes a box below what its label needs
    w = math.ceil(max([NODE_WIDTH, *(widths.get(i, NODE_WIDTH) for i in ids)]) * 100 - 1e-9) / 100
    widest = max(map(captions, ids)) if captions else 0.0
    gap, stride = (MATRIX_GAP, 1) if widest == 0 else room_under(widest, 1 - 2 * ROW_MARGIN)
    gap = max(gap, MATRIX_GAP)
    pitch = w + gap

    def height(columns: int) -> int:
        return (math.ceil(len(ids) / columns) - 1) * stride + 1

    def shape(columns: int) -> float:
        return abs(math.log((2 * ENTRY_MARGIN + columns * pitch - gap) / height(columns) / aspect))

    if columns is None:
        columns = min(range(1, len(ids) + 1), key=lambda k: (shape(k), k))
    cells = []
    for k, ident in enumerate(ids):
        line, place = divmod(k, columns)
        row = line * stride
        cells.append(
            Cell(ident, 0, row, 1, snap(ENTRY_MARGIN + place * pitch + w / 2), snap(row + 0.5), snap(w),
                 snap(1 - 2 * ROW_MARGIN))
        )  # fmt: skip
    by_id = {c.id: c for c in cells}
    routes = loop_routes(loops, lambda ident: Box(by_id[ident].x, by_id[ident].y, by_id[ident].w, by_id[ident].h))
    return Grid(tuple(cells), tuple(routes), 1, height(columns), ())
