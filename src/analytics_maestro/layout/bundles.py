"""Bundles: many callers of the same applications drawn as one block, their lines as one trunk.

    blocks(ids, edges, groups) -> {block id: [member, ...]}
    contracted(ids, edges, entries, widths, groups, blocks, aspect) -> Contraction
    narrowed(grid, contraction, widths) -> {block id: columns}
    expanded(grid, contraction) -> Grid

Nodes that nothing calls and that call exactly the same applications (a hundred clients of one
gateway, say) would stand in one column, one under the other, each with its own line: a column
of a hundred boxes and a fan of a hundred lines into a target grown tall for its ports. When at
least `BLOCK_MIN` of them (of one group) call the same set, they are laid out as one node, a
*block*, as wide and as many rows high as the matrix of their boxes (`packing.matrix`) at the
page's aspect, with one edge to each target. `expanded` then puts the members' boxes in the
block's matrix and draws each member's line as the block's route to that target: down out of the
member's box, along the gap under its row to the right of the block, up or down a collector
beside the block, and from there as the block's line, so that the lines of a block leave it as one
trunk per target. Every edge keeps its own route, endpoint and tooltip; the statistics do not change.
A block that shares its column with other boxes is laid out again with no more columns than the
widest of them holds (`narrowed`), so that it does not widen them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from analytics_maestro.domain import Edge
from analytics_maestro.layout.grid import ENTRY_MARGIN, Block, Cell, Grid, Route, route_key, snap
from analytics_maestro.layout.packing import MATRIX_GAP, matrix, parts

BLOCK_MIN = 8  # callers of the same applications, at least, to make a block
COLLECTOR = 0.1  # grid units right of the block where its members' lines meet, per target further
COLLECTOR_STEP = 0.06
EXIT = 0.1  # grid units left of a member's right border where its line leaves its box, downwards
PREFIX = "\x00block:"  # a block's id: no application's id starts with a control character


def blocks(ids: Sequence[str], edges: Sequence[Edge], groups: Mapping[str, str] | None) -> dict[str, list[str]]:
    """The blocks of a graph: its uncalled nodes (without self-loops) grouped by group and by the
    set of nodes they call, those of `BLOCK_MIN` members or more, each keyed by the id it is laid
    out under.

    >>> edges = [Edge(f"c{i}", "api", None) for i in range(8)] + [Edge("web", "api", None)]
    >>> [(k.replace(PREFIX, "+"), v[:2]) for k, v in blocks([f"c{i}" for i in range(8)] + ["api"], edges, None).items()]
    [('+c0', ['c0', 'c1'])]
    """
    known, called = set(ids), {e.target for e in edges}
    looped = {e.source for e in edges if e.source == e.target}
    calls: dict[str, set[str]] = {}
    for e in edges:
        calls.setdefault(e.source, set()).add(e.target)
    classes: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for ident in sorted(calls):
        if ident in called or ident in looped or ident not in known:
            continue
        key = ((groups or {}).get(ident, ""), tuple(sorted(calls[ident])))
        classes.setdefault(key, []).append(ident)
    return {PREFIX + members[0]: members for members in classes.values() if len(members) >= BLOCK_MIN}


class Contraction(msgspec.Struct, frozen=True):
    """A graph with its blocks as single nodes, and what `expanded` needs to undo it."""

    ids: list[str]
    edges: list[Edge]
    entries: list[str]
    widths: dict[str, float]
    groups: dict[str, str] | None
    spans: dict[str, int]  # each block's rows
    shapes: dict[str, Grid]  # each block's matrix, as `packing.matrix` made it
    members: dict[str, list[str]]
    original: list[Edge]  # the edges of the members
    entries_before: list[str]


def contracted(
    ids: Sequence[str],
    edges: Sequence[Edge],
    entries: Sequence[str],
    widths: Mapping[str, float],
    groups: Mapping[str, str] | None,
    found: Mapping[str, list[str]],
    aspect: float,
    columns: Mapping[str, int] | None = None,
) -> Contraction:
    """The graph with each of `found` (`blocks`) laid out as one node: as wide as its matrix at
    `aspect` (grid units over rows), or of `columns` columns, and as many rows high, with one edge
    to each node its members call."""
    member_of = {m: block for block, members in found.items() for m in members}
    shapes = {
        block: matrix(members, widths, [], aspect, (columns or {}).get(block)) for block, members in found.items()
    }
    new_widths = dict(widths)
    spans = {}
    for block, shape in shapes.items():
        new_widths[block] = snap(shape.width - 2 * ENTRY_MARGIN)
        spans[block] = shape.rows
    kept = [e for e in edges if e.source not in member_of]
    targets = sorted({(member_of[e.source], e.target) for e in edges if e.source in member_of})
    new_groups = None
    if groups is not None:
        new_groups = dict(groups)
        for block, members in found.items():
            if members[0] in groups:
                new_groups[block] = groups[members[0]]
    return Contraction(
        ids=sorted([i for i in ids if i not in member_of] + list(found)),
        edges=kept + [Edge(block, target, None) for block, target in targets],
        entries=sorted({member_of.get(e, e) for e in entries}),
        widths=new_widths,
        groups=new_groups,
        spans=spans,
        shapes=shapes,
        members=dict(found),
        original=[e for e in edges if e.source in member_of],
        entries_before=list(entries),
    )


def narrowed(grid: Grid, contraction: Contraction, widths: Mapping[str, float]) -> dict[str, int]:
    """The blocks of `grid` (laid out from `contraction`) that share their column with other
    boxes and would widen them, each with the columns of a matrix no wider than the widest of
    those boxes (one at least): a block adapts to its column, the column not to the block."""
    # the boxes of a block's own part (parts packed beside it are widened apart from it)
    index = {ident: k for k, ident in enumerate(contraction.ids)}
    part_of = {}
    for members in parts(len(index), [(index[e.source], index[e.target]) for e in contraction.edges]):
        for k in members:
            part_of[contraction.ids[k]] = members[0]
    out = {}
    for block, shape in contraction.shapes.items():
        box = next(c for c in grid.cells if c.id == block)
        left, right = box.x - box.w / 2, box.x + box.w / 2
        beside = [
            widths.get(c.id, 0.0) for c in grid.cells
            if c.id != block and part_of[c.id] == part_of[block] and c.x - c.w / 2 < right and left < c.x + c.w / 2
        ]  # fmt: skip
        if not beside:
            continue
        member = shape.cells[0].w
        fits = max(1, int((max(beside) + MATRIX_GAP + 1e-9) // (member + MATRIX_GAP)))
        if fits < len({c.x for c in shape.cells}):
            out[block] = fits
    return out


def expanded(grid: Grid, contraction: Contraction) -> Grid:
    """`grid`, laid out from `contraction`, with each block's members in its matrix and each
    member's edge routed through the block's trunk to its target; the blocks as they were laid out
    are kept in `Grid.blocks`, so that a later layout finds them (`stable.Previous`)."""
    cells = {c.id: c for c in grid.cells}
    trunks = {(r.source, r.target): r for r in grid.routes if r.source in contraction.members}
    out_cells = [c for c in grid.cells if c.id not in contraction.members]
    out_routes = [r for r in grid.routes if r.source not in contraction.members]
    placed: dict[str, Cell] = {}
    for block, members in contraction.members.items():
        box, shape = cells[block], contraction.shapes[block]
        left = box.x - box.w / 2
        for c in shape.cells:
            placed[c.id] = Cell(
                c.id, box.col, box.row + c.row, 1, snap(left + c.x - ENTRY_MARGIN), snap(box.row + c.y), c.w, c.h
            )
        out_cells += [placed[m] for m in members]
    right_of = {block: cells[block].x + cells[block].w / 2 for block in contraction.members}
    member_of = {m: block for block, members in contraction.members.items() for m in members}
    targets_of: dict[str, list[str]] = {}
    for block, target in sorted(trunks):
        targets_of.setdefault(block, []).append(target)
    for e in contraction.original:
        block = member_of[e.source]
        trunk = trunks[(block, e.target)]
        cell, right = placed[e.source], right_of[block]
        collector = snap(right + COLLECTOR + COLLECTOR_STEP * targets_of[block].index(e.target))
        port = trunk.points[0][1]
        # out of the bottom of its box near the right end, then along the gap under its row: a line
        # out of its right side would point at the next member's entry marker
        x, bottom, under = snap(cell.x + cell.w / 2 - EXIT), snap(cell.y + cell.h / 2), snap(cell.row + 1.0)
        path = [(x, bottom), (x, under), (collector, under), (collector, port)]
        points = _joined(path, trunk.points)
        out_routes.append(Route(e.source, e.target, e.endpoint, trunk.kind, points))
    out_cells.sort(key=lambda c: c.id)
    out_routes.sort(key=route_key)
    kept = tuple(
        Block(
            tuple(members),
            cells[block],
            tuple(sorted((r for r in trunks.values() if r.source == block), key=route_key)),
        )
        for block, members in sorted(contraction.members.items())
    )
    return msgspec.structs.replace(
        grid,
        cells=tuple(out_cells),
        routes=tuple(out_routes),
        entries=tuple(sorted(set(contraction.entries_before))),
        blocks=kept,
    )


def _joined(path: list[tuple[float, float]], trunk: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """A member's path to the collector, then the trunk from there (its first point, on the
    block's border, left out), without repeated points."""
    out: list[tuple[float, float]] = []
    for point in [*path, *trunk[1:]]:
        if not out or out[-1] != point:
            out.append(point)
    return tuple(out)
