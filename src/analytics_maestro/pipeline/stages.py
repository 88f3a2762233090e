"""The nine stages of a graph run, each a plain function of (graph id, run number).

    entry ─▶ graphlookup ─▶ network ─┬─▶ enrichment ─▶ draw ─▶ publish ─┐
                                     └─▶ info ─▶ clients ───────────────┴─▶ notification

A stage reads its inputs from the store and the artefacts of earlier stages, and writes its own
artefact; it knows nothing of the runner that calls it. Running a stage again gives the same
artefact (idempotent), so a task delivered twice does no harm. An empty selection flows through
every stage (an empty diagram) and `notification` ends the run with a warning, as Maestro did.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from analytics_maestro.analytics.info import info as statistics
from analytics_maestro.analytics.info import maestro_names
from analytics_maestro.analytics.infra import view_of
from analytics_maestro.errors import MaestroError
from analytics_maestro.inventory.entry import resolve
from analytics_maestro.inventory.lookup import graphlookup as lookup
from analytics_maestro.inventory.sql import SqlInventory
from analytics_maestro.layout import layout
from analytics_maestro.layout.grid import grid_from_json
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import (
    Artifacts,
    servers_from_json,
    servers_to_json,
    subgraph_from_json,
    subgraph_to_json,
)
from analytics_maestro.render import exports

PERCENT = {
    "entry": 5,
    "graphlookup": 20,
    "network": 50,
    "enrichment": 60,
    "info": 65,
    "clients": 70,
    "draw": 85,
    "publish": 95,
    "notification": 100,
}


class Superseded(Exception):
    """The run is no longer the graph's current one: stop quietly."""


@dataclass(frozen=True)
class Run:
    """What a stage needs to find its inputs: where, and which graph and run."""

    engine: Engine
    artifacts: Artifacts
    graph_id: str
    run: int
    max_depth: int = 40
    emit: Callable[[dict], None] = field(default=lambda event: None)

    def enter(self, stage: str) -> records.GraphRecord:
        """Mark the run as processing `stage`; Superseded when a newer run has started."""
        if not records.update(
            self.engine, self.graph_id, self.run, status="processing", stage=stage, percent=PERCENT[stage]
        ):
            raise Superseded
        self.emit({"graph": self.graph_id, "run": self.run, "status": "processing", "stage": stage,
                   "percent": PERCENT[stage]})  # fmt: skip
        return records.get(self.engine, self.graph_id)

    def write(self, name: str, value) -> None:
        self.artifacts.write_json(self.graph_id, self.run, name, value)

    def read(self, name: str):
        return self.artifacts.read_json(self.graph_id, self.run, name)


def entry(run: Run) -> None:
    graph = run.enter("entry")
    with run.engine.connect() as connection:
        found = resolve(SqlInventory(connection), graph.request)
    run.write("entry.json", {"ids": list(found.ids), "pks": list(found.pks), "problems": list(found.problems),
                             "guessed": {k: list(v) for k, v in found.guessed.items()}})  # fmt: skip


def graphlookup(run: Run) -> None:
    graph = run.enter("graphlookup")
    found = run.read("entry.json")
    with run.engine.connect() as connection:
        subgraph = lookup(connection, found["pks"], graph.request.readers(), run.max_depth, found["ids"])
    run.write("subgraph.json", subgraph_to_json(subgraph))


def network(run: Run) -> None:
    """The layout of the view: the applications, or for an `infra` graph the servers they run on
    (`view.json` holds the graph the diagram draws)."""
    graph = run.enter("network")
    applications = subgraph_from_json(run.read("subgraph.json"))
    servers = {}
    if graph.type == "infra":
        with run.engine.connect() as connection:
            servers = SqlInventory(connection).servers(graph.request, [n.id for n in applications.nodes])
    view, groups = view_of(applications, servers, graph.type)
    run.write("view.json", subgraph_to_json(view))
    run.artifacts.write(run.graph_id, run.run, "layout.json", layout(view, groups).to_json())


def enrichment(run: Run) -> None:
    graph = run.enter("enrichment")
    subgraph = subgraph_from_json(run.read("view.json"))
    with run.engine.connect() as connection:
        servers = SqlInventory(connection).servers(graph.request, [n.id for n in subgraph.nodes])
    run.write("enrichment.json", servers_to_json(servers))


def info(run: Run) -> None:
    graph = run.enter("info")
    applications = subgraph_from_json(run.read("subgraph.json"))
    view = subgraph_from_json(run.read("view.json"))
    grid = grid_from_json(run.artifacts.read(run.graph_id, run.run, "layout.json").decode())
    # info runs beside enrichment, so it counts the applications' servers itself
    with run.engine.connect() as connection:
        servers = SqlInventory(connection).servers(graph.request, [n.id for n in applications.nodes])
    run.write("info.json", json.loads(statistics(view, grid, servers, ()).to_json()))


def clients(run: Run) -> None:
    graph = run.enter("clients")
    subgraph = subgraph_from_json(run.read("subgraph.json"))
    systems = sorted({s for node in subgraph.nodes for s in node.systems})
    with run.engine.connect() as connection:
        found = SqlInventory(connection).systems(graph.request, systems)
    run.write("clients.json", sorted({c for s in found for c in s.clients}))


# The diagram in each style: isometric (Maestro's look, drawn by the run) and flat (for very large
# diagrams and print, drawn from the same artefacts when first asked for)
DIAGRAMS = {"iso": "diagram.svg", "flat": "diagram-flat.svg"}


def _render(artifacts: Artifacts, graph_id: str, run: int, style: str) -> str:
    subgraph = subgraph_from_json(artifacts.read_json(graph_id, run, "view.json"))
    grid = grid_from_json(artifacts.read(graph_id, run, "layout.json").decode())
    servers = servers_from_json(artifacts.read_json(graph_id, run, "enrichment.json"))
    return exports.svg(grid, {n.id: n for n in subgraph.nodes}, servers, style)


def draw(run: Run) -> None:
    run.enter("draw")
    run.artifacts.write(run.graph_id, run.run, DIAGRAMS["iso"], _render(run.artifacts, run.graph_id, run.run, "iso"))


def diagram_of(artifacts: Artifacts, graph_id: str, run: int, style: str = "iso") -> bytes:
    """A published run's diagram in `style`; the flat one is drawn on first request and kept."""
    path = artifacts.path(graph_id, run, DIAGRAMS[style])
    if not path.exists() and style != "iso":
        artifacts.write(graph_id, run, path.name, _render(artifacts, graph_id, run, style))
    return path.read_bytes()


def publish(run: Run) -> None:
    """Make this run's artefacts the graph's: the viewer and exports read the published run.

    The PNG is not made here but when first asked for (`png_of`): rasterising a large diagram takes
    seconds and gigabytes, and most diagrams are only ever viewed as SVG. Nor is the flat diagram
    (`diagram_of`): most are only ever viewed in the isometric style.
    """
    run.enter("publish")
    for name in (DIAGRAMS["iso"], "layout.json", "view.json", "enrichment.json"):
        if not run.artifacts.path(run.graph_id, run.run, name).exists():
            raise FileNotFoundError(f"{name} of run {run.run} is missing")
    if not records.update(run.engine, run.graph_id, run.run, published_run=run.run):
        raise Superseded


def png_of(artifacts: Artifacts, graph_id: str, run: int, style: str = "iso") -> bytes:
    """The published diagram as PNG, made on first request and kept."""
    path = artifacts.path(graph_id, run, DIAGRAMS[style].replace(".svg", ".png"))
    if not path.exists():
        svg = diagram_of(artifacts, graph_id, run, style).decode()
        artifacts.write(graph_id, run, path.name, exports.png(svg))
    return path.read_bytes()


def notification(run: Run) -> None:
    """The run's outcome: status, message and statistics on the graph record, and a last event."""
    run.enter("notification")
    found = run.read("entry.json")
    subgraph = subgraph_from_json(run.read("subgraph.json"))
    stats = run.read("info.json")
    stats["clients"] = run.read("clients.json")
    stats["maestro"] = maestro_names(stats)
    notes = []
    if found["ids"] and found["problems"]:  # some of the selection resolved, not all
        notes.extend(found["problems"])
    if subgraph.missing:
        notes.append(f"{len(subgraph.missing)} dependencies on applications that are not in the inventory")
    if subgraph.truncated:
        notes.append(f"cut at depth {run.max_depth}")
    if not found["ids"]:
        status, message = "warning", "no entry point: " + ("; ".join(found["problems"]) or "nothing was selected")
    elif not subgraph.edges:
        status, message = "warning", "the entry points have no dependencies"
    else:
        status = "finished"
        message = f"{len(subgraph.nodes)} applications, {len(subgraph.edges)} dependencies"
    if notes:
        message += " (" + "; ".join(notes) + ")"
    if not records.update(
        run.engine, run.graph_id, run.run, status=status, stage=None, percent=100, message=message, stats=stats,
        deadline=None,
    ):  # fmt: skip
        raise Superseded
    run.emit({"graph": run.graph_id, "run": run.run, "status": status, "message": message, "percent": 100})


ORDER: tuple[Callable[[Run], None], ...] = (
    entry, graphlookup, network, enrichment, info, clients, draw, publish, notification,
)  # fmt: skip
STAGES: dict[str, Callable[[Run], None]] = {stage.__name__: stage for stage in ORDER}


def fail(run: Run, stage: str, exc: BaseException) -> None:
    """End the run in error, naming the stage; the message a user can act on, never a traceback
    (an unexpected exception shows its type only; the runner logs the details)."""
    detail = exc.lines()[0] if isinstance(exc, MaestroError) else f"{type(exc).__name__} (details in the log)"
    message = f"stage {stage} failed: {detail}"
    if records.update(run.engine, run.graph_id, run.run, status="error", message=message, deadline=None):
        run.emit({"graph": run.graph_id, "run": run.run, "status": "error", "message": message})


def start(run: Run, time_limit: float) -> bool:
    """Give the run its deadline; False when it was superseded already."""
    return records.update(run.engine, run.graph_id, run.run, deadline=time.time() + time_limit)
