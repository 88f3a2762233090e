"""The stages of a graph run as the service runs them, one at a time, each a function of a `Run`.

The stages and their order are declared in `shape.PIPELINE`. A pure stage (`diagram.STEPS`) reads
its inputs from the artefacts of earlier stages, asks the store through `SqlInventory` (in Maestro
mode the Data App, `maestro.catalogue`), and writes
its products as artefacts; `publish` and `notification` are the service's own. A stage knows
nothing of the runner that calls it. Running a stage again gives the same artefact (idempotent),
so a task delivered twice does no harm. An empty selection flows through every stage (an empty
diagram) and `notification` ends the run with a warning, as Maestro did.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Engine

from analytics_maestro.analytics.info import maestro_names
from analytics_maestro.analytics.landscape import home
from analytics_maestro.errors import MaestroError
from analytics_maestro.inventory.sql import SqlInventory
from analytics_maestro.pipeline import diagram, records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.diagram import PRODUCTS, STEPS, Context, with_clients, written
from analytics_maestro.pipeline.shape import PIPELINE, ShapeError

if TYPE_CHECKING:
    from analytics_maestro.maestro.services import Services


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
    # Maestro mode: the Maestro Server services the run reads its inventory from and reports to
    maestro: Services | None = None

    def enter(self, stage: str) -> records.GraphRecord:
        """Mark the run as processing `stage`; Superseded when a newer run has started."""
        percent = PIPELINE.percent[stage]
        if not records.update(self.engine, self.graph_id, self.run, status="processing", stage=stage, percent=percent):
            raise Superseded
        self.emit({"graph": self.graph_id, "run": self.run, "status": "processing", "stage": stage,
                   "percent": percent})  # fmt: skip
        return records.get(self.engine, self.graph_id)

    def catalogue(self, connection: Connection):
        """Where the stages find the inventory: the Data App in Maestro mode, else our store."""
        if self.maestro is not None:
            from analytics_maestro.maestro.catalogue import DataAppCatalogue

            return DataAppCatalogue(self.maestro)
        return SqlInventory(connection)

    def read(self, product: str) -> Any:
        return read_product(self.artifacts, self.graph_id, self.run, product)

    def write(self, product: str, value: Any) -> None:
        spec = PRODUCTS[product]
        self.artifacts.write(self.graph_id, self.run, spec.file, spec.dump(value))


def read_product(artifacts: Artifacts, graph_id: str, run: int, product: str) -> Any:
    spec = PRODUCTS[product]
    return spec.load(artifacts.read(graph_id, run, spec.file).decode())


def _pure(name: str) -> Callable[[Run], None]:
    """The stage that runs the pure step `name` over the store and the artefacts."""
    step, stage = STEPS[name], PIPELINE.by_name[name]

    def run_stage(run: Run) -> None:
        graph = run.enter(name)
        inputs = [run.read(product) for product in stage.reads]
        # the layout keeps what did not change where the published run drew it
        previous = _published_layout(run, graph) if "layout" in stage.writes else None
        with run.engine.connect() as connection:
            ctx = Context(run.catalogue(connection), graph.request, graph.type, run.max_depth, previous=previous)
            made = step(ctx, *inputs)
        for product, value in written(stage, made).items():
            run.write(product, value)

    run_stage.__name__ = run_stage.__qualname__ = name
    return run_stage


def _published_layout(run: Run, graph: records.GraphRecord):
    earlier = graph.published_run
    if not earlier or earlier == run.run or not run.artifacts.path(run.graph_id, earlier, "layout.json").exists():
        return None
    return read_product(run.artifacts, run.graph_id, earlier, "layout")


def changes_of(artifacts: Artifacts, graph_id: str, old: int | None, new: int) -> dict[str, Any]:
    """What changed from run `old` to run `new` of a graph (`analytics.changes`), as JSON: `from`,
    `to`, the changes and their counts; nothing changed when there is no `old`. FileNotFoundError
    when a run has no drawn view."""
    from analytics_maestro.analytics.changes import Snapshot, diff, server_names, snapshot

    def of(run: int) -> Snapshot:
        view = read_product(artifacts, graph_id, run, "view")
        return snapshot(view, server_names(artifacts.read(graph_id, run, PRODUCTS["servers"].file)))

    after = of(new)
    found = diff(after if old is None else of(old), after)
    return {"from": old, "to": new, **found.as_json()}


# The diagram in each style: isometric (Maestro's look, drawn by the run) and flat (for very large
# diagrams and print), with and without the rail, and the landscape of the applications' systems:
# all but the run's own drawn from the same artefacts when first asked for
def diagram_file(
    style: str, rail: bool, landscape: bool = False, colour: str = "provider", aspect: float | None = None
) -> str:
    if (style, rail, landscape, colour, aspect) == ("iso", True, False, "provider", None):
        return PRODUCTS["svg"].file
    return "".join(("landscape" if landscape else "diagram", "-flat" if style == "flat" else "",
                    "" if rail else "-lines", "" if colour == "provider" else f"-by-{colour}",
                    f"-aspect-{aspect:.1f}" if landscape and aspect is not None else "", ".svg"))  # fmt: skip


def diagram_of(artifacts: Artifacts, graph_id: str, run: int, style: str = "iso", rail: bool = True,
               landscape: bool = False, expand: Sequence[str] = (), colour: str = "provider",
               aspect: float | None = None) -> bytes:  # fmt: skip
    """A published run's diagram in `style`, with its rail of shared infrastructure or (`rail`
    false) every edge a line, laid out again for it; with `landscape`, the systems of its
    applications (`diagram.landscape_of`), those in `expand` opened in place (NoSuchSystem for one
    that is not there), packed to `aspect` (width over height, to a tenth; 16:10 if None); its
    tiles coloured by `colour` (`render.common.Colouring`). Any but the run's own is drawn on
    first request and kept, but for an opened landscape, drawn each time. A diagram without a rail
    is the same either way."""
    aspect = round(aspect, 1) if landscape and aspect is not None else None
    path = artifacts.path(graph_id, run, diagram_file(style, rail, landscape, colour, aspect))
    if expand or not path.exists():
        if landscape:
            applications = read_product(artifacts, graph_id, run, "applications")
            unknown = sorted(set(expand) - {home(node) for node in applications.nodes})
            if unknown:
                raise NoSuchSystem(unknown[0])
            names = system_names(artifacts, graph_id, run)
            view, grid = diagram.landscape_of(
                applications, names, aspect=aspect or diagram.ASPECT, expanded=frozenset(expand)
            )
            servers = {}
        else:
            view, grid, servers = (read_product(artifacts, graph_id, run, p) for p in ("view", "layout", "servers"))
        if not rail and grid.rail:
            grid = diagram.without_rail(view, grid)
        names = system_names(artifacts, graph_id, run)
        drawn = diagram.draw(Context(None, None, style=style), view, grid, servers, names, colour)
        if expand:
            return drawn.encode()
        artifacts.write(graph_id, run, path.name, drawn)
    return path.read_bytes()


class NoSuchSystem(LookupError):
    """A system asked to be opened in a landscape that does not hold it."""


def system_names(artifacts: Artifacts, graph_id: str, run: int) -> dict[str, str]:
    """The names of a run's systems by id; none for a run published before they were kept."""
    if not artifacts.path(graph_id, run, PRODUCTS["systems"].file).exists():
        return {}
    return read_product(artifacts, graph_id, run, "systems")


def publish(run: Run) -> None:
    """Make this run's artefacts the graph's: the viewer and exports read the published run; what
    changed since the run published before is kept with it (`changes_of`).

    The PNG is not made here but when first asked for (`png_of`): rasterising a large diagram takes
    seconds and gigabytes, and most diagrams are only ever viewed as SVG. Nor is the flat diagram
    (`diagram_of`): most are only ever viewed in the isometric style.
    """
    graph = run.enter("publish")
    for product in PIPELINE.by_name["publish"].reads:
        name = PRODUCTS[product].file
        if not run.artifacts.path(run.graph_id, run.run, name).exists():
            raise FileNotFoundError(f"{name} of run {run.run} is missing")
    earlier = graph.published_run if graph.published_run != run.run else None
    if earlier is not None and not run.artifacts.path(run.graph_id, earlier, PRODUCTS["view"].file).exists():
        earlier = None
    run.write("changes", changes_of(run.artifacts, run.graph_id, earlier, run.run))
    if run.maestro is not None:
        from analytics_maestro.maestro import report

        report.publish(run.maestro, run.graph_id, graph.owner, run.read("svg"), len(run.read("view").nodes))
    if not records.update(run.engine, run.graph_id, run.run, published_run=run.run):
        raise Superseded


def png_of(artifacts: Artifacts, graph_id: str, run: int, style: str = "iso", rail: bool = True,
           landscape: bool = False, expand: Sequence[str] = (), colour: str = "provider",
           aspect: float | None = None) -> bytes:  # fmt: skip
    """The published diagram as PNG, made on first request and kept."""
    from analytics_maestro.render import exports

    aspect = round(aspect, 1) if landscape and aspect is not None else None
    asked = (artifacts, graph_id, run, style, rail, landscape, expand, colour, aspect)
    if expand:  # an opened landscape, drawn each time
        return exports.png(diagram_of(*asked).decode())
    path = artifacts.path(graph_id, run, diagram_file(style, rail, landscape, colour, aspect).replace(".svg", ".png"))
    if not path.exists():
        svg = diagram_of(*asked).decode()
        artifacts.write(graph_id, run, path.name, exports.png(svg))
    return path.read_bytes()


def notification(run: Run) -> None:
    """The run's outcome: status, message and statistics on the graph record, and a last event; in
    Maestro mode, first in the Data App (with the original's messages for an empty diagram)."""
    graph = run.enter("notification")
    found, subgraph, info, clients, changes = (run.read(p) for p in PIPELINE.by_name["notification"].reads)
    stats = json.loads(with_clients(info, clients).to_json())
    stats["maestro"] = maestro_names(stats)
    notes = []
    if found.ids and found.problems:  # some of the selection resolved, not all
        notes.extend(found.problems)
    if subgraph.missing:
        notes.append(f"{len(subgraph.missing)} dependencies on applications that are not in the inventory")
    if subgraph.truncated:
        notes.append(f"cut at depth {run.max_depth}")
    if not found.ids:
        status, message = "warning", "no entry point: " + ("; ".join(found.problems) or "nothing was selected")
    elif not subgraph.edges:
        status, message = "warning", "the entry points have no dependencies"
    else:
        status = "finished"
        message = f"{len(subgraph.nodes)} applications, {len(subgraph.edges)} dependencies"
    if notes:
        message += " (" + "; ".join(notes) + ")"
    if changes["from"] is not None:
        message += f"; since run {changes['from']}: {_changed(changes['counts'])}"
    if run.maestro is not None:
        from analytics_maestro.maestro import report

        said = {"finished": message, "warning": report.EMPTY_ENTRY if not found.ids else report.EMPTY_DEPENDENCIES}
        report.outcome(run.maestro, run.graph_id, graph.owner, status, said[status], stats)
    if not records.update(
        run.engine, run.graph_id, run.run, status=status, stage=None, percent=100, message=message, stats=stats,
        deadline=None,
    ):  # fmt: skip
        raise Superseded
    run.emit({"graph": run.graph_id, "run": run.run, "status": status, "message": message, "percent": 100})


def _changed(counts: dict[str, int]) -> str:
    """The counts of a run's changes in a few words: "+2 −1 ~1 applications, +3 −2 dependencies"."""
    parts = []
    for noun, added, removed, changed in (
        ("applications", "added", "removed", "changed"),
        ("dependencies", "added_dependencies", "removed_dependencies", "changed_dependencies"),
    ):
        figures = [
            f"{sign}{counts[key]}" for sign, key in (("+", added), ("−", removed), ("~", changed)) if counts[key]
        ]
        if figures:
            parts.append(" ".join(figures) + " " + noun)
    return ", ".join(parts) or "no changes"


def implement(declared: tuple[str, ...], pure: Iterable[str], service: dict[str, Callable[[Run], None]]):
    """Every declared stage's function, in the declared order; ShapeError when a stage is declared
    but not written, written twice, or written but not declared."""
    pure = set(pure)
    written = pure | set(service)
    if written != set(declared) or pure & set(service):
        odd = sorted(written ^ set(declared) | pure & set(service))
        raise ShapeError(f"stages declared and written do not match: {', '.join(odd)}")
    return {name: _pure(name) if name in pure else service[name] for name in declared}


STAGES: dict[str, Callable[[Run], None]] = implement(PIPELINE.order, STEPS, {"publish": publish,
                                                                            "notification": notification})  # fmt: skip
ORDER: tuple[Callable[[Run], None], ...] = tuple(STAGES.values())


def fail(run: Run, stage: str, exc: BaseException) -> None:
    """End the run in error, naming the stage; the message a user can act on, never a traceback
    (an unexpected exception shows its type only; the runner logs the details)."""
    detail = exc.lines()[0] if isinstance(exc, MaestroError) else f"{type(exc).__name__} (details in the log)"
    message = f"stage {stage} failed: {detail}"
    if records.update(run.engine, run.graph_id, run.run, status="error", message=message, deadline=None):
        run.emit({"graph": run.graph_id, "run": run.run, "status": "error", "message": message})
        if run.maestro is not None:
            from analytics_maestro.maestro import report

            report.failed(run.maestro, run.graph_id, records.get(run.engine, run.graph_id).owner, f"[{stage}] {detail}")


def start(run: Run, time_limit: float) -> bool:
    """Give the run its deadline; False when it was superseded already."""
    return records.update(run.engine, run.graph_id, run.run, deadline=time.time() + time_limit)
