"""The renderers: Maestro's hooks, symbols for all 26 families, servers, themes, labels, safety,
validity, PNG, statistics and exports."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics_maestro.analytics.info import info
from analytics_maestro.domain import FAMILIES, SIZES, Edge, GraphRequest, Node, Subgraph
from analytics_maestro.inventory.entry import lookup
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.inventory.validate import validate
from analytics_maestro.layout import layout
from analytics_maestro.render import exports, labels
from analytics_maestro.render.common import element_ids
from analytics_maestro.render.iso import symbol_size
from analytics_maestro.render.symbols import SHAPES, symbol_id
from tests.conftest import GOLDEN, check_golden, examples, require_dot

NS = "{http://www.w3.org/2000/svg}"
STYLES = ("iso", "flat")


def diagram(doc: dict, **request):
    inventory = validate(doc).inventory
    catalogue = MemoryInventory(inventory, "t")
    request = GraphRequest(owner="t", **(request or {"all_systems": True}))
    _, graph = lookup(catalogue, request, 40)
    nodes = {n.id: n for n in graph.nodes}
    return graph, layout(graph), nodes, catalogue.servers(request, sorted(nodes))


def servers(app: str, count: int, start: int = 0, **fields) -> list[dict]:
    return [
        {"id": f"{app}-s{i}", "hostname": f"{app}-{i}", "applications": [app], **fields}
        for i in range(start, start + count)
    ]


SHOP = {
    "clients": [{"id": "acme"}, {"id": "other"}],
    "systems": [{"id": "shop", "clients": ["acme"], "entries": ["cdn"]}, {"id": "lonely", "clients": ["other"]}],
    "applications": [
        {"id": "cdn", "name": "shop-cdn", "family": "CDN", "provider": "aws", "systems": ["shop"],
         "deps": [{"id": "web", "endpoint": "https"}]},
        {"id": "web", "name": "web", "family": "Application", "provider": "gcp", "language": "go", "cluster": "k8s",
         "environment": "production", "systems": ["shop"],
         "deps": [{"id": "db", "endpoint": "sql"}, {"id": "cache", "endpoint": "redis"},
                  {"id": "web", "endpoint": "loop"}]},
        {"id": "db", "name": "db", "family": "Database", "size": "4xlarge", "provider": "azure", "systems": ["shop"]},
        {"id": "cache", "name": "cache", "family": "Cache", "size": "nano", "systems": ["shop"],
         "deps": [{"id": "web", "endpoint": "tcp"}]},
    ],
    "servers": servers("web", 12, cpu=4, memory=16, datacenter={"provider": "gcp", "region": "us-east1"})
    + servers("db", 2) + servers("cache", 1)
    + [{"id": "shared", "hostname": "shared", "applications": ["web", "db"]}],
}  # fmt: skip


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize("style", STYLES)
def test_maestro_hooks(style):
    _, grid, nodes, srv = diagram(SHOP)
    root = parse(exports.svg(grid, nodes, srv, style))
    assert root.tag == f"{NS}svg" and root.get("id") == "graph"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    apps = {g.get("data-app-id"): g for g in root.iter(f"{NS}g") if "app" in g.get("class", "").split()}
    assert set(apps) == {"cdn", "web", "db", "cache"}
    for app, group in apps.items():
        (use,) = [u for u in group.iter(f"{NS}use") if u.get("id") == app]
        assert use.get("href") == "#" + symbol_id(nodes[app].family)
    web_tip = root.find(f".//{NS}g[@id='tool-web']")
    # Maestro's front reads these rows by their classes, with plain values
    rows = [(t.get("class"), t.text) for t in web_tip.iter(f"{NS}tspan")]
    assert rows == [("name", "web"), ("dc", "gcp us-east1"), ("env", "production"), ("family", "Application"),
                    ("provider", "gcp"), ("Language", "go"), ("Cluster", "k8s"), ("servers", "13")]  # fmt: skip
    edges = [g for g in root.iter(f"{NS}g") if "edge" in g.get("class", "").split()]
    assert len(edges) == len(grid.routes) == 5
    for edge in edges:
        paths = {p.get("class") for p in edge.iter(f"{NS}path")}
        kind = edge.get("class").split()[1]
        assert paths == {f"conector {kind}", f"conector_h conn-{edge.get('data-source')}"}
        assert edge.find(f"{NS}text").text == (edge.get("data-endpoint") or None)
    kinds = sorted(e.get("class") for e in edges)
    assert kinds == ["edge back", "edge forward", "edge forward", "edge forward", "edge self"]


@pytest.mark.parametrize("style", STYLES)
def test_legend_lists_the_families_present_and_entries_are_marked(style):
    _, grid, nodes, srv = diagram(SHOP)
    root = parse(exports.svg(grid, nodes, srv, style))
    legend = root.find(f".//{NS}g[@class='legend']")
    # the families present, then the marks the drawing uses: entries, and SHOP's cycle and loop
    # and the colours of the providers present, the servers when any are drawn
    from analytics_maestro.render.common import THEMES, theme_name

    providers = [t for t in THEMES if t in {theme_name(n.provider) for n in nodes.values()}]
    assert len(providers) > 1
    servers = {"iso": ["a cube: a server it runs on"], "flat": ["2 srv", "the servers it runs on"]}[style]
    assert [t.text for t in legend.iter(f"{NS}text")] == [
        "CDN", "Application", "Cache", "Database", "colour: the provider",
        *(p if p != "unknown" else "other or none" for p in providers),
        *(servers if any(srv.values()) else []),
        "an entry point: where the diagram starts", "a return route: a dependency that closes a cycle",
    ]  # fmt: skip
    drawn = [p for p in root.iter(f"{NS}path") if p.get("class") == "entry"]
    marks = [p for p in legend.iter(f"{NS}path") if p.get("class") == "entry"]
    assert len(drawn) == 2 and len(marks) == 1  # one in the legend, one drawn


def test_an_entry_that_others_call_has_its_marker_above_it_clear_of_their_arrows():
    apps = [{"id": "a", "systems": ["s"], "deps": [{"id": "b"}]}, {"id": "b", "systems": ["s"]}]
    doc = {"systems": [{"id": "s", "entries": ["a", "b"]}], "applications": apps}
    _, grid, nodes, srv = diagram(doc)
    root = parse(exports.svg(grid, nodes, srv, "flat"))
    boxes = {g.get("data-app-id"): g.find(f"{NS}rect") for g in root.iter(f"{NS}g") if g.get("data-app-id")}
    markers = [p for p in root.find(f".//{NS}g[@class='apps']").iter(f"{NS}path") if p.get("class") == "entry"]
    starts = sorted(tuple(float(v) for v in p.get("d")[1:].split("l")[0].split(",")) for p in markers)
    left_of_a = (float(boxes["a"].get("x")) - 24, float(boxes["a"].get("y")) + float(boxes["a"].get("height")) / 2 - 7)
    above_b = (float(boxes["b"].get("x")) + 4, float(boxes["b"].get("y")) - 14)
    assert starts == sorted([tuple(round(v, 1) for v in left_of_a), tuple(round(v, 1) for v in above_b)])


def test_servers_on_application_and_cache_tiles_only_nine_then_a_badge():
    _, grid, nodes, srv = diagram(SHOP)
    root = parse(exports.svg(grid, nodes, srv, "iso"))
    apps = {g.get("data-app-id"): g for g in root.iter(f"{NS}g") if "app" in g.get("class", "").split()}
    cubes = {
        app: len([u for u in g.iter(f"{NS}use") if u.get("href").startswith("#server-")]) for app, g in apps.items()
    }
    assert cubes == {"web": 9, "cache": 1, "db": 0, "cdn": 0}
    (badge,) = [t.text for t in apps["web"].iter(f"{NS}text") if t.get("class") == "badge"]
    assert badge == "+4"


def test_themes_follow_the_provider():
    _, grid, nodes, srv = diagram(SHOP)
    root = parse(exports.svg(grid, nodes, srv, "iso"))
    themes = {g.get("data-app-id"): g.get("class") for g in root.iter(f"{NS}g") if "app" in g.get("class", "").split()}
    assert themes == {
        "cdn": "app theme-aws",
        "web": "app theme-gcp",
        "db": "app theme-azure",
        "cache": "app theme-unknown",
    }


def test_the_symbol_grows_with_size():
    assert [symbol_size(s) for s in SIZES] == sorted(symbol_size(s) for s in SIZES)
    assert symbol_size("nano") < symbol_size("medium") < symbol_size("64xlarge")
    assert symbol_size("weird") == symbol_size("medium")


def test_all_26_families_have_their_own_symbol():
    assert set(SHAPES) == set(FAMILIES) and len(set(SHAPES.values())) == 26
    doc = {"applications": [{"id": f"a{i}", "family": f, "deps": [{"id": f"a{i + 1}"}] if i < 25 else []}
                            for i, f in enumerate(FAMILIES)]}  # fmt: skip
    _, grid, nodes, srv = diagram(doc, apps=("a0",))
    root = parse(exports.svg(grid, nodes, srv, "iso"))
    symbols = {s.get("id") for s in root.iter(f"{NS}symbol")}
    assert symbols == {symbol_id(f) for f in FAMILIES}


def label_texts(root: ET.Element) -> list[str]:
    """Each application's label as drawn, its lines joined."""
    return ["".join(t.itertext()) for group in root.iter(f"{NS}g") if group.get("class") in ("apps", "labels")
            for t in group.iter(f"{NS}text") if t.get("class", "label") == "label"]  # fmt: skip


def test_a_300_character_name_is_set_in_two_lines_then_cut_and_whole_in_the_tooltip():
    name = "n" * 300
    _, grid, nodes, srv = diagram({"applications": [{"id": "a", "name": name}]}, apps=("a",))
    for style in STYLES:
        root = parse(exports.svg(grid, nodes, srv, style))
        (label,) = label_texts(root)
        assert label.endswith("…") and 40 < len(label) < 80
        assert root.find(f".//{NS}g[@id='tool-a']//{NS}tspan").text == name
        assert root.find(f".//{NS}g[@id='node-a']/{NS}title").text == name


@pytest.mark.parametrize("style", STYLES)
def test_names_are_whole_in_boxes_sized_to_them(style):
    """Names up to two lines of the largest box are never cut; in flat each line fits its box."""
    names = [
        "web",
        "ts-preserve-other-service",
        "review-storage-service-mongodb",
        "checkout_service_v2",
        "a-rather-long-name-of-an-application-that-needs-two-lines",
        "über-dienst-für-bestellungen",
    ]
    doc = {"applications": [{"id": f"a{i}", "name": n, "deps": [{"id": f"a{i + 1}"}] if i + 1 < len(names) else []}
                            for i, n in enumerate(names)]}  # fmt: skip
    _, grid, nodes, srv = diagram(doc, apps=("a0",))
    root = parse(exports.svg(grid, nodes, srv, style))
    assert sorted(label_texts(root)) == sorted(names)
    if style == "flat":
        for group in root.iter(f"{NS}g"):
            if group.get("class") == "app":
                box = group.find(f"{NS}rect")
                room = float(box.get("width")) - labels.BOX_PADDING
                lines = [t.text for t in group.find(f"{NS}text[@class='label']").iter() if t.text]
                assert lines and all(labels.width(line) <= room for line in lines), (lines, room)


def test_a_column_is_as_wide_as_its_widest_label_and_routes_stay_clear():
    from analytics_maestro.layout.quality import measure

    doc = {"applications": [
        {"id": "a", "deps": [{"id": "b"}, {"id": "c"}, {"id": "d"}]},
        {"id": "b", "name": "a-service-with-a-long-name", "deps": [{"id": "d"}]},
        {"id": "c", "deps": [{"id": "d"}, {"id": "c"}]},
        {"id": "d"},
    ]}  # fmt: skip
    _, grid, _, _ = diagram(doc, apps=("a",))
    cells = {c.id: c for c in grid.cells}
    assert cells["b"].w == cells["c"].w == math.ceil(labels.box_units("a-service-with-a-long-name") * 100) / 100
    assert cells["a"].w == cells["d"].w == 1.0
    quality = measure(*grid.measurable())
    assert quality.overlaps == 0 and quality.through_nodes == 0
    for route in grid.routes:  # every route still starts and ends on its boxes' borders
        if route.kind == "forward":
            assert route.points[0][0] == round(cells[route.source].x + cells[route.source].w / 2, 3)
            assert route.points[-1][0] == round(cells[route.target].x - cells[route.target].w / 2, 3)


RAILED = {
    "systems": [{"id": "shop", "entries": ["web"]}],
    "applications": [
        {"id": "web", "systems": ["shop"], "deps": [{"id": f"s{i}", "endpoint": "http"} for i in range(6)]},
        *({"id": f"s{i}", "systems": ["shop"], "deps": [{"id": "db", "endpoint": "sql"}]} for i in range(6)),
        {"id": "db", "name": "orders-db", "family": "Database", "systems": ["shop"]},
    ],
}


@pytest.mark.parametrize("style", STYLES)
def test_users_of_the_rail_carry_a_badge_that_the_viewer_treats_as_an_edge(style):
    _, grid, nodes, srv = diagram(RAILED)
    assert grid.rail == ("db",)
    root = parse(exports.svg(grid, nodes, srv, style))
    badges = [g for g in root.iter(f"{NS}g") if g.get("class") == "edge shared" and g.get("data-source")]
    assert sorted(b.get("data-source") for b in badges) == [f"s{i}" for i in range(6)]
    assert {b.get("data-target") for b in badges} == {"db"} and {b.get("data-endpoint") for b in badges} == {"sql"}
    assert {b.find(f"{NS}title").text for b in badges} == {"→ orders-db (sql)"}
    assert {b.find(f"{NS}use").get("href") for b in badges} == {f"#{symbol_id('Database')}"}
    lines = [g for g in root.iter(f"{NS}g") if (g.get("class") or "").startswith("edge ") and g not in badges]
    assert len(lines) == 6 and all(g.get("data-target") != "db" for g in lines)
    assert [g for g in root.iter(f"{NS}g") if g.get("class") == "rail"]


def test_the_rail_does_not_change_the_statistics():
    from analytics_maestro.pipeline.diagram import make_diagram

    catalogue = MemoryInventory(validate(RAILED).inventory, "t")
    railed = make_diagram(catalogue, GraphRequest(owner="t", all_systems=True), style=None)
    plain = make_diagram(catalogue, GraphRequest(owner="t", all_systems=True, shared=()), style=None)
    assert railed.layout.rail and not plain.layout.rail
    assert railed.statistics() == plain.statistics() and railed.statistics().connections == 12


LANDSCAPE = {
    "systems": [{"id": "shop", "name": "Shop", "entries": ["web"]}, {"id": "pay", "name": "Payments"},
                {"id": "ops", "name": "Operations"}],
    "applications": [
        {"id": "web", "systems": ["shop"], "deps": [{"id": "cart"}, {"id": "psp"}, {"id": "fraud"}, {"id": "log"}]},
        {"id": "cart", "systems": ["shop"], "family": "Cache", "deps": [{"id": "log"}]},
        {"id": "psp", "systems": ["pay", "shop"], "deps": [{"id": "fraud"}, {"id": "log"}]},
        {"id": "fraud", "systems": ["pay"], "family": "MachineLearning"},
        {"id": "log", "systems": ["ops"], "family": "Logs"},
    ],
}  # fmt: skip


@pytest.mark.parametrize("style", STYLES)
def test_the_landscape_draws_one_box_per_system_and_counted_links(style):
    from analytics_maestro.pipeline.diagram import make_diagram

    catalogue = MemoryInventory(validate(LANDSCAPE).inventory, "t")
    apps = make_diagram(catalogue, GraphRequest(owner="t", systems=("shop",)), style=style)
    systems = make_diagram(catalogue, GraphRequest(owner="t", systems=("shop",), level="systems"), style=style)
    names = {n.id: n.name for n in systems.view.nodes}
    assert names == {"shop": "Shop", "pay": "Payments", "ops": "Operations"}
    # each box shows its system's name and how many applications it holds
    drawn = parse(systems.svg)
    for ident, shown in (("shop", "Shop2 apps"), ("pay", "Payments2 apps"), ("ops", "Operations1 app")):
        if style == "flat":
            group = next(g for g in drawn.iter(f"{NS}g") if g.get("data-app-id") == ident)
            texts = {t.get("class"): "".join(t.itertext()) for t in group.iter(f"{NS}text")}
            assert texts["system"] + texts["count"] == shown
            assert float(next(t for t in group.iter(f"{NS}text") if t.get("class") == "system").get("font-size")) > 20
        else:
            caption = next(t for t in drawn.iter(f"{NS}text") if t.get("data-for") == ident)
            assert "".join(caption.itertext()).replace(" · ", "") == shown
    links = {(e.source, e.target): e.endpoint for e in systems.view.edges}
    # psp belongs to its first system (pay): web→psp and web→fraud are two shop→pay dependencies
    assert links == {("shop", "pay"): "2 dependencies", ("shop", "ops"): "2 dependencies",
                     ("pay", "ops"): "1 dependency"}  # fmt: skip
    assert systems.view.entries == ("shop",) and systems.statistics() == apps.statistics()
    root = parse(systems.svg)
    assert sorted(g.get("data-app-id") for g in root.iter(f"{NS}g") if g.get("data-app-id")) == [
        "ops", "pay", "shop",
    ]  # fmt: skip
    tooltip = "".join(root.find(f".//{NS}g[@id='tool-pay']").itertext())
    assert "fraud, psp" in tooltip and "Application 1, MachineLearning 1" in tooltip


EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_iso_captions_touch_no_tile_and_no_other_caption(path):
    from analytics_maestro.analytics.infra import view_of
    from analytics_maestro.inventory.files import load_inventory
    from analytics_maestro.render.iso import caption_collisions

    report = load_inventory(path)
    _, graph = lookup(MemoryInventory(report.inventory, "t"), GraphRequest(owner="t", all_systems=True), 40)
    nodes = {n.id: n for n in graph.nodes}
    _, groups = view_of(graph, {}, "business")  # each application in its system's container, as drawn
    for grid in (layout(graph), layout(graph, shared=()), layout(graph, groups), layout(graph, groups, ())):
        assert caption_collisions(grid, nodes) == 0


@given(st.lists(st.text("abcdefghij-", min_size=1, max_size=40), min_size=2, max_size=30, unique=True))
@settings(max_examples=40, deadline=None)
def test_a_matrix_of_lone_applications_leaves_each_caption_room_under_its_tile(names):
    from analytics_maestro.render import iso

    graph = Subgraph(entries=("n0",), nodes=tuple(Node(f"n{i}", 0, name=n) for i, n in enumerate(names)), edges=())
    grid = layout(graph)
    nodes = {n.id: n for n in graph.nodes}
    assert iso.caption_collisions(grid, nodes) == 0
    # and no more room than that: short names keep their rows next to each other
    if max(labels.width(n) for n in names) < 40:
        assert grid.rows == len({c.row for c in grid.cells})


def test_a_crowded_caption_moves_beside_its_tile_and_is_counted_when_nowhere_is_free():
    from analytics_maestro.render import iso
    from analytics_maestro.render.captions import place

    # a column of tiles one row apart: the caption under each would cover the next one
    names = ["fraud-detection-service", "accounting-ledger", "x"]
    graph = Subgraph(entries=("a0",), nodes=tuple(Node(f"a{i}", 0, name=n) for i, n in enumerate(names)),
                     edges=(Edge("a0", "a1", None), Edge("a0", "a2", None)))  # fmt: skip
    grid = layout(graph)
    nodes = {n.id: n for n in graph.nodes}
    captions = iso._captions(iso._drawing_order(grid), nodes)
    assert all(c.clear for c in captions.values()) and iso.caption_collisions(grid, nodes) == 0
    root = parse(exports.svg(grid, nodes, {}, "iso"))
    drawn = {"".join(t.itertext()) for t in root.find(f".//{NS}g[@class='labels']")}
    assert drawn == set(names)
    # a caption with no free place at all takes the least crowded one, and is counted
    tile = ((0.0, 0.0), (40.0, 20.0), (40.0, 28.0), (0.0, 48.0), (-40.0, 28.0), (-40.0, 20.0))
    around = {f"t{k}": tuple((x + dx, y + dy) for x, y in tile) for k, (dx, dy) in
              enumerate([(0, 0), (0, 50), (70, 20), (-70, 20), (0, -50), (70, 60), (-70, 60)])}  # fmt: skip
    found = place(around, {k: [("a-long-caption-here",)] for k in around})
    assert not found["t0"].clear


def test_lone_applications_stand_together_in_a_matrix():
    graph = Subgraph(entries=("a0",), nodes=tuple(Node(f"a{i}", 0) for i in range(30)),
                     edges=(Edge("a3", "a3", "loop"),))  # fmt: skip
    grid = layout(graph)
    from analytics_maestro.layout.quality import measure

    assert measure(*grid.measurable()).overlaps == 0
    rows, columns = grid.rows, len({c.x for c in grid.cells})
    assert 1 < rows < 30 and rows * columns >= 30 and 1 / 3 < grid.width * 150 / (rows * 80) < 3
    (loop,) = grid.routes
    assert loop.kind == "self" and len(loop.points) == 4


def test_the_drawing_of_an_ascii_inventory_is_ascii():
    """Cut labels end in a character reference: one character beyond Latin-1 would make Python
    hold the whole document at two bytes per character."""
    doc = {"applications": [{"id": "a", "name": "R&D " + "n" * 300, "deps": [{"id": "b"}]}, {"id": "b"}]}
    _, grid, nodes, srv = diagram(doc, apps=("a",))
    for style in STYLES:
        svg = exports.svg(grid, nodes, srv, style)
        assert svg.isascii() and "R&amp;D nnn" in svg and "n&#8230;</tspan></text>" in svg


HOSTILE = '<script>alert(1)</script>" onload="alert(2)'


@pytest.mark.parametrize("style", STYLES)
def test_everything_from_the_inventory_is_escaped(style):
    doc = {"applications": [
        {"id": HOSTILE, "name": HOSTILE, "family": "Database", "provider": '"><x onmouseover=1>', "language": "</text>",
         "cluster": "javascript:alert(3)", "deps": [{"id": "b b", "endpoint": "</path><script>x</script>"}]},
        {"id": "b b", "name": "&amp; <b>", "deps": [{"id": HOSTILE, "endpoint": "'"}]},
    ]}  # fmt: skip
    _, grid, nodes, srv = diagram(doc, apps=(HOSTILE,))
    svg = exports.svg(grid, nodes, srv, style)
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert not [name for el in root.iter() for name in el.attrib if name.lower().startswith("on")]
    assert not [el for el in root.iter() if any("javascript:" in v for v in el.attrib.values())]
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(" " not in i and "<" not in i for i in ids)


# Any text an inventory may hold (pydantic turns away lone surrogates): control characters included
ANY_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)
NOT_XML = {c: "\ufffd" for c in (*range(0x20), 0xFFFE, 0xFFFF) if c not in (0x9, 0xA, 0xD)}


@settings(max_examples=examples(60), deadline=None)
@given(ids=st.lists(ANY_TEXT, min_size=2, max_size=2, unique=True), names=st.lists(ANY_TEXT, min_size=6, max_size=6))
def test_any_text_gives_well_formed_documents(ids, names):
    a, b = ids
    name, endpoint, provider, hostname, region, cluster = names
    first = {"id": a, "name": name, "provider": provider, "cluster": cluster, "deps": [{"id": b, "endpoint": endpoint}]}
    doc = {
        "applications": [first, {"id": b, "deps": [{"id": a}]}],
        "servers": [{"id": "s", "hostname": hostname, "datacenter": {"region": region}, "applications": [a]}],
    }
    graph, grid, nodes, srv = diagram(doc, apps=(a,))
    for style in STYLES:
        root = parse(exports.svg(grid, nodes, srv, style))
        assert {el.get("data-app-id") for el in root.iter() if el.get("data-app-id") is not None} <= {
            x.translate(NOT_XML) for x in ids
        }
    ET.fromstring(exports.to_graphml(graph))
    assert len(exports.to_mermaid(graph).splitlines()) == 1 + len(graph.nodes) + len(graph.edges)


def test_control_characters_become_replacement_characters():
    bell = {"id": "a\x01", "name": "bell\x07", "deps": [{"id": "b", "endpoint": "t\x00cp"}]}
    _, grid, nodes, srv = diagram({"applications": [bell, {"id": "b"}]}, apps=("a\x01",))
    for style in STYLES:
        root = parse(exports.svg(grid, nodes, srv, style))
        assert root.find(f".//{NS}g[@data-app-id='a\ufffd']/{NS}title").text == "bell\ufffd"
        assert root.find(f".//{NS}g[@data-endpoint='t\ufffdcp']") is not None


def test_element_ids_stay_unique_even_when_application_ids_clash():
    ids = element_ids(["a b", "a_b", "a?b", "tool-x", "x", "node-y", "y", "9"])
    values = list(ids.values())
    companions = [v for i in values for v in (i, f"tool-{i}", f"node-{i}")]
    assert len(companions) == len(set(companions))
    assert all(v[0].isalpha() or v[0] == "_" for v in values)


@pytest.mark.parametrize("style", STYLES)
def test_png_conversion_without_warnings(style):
    _, grid, nodes, srv = diagram(SHOP)
    svg = exports.svg(grid, nodes, srv, style)
    # resvg writes warnings to the process's stderr: catch them at the file descriptor
    with tempfile.TemporaryFile() as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            data = exports.png(svg)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        assert captured.read() == b""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_statistics():
    graph, _, _, srv = diagram(SHOP)
    stats = info(graph, srv, ["acme", "acme"])
    assert stats.histogram == (1, 1, 2) and sum(stats.histogram) == 4
    assert stats.connections == 5 and stats.density == f"{5 / 12:.2f}"
    assert stats.families == {"Application": 1, "CDN": 1, "Cache": 1, "Database": 1}
    assert stats.servers == 12 + 2 + 1 + 1  # `shared` runs web and db: counted once
    assert stats.systems == ("shop",) and stats.clients == ("acme",)
    assert stats.maestro() == {
        "info": {"histograms": {"0": 1, "1": 1, "2": 2}, "density": "0.42", "conections": 5},
        "isystems": {"items": [{"_id": "shop"}], "total": 1},
        "ifamilies": {"items": {"Application": 1, "CDN": 1, "Cache": 1, "Database": 1}, "total": 4},
        "iservers": {"total": 16}, "iclients": {"items": [{"_id": "acme"}], "total": 1},
    }  # fmt: skip
    assert json.loads(stats.to_json())["servers"] == 16


def test_dot_export_is_read_by_graphviz():
    graph, *_ = diagram(SHOP)
    dot = exports.to_dot(graph)
    assert dot.count(" -> ") == len(graph.edges) and '"web" -> "db" [label="sql"];' in dot
    require_dot()
    plain = subprocess.run(["dot", "-Tplain"], input=dot, capture_output=True, text=True, check=True).stdout
    assert sum(1 for line in plain.splitlines() if line.startswith("node ")) == len(graph.nodes)


def test_graphml_and_mermaid_exports():
    graph, *_ = diagram(SHOP)
    root = ET.fromstring(exports.to_graphml(graph))
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    assert len(root.findall(f".//{ns}node")) == 4 and len(root.findall(f".//{ns}edge")) == 5
    mermaid = exports.to_mermaid(graph).splitlines()
    assert mermaid[0] == "flowchart LR" and len(mermaid) == 1 + 4 + 5
    assert any("-->|sql|" in line for line in mermaid)


def test_hostile_names_in_exports():
    doc = {"applications": [{"id": 'a"b', "name": 'x"]; evil', "deps": [{"id": "c", "endpoint": "|x|"}]}, {"id": "c"}]}
    graph, *_ = diagram(doc, apps=('a"b',))
    assert '"a\\"b" [label="x\\"]; evil"' in exports.to_dot(graph)
    ET.fromstring(exports.to_graphml(graph))
    assert 'n0["x#quot;]; evil"]' in exports.to_mermaid(graph) and "-->|x|" in exports.to_mermaid(graph)


def test_a_10000_application_diagram_stays_under_15_mb():
    doc = generate(10_000, seed=1)
    graph, grid, nodes, srv = diagram(doc)
    svg = exports.svg(grid, nodes, srv, "iso")
    assert len(graph.nodes) > 7000 and len(svg.encode()) < 15_000_000
    assert svg.count("<symbol ") <= 26


ROOT = Path(__file__).parent.parent
# Every example, and the demo in both views (its servers make an infrastructure diagram)
GOLDEN_CASES = [(path, "bussiness") for path in sorted((ROOT / "examples").glob("*.yaml"))] + [
    (ROOT / "src/analytics_maestro/demo/inventory.yaml", view) for view in ("bussiness", "infra")
]


def golden_name(path: Path, view: str) -> str:
    stem = "demo" if path.parent.name == "demo" else path.stem
    return stem if view == "bussiness" else f"{stem}-{view}"


@pytest.mark.parametrize(("path", "view"), GOLDEN_CASES, ids=lambda case: getattr(case, "stem", case))
def test_golden_files(path, view, request, tmp_path):
    """The SVG in both styles and the layout JSON, byte for byte. After an intended change:
    pytest --update-golden, then review the diff."""
    name = golden_name(path, view)
    command = [str(Path(sys.executable).with_name("analytics-maestro")), "draw", str(path), "--all", "--type", view]
    made = {f"{name}.layout.json": tmp_path / "layout.json"}
    for style in STYLES:
        made[f"{name}-{style}.svg"] = tmp_path / f"{style}.svg"
        extra = ["--layout-json", str(made[f"{name}.layout.json"])] if style == STYLES[0] else []
        subprocess.run([*command, "--style", style, "-o", str(made[f"{name}-{style}.svg"]), *extra], check=True,
                       capture_output=True)  # fmt: skip
    for golden_file, out in made.items():
        check_golden(request, golden_file, out.read_bytes())


def test_every_golden_file_has_its_case():
    expected = {f"{golden_name(p, v)}{suffix}" for p, v in GOLDEN_CASES for suffix in ("-iso.svg", "-flat.svg",
                                                                                      ".layout.json")}  # fmt: skip
    assert {p.name for p in GOLDEN.iterdir() if p.is_file()} == expected


def test_the_landscape_of_3000_applications_fitted_to_a_screen_shows_every_system_name_at_10_px():
    from analytics_maestro.pipeline.diagram import make_diagram

    catalogue = MemoryInventory(validate(generate(3000, 1)).inventory, "t")
    drawn = make_diagram(catalogue, GraphRequest(owner="t", all_systems=True, level="systems"), style="flat")
    root = parse(drawn.svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    names = [t for t in root.iter(f"{NS}text") if t.get("class") == "system"]
    assert len(names) == len(drawn.layout.cells) > 200
    assert all(not "".join(t.itertext()).endswith("…") for t in names)
    assert min(float(t.get("font-size")) for t in names) * min(1440 / width, 900 / height) >= 10
    # in iso, each card's name and count stand on its own tile, touching no other tile or caption
    from analytics_maestro.render import iso

    nodes = {n.id: n for n in drawn.view.nodes}
    assert iso.caption_collisions(drawn.layout, nodes) == 0
    captions = iso._captions(iso._drawing_order(drawn.layout), nodes)
    on_tile = [c for c in drawn.layout.cells if captions[c.id].lines[-1] == labels.card(nodes[c.id]).count]
    assert len(on_tile) > 0.9 * len(drawn.layout.cells)
    for cell in on_tile:
        left, top, right, bottom = captions[cell.id].box
        x, y = iso.project(cell.x, cell.y, iso.TILE)
        assert left < x < right and top < y < bottom
