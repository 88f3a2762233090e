"""network: the layered grid layout of a looked-up subgraph. Pure: no I/O, no randomness.

    layout(subgraph) -> Grid

Stages: break cycles (acyclic), assign columns (layering; on small graphs, refined to cross less),
add a lane item for every column a long edge passes through, order each column (ordering), give
each slot its rows (coordinates), and route the edges (routing). Nodes are indexed in id order and
edges sorted before anything else, so the output depends only on the graph, never on input order
or hash seeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import pairwise

import msgspec

from analytics_maestro.domain import Edge, Subgraph
from analytics_maestro.layout.acyclic import back_edges
from analytics_maestro.layout.bundles import blocks, contracted, expanded, narrowed
from analytics_maestro.layout.containers import banded_rows, containers, sifted_groups
from analytics_maestro.layout.coordinates import assign_rows
from analytics_maestro.layout.grid import (
    NODE_WIDTH,
    ROW_MARGIN,
    Cell,
    Container,
    Grid,
    Route,
    column_x,
    route_key,
    shifted,
    shifted_blocks,
    shifted_containers,
    snap,
)  # fmt: skip
from analytics_maestro.layout.layering import assign_columns
from analytics_maestro.layout.ordering import order_layers, quick_order, segment_crossings, transposed
from analytics_maestro.layout.packing import extent, footprint, matrix, pack, parts, reading_order
from analytics_maestro.layout.quality import measure
from analytics_maestro.layout.rail import place_rail, shared_nodes
from analytics_maestro.layout.refine import refine_columns
from analytics_maestro.layout.routing import Box, Chain, loop_routes, route_chains
from analytics_maestro.layout.stable import Previous, kept_rows, place
from analytics_maestro.layout.widths import column_widths, widen
from analytics_maestro.render.labels import ROW, UNIT, caption_width, node_units

# A node grows by a row for every this many edges on its busier side (the original grew a node
# to its number of children), up to MAX_SPAN rows.
PORTS_PER_ROW = 4
MAX_SPAN = 6
# Graphs of at most SEARCH_ITEMS items (nodes and lanes) search for columns that cross less,
# within a budget of ordering operations. Graphs of at most SMALL_GRAPH items and DRAWN_SEGMENTS
# segments between neighbouring items (measuring a drawing costs about their square) choose among
# CANDIDATES orders by drawing them.
SEARCH_ITEMS = 1_000
REFINE_BUDGET = 1_000_000
SMALL_GRAPH = 400
DRAWN_SEGMENTS = 500
CANDIDATES = 8
ASPECT = 16 / 10
# The matrix of lone nodes is also tried with fewer columns, down to half (in this many steps), so
# that it fills what the other parts leave.
RESHAPES = 8
# Lines counted while sifting the groups' order (containers.sifted_groups), at most, for the whole
# graph: about a fifth of a second of Python.
GROUP_SIFT_WORK = 400_000
# The transposition that improves an order started from an earlier layout's (`stable.py`).
SEEDED_BUDGET = 1_000_000


def _items(
    col: Sequence[int], directed: Sequence[tuple[int, int]]
) -> tuple[list[int], list[list[int]], list[list[int]], list[Chain]]:
    """The layout items of a layering: nodes 0..n-1, then lanes, one per column a long edge passes
    through. Their columns, their neighbours one column left (up) and right (down), and the chain
    of items of each edge."""
    layer_of = list(col)
    up: list[list[int]] = [[] for _ in col]
    down: list[list[int]] = [[] for _ in col]
    chains: list[Chain] = []
    for u, v in directed:
        lanes = []
        previous = u
        for column in range(col[u] + 1, col[v]):
            lane = len(layer_of)
            layer_of.append(column)
            up.append([previous])
            down.append([])
            down[previous].append(lane)
            lanes.append(lane)
            previous = lane
        down[previous].append(v)
        up[v].append(previous)
        chains.append(Chain(u, v, tuple(lanes)))
    return layer_of, up, down, chains


def _edge_key(edge: Edge) -> tuple[str, str, str]:
    return (edge.source, edge.target, edge.endpoint or "")


def layout(
    subgraph: Subgraph,
    groups: Mapping[str, str] | None = None,
    shared: Collection[str] | None = None,
    aspect: float = ASPECT,
    previous: Grid | None = None,
) -> Grid:
    """Place every node of `subgraph` on the grid and route every edge (none is dropped). Each
    column is as wide as the widest label in it needs (`labels.node_units`, `widths.widen`).

    With `groups` (node id to group name), the nodes of a group stand together in every column:
    after crossing minimisation each column is sorted by group, groups in the order of their mean
    position, the order within a group kept. A lane goes with the group of the node it leads to.
    Each group then takes a band of rows of its own (`containers.py`), and the grid's `containers`
    are the boxes around each group's nodes; none where fewer than two groups (nodes of none
    counting as one) are drawn.

    `shared` names the nodes drawn on the rail (`rail.py`); by default (None) the rail's rule
    chooses them, and an empty collection puts none there. An entry that nothing calls never goes
    on the rail.

    Parts that share no edge are laid out one by one and packed (`packing.py`) to `aspect`, the
    width over the height of the flat drawing. Eight or more uncalled nodes that call the same
    nodes are laid out as one block whose lines leave as one trunk (`bundles.py`).

    With `previous`, an earlier layout of the same diagram, what did not change stays where it was
    (`stable.py`): an unchanged part as it was drawn, a changed one started from its earlier order
    and placed where it stood. `layout(g, previous=layout(g))` is `layout(g)`.
    """
    ids = sorted({node.id for node in subgraph.nodes})
    index = {ident: i for i, ident in enumerate(ids)}
    entries = [index[e] for e in sorted(set(subgraph.entries)) if e in index]
    edges = sorted(
        (e for e in set(subgraph.edges) if e.source in index and e.target in index),
        key=_edge_key,
    )
    widths = {node.id: node_units(node) for node in subgraph.nodes}
    by_id = {node.id: node for node in subgraph.nodes}

    def captions(ident: str) -> float:  # (asked of lone nodes only, in their matrix)
        # (a system's card in the landscape holds its own caption on its tile)
        node = by_id[ident]
        return caption_width(node) if node.system_box is None else 0.0

    # where reading starts stays off the rail: the entries that nothing else calls
    called = {e.target for e in edges if e.source != e.target}
    starts = {ids[e] for e in entries} - called
    chosen = shared_nodes(subgraph.nodes, edges, starts) if shared is None else set(shared) & set(index)
    rail = set(chosen) - starts
    # the rest is laid out as if the rail's nodes were not there, each part on its own
    main_ids = [i for i in ids if i not in rail]
    main_edges = [e for e in edges if e.source not in rail and e.target not in rail]
    # containers only where they tell groups apart: two groups, or one and nodes of none
    if groups is not None and len({groups.get(i, "") for i in main_ids}) < 2:
        groups = None
    stable = Previous(previous) if previous is not None else None
    main_entries = [ids[e] for e in entries if ids[e] not in rail]
    names = {node.id: node.name or node.id for node in subgraph.nodes}
    found = {block: reading_order(members, names) for block, members in blocks(main_ids, main_edges, groups).items()}
    if found:
        # many callers of the same applications laid out as one block (`bundles.py`)
        # (then once more, with the blocks that would widen their column narrowed to it)
        columns: dict[str, int] | None = None
        while True:
            small = contracted(main_ids, main_edges, main_entries, widths, groups, found, aspect * ROW / UNIT, columns)
            main = _packed(
                small.ids,
                small.entries,
                small.edges,
                small.groups,
                small.widths,
                aspect,
                stable,
                small.spans,
                names,
                captions,
            )
            if columns is not None or not (columns := narrowed(main, small, widths)):
                break
        main = expanded(main, small)
    else:
        main = _packed(main_ids, main_entries, main_edges, groups, widths, aspect, stable, None, names, captions)
    if not rail:
        return main
    rail_edges = [e for e in edges if (e.source in rail or e.target in rail) and e.source != e.target]
    loops = [e for e in edges if e.source == e.target and e.source in rail]
    depth = {node.id: node.depth for node in subgraph.nodes}
    placed = sorted(rail, key=lambda i: (depth.get(i, 0), i))
    # a container's caption stands above its first row: a row between it and the rail
    gap = 1 if main.containers else 0
    cells, routes, rows = place_rail(main.cells, main.routes, main.rows, placed, widths, rail_edges, loops, gap)
    cells.sort(key=lambda c: c.id)
    routes.sort(key=route_key)
    boxes = shifted_containers(main.containers, 0.0, rows - main.rows)
    kept = shifted_blocks(main.blocks, 0.0, rows - main.rows)
    return Grid(tuple(cells), tuple(routes), main.columns, rows, main.entries, tuple(sorted(rail)), boxes, kept)


def _packed(
    ids: list[str],
    entries: list[str],
    edges: list[Edge],
    groups: Mapping[str, str] | None,
    widths: Mapping[str, float],
    aspect: float,
    stable: Previous | None = None,
    spans: Mapping[str, int] | None = None,
    names: Mapping[str, str] | None = None,
    captions: Callable[[str], float] | None = None,
) -> Grid:
    """Each part of the graph (`packing.parts`) laid out alone, widened, and the parts packed to
    `aspect` (of the flat page: width over height); with `stable`, an earlier layout, what did not
    change kept where it was (`stable.py`). `spans` gives the rows of nodes that take a set
    number (blocks, `bundles.py`); `names` the names lone nodes are ordered by in their matrix, and
    `captions` the pixels across one's isometric caption, which their matrix leaves room for."""
    index = {ident: i for i, ident in enumerate(ids)}
    split = parts(len(ids), [(index[e.source], index[e.target]) for e in edges])
    if len(split) <= 1 and (stable is None or not split):
        grid = _widened(_laid_out([_Layout(ids, index, [index[e] for e in entries], edges, groups, spans=spans)])[0],
                        widths)  # fmt: skip
        return msgspec.structs.replace(grid, containers=containers(grid.cells, groups)) if groups else grid
    part_of = [0] * len(ids)
    for k, members in enumerate(split):
        for i in members:
            part_of[i] = k
    edges_of: list[list[Edge]] = [[] for _ in split]
    for e in edges:
        edges_of[part_of[index[e.source]]].append(e)
    entries_of: list[list[str]] = [[] for _ in split]
    for e in entries:
        entries_of[part_of[index[e]]].append(e)
    # two or more nodes without a line to another stand together in one matrix
    together = sum(len(members) == 1 for members in split) >= 2
    layouts, lone, loops = [], [], []
    # per part, in order: its grid and where it stood, when an earlier layout is kept; else None
    kept: list[tuple[Grid, tuple[float, int]] | None] = []
    for members, part_edges, part_entries in zip(split, edges_of, entries_of, strict=True):
        part_ids = [ids[i] for i in members]
        if len(part_ids) == 1 and together:
            lone += part_ids
            loops += part_edges
            continue
        kept.append(stable.reused(part_ids, part_edges, part_entries, widths) if stable else None)
        if kept[-1] is None:
            part_index = {ident: i for i, ident in enumerate(part_ids)}
            seed = stable.seed(part_ids) if stable else None
            layouts.append(
                _Layout(part_ids, part_index, [part_index[e] for e in part_entries], part_edges, groups, seed, spans)
            )
    laid_out = iter(_widened(grid, widths) for grid in _laid_out(layouts))
    grids = [next(laid_out) if found is None else found[0] for found in kept]
    # with groups, one matrix per group, each in its container
    by_group: dict[str, list[str]] = {}
    for ident in lone:
        by_group.setdefault(groups.get(ident, "") if groups else "", []).append(ident)
    page = aspect * ROW / UNIT  # the aspect in grid units over rows
    by_group = {group: reading_order(members, names or {}) for group, members in by_group.items()}
    for _, members in sorted(by_group.items()):
        held = [e for e in loops if e.source in set(members)]
        kept.append(stable.reused(members, held, set(members) & set(entries), widths) if stable else None)
        grids.append(matrix(members, widths, held, page, None, captions) if kept[-1] is None else kept[-1][0])
    if groups:
        grids = [msgspec.structs.replace(g, containers=containers(g.cells, groups)) for g in grids]
    sizes = [footprint(g) for g in grids]
    if stable is None:
        corners = pack(sizes, page)
        if len(by_group) == 1 and len(grids) > 1:
            # the one matrix reshaped to fill what the other parts leave: the smallest whole wins
            members = next(iter(by_group.values()))
            held = [e for e in loops if e.source in set(members)]
            best = (extent(sizes, corners, page), grids[-1], corners)
            columns = len({c.x for c in grids[-1].cells})
            fewer = {max(1, round(columns * t / RESHAPES)) for t in range(RESHAPES // 2, RESHAPES)} - {columns}
            for k in sorted(fewer):
                reshaped = matrix(members, widths, held, page, k, captions)
                if groups:
                    reshaped = msgspec.structs.replace(reshaped, containers=containers(reshaped.cells, groups))
                tried = [*sizes[:-1], footprint(reshaped)]
                at = pack(tried, page)
                if (size := extent(tried, at, page)) < best[0]:
                    best = (size, reshaped, at)
            grids[-1], corners = best[1], best[2]
            sizes[-1] = footprint(grids[-1])
    else:
        anchors = [stable.anchor(g) if found is None else found[1] for g, found in zip(grids, kept, strict=True)]
        corners = place(sizes, anchors, [found is not None for found in kept], page)
    cells: list[Cell] = []
    routes: list[Route] = []
    boxes: list[Container] = []
    for grid, (dx, dy) in zip(grids, corners, strict=True):
        moved, moved_routes = shifted(grid.cells, grid.routes, dx, dy)
        cells += moved
        routes += moved_routes
        boxes += shifted_containers(grid.containers, dx, dy)
    cells.sort(key=lambda c: c.id)
    routes.sort(key=route_key)
    boxes.sort(key=lambda b: (b.group, b.y, b.x))
    return Grid(
        cells=tuple(cells),
        routes=tuple(routes),
        columns=max(g.columns for g in grids),
        rows=max(dy + g.rows for g, (_, dy) in zip(grids, corners, strict=True)),
        entries=tuple(e for e in sorted(set(entries)) if e in index),
        containers=tuple(boxes),
    )


def _laid_out(layouts: Sequence[_Layout]) -> list[Grid]:
    """The grids of the parts of one graph: the searches that small graphs afford are decided by
    the size of the whole graph, and each part is ordered as a part of it, so that a thousand
    small parts cost about what one graph of their size costs."""
    search = sum(part.size for part in layouts) <= SEARCH_ITEMS
    for part in layouts:
        part.settle(search)
    items = sum(len(part.layer_of) for part in layouts)
    choose = items <= SMALL_GRAPH and sum(part.segments for part in layouts) <= DRAWN_SEGMENTS
    shared = [GROUP_SIFT_WORK]
    for part in layouts:
        part.sift_work = shared
    return [part.grid(choose, items if len(layouts) > 1 else None) for part in layouts]


def _widened(grid: Grid, widths: Mapping[str, float]) -> Grid:
    cells, routes = widen(grid.cells, grid.routes, column_widths(grid.cells, widths, grid.columns))
    return msgspec.structs.replace(grid, cells=cells, routes=routes)


class _Layout:
    def __init__(
        self,
        ids: list[str],
        index: dict[str, int],
        entries: list[int],
        edges: list[Edge],
        groups: Mapping[str, str] | None = None,
        seed: Mapping[str, int] | None = None,
        spans: Mapping[str, int] | None = None,
    ):
        """`seed`: the earlier rows of those of `ids` an earlier layout drew: the columns' order
        starts from theirs and the rows keep theirs where they can (`stable.py`). `spans`: the rows
        of nodes that take a set number."""
        self.ids, self.entries, self.edges, self.groups, self.seed = ids, entries, edges, groups, seed
        self.fixed_spans = spans or {}
        # the lines the groups' sifting may count, shared by the parts of one graph (`_laid_out`)
        self.sift_work = [GROUP_SIFT_WORK]
        n = len(ids)
        self.loops = [e for e in edges if e.source == e.target]
        self.links = [e for e in edges if e.source != e.target]
        pairs = [(index[e.source], index[e.target]) for e in self.links]
        back = back_edges(n, pairs, entries)
        self.reversed = back
        directed = [(v, u) if b else (u, v) for (u, v), b in zip(pairs, back, strict=True)]
        # Entries start column 0, unless another entry's diagram depends on them: then they sit
        # where that dependency puts them, still marked as entries.
        has_caller = [False] * n
        for _, v in directed:
            has_caller[v] = True
        self.pinned = [e for e in entries if not has_caller[e]]
        self.directed = directed
        self.col = assign_columns(n, directed, self.pinned)
        # the quick orders of the layerings the column search tried, by layering
        self.quick: dict[tuple[int, ...], list[list[int]]] = {}
        # nodes and lanes
        self.size = n + sum(self.col[v] - self.col[u] - 1 for u, v in directed)

    def settle(self, search: bool) -> None:
        """The final columns (searched for fewer crossings when `search`) and their items."""
        if search:
            self.col = refine_columns(self.col, self.directed, self.pinned, self._crossings, REFINE_BUDGET)
        self.layer_of, self.up, self.down, self.chains = _items(self.col, self.directed)
        self.lane_head = {lane: chain.head for chain in self.chains for lane in chain.lanes}
        self.is_lane = [i >= len(self.ids) for i in range(len(self.layer_of))]
        self.segments = sum(len(chain.lanes) + 1 for chain in self.chains)

    def _crossings(self, col: list[int], work: list[int]) -> tuple[int, list[int]]:
        """The crossings of a quick ordering of a layering, and per node those of its edges."""
        layer_of, up, down, chains = _items(col, self.directed)
        layers, count = quick_order(layer_of, up, down, work)
        self.quick[tuple(col)] = layers
        crossed = segment_crossings(layers, down)
        involved = [0] * len(col)
        for chain in chains:
            items = (chain.tail, *chain.lanes, chain.head)
            k = sum(crossed[pair] for pair in pairwise(items))
            involved[chain.tail] += k
            involved[chain.head] += k
        return count, involved

    def _spans(self) -> list[int]:
        n = len(self.ids)
        right, left = [0] * n, [0] * n
        for chain in self.chains:
            right[chain.tail] += 1
            left[chain.head] += 1
        grown = [min(MAX_SPAN, max(1, math.ceil(max(right[i], left[i]) / PORTS_PER_ROW))) for i in range(n)]
        return [self.fixed_spans.get(self.ids[i]) or grown[i] for i in range(n)]

    def grid(self, choose: bool, whole: int | None = None) -> Grid:
        """The grid of the best order. The orders' crossing counts are those of straight lines
        between item positions; when `choose` (on small graphs) several good orders are drawn and
        the one whose drawing crosses least (by `quality.measure`, ports and lanes included) wins.
        `whole` is the size (items) of the graph this one is a part of, if any (`order_layers`)."""
        if self.seed:
            orders = [self._seeded()]
        else:
            known = [self.quick[key]] if (key := tuple(self.col)) in self.quick else []
            orders = order_layers(
                self.layer_of, self.up, self.down, self.entries, keep=CANDIDATES if choose else 1, known=known,
                whole=whole,
            )  # fmt: skip
        grids = [self._grid(*self._grouped(layers)) if self.groups else self._grid(layers) for layers in orders]
        if len(grids) == 1:
            return grids[0]
        return min(grids, key=lambda g: measure(*g.measurable()).crossings)

    def _seeded(self) -> list[list[int]]:
        """Each column in the earlier top-to-bottom order: a node at its earlier height, a new one
        at the mean height of its neighbours that have one (else below), a lane between its
        edge's ends; then transposition."""
        height: list[float | None] = [self.seed.get(ident) for ident in self.ids]  # type: ignore[misc]
        height += [None] * (len(self.layer_of) - len(self.ids))
        near: dict[int, list[float]] = {}
        for chain in self.chains:
            for a, b in ((chain.tail, chain.head), (chain.head, chain.tail)):
                if height[a] is None and height[b] is not None:
                    near.setdefault(a, []).append(height[b])
        for node, heights in near.items():
            height[node] = sum(heights) / len(heights)
        for chain in self.chains:
            top, bottom = height[chain.tail], height[chain.head]
            for j, lane in enumerate(chain.lanes):
                if top is not None and bottom is not None:
                    height[lane] = top + (bottom - top) * (j + 1) / (len(chain.lanes) + 1)
                else:
                    height[lane] = top if bottom is None else bottom
        layers: list[list[int]] = [[] for _ in range(max(self.layer_of, default=-1) + 1)]
        for item, column in enumerate(self.layer_of):
            layers[column].append(item)
        for layer in layers:
            layer.sort(key=lambda item: (height[item] is None, height[item] or 0.0, item))
        transposed(layers, self.up, self.down, [SEEDED_BUDGET])
        return layers

    def _group(self, item: int) -> str:
        """The group of a node, or of the node a lane leads to; "" for none."""
        return self.groups.get(self.ids[self.lane_head.get(item, item)], "") if self.groups else ""

    def _grouped(self, layers: list[list[int]]) -> tuple[list[list[int]], list[str]]:
        """Each column sorted by group, the groups in the order of their mean position (the order
        within a group kept) and then sifted (`containers.sifted_groups`), and the groups in that
        order."""
        spread: dict[str, list[float]] = {}
        for layer in layers:
            for i, item in enumerate(layer):
                spread.setdefault(self._group(item), []).append(i / max(1, len(layer) - 1))
        ranked = sorted(spread, key=lambda g: (sum(spread[g]) / len(spread[g]), g))
        rank = {g: k for k, g in enumerate(ranked)}
        grouped = [
            [item for _, _, item in sorted((rank[self._group(x)], i, x) for i, x in enumerate(layer))]
            for layer in layers
        ]
        return sifted_groups(grouped, self.down, self._group, ranked, self.sift_work)

    def _grid(self, layers: list[list[int]], ranked: Sequence[str] = ()) -> Grid:
        """The grid of an order; with `ranked` (the groups, in order), each group in a band of rows
        of its own (`containers.banded_rows`)."""
        n = len(self.ids)
        spans = self._spans() + [1] * (len(self.layer_of) - n)
        earlier = [self.seed.get(i) for i in self.ids] + [None] * (len(self.layer_of) - n) if self.seed else None
        if ranked:
            columns = banded_rows(layers, self.up, self.down, self.is_lane, spans, self._group, ranked, earlier)
        else:
            columns = assign_rows(layers, self.up, self.down, self.is_lane, spans)
            if earlier is not None:
                kept_rows(columns, earlier)
        position = [0] * len(self.layer_of)
        for layer in layers:
            for i, item in enumerate(layer):
                position[item] = i
        cells: list[Cell | None] = [None] * n
        lane_y = [0.0] * len(self.layer_of)
        lane_x = [0.0] * len(self.layer_of)
        for k, slots in enumerate(columns):
            x = column_x(k)
            for slot in slots:
                if self.is_lane[slot.items[0]]:
                    for j, lane in enumerate(slot.items):
                        lane_y[lane] = slot.top + (j + 1) / (len(slot.items) + 1)
                        lane_x[lane] = x
                else:
                    node = slot.items[0]
                    row = int(slot.top)
                    cells[node] = Cell(
                        self.ids[node], k, row, slot.height,
                        snap(x), snap(row + slot.height / 2), NODE_WIDTH, snap(slot.height - 2 * ROW_MARGIN),
                    )  # fmt: skip
        boxes = [Box(c.x, c.y, c.w, c.h) for c in cells]
        polylines = route_chains(self.chains, boxes, lane_y, lane_x, position)
        routes = list(self._routes(polylines))
        routes += self._loops(boxes)
        routes.sort(key=route_key)
        rows = max((c.row + c.span for c in cells), default=0)
        rows = max([rows, *(math.ceil(y) for y in lane_y)])
        return Grid(
            cells=tuple(cells),
            routes=tuple(routes),
            columns=max(self.col, default=-1) + 1,
            rows=rows,
            entries=tuple(self.ids[e] for e in self.entries),
        )

    def _routes(self, polylines: list[list[tuple[float, float]]]) -> Iterable[Route]:
        for edge, back, points in zip(self.links, self.reversed, polylines, strict=True):
            if back:
                yield Route(edge.source, edge.target, edge.endpoint, "back", tuple(points[::-1]))
            else:
                yield Route(edge.source, edge.target, edge.endpoint, "forward", tuple(points))

    def _loops(self, boxes: list[Box]) -> list[Route]:
        index = {ident: i for i, ident in enumerate(self.ids)}
        return loop_routes(self.loops, lambda ident: boxes[index[ident]])
