"""`analytics-maestro draw`: from an inventory file alone to SVG, layout JSON and PNG, with clear
warnings and errors, and nothing from the inventory reaching the SVG unescaped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from analytics_maestro.cli import main
from analytics_maestro.layout.quality import from_layout_json, measure

SVG = "{http://www.w3.org/2000/svg}"


def draw(tmp_path, doc, *args):
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps(doc))
    return CliRunner().invoke(main, ["draw", str(inventory), *args], catch_exceptions=False)


SHOP = {
    "systems": [{"id": "shop", "entries": ["cdn"]}],
    "applications": [
        {"id": "cdn", "name": "shop-cdn", "family": "CDN", "deps": [{"id": "web", "endpoint": "https"}]},
        {"id": "web", "name": "web", "deps": [{"id": "db", "endpoint": "sql"}, {"id": "cache", "endpoint": "redis"}]},
        {"id": "db", "name": "db", "family": "Database"},
        {"id": "cache", "name": "cache", "family": "Cache", "deps": [{"id": "web", "endpoint": "tcp"}]},
    ],
}


def test_draw_puts_what_shared_names_on_the_rail_and_none_nowhere(tmp_path):
    def rail(*args):
        result = draw(tmp_path, SHOP, "--system", "shop", "-o", tmp_path / "s.svg", "--layout-json",
                      tmp_path / "l.json", *args)  # fmt: skip
        assert result.exit_code == 0, result.output
        return json.loads((tmp_path / "l.json").read_text()).get("rail", [])

    assert rail() == [] and rail("--shared", "db") == ["db"] and rail("--shared", "db", "--shared", "cache") == [
        "cache", "db",
    ]  # fmt: skip
    assert (
        rail("--shared", "none") == [] and rail("--shared", "cdn") == []
    )  # an entry that nothing calls stays off the rail


def test_draw_the_landscape_and_a_chosen_aspect(tmp_path):
    result = draw(tmp_path, SHOP, "--system", "shop", "--level", "systems", "-o", tmp_path / "s.svg",
                  "--layout-json", tmp_path / "l.json")  # fmt: skip
    assert result.exit_code == 0, result.output
    # its applications name no system: they stand in the one for those
    assert [n["id"] for n in json.loads((tmp_path / "l.json").read_text())["nodes"]] == ["(no system)"]
    for bad in ("0:1", "wide", "16:0", "100"):
        result = draw(tmp_path, SHOP, "--system", "shop", "--aspect", bad, "-o", tmp_path / "s.svg")
        assert result.exit_code == 2 and "--aspect" in result.output and repr(bad) in result.output
    assert draw(tmp_path, SHOP, "--system", "shop", "--aspect", "4:3", "-o", tmp_path / "s.svg").exit_code == 0


def test_draw_coloured_by_environment_or_system(tmp_path):
    doc = json.loads(json.dumps(SHOP))
    for app, env in zip(doc["applications"], ("prod", "prod", "staging", None), strict=True):
        if env:
            app["environment"] = env
    out = tmp_path / "c.svg"
    result = draw(tmp_path, doc, "--system", "shop", "--colour", "environment", "-o", out, "--png", tmp_path / "c.png")
    assert result.exit_code == 0, result.output
    drawn = out.read_text()
    themes = {app: theme for theme, app in re.findall(r'class="app theme-(\w+)" data-app-id="([^"]+)"', drawn)}
    assert themes == {"cdn": "c0", "web": "c0", "db": "c1", "cache": "unknown"}  # the most common first
    assert "colour: the environment" in drawn and ">prod<" in drawn and ">staging<" in drawn
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    plain = tmp_path / "p.svg"
    assert draw(tmp_path, doc, "--system", "shop", "-o", plain).exit_code == 0
    assert "theme-c0" not in plain.read_text() and "colour: the environment" not in plain.read_text()
    refused = draw(tmp_path, doc, "--system", "shop", "--colour", "team", "-o", out)
    assert refused.exit_code == 2 and "--colour" in refused.output


def test_draw_puts_each_system_in_a_container_named_after_it(tmp_path):
    doc = json.loads(json.dumps(SHOP))
    doc["systems"] = [
        {"id": "shop", "name": "Shop <front> & co", "entries": ["cdn"]},
        {"id": "data", "name": "Data", "entries": []},
    ]
    for app in doc["applications"]:
        app["systems"] = ["data"] if app["id"] in ("db", "cache") else ["shop"]
    doc["applications"][1]["systems"] = ["shop", "data"]  # web: drawn in shop, marked in data
    for style in ("flat", "iso"):
        out = tmp_path / f"{style}.svg"
        layout_json = tmp_path / f"{style}.json"
        result = draw(tmp_path, doc, "--system", "shop", "--style", style, "-o", out, "--layout-json", layout_json)
        assert result.exit_code == 0, result.output
        root = ET.parse(out).getroot()  # the name with markup in it is escaped: the SVG parses
        boxes = {g.get("data-group"): g for g in root.iter(f"{SVG}g") if g.get("class") == "container"}
        assert set(boxes) == {"shop", "data"}
        if style == "flat":
            captions = {group: "".join(g.find(f"{SVG}text").itertext()) for group, g in boxes.items()}
        else:  # over everything, in the layer of the tiles' own captions
            labels = root.find(f".//{SVG}g[@class='labels']")
            captions = {t.get("data-group"): "".join(t.itertext()) for t in labels if t.get("class") == "group"}
            assert not [t for g in boxes.values() for t in g.iter(f"{SVG}text")]
        assert captions == {"shop": "Shop <front> & co", "data": "Data"}
        assert boxes["data"].find(f"{SVG}title").text == "Data · also: web (drawn in Shop <front> & co)"
        laid = json.loads(layout_json.read_text())
        cells = {n["id"]: n for n in laid["nodes"]}
        for box in laid["containers"]:
            inside = {
                i for i, c in cells.items()
                if abs(c["x"] - box["x"]) <= (box["w"] - c["w"]) / 2
                and abs(c["y"] - box["y"]) <= (box["h"] - c["h"]) / 2
            }  # fmt: skip
            assert inside == ({"cdn", "web"} if box["group"] == "shop" else {"db", "cache"})
    plain = tmp_path / "plain.svg"
    assert draw(tmp_path, doc, "--system", "shop", "--no-containers", "-o", plain).exit_code == 0
    assert 'class="container"' not in plain.read_text()
    one = tmp_path / "one.svg"  # one system: no box around everything
    assert draw(tmp_path, SHOP, "--system", "shop", "-o", one).exit_code == 0
    assert 'class="container"' not in one.read_text()


def test_draw_writes_svg_layout_and_png(tmp_path):
    out = tmp_path / "shop.svg"
    result = draw(tmp_path, SHOP, "--system", "shop", "-o", out, "--layout-json", tmp_path / "l.json",
                  "--png", tmp_path / "shop.png")  # fmt: skip
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg" and root.get("id") == "graph"
    apps = {g.get("data-app-id") for g in root.iter(f"{SVG}g") if g.get("data-app-id")}
    assert apps == {"cdn", "web", "db", "cache"}
    layout = json.loads((tmp_path / "l.json").read_text())
    assert {n["id"] for n in layout["nodes"]} == apps and len(layout["edges"]) == 4
    assert {e["kind"] for e in layout["edges"]} == {"forward", "back"}
    quality = measure(*from_layout_json((tmp_path / "l.json").read_text()))
    assert quality.overlaps == 0 and quality.through_nodes == 0
    assert (tmp_path / "shop.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob("*.partial"))


def test_the_same_inventory_draws_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    doc = dict(SHOP, applications=list(reversed(SHOP["applications"])))
    assert draw(tmp_path, SHOP, "--app", "cdn", "-o", first).exit_code == 0
    assert draw(tmp_path, doc, "--app", "cdn", "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


HOSTILE = '<script>alert(1)</script>" onload="alert(2)'


def test_hostile_names_and_ids_are_text_not_markup(tmp_path):
    doc = {"applications": [
        {"id": HOSTILE, "name": HOSTILE, "deps": [{"id": "b", "endpoint": '"><svg onload=x>'}]},
        {"id": "b", "name": "javascript:alert(3)" + "x" * 300},
    ]}  # fmt: skip
    out = tmp_path / "x.svg"
    assert draw(tmp_path, doc, "--app", HOSTILE, "-o", out).exit_code == 0
    text = out.read_text()
    root = ET.fromstring(text)  # still well-formed XML
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert not [el for el in root.iter() for name in el.attrib if name.startswith("on")]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert {g.get("data-app-id") for g in root.iter(f"{SVG}g") if g.get("data-app-id")} == {HOSTILE, "b"}
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_dangling_dependencies_and_unknown_families_draw_with_warnings(tmp_path):
    doc = {"applications": [{"id": "a", "family": "Mainframe", "deps": [{"id": "gone", "endpoint": "tcp"}]}]}
    result = draw(tmp_path, doc, "--app", "a", "-o", tmp_path / "a.svg")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert "warning: applications[0].deps[0].id: unknown application 'gone'" in lines
    assert any(line.startswith("warning: applications[0].family: unknown family 'Mainframe'") for line in lines)
    assert "warning: a depends on 'gone', which is not in the inventory" in lines


@pytest.mark.parametrize(
    "args, message",
    [
        (["--app", "nope"], "warning: apps: unknown application 'nope'"),
        (["--system", "nope"], "warning: systems: unknown system 'nope'"),
    ],
)
def test_nothing_to_draw_is_exit_2(tmp_path, args, message):
    result = draw(tmp_path, SHOP, *args, "-o", tmp_path / "x.svg")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message, "error: nothing to start from"]
    assert not (tmp_path / "x.svg").exists()


def test_an_invalid_inventory_is_exit_2_with_every_problem(tmp_path):
    result = draw(
        tmp_path, {"applications": [{"id": "a"}, {"id": "a"}, {"name": 1}]}, "--app", "a", "-o", tmp_path / "x.svg"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:3] == [
        "error: applications[1].id: duplicate id 'a' (first at applications[0])",
        "error: applications[2].id: Field required",
        "error: applications[2].name: 1 is not valid: Input should be a valid string",
    ]
    assert not (tmp_path / "x.svg").exists()


def test_a_selection_is_required(tmp_path):
    result = CliRunner().invoke(main, ["draw", "x.json", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "name at least one --app, --system or --client, or --all" in result.output


def test_deep_chains_are_cut_with_a_warning_unless_allowed(tmp_path):
    apps = [{"id": f"c{i}", "deps": [{"id": f"c{i + 1}"}]} for i in range(99)] + [{"id": "c99"}]
    result = draw(
        tmp_path, {"applications": apps}, "--app", "c0", "-o", tmp_path / "a.svg", "--layout-json", tmp_path / "a.json"
    )
    assert "warning: truncated at depth 40; --max-depth draws deeper" in result.stderr
    assert len(json.loads((tmp_path / "a.json").read_text())["nodes"]) == 41
    result = draw(tmp_path, {"applications": apps}, "--app", "c0", "--max-depth", "500", "-o", tmp_path / "b.svg",
                  "--layout-json", tmp_path / "b.json")  # fmt: skip
    assert result.exit_code == 0 and "truncated" not in result.stderr
    deep = json.loads((tmp_path / "b.json").read_text())
    assert len(deep["nodes"]) == 100 and deep["columns"] == 100


def test_stats_and_other_formats(tmp_path):
    stats = tmp_path / "stats.json"
    result = draw(tmp_path, SHOP, "--system", "shop", "-o", tmp_path / "a.svg", "--stats", stats)
    assert result.exit_code == 0
    doc = json.loads(stats.read_text())
    assert doc["applications"] == 4 and doc["connections"] == 4 and doc["histogram"] == [1, 1, 2]
    assert doc["density"] == "0.33" and doc["families"] == {"Application": 1, "CDN": 1, "Cache": 1, "Database": 1}
    for fmt, first in (("dot", "digraph maestro {"), ("graphml", '<?xml version="1.0" encoding="UTF-8"?>'),
                       ("mermaid", "flowchart LR")):  # fmt: skip
        out = tmp_path / f"shop.{fmt}"
        assert draw(tmp_path, SHOP, "--system", "shop", "--format", fmt, "-o", out).exit_code == 0
        assert out.read_text().splitlines()[0] == first


@pytest.mark.parametrize("style", ["iso", "flat"])
def test_both_styles_from_the_command_line(tmp_path, style):
    out = tmp_path / "s.svg"
    assert draw(tmp_path, SHOP, "--all", "--style", style, "-o", out).exit_code == 0
    assert ET.parse(out).getroot().get("class") == style


def test_draw_takes_business_as_well_as_maestros_spelling(tmp_path):
    from click.testing import CliRunner

    from analytics_maestro.cli import main

    demo = Path(__file__).parent.parent / "src/analytics_maestro/demo/inventory.yaml"
    out = {}
    for spelling in ("business", "bussiness"):
        out[spelling] = tmp_path / f"{spelling}.svg"
        result = CliRunner().invoke(main, ["draw", str(demo), "--all", "--type", spelling, "-o", str(out[spelling])])
        assert result.exit_code == 0, result.output
    assert out["business"].read_bytes() == out["bussiness"].read_bytes()
