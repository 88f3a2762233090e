"""draw (iso): the Maestro look. Each application a 3-D tile on an isometric grid, columns running
diagonally down to the right, with its family's symbol, its servers, and its label.

The grid's flat coordinates go on the page by the isometric `Projection` (common.py): rows
stretched by `ROW_STRETCH` so that tiles are about square and labels have room, then turned 30°
and scaled, an affine map, so routes that avoid boxes in the plan avoid tiles here.
Tile tops and edges float at the tile height, so an arrow into a tile's far side stays visible.
Edges are drawn first, then tiles from back to front so that nearer tiles hide what is behind
them, then the labels over everything, with a halo, each where it covers no tile and no other
label (`captions.py`) where there is such a place (a system's card in the landscape: on its own
tile, its name and count in place of a symbol); entry markers point into their tile's side.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING

from analytics_maestro.domain import SIZES, Node, family_rank
from analytics_maestro.layout.grid import Cell, Container, Grid
from analytics_maestro.render.captions import ASCENT, DESCENT, LINE, Caption, Point, place
from analytics_maestro.render.common import (
    ALL_THEMES,
    MARKERS,
    STYLE,
    THEMES,
    Colouring,
    Projection,
    attr,
    badge,
    badge_holder,
    container_titles,
    edge_groups,
    element_ids,
    fit,
    legend,
    line_text,
    node_data,
    num,
    path_data,
    text,
    tooltip,
)
from analytics_maestro.render.labels import ISO_STRETCH, ISO_UNIT, caption_of, caption_settings
from analytics_maestro.render.symbols import symbol_defs, symbol_id

if TYPE_CHECKING:  # the records as validated; on the drawing path, their msgspec twins
    from analytics_maestro.model import Server

SCALE, ROW_STRETCH = ISO_UNIT, ISO_STRETCH  # pixels per grid unit; rows stretched
ISO = Projection(True, SCALE, SCALE, ROW_STRETCH)
TILE = 0.18  # tile thickness, in grid units
MAX_SERVERS = 9
BADGE_RADIUS = 7
LEGEND_WIDTH = 370  # pixels the legend's longest line takes, from its left
BADGES_DOWN = 3  # badges down a tile's right edge before they go along its far edge
SERVED = ("Application", "Cache")


CONTAINER_CAPTION = 300  # pixels a container's caption may take
ISO_CONTAINER_STYLE = (
    ".container path{fill:#eef2f5;stroke:#90a4ae;stroke-width:1}"
    ".labels text.group{font-size:12px;font-weight:bold;fill:#37474f}"
)

project = ISO.at


def _faces(x0: float, y0: float, x1: float, y1: float, z0: float, z1: float, origin: tuple[float, float]) -> str:
    """The top and two visible sides of a block, relative to the screen point `origin`."""
    ox, oy = origin

    def at(x: float, y: float, z: float) -> tuple[float, float]:
        px, py = project(x, y, z)
        return px - ox, py - oy

    a, b, c, d = at(x0, y0, z1), at(x1, y0, z1), at(x1, y1, z1), at(x0, y1, z1)
    b0, c0, d0 = at(x1, y0, z0), at(x1, y1, z0), at(x0, y1, z0)
    return (
        f'<path class="right" d="{path_data((b, c, c0, b0))}Z"/><path class="left" d="{path_data((d, c, c0, d0))}Z"/>'
        f'<path class="top" d="{path_data((a, b, c, d))}Z"/>'
    )


class _Shapes:
    """Tiles (per theme and span) and server cubes (per side) are defined once and placed with `use`:
    a 10,000-application diagram repeats them thousands of times."""

    def __init__(self) -> None:
        self.defs: dict[str, str] = {}
        # the start of each kind's `use`, up to its coordinates
        self._tiles: dict[tuple[str, int], str] = {}
        self._servers: dict[float, str] = {}

    def tile(self, theme: str, cell: Cell) -> str:
        start = self._tiles.get((theme, cell.span))
        if start is None:
            key = f"tile-{theme}-{cell.span}"
            if key not in self.defs:
                w, h = cell.w / 2, cell.h / 2
                faces = _faces(-w, -h, w, h, 0.0, TILE, project(0.0, 0.0))
                self.defs[key] = f'<g id="{key}" class="tile theme-{theme}">{faces}</g>'
            start = self._tiles[theme, cell.span] = f'<use href="#{key}" x="'
        x, y = project(cell.x, cell.y)
        return f'{start}{num(x)}" y="{num(y)}"/>'

    def server(self, x: float, y: float, side: float) -> str:
        """A cube at (x, y)."""
        start = self._servers.get(side)
        if start is None:
            key = f"server-{round(side * 1000)}"
            if key not in self.defs:
                faces = _faces(0.0, 0.0, side, side / ROW_STRETCH, TILE, TILE + side, project(0.0, 0.0))
                self.defs[key] = f'<g id="{key}" class="server">{faces}</g>'
            start = self._servers[side] = f'<use href="#{key}" x="'
        x, y = project(x, y)
        return f'{start}{num(x)}" y="{num(y)}"/>'


def server_side(server: Server) -> float:
    """A server cube's side, in grid units, growing with cpu and memory.

    >>> from analytics_maestro.model import Server
    >>> server_side(Server(id="s", cpu=1, memory=1)), server_side(Server(id="s", cpu=64, memory=512))
    (0.09, 0.17)
    """
    return _side(server.cpu, server.memory)


@functools.cache
def _side(cpu: float | None, memory: float | None) -> float:
    # a large diagram has tens of thousands of servers, of a few dozen sizes
    weight = math.log2(max(1.0, cpu or 1)) / 6 + math.log2(max(1.0, memory or 1)) / 9
    return round(0.09 + 0.04 * min(2.0, weight), 3)


def _servers(cell: Cell, servers: Sequence[Server], shapes: _Shapes) -> str:
    """Up to nine server cubes in a row along the tile's far edge, then a "+N" badge."""
    out = []
    x = cell.x - cell.w / 2 + 0.05
    y = cell.y - cell.h / 2 + 0.04
    for server in servers[:MAX_SERVERS]:
        side = server_side(server)
        out.append(shapes.server(x, y, side))
        x += side + 0.02
    if len(servers) > MAX_SERVERS:
        bx, by = project(x + 0.08, y + 0.05, TILE)
        more = len(servers) - MAX_SERVERS
        out.append(
            f'<g class="more"><circle cx="{num(bx)}" cy="{num(by)}" r="8"/>'
            f'<text class="badge" x="{num(bx)}" y="{num(by + 3)}" text-anchor="middle">+{more}</text></g>'
        )
    return "".join(out)


def symbol_size(size: str) -> float:
    """Pixels of a family symbol: from 16 for nano to 38 for 64xlarge."""
    return 16.0 + 2.0 * (SIZES.index(size) if size in SIZES else SIZES.index("medium"))


class _Looks:
    """What applications share, worked out once per provider, family and size rather than once per
    application: a large diagram has thousands of applications and a few dozen of each."""

    def __init__(self, colouring: Colouring) -> None:
        self.colouring = colouring
        self.families: dict[str, tuple[str, str]] = {}
        self.sizes: dict[str, tuple[float, str]] = {}

    def theme(self, node: Node) -> tuple[str, str]:
        """The theme's name and its symbol colour."""
        name = self.colouring.theme(node)
        return name, ALL_THEMES[name].ink

    def family(self, family: str) -> tuple[str, str]:
        """The quoted `data-family` value and the symbol's reference."""
        if family not in self.families:
            self.families[family] = (attr(family), f"#{symbol_id(family)}")
        return self.families[family]

    def size(self, size: str) -> tuple[float, str]:
        """The symbol's size in pixels, and as written."""
        if size not in self.sizes:
            pixels = symbol_size(size)
            self.sizes[size] = (pixels, f"{pixels:.0f}")
        return self.sizes[size]


def outline(cell: Cell) -> tuple[tuple[float, float], ...]:
    """A tile's outline on the page: its far, right corners at its top, its right, front and left
    corners at its foot, and its left corner at its top (a convex hexagon)."""
    x0, x1, y0, y1 = cell.x - cell.w / 2, cell.x + cell.w / 2, cell.y - cell.h / 2, cell.y + cell.h / 2
    return (
        project(x0, y0, TILE), project(x1, y0, TILE), project(x1, y0), project(x1, y1), project(x0, y1),
        project(x0, y1, TILE),
    )  # fmt: skip


def _ground(box: Container) -> tuple[Point, Point, Point, Point]:
    """A container's corners on the ground: far, right, front, left."""
    x0, x1, y0, y1 = box.x - box.w / 2, box.x + box.w / 2, box.y - box.h / 2, box.y + box.h / 2
    return project(x0, y0), project(x1, y0), project(x1, y1), project(x0, y1)


def _captions(
    cells: Sequence[Cell], nodes: Mapping[str, Node], containers: Sequence[Container] = (),
    names: Mapping[str, str] | None = None,
) -> dict[Hashable, Caption]:  # fmt: skip
    """Each tile's caption, then each container's (keyed by the container), placed clear of tiles
    and other captions where they can be (`captions`): a container's inside its far corner, else
    over it, else beside its left or right corner, beside the middle of a far side, or under its
    front corner."""
    texts: dict[Hashable, list[tuple[str, ...]]] = {}
    inside = {}
    for c in cells:
        node = nodes[c.id]
        texts[c.id] = caption_settings(node)
        if node.system_box is not None:  # a system's card: its first setting centred on its tile
            x, y = project(c.x, c.y, TILE)
            extra = LINE * (len(texts[c.id][0]) - 1)
            inside[c.id] = [(x, y - (extra + DESCENT - ASCENT) / 2, "middle")]
    spots = {}
    for box in containers:
        far, right, front, left = _ground(box)
        texts[box] = [(fit((names or {}).get(box.group) or box.group, CONTAINER_CAPTION),)]
        # (then beside the middle of its far sides, and under its front corner)
        spots[box] = [
            (far[0], far[1] + 22, "middle"), (far[0], far[1] - 6, "middle"),
            (left[0] - 6, left[1] + 4, "end"), (right[0] + 6, right[1] + 4, "start"),
            ((far[0] + left[0]) / 2 - 6, (far[1] + left[1]) / 2, "end"),
            ((far[0] + right[0]) / 2 + 6, (far[1] + right[1]) / 2, "start"), (front[0], front[1] + 16, "middle"),
        ]  # fmt: skip
    return place({c.id: outline(c) for c in cells}, texts, spots, inside)


def caption_collisions(grid: Grid, nodes: Mapping[str, Node]) -> int:
    """How many captions of the iso drawing of `grid` (of tiles and containers) touch a tile or
    another caption (0 is the aim): the quality measure of the projected picture."""
    return sum(not caption.clear for caption in _captions(_drawing_order(grid), nodes, grid.containers).values())


def _containers(
    grid: Grid, nodes: Mapping[str, Node], captions: Mapping[Hashable, Caption], names: Mapping[str, str]
) -> str:
    """Each container's ground under its tiles (its caption is drawn with the others, over everything)."""
    out = ['<g class="containers">']
    titles = container_titles({box.group for box in grid.containers}, nodes, names)
    for box in grid.containers:
        out.append(
            f'<g class="container" data-group={attr(box.group)}>'
            f"<title>{text(titles[box.group])}</title>"
            f'<path d="{path_data(_ground(box))}Z"/></g>'
        )
    out.append("</g>")
    return "".join(out)


def _container_caption(caption: Caption, box: Container) -> str:
    anchor = f' text-anchor="{caption.anchor}"' if caption.anchor != "start" else ""
    return (
        f'<text class="group" x="{num(caption.x)}" y="{num(caption.y)}"{anchor} data-group={attr(box.group)}>'
        f"{line_text(caption.lines[0])}</text>"
    )


def _drawing_order(grid: Grid) -> list[Cell]:
    """Tiles from back to front, so that nearer tiles hide what is behind them."""
    return sorted(grid.cells, key=lambda c: (c.x + c.y * ROW_STRETCH, c.x, c.id))


def _caption(caption: Caption, ident: str) -> str:
    """A caption, which names the application it is of (`data-for`: the viewer dims it with it)."""
    x = num(caption.x)
    first, *rest = caption.lines
    anchor = f' text-anchor="{caption.anchor}"' if caption.anchor != "start" else ""
    return f'<text x="{x}" y="{num(caption.y)}"{anchor} data-for={attr(ident)}>{line_text(first)}' + (
        f'<tspan x="{x}" dy="{LINE:.0f}">{line_text(rest[0])}</tspan></text>' if rest else "</text>"
    )


def _application(
    cell: Cell, node: Node, servers: Sequence[Server], sid: str, is_entry: bool, shapes: _Shapes, looks: _Looks
) -> str:
    """The application's group: tile, servers, symbol, entry marker."""
    x, y, w, h = cell.x, cell.y, cell.w, cell.h
    theme, ink = looks.theme(node)
    family, href = looks.family(node.family)
    size, size_text = looks.size(node.size)
    tile = shapes.tile(theme, cell)
    # the symbol stands towards the front of the tile, clear of the server cubes along its back
    cx, cy = project(x + 0.1, y + h / 6, TILE)
    label = caption_of(node)
    # (a system's card carries its name and count on the tile instead)
    symbol = "" if node.system_box is not None else (
        f'<use id="{sid}" class="boundaries" href="{href}" x="{num(cx - size / 2)}" y="{num(cy - size * 0.8)}"'
        f' width="{size_text}" height="{size_text}" color="{ink}"/>'
    )  # fmt: skip
    group = (
        f'<g id="node-{sid}" class="app theme-{theme}" {node_data(node, family)}>'
        f"<title>{text(label)}</title>{tile}{_servers(cell, servers, shapes) if node.family in SERVED else ''}"
        f"{symbol}"
    )
    if is_entry:
        # an arrow whose tip touches the middle of the tile's entry side, pointing along the column
        tx, ty = project(x - w / 2 - 0.03, y, TILE)
        group += f'<path class="entry" d="M{num(tx)},{num(ty)}l-15.1,-2.5l6,-10.4z"/></g>'
    else:
        group += "</g>"
    return group


def _badges(grid: Grid, nodes: Mapping[str, Node]) -> list[str]:
    """The badges of `shared` routes: down the tile's right edge, then along its far edge."""
    cells = {c.id: c for c in grid.cells}
    rail = set(grid.rail)
    count: dict[str, int] = {}
    out = []
    for route in grid.routes:
        if route.kind != "shared":
            continue
        held, _ = badge_holder(route, rail)
        j = count[held] = count.get(held, -1) + 1
        c = cells[held]
        if j < BADGES_DOWN:
            x, y = c.x + c.w / 2 - 0.1, c.y - c.h / 2 + 0.12 + j * 0.19
        else:
            x, y = c.x + c.w / 2 - 0.32 - (j - BADGES_DOWN) * 0.3, c.y - c.h / 2 + 0.1
        out.append(badge(route, nodes, rail, *project(x, y, TILE), BADGE_RADIUS))
    return out


def _rail(grid: Grid) -> str:
    """The band under the rail's tiles."""
    on_rail = [c for c in grid.cells if c.id in set(grid.rail)]
    x0, x1 = min(c.x - c.w / 2 for c in on_rail) - 0.15, max(c.x + c.w / 2 for c in on_rail) + 0.15
    y0, y1 = min(c.y - c.h / 2 for c in on_rail) - 0.15, max(c.y + c.h / 2 for c in on_rail) + 0.15
    corners = [project(x0, y0), project(x1, y0), project(x1, y1), project(x0, y1)]
    return f'<g class="rail"><path d="{path_data(corners)}Z"/></g>'


def theme_style(used: Collection[str] = ()) -> str:
    """The themes' colours: the providers', and those of the PALETTE `used`."""
    return "".join(
        f".theme-{name} .top{{fill:{t.top}}}.theme-{name} .left{{fill:{t.left}}}.theme-{name} .right{{fill:{t.right}}}"
        for name, t in ALL_THEMES.items()
        if name in THEMES or name in used
    ) + (
        ".tile path{stroke:#263238;stroke-width:.6;stroke-linejoin:round}"
        ".server path{fill:#eceff1;stroke:#455a64;stroke-width:.5}.more circle{fill:#455a64}"
        ".labels text{font-size:11px;fill:#263238;paint-order:stroke;stroke:#fff;stroke-width:3px;"
        "stroke-linejoin:round}"
    )


def render_iso(
    grid: Grid, nodes: Mapping[str, Node], servers: Mapping[str, Sequence[Server]], colouring: Colouring | None = None
) -> str:
    """The iso SVG of `grid`; `nodes` give names, families and providers, `servers` the enrichment,
    `colouring` what the tiles' colours tell (their provider, by default)."""
    colouring = colouring or Colouring()
    sids = element_ids(sorted(nodes))
    families = sorted({nodes[c.id].family for c in grid.cells}, key=family_rank)
    lines = [r for r in grid.routes if r.kind != "shared"]
    body = [_rail(grid)] if grid.rail else []
    order = _drawing_order(grid)
    captions = _captions(order, nodes, grid.containers, colouring.names)
    if grid.containers:
        body.append(_containers(grid, nodes, captions, colouring.names))
    body.append('<g class="edges">')
    xs: list[float] = []
    ys: list[float] = []
    edges, bounds = edge_groups(lines, sids, ISO, TILE)
    if lines:
        body.append(edges)
    if bounds:
        xs += bounds[:2]
        ys += bounds[2:]
    body.append('</g><g class="apps">')
    entries = set(grid.entries)
    tooltips = []
    shapes, looks = _Shapes(), _Looks(colouring)
    for cell in order:
        node, sid = nodes[cell.id], sids[cell.id]
        mine = servers.get(cell.id, ())
        body.append(_application(cell, node, mine, sid, cell.id in entries, shapes, looks))
        # the page's extent: the entry marker's side and the tile's front corner, at the tiles' height
        x, y, w, h = cell.x, cell.y, cell.w, cell.h
        ax, ay = project(x - w / 2 - 0.6, y, TILE)
        bx, by = project(x + w / 2, y + h / 2, TILE)
        xs += (ax, bx)
        ys += (ay, by)
        tooltips.append(tooltip(sid, node, mine))
    for box in grid.containers:
        for x, y in _ground(box):
            xs.append(x)
            ys.append(y)
    for caption in captions.values():
        xs += (caption.box[0], caption.box[2])
        ys += (caption.box[1], caption.box[3])
    body.append('</g><g class="badges">')
    body.extend(_badges(grid, nodes))
    body.append('</g><g class="labels">')
    body.extend(_caption(captions[cell.id], cell.id) for cell in order)
    body.extend(_container_caption(captions[box], box) for box in grid.containers)
    body.append('</g><g class="tooltips">')
    body.extend(tooltips)
    body.append("</g>")

    used = {colouring.theme(nodes[c.id]) for c in grid.cells}
    colours = colouring.legend(used)
    served = "iso" if any(servers.get(c.id) and nodes[c.id].family in SERVED for c in grid.cells) else ""
    _, count, widest = legend(families, grid, 0.0, 0.0, colours, served)
    legend_height = 20 * count + 20
    min_x = min(xs, default=0.0) - 10
    max_x = max([*xs, min_x + LEGEND_WIDTH, min_x + 16 + widest]) + 10
    min_y = min(ys, default=0.0) - 50 - legend_height
    max_y = max(ys, default=0.0) + 10
    width, height = max_x - min_x, max_y - min_y
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="graph" class="iso" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="{min_x:.1f} {min_y:.1f} {width:.1f} {height:.1f}">',
        f"<style>{STYLE}{theme_style(used)}{ISO_CONTAINER_STYLE if grid.containers else ''}</style>",
        f"<defs>{MARKERS}{symbol_defs(families)}{''.join(shapes.defs[k] for k in sorted(shapes.defs))}</defs>",
        legend(families, grid, min_x + 16, min_y + 16, colours, served)[0],
    ]
    return "\n".join([*head, *body, "</svg>"]) + "\n"
