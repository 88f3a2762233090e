"""How readable a layout is, measured the same way for ours and for Graphviz's.

    measure(boxes, edges) -> Quality

`boxes` maps node ids to (x, y, w, h) box centres and sizes; `edges` are (source, target, points)
polylines. Counts: `overlaps` (pairs of boxes that overlap), `crossings` (pairs of edges that
share no endpoint and properly cross at least once), `through_nodes` (edge and box pairs where the
edge enters a box that is neither its source nor its target; touching a border does not count),
`bends` (interior points of the simplified polylines), `edge_length` and `area` (of the bounding
box) in units of the median box height. Readers: `from_layout_json` (our layout JSON) and
`from_plain` (Graphviz `-Tplain`, whose B-spline edges are sampled into polylines).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

import msgspec

Point = tuple[float, float]
Box = tuple[float, float, float, float]
EPS = 1e-7


class Quality(msgspec.Struct, frozen=True):
    nodes: int
    edges: int
    overlaps: int
    crossings: int
    through_nodes: int
    bends: int
    edge_length: float
    area: float

    def as_dict(self) -> dict:
        return msgspec.structs.asdict(self)


def from_layout_json(text: str) -> tuple[dict[str, Box], list[tuple[str, str, list[Point]]]]:
    doc = json.loads(text)
    boxes = {str(n["id"]): (float(n["x"]), float(n["y"]), float(n["w"]), float(n["h"])) for n in doc["nodes"]}
    edges = [(str(e["source"]), str(e["target"]), [(float(x), float(y)) for x, y in e["points"]]) for e in doc["edges"]]
    return boxes, edges


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int) -> list[Point]:
    out = []
    for k in range(steps):
        t = k / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def from_plain(text: str, steps: int = 8) -> tuple[dict[str, Box], list[tuple[str, str, list[Point]]]]:
    """Graphviz `-Tplain`: node lines give boxes, edge lines B-spline control points."""
    boxes: dict[str, Box] = {}
    edges = []
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "node":
            boxes[fields[1].strip('"')] = tuple(float(v) for v in fields[2:6])  # type: ignore[assignment]
        elif fields[0] == "edge":
            count = int(fields[3])
            control = [(float(fields[4 + 2 * i]), float(fields[5 + 2 * i])) for i in range(count)]
            points: list[Point] = []
            for k in range(0, count - 3, 3):
                points += _bezier(*control[k : k + 4], steps)
            points.append(control[-1])
            edges.append((fields[1].strip('"'), fields[2].strip('"'), points))
    return boxes, edges


def simplify(points: Sequence[Point]) -> list[Point]:
    """Drop repeated and collinear points."""
    out: list[Point] = [points[0]]
    for p in points[1:]:
        if abs(p[0] - out[-1][0]) < 1e-9 and abs(p[1] - out[-1][1]) < 1e-9:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if abs((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)) < 1e-9:
                out[-1] = p
                continue
        out.append(p)
    return out


def _buckets(rects: Iterable[tuple[int, float, float, float, float]], cell: float) -> dict[tuple[int, int], list[int]]:
    grid: dict[tuple[int, int], list[int]] = {}
    for k, x0, y0, x1, y1 in rects:
        for gx in range(math.floor(x0 / cell), math.floor(x1 / cell) + 1):
            for gy in range(math.floor(y0 / cell), math.floor(y1 / cell) + 1):
                grid.setdefault((gx, gy), []).append(k)
    return grid


def _proper_cross(a: Sequence[float], b: Sequence[float]) -> bool:
    """Do two segments cross at a point interior to both?"""
    px, py, rx, ry = a[0], a[1], a[2] - a[0], a[3] - a[1]
    qx, qy, sx, sy = b[0], b[1], b[2] - b[0], b[3] - b[1]
    denominator = rx * sy - ry * sx
    if abs(denominator) < 1e-12:
        return False
    t = ((qx - px) * sy - (qy - py) * sx) / denominator
    u = ((qx - px) * ry - (qy - py) * rx) / denominator
    return EPS < t < 1 - EPS and EPS < u < 1 - EPS


def _enters(segment: Sequence[float], x0: float, y0: float, x1: float, y1: float) -> bool:
    """Does the segment pass through the open box (Liang-Barsky clipping)?"""
    ax, ay, bx, by = segment
    dx, dy = bx - ax, by - ay
    low, high = 0.0, 1.0
    for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
        if abs(p) < 1e-12:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            low = max(low, r)
        else:
            high = min(high, r)
        if low > high:
            return False
    return high - low > 1e-9


def measure(boxes: Mapping[str, Box], edges: Sequence[tuple[str, str, Sequence[Point]]]) -> Quality:
    ids = list(boxes)
    heights = sorted(h for _, _, _, h in boxes.values())
    unit = heights[len(heights) // 2] if heights else 1.0
    rects = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2) for x, y, w, h in boxes.values()]
    cell = unit * 4

    overlaps = set()
    for members in _buckets(((k, *r) for k, r in enumerate(rects)), cell).values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                ra, rb = rects[a], rects[b]
                if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]:
                    overlaps.add((min(a, b), max(a, b)))

    index = {ident: k for k, ident in enumerate(ids)}
    segments: list[tuple[float, float, float, float]] = []
    owner: list[int] = []
    bends, length = 0, 0.0
    for k, (_, _, points) in enumerate(edges):
        points = simplify(points)
        bends += max(0, len(points) - 2)
        for (ax, ay), (bx, by) in pairwise(points):
            segments.append((ax, ay, bx, by))
            owner.append(k)
            length += math.hypot(bx - ax, by - ay)
    ends = [(index.get(s, -1), index.get(t, -1)) for s, t, _ in edges]

    seg_rects = [
        (k, min(s[0], s[2]), min(s[1], s[3]), max(s[0], s[2]), max(s[1], s[3])) for k, s in enumerate(segments)
    ]
    crossing = set()
    for members in _buckets(seg_rects, cell).values():
        for i, a in enumerate(members):
            ea = owner[a]
            for b in members[i + 1 :]:
                eb = owner[b]
                if ea == eb or (ea, eb) in crossing or (eb, ea) in crossing:
                    continue
                if set(ends[ea]) & set(ends[eb]):
                    continue
                if _proper_cross(segments[a], segments[b]):
                    crossing.add((min(ea, eb), max(ea, eb)))

    shrink = 0.02 * unit
    through = set()
    node_rects = [(len(segments) + k, *r) for k, r in enumerate(rects)]
    for members in _buckets([*seg_rects, *node_rects], cell).values():
        segs = [m for m in members if m < len(segments)]
        nodes = [m - len(segments) for m in members if m >= len(segments)]
        for s in segs:
            for n in nodes:
                if n in ends[owner[s]] or (owner[s], n) in through:
                    continue
                x0, y0, x1, y1 = rects[n]
                if _enters(segments[s], x0 + shrink, y0 + shrink, x1 - shrink, y1 - shrink):
                    through.add((owner[s], n))

    xs = [v for r in rects for v in (r[0], r[2])] + [v for s in segments for v in (s[0], s[2])]
    ys = [v for r in rects for v in (r[1], r[3])] + [v for s in segments for v in (s[1], s[3])]
    area = (max(xs) - min(xs)) * (max(ys) - min(ys)) if xs else 0.0
    return Quality(
        nodes=len(ids),
        edges=len(edges),
        overlaps=len(overlaps),
        crossings=len(crossing),
        through_nodes=len(through),
        bends=bends,
        edge_length=round(length / unit, 1),
        area=round(area / unit**2, 1),
    )
