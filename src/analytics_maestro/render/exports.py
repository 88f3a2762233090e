"""Exports: the diagram as SVG (iso or flat) and PNG, and the graph for other tools (DOT, GraphML,
Mermaid)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from analytics_maestro.domain import Node, Subgraph
from analytics_maestro.layout.grid import Cell, Grid
from analytics_maestro.render.common import Colouring, attr, text
from analytics_maestro.render.labels import caption_of

if TYPE_CHECKING:  # the records as validated; on the drawing path, their msgspec twins
    from analytics_maestro.model import Server


def svg(
    grid: Grid, nodes: Mapping[str, Node], servers: Mapping[str, Sequence[Server]], style: str,
    colour: str = "provider", names: Mapping[str, str] | None = None,
) -> str:  # fmt: skip
    """The diagram in `style`, its tiles coloured by `colour` (`Colouring`; `names`: the systems')."""
    colouring = Colouring(colour, nodes.values(), names)
    if style == "flat":
        from analytics_maestro.render.flat import render_flat

        return render_flat(grid, nodes, servers, colouring)
    from analytics_maestro.render.iso import render_iso

    return render_iso(grid, nodes, servers, colouring)


_HREF = re.compile(r' href="([^"]*)"')


def with_xlink(svg_text: str) -> str:
    """The SVG with `xlink:href` beside every `href`, for renderers older than SVG 2 (Maestro's
    front rasterises so).

    >>> with_xlink('<svg xmlns="http://www.w3.org/2000/svg"><use href="#a"/></svg>')
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use href="#a" xlink:href="#a"/></svg>'
    """  # noqa: E501
    head, _, rest = svg_text.partition(' xmlns="http://www.w3.org/2000/svg"')
    linked = f'{head} xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"{rest}'
    return _HREF.sub(r' href="\1" xlink:href="\1"', linked)


def outline(cell: Cell, style: str) -> tuple[tuple[float, float], ...]:
    """A box's outline on the page of a diagram in `style`, where its renderer draws it (a
    rectangle, flat; a tile's hexagon, isometric).

    >>> outline(Cell("a", 0, 0, 1, 1.25, 0.5, 1.0, 0.6), "flat")
    ((112.5, 16.0), (262.5, 16.0), (262.5, 64.0), (112.5, 64.0))
    """
    if style == "flat":
        from analytics_maestro.render.flat import FLAT

        (x0, y0), (x1, y1) = (
            FLAT.at(cell.x - cell.w / 2, cell.y - cell.h / 2),
            FLAT.at(cell.x + cell.w / 2, cell.y + cell.h / 2),
        )
        return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    from analytics_maestro.render.iso import outline as tile

    return tile(cell)


MAX_PNG_SIDE = 8192
_SIZE = re.compile(r'<svg[^>]*?\swidth="([0-9.]+)"[^>]*?\sheight="([0-9.]+)"')


def png(svg_text: str, max_side: int = MAX_PNG_SIDE) -> bytes:
    """The SVG rasterised by resvg (no browser), on white, scaled down so that its longer side is at
    most `max_side` pixels (a 10,000-application diagram is some 150,000 pixels wide: at full
    size it would need tens of gigabytes)."""
    import resvg_py

    size = _SIZE.search(svg_text[:2000])
    zoom = 1.0
    if size:
        zoom = min(1.0, max_side / max(float(size.group(1)), float(size.group(2)), 1.0))
    return bytes(resvg_py.svg_to_bytes(svg_string=svg_text, background="#ffffff", zoom=zoom))


def _dot_id(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a double-quoted string with \\ and \" escaped


def to_dot(graph: Subgraph) -> str:
    """Graphviz DOT, left to right, labels and endpoints kept."""
    lines = ["digraph maestro {", "  rankdir=LR;", "  node [shape=box];"]
    for node in graph.nodes:
        lines.append(f"  {_dot_id(node.id)} [label={_dot_id(caption_of(node))}, family={_dot_id(node.family)}];")
    for edge in graph.edges:
        label = f" [label={_dot_id(edge.endpoint)}]" if edge.endpoint else ""
        lines.append(f"  {_dot_id(edge.source)} -> {_dot_id(edge.target)}{label};")
    return "\n".join([*lines, "}"]) + "\n"


def to_graphml(graph: Subgraph) -> str:
    """GraphML with name, family, depth on nodes and endpoint on edges."""
    keys = [("name", "node"), ("family", "node"), ("depth", "node"), ("endpoint", "edge")]
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    for name, domain in keys:
        kind = "int" if name == "depth" else "string"
        out.append(f'  <key id="{name}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>')
    out.append('  <graph id="maestro" edgedefault="directed">')
    for node in graph.nodes:
        out.append(
            f'    <node id={attr(node.id)}><data key="name">{text(node.name or node.id)}</data>'
            f'<data key="family">{text(node.family)}</data><data key="depth">{node.depth}</data></node>'
        )
    for k, edge in enumerate(graph.edges):
        data = f'<data key="endpoint">{text(edge.endpoint)}</data>' if edge.endpoint else ""
        out.append(f'    <edge id="e{k}" source={attr(edge.source)} target={attr(edge.target)}>{data}</edge>')
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")  # controls and line breaks, which end a statement


def to_mermaid(graph: Subgraph) -> str:
    """A Mermaid flowchart; ids become n0, n1, ... and names are quoted labels."""
    ids = {node.id: f"n{k}" for k, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node in graph.nodes:
        label = _CONTROL.sub(" ", caption_of(node)).replace('"', "#quot;")
        lines.append(f'  {ids[node.id]}["{label}"]')
    for edge in graph.edges:
        endpoint = _MERMAID_UNSAFE.sub(" ", edge.endpoint or "").strip()
        arrow = f"-->|{endpoint}|" if endpoint else "-->"
        lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Subgraph], str]] = {"dot": to_dot, "graphml": to_graphml, "mermaid": to_mermaid}
