"""draw (flat): the grid as plain boxes with the family's symbol and the label, for documents and
print. Same hooks, tooltips and edges as the iso style."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from analytics_maestro.domain import Node, family_rank
from analytics_maestro.layout.grid import Grid
from analytics_maestro.render.common import (
    ALL_THEMES,
    MARKERS,
    STYLE,
    Colouring,
    Projection,
    attr,
    badge,
    container_titles,
    edge_groups,
    element_ids,
    fit,
    legend,
    line_text,
    node_data,
    text,
    tooltip,
)
from analytics_maestro.render.labels import BOX_PADDING, ROW, UNIT, caption_of, card, lines
from analytics_maestro.render.symbols import symbol_defs, symbol_id

if TYPE_CHECKING:  # the records as validated; on the drawing path, their msgspec twins
    from analytics_maestro.model import Server

# Pixels per grid unit, wider than high so that boxes have room for their labels (the scaling is
# affine: routes stay clear of boxes).
UNIT_X, UNIT_Y = UNIT, ROW
FLAT = Projection(False, UNIT_X, UNIT_Y)
ICON = 20
LEGEND_WIDTH = 360  # pixels the legend's longest line takes
BADGE_RADIUS = 8
RAIL_PAD = 0.1  # grid units between the rail's band and its boxes
FLAT_STYLE = ".app rect.box{fill:#fff;stroke:#455a64}.app text.servers{font-size:9px;fill:#607d8b}"
# Only in drawings that have system cards (the landscape) or containers, so that the others' bytes
# stay as they were.
CARD_STYLE = ".app text.system{fill:#263238}.app text.count{font-size:10px;fill:#607d8b}"
CONTAINER_STYLE = (
    ".container rect{fill:#f5f8fa;stroke:#90a4ae;stroke-width:1}"
    ".container text{font-size:12px;font-weight:bold;fill:#37474f}"
)


def _label(label: str, x: float, middle: float, room: float) -> str:
    """The label in its one or two lines (`labels.lines`), centred on `middle`."""
    first, *rest = lines(label, room)
    if not rest:
        return f'<text class="label" x="{x:.1f}" y="{middle + 4:.1f}">{line_text(first)}</text>'
    return (
        f'<text class="label" x="{x:.1f}" y="{middle - 3:.1f}">{line_text(first)}'
        f'<tspan x="{x:.1f}" dy="13">{line_text(rest[0])}</tspan></text>'
    )


def _card(node: Node, x: float, middle: float) -> str:
    """A system's card (`labels.card`): its name in large type, one line or two, and its count."""
    drawn = card(node)
    size = drawn.size
    first, *rest = drawn.lines
    top = middle + 2 if not rest else middle - 8  # the first baseline
    name = f'<text class="system" x="{x:.1f}" y="{top:.1f}" font-size="{size}">{line_text(first)}'
    if rest:
        name += f'<tspan x="{x:.1f}" dy="{size + 1}">{line_text(rest[0])}</tspan>'
    below = middle + 18.5 if not rest else middle + 21
    return name + f'</text><text class="count" x="{x:.1f}" y="{below:.1f}">{text(drawn.count)}</text>'


def _rail(grid: Grid) -> str:
    """The band behind the rail's boxes, captioned."""
    on_rail = [c for c in grid.cells if c.id in set(grid.rail)]
    x0, y0 = FLAT.at(min(c.x - c.w / 2 for c in on_rail) - RAIL_PAD, min(c.y - c.h / 2 for c in on_rail) - 2 * RAIL_PAD)
    x1, y1 = FLAT.at(max(c.x + c.w / 2 for c in on_rail) + RAIL_PAD, max(c.y + c.h / 2 for c in on_rail) + RAIL_PAD)
    return (
        f'<g class="rail"><rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" rx="6"/>'
        f'<text x="{x0 + 6:.1f}" y="{y0 + 12:.1f}">shared</text></g>'
    )


def _containers(grid: Grid, nodes: Mapping[str, Node], names: Mapping[str, str]) -> str:
    """A box around each group's boxes, captioned with the group's name (`names`: of systems)."""
    out = ['<g class="containers">']
    titles = container_titles({box.group for box in grid.containers}, nodes, names)
    for box in grid.containers:
        x0, y0 = FLAT.at(box.x - box.w / 2, box.y - box.h / 2)
        w, h = box.w * UNIT_X, box.h * UNIT_Y
        name = names.get(box.group) or box.group
        out.append(
            f'<g class="container" data-group={attr(box.group)}>'
            f"<title>{text(titles[box.group])}</title>"
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6"/>'
            f'<text x="{x0 + 8:.1f}" y="{y0 + 14:.1f}">{text(fit(name, w - 16))}</text></g>'
        )
    out.append("</g>")
    return "".join(out)


def render_flat(
    grid: Grid, nodes: Mapping[str, Node], servers: Mapping[str, Sequence[Server]], colouring: Colouring | None = None
) -> str:
    """The flat SVG of `grid`; `nodes` give names, families and providers, `servers` the enrichment,
    `colouring` what the boxes' colours tell (their provider, by default)."""
    colouring = colouring or Colouring()
    sids = element_ids(sorted(nodes))
    families = sorted({nodes[c.id].family for c in grid.cells}, key=family_rank)
    colours = colouring.legend({colouring.theme(nodes[c.id]) for c in grid.cells})
    served = "flat" if any(servers.get(c.id) for c in grid.cells) else ""
    cards = any(nodes[c.id].system_box is not None for c in grid.cells)
    _, count, widest = legend(families, grid, 0.0, 0.0, colours, served)
    height_of_legend = 20 * count + 10
    # a container's caption may stand above the first row
    above = -min([0.0, *(box.y - box.h / 2 for box in grid.containers)])
    top = -UNIT_Y * (0.25 + above) - height_of_legend
    width = max(grid.width * UNIT_X, LEGEND_WIDTH, widest + 20)
    height = (grid.height + 0.5 + above) * UNIT_Y + height_of_legend
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="graph" class="flat" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 {top:.0f} {width:.0f} {height:.0f}">',
        f"<style>{STYLE}{FLAT_STYLE}{CARD_STYLE if cards else ''}{CONTAINER_STYLE if grid.containers else ''}</style>",
        f"<defs>{MARKERS}{symbol_defs(families)}</defs>",
        legend(families, grid, 10.0, top + 6, colours, served)[0],
    ]
    lines = [r for r in grid.routes if r.kind != "shared"]
    if grid.rail:
        out.append(_rail(grid))
    if grid.containers:
        out.append(_containers(grid, nodes, colouring.names))
    out.append('<g class="edges">')
    edges, _ = edge_groups(lines, sids, FLAT)
    if lines:
        out.append(edges)
    out.append('</g><g class="apps">')
    entries = set(grid.entries)
    # an entry that others call has their arrows at its left side: its marker stands above it
    called = {r.target for r in lines if r.kind == "forward"}
    tooltips = []
    for cell in grid.cells:
        node, sid = nodes[cell.id], sids[cell.id]
        mine = servers.get(cell.id, ())
        x0, y0 = FLAT.at(cell.x - cell.w / 2, cell.y - cell.h / 2)
        w, h = cell.w * UNIT_X, cell.h * UNIT_Y
        theme = ALL_THEMES[colouring.theme(node)]
        label = caption_of(node)
        marker = ""  # inside the application's group, as in the isometric style: dimmed and found with it
        if cell.id in entries and cell.id in called:
            marker = f'<path class="entry" d="M{x0 + 4:.1f},{y0 - 14:.1f}l14,0l-7,12z"/>'
        elif cell.id in entries:
            marker = f'<path class="entry" d="M{x0 - 24:.1f},{y0 + h / 2 - 7:.1f}l14,7l-14,7z"/>'
        out.append(
            f'<g id="node-{sid}" class="app" {node_data(node)}>'
            f"<title>{text(label)}</title>"
            f'<rect class="box" x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4"/>'
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="5" height="{h:.1f}" fill="{theme.right}"/>'
            f'<use id="{sid}" class="boundaries" href="#{symbol_id(node.family)}" x="{x0 + 9:.1f}"'
            f' y="{y0 + h / 2 - ICON / 2:.1f}" width="{ICON}" height="{ICON}" color="{theme.ink}"/>'
            + (
                _card(node, x0 + 33, y0 + h / 2)
                if node.system_box is not None
                else _label(label, x0 + 33, y0 + h / 2, w - BOX_PADDING)
            )
            + (
                f'<text class="servers" x="{x0 + w - 4:.1f}" y="{y0 + h - 4:.1f}" text-anchor="end">'
                f"{len(mine)} srv</text>"
                if mine
                else ""
            )
            + marker
            + "</g>"
        )
        tooltips.append(tooltip(sid, node, mine))
    out.append('</g><g class="badges">')
    rail = set(grid.rail)
    out.extend(badge(r, nodes, rail, *FLAT.at(*r.points[0]), BADGE_RADIUS) for r in grid.routes if r.kind == "shared")
    out.append('</g><g class="tooltips">')
    out.extend(tooltips)
    out.append("</g></svg>")
    return "\n".join(out) + "\n"
