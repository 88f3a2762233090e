"""Containers: the nodes of a group (a system's applications, a place's servers) in a box of their
own, which no other group's node or lane enters.

    sifted_groups(layers, down, group, ranked, work) -> layers, ranked
    banded_rows(layers, up, down, is_lane, spans, group, ranked) -> slots per column
    containers(cells, group) -> (Container, ...)

`sifted_groups` chooses the groups' order, the same in every column: each group in turn moves to
the place in it where the lines between neighbouring columns cross least (sifting, as the
ordering sifts single nodes, but of whole groups), for as long as improving and `work` (lines
counted) last.

`banded_rows` gives each group a band of rows over the columns from its first item to its last:
the group's rows are placed as `coordinates.assign_rows` places a graph's, from the edges inside the
group alone; then the bands go in, in the groups' order (`ranked`), each as high as the columns it
covers allow (a skyline per column), `BAND_GAP` rows under the band above. In every column the
groups stand in that order, as the ordering put them, so routes stay where the order planned them.
An earlier layout's rows are kept inside each band. `containers` draws a box around each group's
boxes, with room for its caption above them and for entry markers on their left; the bands keep
those boxes apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from analytics_maestro.layout.coordinates import Slot, assign_rows
from analytics_maestro.layout.grid import Cell, Container, snap
from analytics_maestro.layout.ordering import count_crossings
from analytics_maestro.layout.stable import kept_rows

BAND_GAP = 1  # rows between one group's band and the next in a column
SIFT_ROUNDS = 2  # passes over the groups, at most
PAD_LEFT = 0.2  # grid units left of the group's boxes: the entry markers' room
PAD_RIGHT = 0.1
PAD_TOP = 0.45  # rows above the boxes: the caption's room
PAD_BOTTOM = 0.1


def sifted_groups(
    layers: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    group: Callable[[int], str],
    ranked: Sequence[str],
    work: list[int],
) -> tuple[list[list[int]], list[str]]:
    """`layers` (each column's items sorted by group, in `ranked` order) with the groups in the
    order where the lines between columns cross least that sifting finds within `work` (lines to
    count, a one-item list that this spends), and that order. Inside a group, items keep their
    order.

    >>> # columns a b x | c d y, in groups A B C | A B C; lines a->y and b->d cross
    >>> sifted_groups([[0, 1, 2], [3, 4, 5]], [[5], [4], [], [], [], []], "ABCABC".__getitem__, "ABC", [100])
    ([[1, 0, 2], [4, 3, 5]], ['B', 'A', 'C'])
    """
    if len(ranked) < 2:
        return [list(layer) for layer in layers], list(ranked)
    n = sum(len(layer) for layer in layers)
    size = max((item for layer in layers for item in layer), default=-1) + 1
    runs: list[dict[str, list[int]]] = [{} for _ in layers]
    for k, layer in enumerate(layers):
        for item in layer:
            runs[k].setdefault(group(item), []).append(item)
    pos = [0] * size

    def column(k: int, order: Sequence[str]) -> list[int]:
        return [item for name in order for item in runs[k].get(name, ())]

    def crossings(pairs: Sequence[int], order: Sequence[str]) -> int:
        total = 0
        for k in pairs:
            for i, item in enumerate(column(k + 1, order)):
                pos[item] = i
            total += count_crossings(column(k, order), down, pos)
        return total

    lines = [sum(len(down[item]) for item in layer) for layer in layers]
    order = list(ranked)
    for _ in range(SIFT_ROUNDS):
        better = False
        for name in ranked:
            # the pairs of neighbouring columns the group has items in: only their crossings change
            pairs = [k for k in range(len(layers) - 1) if name in runs[k] or name in runs[k + 1]]
            cost = sum(lines[k] for k in pairs) * len(order)
            if cost > work[0] or n == 0:
                return [column(k, order) for k in range(len(layers))], order
            work[0] -= cost
            rest = [other for other in order if other != name]
            best = (crossings(pairs, order), order)
            for at in range(len(rest) + 1):
                tried = [*rest[:at], name, *rest[at:]]
                if tried != order and (found := crossings(pairs, tried)) < best[0]:
                    best = (found, tried)
            better |= best[1] != order
            order = best[1]
        if not better:
            break
    return [column(k, order) for k in range(len(layers))], order


def banded_rows(
    layers: Sequence[Sequence[int]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    is_lane: Sequence[bool],
    spans: Sequence[int],
    group: Callable[[int], str],
    ranked: Sequence[str],
    earlier: Sequence[int | None] | None = None,
) -> list[list[Slot]]:
    """Slots per column, as `assign_rows` gives them, with each group of `ranked` in a band of its
    own. `layers` hold each column's items sorted by group, in `ranked` order. With `earlier`, each
    item's row in an earlier layout (`stable.kept_rows`), a group's nodes keep their rows in its
    band where they can."""
    skyline = [0] * len(layers)
    columns: list[list[Slot]] = [[] for _ in layers]
    of = [group(item) for item in range(len(is_lane))]
    for name in ranked:
        sub = [[item for item in layer if of[item] == name] for layer in layers]
        used = [k for k, layer in enumerate(sub) if layer]
        if not used:
            continue
        members = [item for layer in sub for item in layer]
        local = {item: k for k, item in enumerate(members)}
        slots = assign_rows(
            [[local[item] for item in layer] for layer in sub],
            [[local[o] for o in up[item] if o in local] for item in members],
            [[local[o] for o in down[item] if o in local] for item in members],
            [is_lane[item] for item in members],
            [spans[item] for item in members],
        )
        if earlier is not None:
            kept_rows(slots, [earlier[item] for item in members])
        first, last = used[0], used[-1]
        top = max(skyline[first : last + 1])
        bottom = max(slot.top + slot.height for k in used for slot in slots[k])
        for k in used:
            for slot in slots[k]:
                slot.items = [members[i] for i in slot.items]
                slot.top += top
            columns[k] += slots[k]
        for k in range(first, last + 1):
            skyline[k] = int(top + bottom) + BAND_GAP
    return columns


def containers(cells: Sequence[Cell], group: Mapping[str, str]) -> tuple[Container, ...]:
    """A box around the boxes of each group (`group`: node id to group; a node without one has
    no box), in group order."""
    bounds: dict[str, list[float]] = {}
    for c in cells:
        name = group.get(c.id)
        if not name:
            continue
        x0, x1, y0, y1 = c.x - c.w / 2, c.x + c.w / 2, c.y - c.h / 2, c.y + c.h / 2
        if name in bounds:
            b = bounds[name]
            b[0], b[1], b[2], b[3] = min(b[0], x0), max(b[1], x1), min(b[2], y0), max(b[3], y1)
        else:
            bounds[name] = [x0, x1, y0, y1]
    out = []
    for name in sorted(bounds):
        x0, x1, y0, y1 = bounds[name]
        x0, x1, y0, y1 = x0 - PAD_LEFT, x1 + PAD_RIGHT, y0 - PAD_TOP, y1 + PAD_BOTTOM
        out.append(Container(name, snap((x0 + x1) / 2), snap((y0 + y1) / 2), snap(x1 - x0), snap(y1 - y0)))
    return tuple(out)
