"""The diagram of a graph request as one pure composition of the pipeline's stages.

    make_diagram(catalogue, request, graph_type, max_depth, style) -> Diagram

Each pure stage of `shape.PIPELINE` is a function here of an inventory (a `Catalogue`: the SQL
store, the in-memory inventory of a file, or any other source) and the products of the stages
before it. `make_diagram` runs them in memory, one after the other, for `draw`; the service's
runners run the same functions one stage at a time, each product kept as an artefact between them
(`PRODUCTS` says how each is written to a file and read back). So the command line and a graph
run make the same diagram from the same inventory, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from analytics_maestro.analytics.info import Info
from analytics_maestro.analytics.info import info as statistics
from analytics_maestro.analytics.infra import groups_of, view_of
from analytics_maestro.analytics.landscape import home, landscape
from analytics_maestro.domain import GraphRequest, Subgraph
from analytics_maestro.inventory import entry as entries_of
from analytics_maestro.inventory.entry import Entries
from analytics_maestro.layout import layout
from analytics_maestro.layout.engine import ASPECT
from analytics_maestro.layout.grid import Grid, grid_from_json
from analytics_maestro.pipeline.shape import PIPELINE, Stage
from analytics_maestro.render import exports

Servers = Mapping[str, Sequence["Server"]]

if TYPE_CHECKING:  # for type checkers only: defining a Protocol costs `draw`'s start-up
    from analytics_maestro.model import Server

    class Catalogue(entries_of.Catalogue, Protocol):
        """An inventory as the stages ask it; every answer is limited to the owner's active
        records that the request's principals may read."""

        def graphlookup(self, request: GraphRequest, entries: Entries, max_depth: int) -> Subgraph: ...

        def servers(self, request: GraphRequest, app_ids: Sequence[str]) -> dict[str, tuple[Server, ...]]: ...


class Context(msgspec.Struct, frozen=True):
    """What every stage may consult besides the products: the inventory and the request."""

    catalogue: Any  # a Catalogue
    request: GraphRequest
    graph_type: str = "bussiness"
    max_depth: int = 40
    style: str = "iso"
    previous: Grid | None = None  # an earlier layout of the diagram, whose positions are kept where they can be


def entry(ctx: Context) -> Entries:
    return entries_of.resolve(ctx.catalogue, ctx.request)


def graphlookup(ctx: Context, entries: Entries) -> Subgraph:
    return ctx.catalogue.graphlookup(ctx.request, entries, ctx.max_depth)


def network(ctx: Context, applications: Subgraph) -> tuple[Subgraph, Grid, dict[str, str]]:
    """The layout of the view: the applications, for an `infra` graph the servers they run on, and
    at the `systems` level the landscape of their systems; and the names of the systems the
    applications are drawn in at that level (what `landscape_of` needs, later, without the inventory)."""
    names: dict[str, str] = {}
    if ctx.graph_type != "infra":
        homes = sorted({home(node) for node in applications.nodes})
        names = {system.id: system.name for system in ctx.catalogue.systems(ctx.request, homes)}
    aspect = ctx.request.aspect or ASPECT
    if ctx.request.level == "systems":
        view, grid = landscape_of(applications, names, ctx.request.shared, aspect, ctx.previous)
        return view, grid, names
    servers = _servers_of(ctx, applications) if ctx.graph_type == "infra" else {}
    view, groups = view_of(applications, servers, ctx.graph_type, ctx.request.containers)
    return view, layout(view, groups, ctx.request.shared, aspect, ctx.previous), names


def landscape_of(
    applications: Subgraph,
    names: Mapping[str, str],
    shared: Sequence[str] | None = None,
    aspect: float = ASPECT,
    previous: Grid | None = None,
    expanded: Collection[str] = (),
) -> tuple[Subgraph, Grid]:
    """The landscape of the applications (`analytics.landscape`), the systems `expanded` opened in
    place, each in its container, and its layout."""
    view = landscape(applications, names, expanded)
    return view, layout(view, groups_of(view), shared, aspect, previous)


def without_rail(view: Subgraph, grid: Grid) -> Grid:
    """The layout of a view with every edge a line (no rail), as `network` would have made `grid`
    so (with containers if it has them)."""
    return layout(view, groups_of(view) if grid.containers else None, ())


def enrichment(ctx: Context, view: Subgraph) -> Servers:
    """The servers drawn beside each application; none in the infrastructure view, whose nodes are
    the servers themselves, nor in the landscape, whose nodes are systems."""
    return {} if ctx.graph_type == "infra" or ctx.request.level == "systems" else _servers_of(ctx, view)


def info(ctx: Context, applications: Subgraph, view: Subgraph) -> Info:
    """The statistics of the applications (of the servers, in the infrastructure view), however
    they are drawn; servers are those of the applications, in either view (counted here again, as
    this stage runs beside enrichment)."""
    counted = view if ctx.graph_type == "infra" and ctx.request.level != "systems" else applications
    return statistics(counted, _servers_of(ctx, applications), ())


def clients(ctx: Context, applications: Subgraph) -> tuple[str, ...]:
    systems = sorted({s for node in applications.nodes for s in node.systems})
    return tuple(sorted({c for s in ctx.catalogue.systems(ctx.request, systems) for c in s.clients}))


def draw(ctx: Context, view: Subgraph, grid: Grid, servers: Servers, names: Mapping[str, str] | None = None,
         colour: str = "provider") -> str:  # fmt: skip
    """The diagram in the context's style, its tiles coloured by `colour` (`render.common.Colouring`);
    `names`: the systems', for the containers' captions and the legend."""
    return exports.svg(grid, {n.id: n for n in view.nodes}, servers, ctx.style, colour, names)


def _servers_of(ctx: Context, graph: Subgraph) -> dict[str, tuple[Server, ...]]:
    return ctx.catalogue.servers(ctx.request, [node.id for node in graph.nodes])


STEPS: dict[str, Callable[..., Any]] = {
    step.__name__: step for step in (entry, graphlookup, network, enrichment, info, clients, draw)
}


def with_clients(stats: Info, clients: Sequence[str]) -> Info:
    """The statistics with the clients of the diagram's systems."""
    return msgspec.structs.replace(stats, clients=tuple(sorted(set(clients))))


class Diagram(msgspec.Struct, frozen=True):
    """Every product of a request's diagram."""

    entries: Entries
    applications: Subgraph
    view: Subgraph
    layout: Grid
    systems: dict[str, str]
    servers: Servers
    info: Info | None
    clients: tuple[str, ...] | None
    svg: str | None

    def statistics(self) -> Info:
        assert self.info is not None and self.clients is not None, "made without statistics"
        return with_clients(self.info, self.clients)


def make_diagram(
    catalogue: Catalogue,
    request: GraphRequest,
    graph_type: str = "bussiness",
    max_depth: int = 40,
    style: str | None = "iso",
    statistics: bool = True,
    previous: Grid | None = None,
) -> Diagram:
    """The pure stages of the pipeline, in order, in memory; `style=None` skips the drawing, and
    `statistics=False` the statistics (info and clients). With `previous`, an earlier layout of
    the diagram, what did not change stays where it was (`layout.stable`).

    >>> from analytics_maestro.inventory.structs import decode
    >>> from analytics_maestro.inventory.memory import MemoryInventory
    >>> inventory = decode(b'{"applications": [{"id": "web", "deps": [{"id": "db"}]}, {"id": "db"}]}')
    >>> found = make_diagram(MemoryInventory(inventory, "me"), GraphRequest(owner="me", apps=("web",)), style=None)
    >>> [(n.id, n.depth) for n in found.applications.nodes], found.info.histogram
    ([('web', 0), ('db', 1)], (1, 1))
    """
    ctx = Context(catalogue, request, graph_type, max_depth, style or "iso", previous)
    skipped = {"draw"} if style is None else set()
    if not statistics:
        skipped |= {"info", "clients"}
    products: dict[str, Any] = {"svg": None, "info": None, "clients": None}
    for stage in PIPELINE.stages:
        if stage.name not in STEPS or stage.name in skipped:
            continue
        products.update(written(stage, STEPS[stage.name](ctx, *(products[name] for name in stage.reads))))
    return Diagram(**products)


def written(stage: Stage, made: Any) -> dict[str, Any]:
    """What a step made, by product: its one product, or the tuple of them that it writes."""
    return dict(zip(stage.writes, made if len(stage.writes) > 1 else (made,), strict=True))


class Product(msgspec.Struct, frozen=True):
    """How a product is kept between stages: its artefact's file name, and its text both ways."""

    file: str
    dump: Callable[[Any], str]
    load: Callable[[str], Any]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _servers_json(servers: Servers) -> str:
    return _json({app: [s.model_dump(mode="json") for s in group] for app, group in servers.items()})


def _servers_load(text: str) -> dict[str, tuple[Server, ...]]:
    from analytics_maestro.model import Server

    return {app: tuple(Server.model_validate(s) for s in group) for app, group in json.loads(text).items()}


def _subgraph() -> Product:
    return Product("", lambda g: _json(msgspec.to_builtins(g)), lambda t: msgspec.json.decode(t, type=Subgraph))


PRODUCTS: dict[str, Product] = {
    "entries": Product(
        "entry.json", lambda e: _json(msgspec.to_builtins(e)), lambda t: msgspec.json.decode(t, type=Entries)
    ),
    "applications": msgspec.structs.replace(_subgraph(), file="subgraph.json"),
    "view": msgspec.structs.replace(_subgraph(), file="view.json"),
    "layout": Product("layout.json", Grid.to_json, grid_from_json),
    "systems": Product("systems.json", _json, json.loads),  # system id to name, for `landscape_of`
    "servers": Product("enrichment.json", _servers_json, _servers_load),
    "info": Product("info.json", lambda i: _json(msgspec.to_builtins(i)), lambda t: msgspec.json.decode(t, type=Info)),
    "clients": Product("clients.json", lambda c: _json(list(c)), lambda t: tuple(json.loads(t))),
    "svg": Product("diagram.svg", str, str),
    # what changed since the run published before (`analytics.changes`), as the API answers it
    "changes": Product("changes.json", _json, json.loads),
}
