"""Rows: where each item of a column goes vertically, keeping the column's order.

A column is a stack of slots: a node takes `span` rows, and up to `LANES_PER_ROW` consecutive
lanes (long edges passing through) share one row. Sweeps over the columns move every slot as close
as the order allows to the weighted mean of its neighbours' heights, the nearest feasible
placement being found exactly by pool-adjacent-violators. Lanes pull harder than nodes, so long
edges run straight; sweeps from the right centre a parent on its children. Finally the slots snap
to whole rows, top to bottom. The sweeps also run compiled: `assign_rows` is the facade that
`compiled.loops()` decides for, `python_rows` the reference.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from analytics_maestro.layout import compiled

LANES_PER_ROW = 4
# Pull of an edge between two lanes, a lane and a node, two nodes (as Graphviz weighs its
# virtual nodes): long edges straighten first.
LANE_LANE, LANE_NODE, NODE_NODE = 8.0, 2.0, 1.0
SWEEPS = ("right", "left", "right", "left", "both", "left")


class Slot(msgspec.Struct):
    items: list[int]
    height: int
    top: float = 0.0


def build_slots(layers: Sequence[Sequence[int]], is_lane: Sequence[bool], spans: Sequence[int]) -> list[list[Slot]]:
    columns = []
    for layer in layers:
        slots: list[Slot] = []
        for item in layer:
            if is_lane[item] and slots and len(slots[-1].items) < LANES_PER_ROW and is_lane[slots[-1].items[0]]:
                slots[-1].items.append(item)
            else:
                slots.append(Slot([item], 1 if is_lane[item] else spans[item]))
        top = 0
        for slot in slots:
            slot.top = float(top)
            top += slot.height
        columns.append(slots)
    return columns


def item_centres(slot: Slot, is_lane: Sequence[bool], centre: list[float]) -> None:
    if is_lane[slot.items[0]]:
        k = len(slot.items)
        for j, item in enumerate(slot.items):
            centre[item] = slot.top + (j + 1) / (k + 1)
    else:
        centre[slot.items[0]] = slot.top + slot.height / 2


def isotonic(targets: Sequence[float], weights: Sequence[float]) -> list[float]:
    """The non-decreasing sequence nearest to `targets` in weighted least squares (PAV).

    >>> isotonic([3.0, 1.0, 2.0, 5.0], [1.0, 1.0, 1.0, 1.0])
    [2.0, 2.0, 2.0, 5.0]
    """
    blocks: list[list[float]] = []  # [weight, weighted sum, count]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([w, w * t, 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] > blocks[-1][1] / blocks[-1][0]:
            w2, s2, c2 = blocks.pop()
            blocks[-1][0] += w2
            blocks[-1][1] += s2
            blocks[-1][2] += c2
    out: list[float] = []
    for w, s, c in blocks:
        out.extend([s / w] * int(c))
    return out


def _place_column(
    slots: list[Slot],
    sides: Sequence[Sequence[Sequence[int]]],
    is_lane: Sequence[bool],
    centre: list[float],
) -> None:
    targets, weights, offset = [], [], 0.0
    for slot in slots:
        pull, total = 0.0, 0.0
        for item in slot.items:
            for side in sides:
                for other in side[item]:
                    w = LANE_LANE if is_lane[item] and is_lane[other] else (
                        LANE_NODE if is_lane[item] or is_lane[other] else NODE_NODE
                    )  # fmt: skip
                    pull += w * (centre[other] - centre[item])
                    total += w
        current = slot.top
        wanted = current + pull / total if total else current
        targets.append(wanted - offset)
        weights.append(total or 0.01)
        offset += slot.height
    offset = 0.0
    for slot, z in zip(slots, isotonic(targets, weights), strict=True):
        slot.top = z + offset
        offset += slot.height
        item_centres(slot, is_lane, centre)


def assign_rows(
    layers: Sequence[Sequence[int]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    is_lane: Sequence[bool],
    spans: Sequence[int],
) -> list[list[Slot]]:
    """Slots per column with whole-row `top`s, the smallest top being 0: `python_rows`, compiled
    where it can be (the facade `compiled.loops()` decides for)."""
    native = compiled.loops()
    if native is None:
        return python_rows(layers, up, down, is_lane, spans)
    columns = build_slots(layers, is_lane, spans)
    pulls = (LANE_LANE, LANE_NODE, NODE_NODE)
    sweeps = "".join(sweep[0] for sweep in SWEEPS)
    tops = native.rows(layers, up, down, is_lane, spans, LANES_PER_ROW, pulls, sweeps)
    for slots, column in zip(columns, tops, strict=True):
        for slot, top in zip(slots, column, strict=True):
            slot.top = top
    return columns


def python_rows(
    layers: Sequence[Sequence[int]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    is_lane: Sequence[bool],
    spans: Sequence[int],
) -> list[list[Slot]]:
    """The reference loops of `assign_rows`."""
    columns = build_slots(layers, is_lane, spans)
    centre = [0.0] * len(up)
    for slots in columns:
        for slot in slots:
            item_centres(slot, is_lane, centre)
    for sweep in SWEEPS:
        order = range(len(columns)) if sweep == "right" else range(len(columns) - 1, -1, -1)
        sides = {"right": (up,), "left": (down,), "both": (up, down)}[sweep]
        for k in order:
            _place_column(columns[k], sides, is_lane, centre)
    lowest = min((slots[0].top for slots in columns if slots), default=0.0)
    for slots in columns:
        floor = None
        for slot in slots:
            top = round(slot.top - lowest)
            if floor is not None and top < floor:
                top = floor
            slot.top = float(top)
            floor = top + slot.height
    lowest = min((slots[0].top for slots in columns if slots), default=0.0)
    for slots in columns:
        for slot in slots:
            slot.top -= lowest
    return columns
