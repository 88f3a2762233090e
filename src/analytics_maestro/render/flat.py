"""draw (flat): the grid as plain boxes with labels and arrowed routes, for documents and print.

Everything that comes from the inventory is escaped; ids in the SVG are derived from positions, so
they are unique and XML-safe whatever the application ids are.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

from analytics_maestro.layout.grid import Grid
from analytics_maestro.model import Node

UNIT = 80  # pixels per grid unit
FONT = 11
CHAR_WIDTH = 0.6 * FONT  # an average sans-serif glyph, to decide where a label is cut

FAMILY_COLOURS = {
    "CDN": "#7e57c2", "ApiGateway": "#5c6bc0", "Loadbalance": "#42a5f5", "Application": "#26a69a",
    "Database": "#ef6c00", "Cache": "#d84315", "Broker": "#8d6e63", "ObjectStorage": "#fbc02d",
    "Serverless": "#66bb6a", "NAS": "#78909c",
}  # fmt: skip
DEFAULT_COLOUR = "#90a4ae"
STYLE = """
.node rect{stroke:#37474f;stroke-width:1;fill:#fff}
.node .band{stroke:none}
.node text{font:11px sans-serif;fill:#263238}
.route{fill:none;stroke:#546e7a;stroke-width:1.2}
.route.back,.route.self{stroke:#c62828;stroke-dasharray:5 3}
.route:hover{stroke-width:3}
.entry{fill:#2e7d32}
"""


def fit(text: str, width_px: float) -> str:
    """`text` as it fits in `width_px`, cut with an ellipsis only when it does not.

    >>> fit("checkoutservice", 200), fit("checkoutservice", 60)
    ('checkoutservice', 'checkou…')
    """
    room = int(width_px / CHAR_WIDTH)
    return text if len(text) <= room else text[: max(1, room - 1)] + "…"


def _px(value: float) -> str:
    return f"{value * UNIT:.1f}".rstrip("0").rstrip(".")


def render_flat(grid: Grid, nodes: Mapping[str, Node]) -> str:
    """The SVG document of `grid`; `nodes` gives each application's name and family."""
    width, height = grid.width * UNIT, (grid.height + 0.5) * UNIT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="graph" class="flat" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 -{UNIT * 0.25:.0f} {width:.0f} {height:.0f}">',
        f"<style>{STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#546e7a"/></marker>'
        '<marker id="arrow-back" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#c62828"/></marker></defs>',
        '<g class="routes">',
    ]
    for k, route in enumerate(grid.routes):
        marker = "arrow-back" if route.kind in ("back", "self") else "arrow"
        points = " ".join(f"{_px(x)},{_px(y)}" for x, y in route.points)
        title = f"{route.source} → {route.target}" + (f" ({route.endpoint})" if route.endpoint else "")
        out.append(
            f'<polyline id="route-{k}" class="route {route.kind}" points="{points}" marker-end="url(#{marker})">'
            f"<title>{escape(title)}</title></polyline>"
        )
    out.append('</g><g class="nodes">')
    entries = set(grid.entries)
    for k, cell in enumerate(grid.cells):
        node = nodes[cell.id]
        x0, y0 = (cell.x - cell.w / 2) * UNIT, (cell.y - cell.h / 2) * UNIT
        w, h = cell.w * UNIT, cell.h * UNIT
        colour = FAMILY_COLOURS.get(node.family, DEFAULT_COLOUR)
        label = node.name or node.id
        out.append(
            f'<g id="node-{k}" class="node" data-app-id={quoteattr(cell.id)}>'
            f"<title>{escape(label)} ({escape(node.family)})</title>"
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4"/>'
            f'<rect class="band" x="{x0:.1f}" y="{y0:.1f}" width="6" height="{h:.1f}" fill="{colour}"/>'
            f'<text x="{x0 + 10:.1f}" y="{y0 + h / 2 + 4:.1f}">{escape(fit(label, w - 14))}</text></g>'
        )
        if cell.id in entries:
            out.append(f'<path class="entry" d="M{x0 - 22:.1f},{y0 + h / 2 - 7:.1f}l14,7l-14,7z"/>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"
