"""What both drawing styles share: element ids, themes, labels, tooltips and edge groups.

Every string from the inventory goes through `escape` (text) or `attr` (attribute values); ids in
the SVG are made from application ids by `element_ids`, which keeps them XML-safe and unique.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import msgspec

from analytics_maestro.domain import Node
from analytics_maestro.layout.grid import Grid, Route
from analytics_maestro.layout.rail import holder
from analytics_maestro.render.labels import width
from analytics_maestro.render.symbols import symbol_id

if TYPE_CHECKING:  # the records as validated; on the drawing path, their msgspec twins
    from analytics_maestro.model import Server

FONT = 11
CHAR_WIDTH = 0.6 * FONT  # an average sans-serif glyph, to decide where a label is cut


class Theme(msgspec.Struct, frozen=True):
    top: str
    left: str
    right: str
    ink: str


# Provider colour themes: tile top, the two visible sides, and the symbol's colour.
THEMES: dict[str, Theme] = {
    "aws": Theme("#ffe0b2", "#ffb74d", "#f57c00", "#8a4b00"),
    "azure": Theme("#bbdefb", "#64b5f6", "#1976d2", "#0d3c75"),
    "gcp": Theme("#c8e6c9", "#81c784", "#388e3c", "#1b5e20"),
    "openstack": Theme("#ffcdd2", "#e57373", "#c62828", "#7f1717"),
    "on-premise": Theme("#e1bee7", "#ba68c8", "#7b1fa2", "#4a148c"),
    "unknown": Theme("#eceff1", "#b0bec5", "#607d8b", "#37474f"),
}


# Themes for colouring by system or environment: the most common values take them in turn, the
# rest share `unknown`'s grey. The providers' colours first, then five more.
PALETTE: dict[str, Theme] = {
    **{f"c{i}": THEMES[name] for i, name in enumerate(("azure", "aws", "gcp", "openstack", "on-premise"))},
    "c5": Theme("#b2dfdb", "#4db6ac", "#00796b", "#004d40"),
    "c6": Theme("#fff9c4", "#fff176", "#fbc02d", "#6d5200"),
    "c7": Theme("#f8bbd0", "#f06292", "#c2185b", "#880e4f"),
    "c8": Theme("#d7ccc8", "#a1887f", "#5d4037", "#3e2723"),
    "c9": Theme("#c5cae9", "#7986cb", "#303f9f", "#1a237e"),
}
ALL_THEMES = {**THEMES, **PALETTE}


def theme_name(provider: str | None) -> str:
    """The theme of a provider; anything unlisted (or none) is `unknown`.

    >>> theme_name("AWS"), theme_name("on-premise"), theme_name(None), theme_name("ibm")
    ('aws', 'on-premise', 'unknown', 'unknown')
    """
    name = (provider or "").strip().lower()
    return name if name in THEMES else "unknown"


# A large diagram has a hundred thousand strings to escape, few of which need it: a quick test,
# then one pass of str.translate for those that do. XML has no way to write most C0 controls nor
# U+FFFE and U+FFFF, even as references: an inventory's stray control character would make the
# whole document unreadable, so each becomes U+FFFD, the replacement character.
_NOT_XML = {c: "\ufffd" for c in (*range(0x20), 0xFFFE, 0xFFFF) if c not in (0x9, 0xA, 0xD)}
_ATTR_SPECIAL = re.compile('[&<>"\x00-\x1f\ufffe\uffff]')
_TEXT = str.maketrans({**_NOT_XML, "&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR = str.maketrans(
    {**_NOT_XML, "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def attr(value: object) -> str:
    """An attribute value, double-quoted and escaped.

    >>> attr('a "b" & <c>\\tz\\x07')
    '"a &quot;b&quot; &amp; &lt;c&gt;&#9;z\ufffd"'
    """
    value = str(value)
    if _ATTR_SPECIAL.search(value):
        value = value.translate(_ATTR)
    return f'"{value}"'


def text(value: object) -> str:
    """Character data, escaped.

    >>> text("R&D <ops>"), text("a\\x00b")
    ('R&amp;D &lt;ops&gt;', 'a\ufffdb')
    """
    value = str(value)
    # printable text (no controls, no U+FFFE/U+FFFF) needs escaping only for &, < and >
    if "&" in value or "<" in value or ">" in value or not value.isprintable():
        return value.translate(_TEXT)
    return value


def _plain(value: str) -> bool:
    """Whether `text` would leave `value` as it is (one test for several strings at once)."""
    return not ("&" in value or "<" in value or ">" in value or not value.isprintable())


def fit(label: str, width_px: float) -> str:
    """`label` as it fits in `width_px`, cut with an ellipsis only when it does not.

    >>> fit("checkoutservice", 200), fit("checkoutservice", 60)
    ('checkoutservice', 'checkout…')
    """
    room = int(width_px / CHAR_WIDTH)
    return label if len(label) <= room else label[: max(1, room - 1)] + "…"


def line_text(line: str) -> str:
    """A label's line escaped, an ellipsis written as a character reference: so the SVG of an
    inventory in ASCII is ASCII throughout (one other character, and Python holds the whole
    document at two bytes per character and encodes it character by character).

    >>> line_text("R&D chec…")
    'R&amp;D chec&#8230;'
    """
    return text(line).replace("…", "&#8230;")


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_OBJECT_ID = re.compile(r"[0-9a-f]{24}")  # a MongoDB ObjectId, as Maestro's records are named


def element_ids(app_ids: Iterable[str]) -> dict[str, str]:
    """An XML-safe id per application, unique together with its `tool-` and `node-` companions.
    A MongoDB ObjectId stays as it is, though it may begin with a digit: Maestro's front finds an
    application's element by its record's id.

    >>> element_ids(["web", "we b", "we_b", "7x", "tool-web", "5f1e2d3c4b5a69788796a5b4"])
    {'web': 'web', 'we b': 'we_b', 'we_b': 'we_b-2', '7x': 'a7x', 'tool-web': 'tool-web-2', '5f1e2d3c4b5a69788796a5b4': '5f1e2d3c4b5a69788796a5b4'}
    """  # noqa: E501
    taken: set[str] = set()
    out = {}
    for app in app_ids:
        base = _UNSAFE.sub("_", app)[:80] or "app"
        if not (base[0].isalpha() or base[0] == "_" or _OBJECT_ID.fullmatch(app)):
            base = "a" + base
        candidate, k = base, 1
        while {candidate, f"tool-{candidate}", f"node-{candidate}"} & taken:
            k += 1
            candidate = f"{base}-{k}"
        taken.update({candidate, f"tool-{candidate}", f"node-{candidate}"})
        out[app] = candidate
    return out


# Each row of an application's tooltip: the class its value carries and the value. The classes are
# those Maestro's front reads as the rows' names (its spelling and case); viewers show the rows as
# "<name>: <value>", the first (`name`) as the title. Rows without a value are left out.
def container_titles(groups: Iterable[str], nodes: Mapping[str, Node], names: Mapping[str, str]) -> dict[str, str]:
    """Each container's tooltip: its group's name and, where some of its applications are drawn in
    the container of their first system, those (an application stands in its first system's box).

    >>> nodes = {"sso": Node("sso", 0, systems=("platform", "shop")), "web": Node("web", 0, systems=("shop",))}
    >>> container_titles(["shop", "platform"], nodes, {"platform": "Platform"})
    {'shop': 'shop · also: sso (drawn in Platform)', 'platform': 'Platform'}
    """
    elsewhere: dict[str, list[tuple[str, str]]] = {}
    for node in nodes.values():
        for group in node.systems[1:]:
            elsewhere.setdefault(group, []).append(
                (node.name or node.id, names.get(node.systems[0]) or node.systems[0])
            )
    titles = {}
    for group in groups:
        also = ", ".join(f"{app} (drawn in {home})" for app, home in sorted(elsewhere.get(group, ())))
        titles[group] = (names.get(group) or group) + (f" · also: {also}" if also else "")
    return titles


def node_data(node: Node, family: str | None = None) -> str:
    """The data attributes of a node's group: its id, family (`family`: already quoted) and, for a
    system's box in the landscape, the system (the viewer opens it on a click)."""
    box = f" data-system={attr(node.system_box)}" if node.system_box is not None else ""
    return f"data-app-id={attr(node.id)} data-family={family or attr(node.family)}{box}"


def tooltip_rows(node: Node, servers: Sequence[Server]) -> list[tuple[str, str]]:
    datacenters = sorted({_datacenter(s) for s in servers if s.datacenter} - {""})
    rows = [
        ("name", node.name or node.id),
        ("dc", ", ".join(datacenters)),
        ("env", node.environment or ""),
        ("family", node.family),
        ("provider", node.provider or ""),
        ("Language", node.language or ""),
        ("Cluster", node.cluster or ""),
        ("servers", str(len(servers))),
        ("team", node.team or ""),
        ("hosts", fit(", ".join(node.hosts), 300) if node.hosts else ""),
        ("summary", fit(node.summary, 300) if node.summary else ""),
    ]
    return [(key, value) for key, value in rows if value]


def _datacenter(server: Server) -> str:
    dc = server.datacenter
    return " ".join(filter(None, (dc.provider, dc.region, dc.zone, dc.name))) if dc else ""


def python_num(value: float) -> str:
    """A coordinate with one decimal, without a trailing `.0`: the SVG of a large diagram is mostly
    numbers.

    >>> python_num(12.0), python_num(-3.25), python_num(0.04)
    ('12', '-3.2', '0')
    """
    tenths = round(value * 10)
    if tenths % 10:
        return f"{tenths / 10:.1f}"
    return str(tenths // 10)


def tooltip(sid: str, node: Node, servers: Sequence[Server]) -> str:
    """The hidden `tool-<id>` group that viewers read for an application's tooltip: one `tspan` per
    row, its class naming the row and its text the plain value (Maestro's front reads the same)."""
    rows = tooltip_rows(node, servers)
    plain = _plain("".join(value for _, value in rows))
    cells = "".join(f'<tspan class="{key}">{value if plain else text(value)}</tspan>' for key, value in rows)
    return f'<g id="tool-{sid}" class="tooltip" visibility="hidden"><text>{cells}</text></g>'


# An edge, written once (the compiled edges fill the same template): the drawn `conector`, a wide
# transparent `conector_h conn-<source>` over it to catch the pointer, and the endpoint (protocol)
# shown on hover. `source`, `target` and `endpoint` come quoted (`attr`), `label` escaped (`text`).
EDGE = (
    '<g class="edge {kind}" data-source={source} data-target={target} data-endpoint={endpoint}>'
    '<path class="conector {kind}" d="{path}" marker-end="url(#{marker})"/>'
    '<path class="conector_h conn-{sid}" d="{path}"/>'
    '<text class="endpoint" x="{x}" y="{y}">{label}</text></g>'
)
EDGE_FIELDS = ("kind", "source", "target", "endpoint", "path", "marker", "sid", "x", "y", "label")
# The template as (text, field number or -1) pieces, for the compiled edges
_SPLIT = re.split(r"\{(\w+)\}", EDGE)  # text, field, text, field, ..., text
EDGE_PIECES = tuple(
    (literal, EDGE_FIELDS.index(field) if field else -1)
    for literal, field in zip(_SPLIT[::2], [*_SPLIT[1::2], None], strict=True)
)
# The arrow at the end of each kind of route
MARKER_OF = {"forward": "arrow", "back": "arrow-back", "self": "arrow-back"}


def edge_group(route: Route, sids: Mapping[str, str], path: str, label_at: tuple[float, float]) -> str:
    endpoint = route.endpoint or ""
    return EDGE.format(
        kind=route.kind, source=attr(route.source), target=attr(route.target), endpoint=attr(endpoint), path=path,
        marker=MARKER_OF[route.kind], sid=sids[route.source], x=num(label_at[0]), y=num(label_at[1]),
        label=text(endpoint),
    )  # fmt: skip


# A badge: an edge to or from a node on the rail (a `shared` route), drawn as that node's symbol on
# the border of the edge's other end; the same data attributes as an edge, so the viewer's hover
# and impact treat both alike.
BADGE = (
    '<g class="edge shared" data-source={source} data-target={target} data-endpoint={endpoint}>'
    "<title>{title}</title>"
    '<circle cx="{x}" cy="{y}" r="{r}"/><use href="#{symbol}" x="{sx}" y="{sy}" width="{size}" height="{size}"'
    ' color="{ink}"/></g>'
)


def badge_holder(route: Route, rail: Collection[str]) -> tuple[str, str]:
    """Which end of a `shared` route carries the badge, and which end the badge stands for: as
    `rail.holder` decided it.

    >>> badge_holder(Route("web", "db", "sql", "shared", ((0.0, 0.0),)), {"db"})
    ('web', 'db')
    """
    held = holder(route, rail)
    return held, route.target if held == route.source else route.source


def badge(route: Route, nodes: Mapping[str, Node], rail: Collection[str], x: float, y: float, r: float) -> str:
    """The badge of a `shared` route at (x, y), radius `r`; its title names the shared node and the
    protocol."""
    held, other = badge_holder(route, rail)
    node = nodes[other]
    arrow = "→" if held == route.source else "←"
    title = f"{arrow} {node.name or node.id}" + (f" ({route.endpoint})" if route.endpoint else "")
    size = r * 1.4
    return BADGE.format(
        source=attr(route.source), target=attr(route.target), endpoint=attr(route.endpoint or ""),
        title=text(title), x=num(x), y=num(y), r=num(r), symbol=symbol_id(node.family), sx=num(x - size / 2),
        sy=num(y - size / 2), size=num(size), ink=THEMES[theme_name(node.provider)].ink,
    )  # fmt: skip


PROVIDER_NAMES = {"unknown": "other or none"}


class Colouring:
    """What the colour of a tile tells (`by`): its provider (the default, Maestro's), its system or
    its environment. An application in several systems takes the colour of its first; a system's
    box in the landscape, its own. By system or environment, the values most common in the diagram
    take the PALETTE's themes in turn (ties by value), and the others, or none, `unknown`'s grey.
    `names`: the systems' names, for the legend.

    >>> nodes = [Node("a", 0, systems=("shop",)), Node("b", 0, systems=("shop", "erp")), Node("c", 0, systems=("erp",)),
    ...          Node("d", 0, systems=("shop",)), Node("e", 0)]
    >>> by = Colouring("system", nodes, {"shop": "Shop"})
    >>> [by.theme(n) for n in nodes]
    ['c0', 'c0', 'c1', 'c0', 'unknown']
    >>> by.legend({"c0", "c1", "unknown"})
    ('the system', [('Shop', 'c0'), ('erp', 'c1'), ('other or none', 'unknown')])
    >>> Colouring("provider", nodes).legend({"unknown"})
    ('the provider', [])
    """

    def __init__(self, by: str = "provider", nodes: Iterable[Node] = (), names: Mapping[str, str] | None = None):
        self.by = by
        self.names = names or {}
        self._values: dict[str, str] = {}
        if by != "provider":
            counted = Counter(value for value in map(self._value, nodes) if value)
            ranked = sorted(counted, key=lambda value: (-counted[value], value))
            self._values = dict(zip(ranked, PALETTE, strict=False))

    def _value(self, node: Node) -> str | None:
        if self.by == "system":
            return node.system_box or (node.systems[0] if node.systems else None)
        return node.environment

    def theme(self, node: Node) -> str:
        if self.by == "provider":
            return theme_name(node.provider)
        return self._values.get(self._value(node) or "", "unknown")

    def legend(self, used: Collection[str]) -> tuple[str, list[tuple[str, str]]]:
        """What the colours tell, and each colour `used` with what it stands for; none where
        every tile is grey."""
        if self.by == "provider":
            shown = [(PROVIDER_NAMES.get(t, t), t) for t in THEMES if t in used]
        else:
            named = self.names if self.by == "system" else {}
            shown = [(fit(named.get(v, v), 160), t) for v, t in self._values.items() if t in used]
            shown += [(PROVIDER_NAMES["unknown"], "unknown")] if "unknown" in used else []
        return f"the {self.by}", shown if [t for _, t in shown] != ["unknown"] else []


def _swatch(x: float, w: float, fill: str, stroke: str) -> str:
    return f'<rect x="{x:.1f}" y="{{m:.1f}}" width="{w:.0f}" height="12" rx="2" fill="{fill}" stroke="{stroke}"/>'


def _legend_text(x: float, words: str) -> str:
    return f'<text x="{x:.1f}" y="{{t:.1f}}">{words}</text>'


def legend(
    families: Sequence[str],
    grid: Grid,
    x: float,
    y: float,
    colours: tuple[str, Sequence[tuple[str, str]]] = ("", ()),
    servers: str = "",
) -> tuple[str, int, float]:
    """The legend at (x, y): each family's symbol, then what else the drawing shows when it shows
    it: the `colours` (what they tell, and each theme with what it stands for: `Colouring.legend`),
    entry markers, return routes, badges, and `servers` ("iso": the cubes of the servers an
    application runs on, "flat": their count). Returns its group, its number of rows and the width
    of its widest row of colours (0 without one)."""
    widest = 0.0
    rows = [
        f'<use href="#{symbol_id(f)}" x="{x:.1f}" y="{{y:.1f}}" width="16" height="16" color="#37474f"/>'
        f'<text x="{x + 22:.1f}" y="{{t:.1f}}">{text(f)}</text>'
        for f in families
    ]
    told, shown = colours
    if shown:
        row, at = [_swatch(x, 16, "#eceff1", "#607d8b"), _legend_text(x + 22, text(f"colour: {told}"))], x + 150
        for name, theme in shown:
            row += [_swatch(at, 12, ALL_THEMES[theme].left, ALL_THEMES[theme].right), _legend_text(at + 16, text(name))]
            at += 16 + width(name, 11) + 12
        rows.append("".join(row))
        widest = at - x
    if servers == "iso":
        rows.append(f'<path class="server-sample" d="M{x + 8:.1f},{{m:.1f}}l6,3.5v7l-6,3.5l-6,-3.5v-7z"/>'
                    f'<text x="{x + 22:.1f}" y="{{t:.1f}}">a cube: a server it runs on</text>')  # fmt: skip
    elif servers == "flat":
        rows.append(f'<text class="servers" x="{x:.1f}" y="{{t:.1f}}">2 srv</text>'
                    f'<text x="{x + 30:.1f}" y="{{t:.1f}}">the servers it runs on</text>')  # fmt: skip
    if grid.entries:
        rows.append(f'<path class="entry" d="M{x + 1:.1f},{{m:.1f}}l14,7l-14,7z"/><text x="{x + 22:.1f}" y="{{t:.1f}}">'
                    "an entry point: where the diagram starts</text>")  # fmt: skip
    if any(r.kind in ("back", "self") for r in grid.routes):
        rows.append(f'<path class="conector back" d="M{x:.1f},{{c:.1f}}h16"/><text x="{x + 22:.1f}" y="{{t:.1f}}">'
                    "a return route: a dependency that closes a cycle</text>")  # fmt: skip
    if grid.rail:
        rows.append(
            f'<circle class="badge-sample" cx="{x + 8:.1f}" cy="{{c:.1f}}" r="7"/>'
            f'<text x="{x + 22:.1f}" y="{{t:.1f}}">a badge: it uses a shared box on the rail</text>'
        )
    drawn = "".join(
        row.format(y=y + 20 * i, t=y + 20 * i + 12, m=y + 20 * i + 1, c=y + 20 * i + 8) for i, row in enumerate(rows)
    )
    return f'<g class="legend">{drawn}</g>', len(rows), widest


def python_path_data(points: Iterable[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{python_num(x)},{python_num(y)}" for x, y in points)


# The same, compiled (`_numbers.c`), where the package was built with a C compiler.
try:
    from analytics_maestro.render import _numbers
    from analytics_maestro.render._numbers import num, path_data
except ImportError:  # pragma: no cover - installed without a C compiler
    _numbers = None
    num, path_data = python_num, python_path_data


def midpoint(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The point halfway along a polyline. Lengths are summed one by one (Python 3.12's `sum`
    compensates, 3.11's does not) and taken as square roots, so every Python and the compiled
    edges agree to the last bit."""
    lengths = []
    total = 0.0
    for a, b in pairwise(points):
        dx, dy = b[0] - a[0], b[1] - a[1]
        lengths.append(math.sqrt(dx * dx + dy * dy))
        total += lengths[-1]
    half = total / 2
    for (a, b), length in zip(pairwise(points), lengths, strict=True):
        if half <= length and length > 0:
            t = half / length
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        half -= length
    return points[-1]


COS30, SIN30 = math.cos(math.pi / 6), 0.5


class Projection:
    """Where the plan's coordinates (x along columns, y along rows, z up) go on the page: the one
    definition of it, which both styles and the compiled edges use.

    Flat: x and y, each times its unit. Isometric: rows stretched by `stretch` (so that tiles are
    about square and labels have room), then turned 30° — (x - y) cos 30°, (x + y) sin 30° — and
    scaled, a height z raising the point by z times the scale. Both are affine maps, so routes that
    avoid boxes in the plan avoid them on the page. `at(x, y, z=0)` is a plain function with the
    numbers bound: the renderers call it several times per application.

    >>> Projection(True, 48.0, 48.0, 1.8).at(1.0, 0.0, 0.5), Projection(False, 150.0, 80.0).at(1.0, 2.0)
    ((41.569219381653056, 0.0), (150.0, 160.0))
    """

    __slots__ = ("at", "iso", "stretch", "unit_x", "unit_y")

    def __init__(self, iso: bool, unit_x: float, unit_y: float, stretch: float = 1.0):
        self.iso, self.unit_x, self.unit_y, self.stretch = iso, unit_x, unit_y, stretch
        self.at: Callable[..., tuple[float, float]] = (
            _isometric(stretch, unit_x, unit_y) if iso else _flat(unit_x, unit_y)
        )

    def numbers(self, z: float = 0.0) -> tuple[float, float, float, float, float]:
        """What the compiled edges need to place points at height z, as `at` does."""
        if self.iso:
            return (self.stretch, COS30, SIN30, self.unit_x, z * self.unit_y)
        return (self.unit_x, self.unit_y, 0.0, 0.0, 0.0)


def _isometric(stretch: float, unit_x: float, unit_y: float) -> Callable[..., tuple[float, float]]:
    def at(x: float, y: float, z: float = 0.0, s=stretch, c=COS30, n=SIN30, ux=unit_x, uy=unit_y):
        y *= s
        return ((x - y) * c * ux, (x + y) * n * uy - z * uy)

    return at


def _flat(unit_x: float, unit_y: float) -> Callable[..., tuple[float, float]]:
    def at(x: float, y: float, z: float = 0.0, ux=unit_x, uy=unit_y):
        return (x * ux, y * uy)

    return at


Bounds = tuple[float, float, float, float]


def python_edge_groups(
    routes: Sequence[Route], sids: Mapping[str, str], projection: Projection, z: float = 0.0
) -> tuple[str, Bounds | None]:
    """Every edge's group, one a line, at height `z`, and the extent of their points (min x, max x,
    min y, max y)."""
    groups, xs, ys = [], [], []
    for route in routes:
        points = [projection.at(x, y, z) for x, y in route.points]
        xs += [p[0] for p in points]
        ys += [p[1] for p in points]
        groups.append(edge_group(route, sids, python_path_data(points), midpoint(points)))
    return "\n".join(groups), ((min(xs), max(xs), min(ys), max(ys)) if xs else None)


def edge_groups(
    routes: Sequence[Route], sids: Mapping[str, str], projection: Projection, z: float = 0.0
) -> tuple[str, Bounds | None]:
    """`python_edge_groups`, compiled where it can be: the escaped ids and endpoints are made here,
    once each, and the template (`EDGE`) filled there."""
    if _numbers is None:
        return python_edge_groups(routes, sids, projection, z)
    endpoints = {route.endpoint or "" for route in routes}
    quoted = {value: attr(value) for value in (*sids, *endpoints)}
    escaped = {endpoint: text(endpoint) for endpoint in endpoints}
    return _numbers.edge_groups(routes, dict(sids), quoted, escaped, MARKER_OF, EDGE_PIECES, projection.iso,
                                projection.numbers(z))  # fmt: skip


STYLE = """
svg{font-family:sans-serif}
.conector{fill:none;stroke:#546e7a;stroke-width:1.2}
.conector.back,.conector.self{stroke:#c62828;stroke-dasharray:5 3}
.conector_h{fill:none;stroke:transparent;stroke-width:9}
.edge .endpoint{visibility:hidden;font-size:10px;fill:#263238;paint-order:stroke;stroke:#fff;stroke-width:3px}
.edge:hover .endpoint{visibility:visible}
.edge:hover .conector{stroke-width:2.5}
.app text.label{font-size:11px;fill:#263238}
.app .badge{font-size:9px;fill:#fff}
.entry{fill:#2e7d32}
.edge.shared circle,.badge-sample{fill:#fff;stroke:#546e7a;stroke-width:1}
.server-sample{fill:#cfd8dc;stroke:#78909c;stroke-width:1}
.edge.shared:hover circle{stroke-width:2.5}
.rail rect,.rail path{fill:#f4f6f7;stroke:#b0bec5;stroke-dasharray:4 3}
.rail text{font-size:11px;fill:#607d8b;font-style:italic}
.legend text{font-size:11px;fill:#263238}
"""

MARKERS = (
    '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
    ' orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#546e7a"/></marker>'
    '<marker id="arrow-back" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"'
    ' orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#c62828"/></marker>'
)
