"""`draw` from a file and a graph run of the service are one composition (`pipeline.diagram`): on
every example and the demo, in both views and both styles, they give the same bytes — SVG, layout
JSON and statistics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analytics_maestro.cli import main
from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.files import load_inventory
from analytics_maestro.inventory.importer import write_inventory
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.local import LocalRunner
from analytics_maestro.pipeline.stages import diagram_of

ROOT = Path(__file__).resolve().parent.parent
INVENTORIES = [*sorted((ROOT / "examples").glob("*.yaml")), ROOT / "src/analytics_maestro/demo/inventory.yaml"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Every inventory in one SQLite store, each under an owner of its own."""
    from analytics_maestro.inventory.store import open_store

    root = tmp_path_factory.mktemp("composition")
    engine = open_store(f"sqlite:///{root / 'store.db'}")
    for path in INVENTORIES:
        write_inventory(engine, load_inventory(path).inventory, path.stem)
    runner = LocalRunner(engine, Artifacts(root / "artifacts"))
    yield runner, root
    runner.shutdown()
    engine.dispose()


def test_every_inventory_is_here():
    assert len(INVENTORIES) >= 5 and all(path.exists() for path in INVENTORIES)


@pytest.mark.parametrize("graph_type", ["bussiness", "infra"])
@pytest.mark.parametrize("path", INVENTORIES, ids=lambda p: p.stem)
def test_draw_and_a_graph_run_give_the_same_bytes(store, path, graph_type):
    runner, root = store
    graph_id = records.create(runner.engine, GraphRequest(owner=path.stem, all_systems=True), type_=graph_type)
    runner.submit(graph_id, 1).result(timeout=120)
    graph = records.get(runner.engine, graph_id)
    assert graph.status in records.ENDED and graph.published_run == 1, graph.message
    out = root / f"{path.stem}-{graph_type}"
    for style in ("iso", "flat"):
        args = ["draw", str(path), "--all", "--owner", path.stem, "--type", graph_type, "--style", style,
                "-o", f"{out}-{style}.svg", "--layout-json", f"{out}.json", "--stats", f"{out}.stats.json"]  # fmt: skip
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert diagram_of(runner.artifacts, graph_id, 1, style) == Path(f"{out}-{style}.svg").read_bytes()
    assert runner.artifacts.read(graph_id, 1, "layout.json") == Path(f"{out}.json").read_bytes()
    stats = {key: value for key, value in graph.stats.items() if key != "maestro"}
    assert stats == json.loads(Path(f"{out}.stats.json").read_text())
    if graph_type == "bussiness":
        assert stats["applications"] > 5 and stats["connections"] > 5  # a real diagram, not two empty ones
