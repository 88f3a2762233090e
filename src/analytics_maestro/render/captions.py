"""Where the isometric drawing's captions go: each where it covers no tile and no other caption.

    place(outlines, texts) -> {id: Caption}

A tile is a convex hexagon on the page (its top face and the two sides below it). Each caption, in
the order the tiles are drawn, tries its places in turn: centred under the tile's front corner (the
Maestro look), right of its right corner, left of its left corner, centred over its far corner,
right and left of its front corner, and lower under it, first in its widest setting, then in a
narrower one; it takes the first that touches no tile (its own included) and no caption placed
before it, else the one that touches fewest. A caption that touches something
still is counted (`Caption.clear` false): the drawing's quality measure reports them.

    room_under(widest, depth) -> (across, down)

Tiles packed close together (a matrix of lone applications) leave no such place: `room_under` is
the spacing the layout gives them so that each caption fits under its own tile.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence

import msgspec

from analytics_maestro.render.labels import ISO_STRETCH, ISO_UNIT, width

Point = tuple[float, float]
LINE = 13.0  # px between a caption's lines
ASCENT, DESCENT = 10.0, 3.0  # px above and below a line's baseline, halo included
PAD = 2.0  # px of halo around a caption's text
GAP = 6.0  # px between a tile and a caption beside it
BUCKET = 128.0  # px: the side of the cells of the spatial index


class Caption(msgspec.Struct, frozen=True):
    x: float
    y: float  # the first line's baseline
    anchor: str  # "middle", "start" or "end", as SVG's text-anchor
    lines: tuple[str, ...]
    box: tuple[float, float, float, float]  # left, top, right, bottom
    clear: bool


def _box(x: float, y: float, anchor: str, lines: Sequence[str]) -> tuple[float, float, float, float]:
    w = max(width(line) for line in lines) + 2 * PAD
    left = x - w / 2 if anchor == "middle" else (x if anchor == "start" else x - w)
    return (left, y - ASCENT, left + w, y + LINE * (len(lines) - 1) + DESCENT)


def _bounds(polygon: Sequence[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in polygon]
    ys = [p[1] for p in polygon]
    return (min(xs), min(ys), max(xs), max(ys))


def _separated(
    box: tuple[float, float, float, float], polygon: Sequence[Point], bounds: tuple[float, float, float, float]
) -> bool:
    """Whether a rectangle and a convex polygon (within `bounds`) are apart (touching is apart):
    some axis of either separates them."""
    x0, y0, x1, y1 = box
    if bounds[2] <= x0 or bounds[0] >= x1 or bounds[3] <= y0 or bounds[1] >= y1:
        return True
    corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    for (px, py), (qx, qy) in zip(polygon, (*polygon[1:], polygon[0]), strict=True):
        nx, ny = qy - py, px - qx
        ours = [nx * cx + ny * cy for cx, cy in corners]
        theirs = [nx * vx + ny * vy for vx, vy in polygon]
        if max(ours) <= min(theirs) + 1e-9 or min(ours) >= max(theirs) - 1e-9:
            return True
    return False


def _apart(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


class _Index:
    """Rectangles' keys by the cells of a grid they cover."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[int]] = {}

    def add(self, key: int, box: tuple[float, float, float, float]) -> None:
        cells = self.cells
        for i in range(int(box[0] // BUCKET), int(box[2] // BUCKET) + 1):
            for j in range(int(box[1] // BUCKET), int(box[3] // BUCKET) + 1):
                if (i, j) in cells:
                    cells[i, j].append(key)
                else:
                    cells[i, j] = [key]

    def near(self, box: tuple[float, float, float, float]) -> set[int]:
        cells, out = self.cells, set()
        for i in range(int(box[0] // BUCKET), int(box[2] // BUCKET) + 1):
            for j in range(int(box[1] // BUCKET), int(box[3] // BUCKET) + 1):
                out.update(cells.get((i, j), ()))
        return out


def room_under(widest: float, depth: float) -> tuple[float, int]:
    """Grid units between tiles side by side, and the rows from one tile's row to the next one's, so
    that a caption `widest` pixels across, centred under a tile's front corner (its first place),
    touches neither the next tile along the row nor the next one down the column; `depth` is a
    tile's depth in rows. Those two tiles' near sides lie on the lines through that corner at 30°
    each side of the horizontal (the iso page's axes): a caption under the corner clears the one
    whose corner is further out, across, than half the caption.

    >>> room_under(40.0, 0.6), room_under(140.0, 0.6)
    ((0.56, 1), (1.76, 2))
    """
    half = widest / 2 + PAD + 1  # (and a pixel to spare)
    along = ISO_UNIT * math.cos(math.pi / 6)  # pixels across the page per grid unit, along a row
    return math.ceil(half / along * 100) / 100, math.ceil(depth + half / (along * ISO_STRETCH) - 1e-9)


def _places(outline: Sequence[Point], lines: Sequence[str]) -> list[tuple[float, float, str]]:
    """A caption's places around a tile whose outline is (far, right, right below, front below,
    left below, left)."""
    far, right, _, front, _, left = outline
    extra = LINE * (len(lines) - 1)
    return [
        (front[0], front[1] + ASCENT + PAD + 2, "middle"),
        (right[0] + GAP, right[1] + 4, "start"),
        (left[0] - GAP, left[1] + 4, "end"),
        (far[0], far[1] - GAP - DESCENT - extra, "middle"),
        (front[0] + GAP, front[1] + 4, "start"),
        (front[0] - GAP, front[1] + 4, "end"),
        (front[0], front[1] + ASCENT + PAD + 2 + LINE + extra, "middle"),
    ]


def place(
    outlines: Mapping[Hashable, Sequence[Point]],
    texts: Mapping[Hashable, Sequence[Sequence[str]]],
    spots: Mapping[Hashable, Sequence[tuple[float, float, str]]] | None = None,
    inside: Mapping[Hashable, Sequence[tuple[float, float, str]]] | None = None,
) -> dict[Hashable, Caption]:
    """Each tile's caption, tiles taken in the order of `outlines`; `texts` gives each caption's
    settings (its lines), in the order they are tried: every place with the first, then every
    place with the next. `spots` are captions of no tile (a container's), each with its own places
    (x, y, anchor), placed after the tiles' in the same way. A tile in `inside` (a system's card)
    has its first setting tried first at those places, on its own top face, where the tile itself
    does not count; then its other settings around it.

    >>> tile = ((0.0, 0.0), (40.0, 20.0), (40.0, 28.0), (0.0, 48.0), (-40.0, 28.0), (-40.0, 20.0))
    >>> other = tuple((x, y + 62.0) for x, y in tile)  # a tile right under the first one's caption
    >>> found = place({"a": tile, "b": other}, {"a": [("checkout",)], "b": [("cart",)]})
    >>> found["a"].anchor, found["a"].clear, found["b"].anchor, found["b"].clear
    ('start', True, 'middle', True)
    """
    ids = list(outlines)
    polygons = [outlines[ident] for ident in ids]
    bounds = [_bounds(polygon) for polygon in polygons]
    tiles = _Index()
    for key, box in enumerate(bounds):
        tiles.add(key, box)
    placed = _Index()
    boxes: list[tuple[float, float, float, float]] = []
    out = {}
    spots, inside = spots or {}, inside or {}
    for key, ident in enumerate((*ids, *spots)):
        best = None
        settings = [tuple(lines) for lines in texts[ident]]
        tries = [(settings[0], place, key) for place in inside.get(ident, ())]
        tries += [
            (lines, place, -1)
            for lines in (settings[1:] if ident in inside else settings)
            for place in (spots[ident] if ident in spots else _places(outlines[ident], lines))
        ]
        for k, (lines, (x, y, anchor), own) in enumerate(tries):
            box = _box(x, y, anchor, lines)
            hits = sum(not _separated(box, polygons[t], bounds[t]) for t in tiles.near(box) if t != own)
            hits += sum(not _apart(box, boxes[c]) for c in placed.near(box))
            if best is None or (hits, k) < best[:2]:
                best = (hits, k, Caption(x, y, anchor, lines, box, hits == 0))
            if hits == 0:
                break
        caption = best[2]  # type: ignore[index]
        placed.add(len(boxes), caption.box)
        boxes.append(caption.box)
        out[ident] = caption
    return out
