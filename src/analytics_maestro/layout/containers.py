"""Containers: the nodes of a group (a system's applications, a place's servers) in a box of their
own, which no other group's node or lane enters.

    banded_rows(layers, up, down, is_lane, spans, group, ranked) -> slots per column
    containers(cells, group) -> (Container, ...)

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
from analytics_maestro.layout.stable import kept_rows

BAND_GAP = 1  # rows between one group's band and the next in a column
PAD_LEFT = 0.2  # grid units left of the group's boxes: the entry markers' room
PAD_RIGHT = 0.1
PAD_TOP = 0.45  # rows above the boxes: the caption's room
PAD_BOTTOM = 0.1


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
