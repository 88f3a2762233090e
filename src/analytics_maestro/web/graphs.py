"""Graph routes: create, list, get, re-run and delete diagrams; their artefacts; live progress; public links.

A graph belongs to an owner (the caller, or a team of theirs) and is drawn with the caller's
principals, so the lookup reaches only what the caller may read. Public links give anyone holding
the token the diagram and nothing else; a revoked or expired link answers 404.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

import msgspec
from flask import Blueprint, Response, current_app, request, stream_with_context
from pydantic import BaseModel, ConfigDict, Field, model_validator

from analytics_maestro.config import REQUEST_THREADS
from analytics_maestro.domain import COLOURINGS, GraphRequest
from analytics_maestro.errors import RunnerUnavailable
from analytics_maestro.inventory.entry import resolve
from analytics_maestro.inventory.sql import SqlInventory
from analytics_maestro.model import Id, Text
from analytics_maestro.pipeline import links, records
from analytics_maestro.pipeline.diagram import PRODUCTS
from analytics_maestro.pipeline.stages import NoSuchSystem, diagram_of, png_of, read_product, system_names
from analytics_maestro.web.api import ApiError, current_user, dump, not_found, operation
from analytics_maestro.web.owners import ADMIN, MAX_OFFSET, READ, WRITE, OwnerQuery, owner_of, require_in

log = logging.getLogger(__name__)
bp = Blueprint("graphs", __name__, url_prefix="/graphs")
public = Blueprint("public", __name__)

GraphType = Literal["bussiness", "business", "infra"]  # applications (either spelling, kept as given), or servers
Status = Literal["queued", "processing", "finished", "warning", "error"]
KEEPALIVE = 15.0
# A progress stream holds a request thread: at most STREAMS of them stream at a time in a process,
# each for at most a slice of seconds (`MAESTRO_STREAM_SLICE`, 20), after which the browser's
# EventSource comes back at once (RECONNECT_MS); a stream beyond the cap gets the state once and
# comes back after RETRY_MS. So no number of watching browsers takes more than half of the threads
# the API answers with.
STREAMS = max(1, REQUEST_THREADS // 2)
RECONNECT_MS = 200
RETRY_MS = 15_000
_streaming = threading.BoundedSemaphore(STREAMS)


class GraphCreate(BaseModel):
    """Exactly one of `systems`, `clients` or `apps` names the entry points, or `all_systems`."""

    # the rule in the OpenAPI document too: exactly one of the three lists is there and not empty,
    # or all_systems is true
    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [
        *({"required": [name], "properties": {name: {"minItems": 1}}} for name in ("systems", "clients", "apps")),
        {"required": ["all_systems"], "properties": {"all_systems": {"const": True}}},
    ]})  # fmt: skip

    name: Text = ""
    type: GraphType = "bussiness"
    systems: list[Id] = Field(default_factory=list, max_length=1000)
    clients: list[Id] = Field(default_factory=list, max_length=1000)
    apps: list[Id] = Field(default_factory=list, max_length=1000)
    shared: list[Id] | None = Field(
        None, max_length=1000,
        description="applications drawn on the rail of shared infrastructure; [] draws every edge as a line; "
        "absent: the inventory's `shared` fields and the rail's rule",
    )  # fmt: skip
    level: Literal["applications", "systems"] = Field(
        "applications", description="applications, or the landscape: one box per system"
    )
    aspect: float | None = Field(None, ge=0.1, le=10, description="width over height the parts are packed to (1.6)")
    containers: bool = Field(
        True, description="a box around each system's applications (each place's servers, in the infra view)"
    )
    all_systems: bool = Field(False, description="start from the entries of every system of the owner")

    @model_validator(mode="after")
    def one_selection(self) -> GraphCreate:
        given = [name for name in ("systems", "clients", "apps") if getattr(self, name)]
        given += ["all_systems"] if self.all_systems else []
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of systems, clients, apps or all_systems (given: {', '.join(given) or 'none'})"
            )
        return self


class GraphRename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text


class Selection(BaseModel):
    systems: list[str]
    clients: list[str]
    apps: list[str]
    all_systems: bool = False


class GraphOut(BaseModel):
    id: str
    name: str
    type: GraphType
    owner: str
    selection: Selection
    shared: list[str] | None = Field(None, description="as asked when the graph was created")
    level: Literal["applications", "systems"] = "applications"
    aspect: float | None = None
    containers: bool = True
    run: int
    status: Status
    stage: str | None
    percent: int
    message: str | None
    stats: dict[str, Any] | None
    created_at: float
    updated_at: float
    links: dict[str, str]


class GraphPage(BaseModel):
    items: list[GraphOut]
    total: int
    limit: int
    offset: int


class GraphQuery(OwnerQuery):
    status: Status | None = None
    type: GraphType | None = None
    q: str | None = Field(None, max_length=200, description="part of the name, any case")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


MAX_EXPANDED = 50  # systems opened at once in a landscape


class DiagramQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    style: Literal["iso", "flat"] = Field("iso", description="isometric (Maestro's look) or flat")
    rail: bool = Field(True, description="false: every edge a line, no rail of shared infrastructure")
    level: Literal["applications", "systems"] | None = Field(
        None, description="systems: the landscape of the applications' systems (drawn on first request); "
        "absent: the level the graph was drawn at"
    )  # fmt: skip
    expand: list[Id] = Field([], max_length=MAX_EXPANDED, description="in the landscape, systems opened in place to "
                             "their applications (repeatable; drawn each time)")  # fmt: skip
    colour: Literal[COLOURINGS] = Field(  # type: ignore[valid-type]
        "provider", description="what the tiles' colours tell: the provider (Maestro's), the system or the environment"
    )  # fmt: skip
    aspect: float | None = Field(
        None, ge=1 / 3, le=3, description="for the landscape of a graph of applications: the width over the height "
        "to pack it to, to a tenth (the viewer's); absent: 16:10"
    )  # fmt: skip
    download: bool = Field(False, description="ask the browser to save it under the graph's name")


def landscape_asked(graph: records.GraphRecord, query: DiagramQuery) -> bool:
    """Whether the query asks for a landscape drawn from the applications: of a graph drawn at the
    applications level, or with systems opened; 409 for a level the graph cannot be drawn at."""
    own = graph.request.level
    if query.level is None or query.level == own:
        if query.expand and own != "systems":
            raise ApiError(409, "no_such_level", "expand: systems are opened in the landscape (level=systems)")
        return bool(query.expand)
    if query.level == "applications" or graph.type == "infra":
        raise ApiError(409, "no_such_level", f"level {query.level!r}: this graph is drawn at the {own} level only "
                       "(the landscape is of a business graph's applications)")  # fmt: skip
    return True


def _drawn(make: Callable, graph: records.GraphRecord, query: DiagramQuery) -> tuple[bytes, bool]:
    """The diagram the query asks of a graph's published run, made by `make` (`diagram_of`,
    `png_of`), and whether it is a landscape."""
    landscape = landscape_asked(graph, query)
    try:
        data = make(_artifacts(), graph.id, _published(graph), query.style, query.rail, landscape, query.expand,
                    query.colour, query.aspect)  # fmt: skip
    except NoSuchSystem as exc:
        raise ApiError(400, "invalid", f"expand: {exc.args[0]!r} is not a system of this diagram") from None
    return data, landscape


class FileQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    download: bool = Field(False, description="ask the browser to save it under the graph's name")


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in: int | None = Field(None, ge=60, le=366 * 86400, description="seconds; none: until revoked")


class PublicLink(BaseModel):
    id: str
    graph: str
    created_by: str
    created_at: float
    expires_at: float | None
    revoked_at: float | None
    active: bool


class PublicLinkCreated(PublicLink):
    token: str
    url: str


class PublicLinkList(BaseModel):
    items: list[PublicLink]


def _engine():
    return current_app.extensions["maestro.store"]


def _artifacts():
    return current_app.extensions["maestro.artifacts"]


def graph_json(graph: records.GraphRecord) -> dict:
    base = f"/graphs/{graph.id}"
    links = {"self": base, "events": f"{base}/events"}
    if graph.published_run:
        links |= {"svg": f"{base}.svg", "png": f"{base}.png", "layout": f"{base}/layout.json"}
    if graph.stats is not None:
        links["stats"] = f"{base}/stats.json"
    request_ = graph.request
    return {
        "id": graph.id, "name": graph.name, "type": graph.type, "owner": graph.owner,
        "selection": {"systems": request_.systems, "clients": request_.clients, "apps": request_.apps,
                      "all_systems": request_.all_systems},
        "shared": None if request_.shared is None else list(request_.shared),
        "level": request_.level, "aspect": request_.aspect, "containers": request_.containers,
        "run": graph.run, "status": graph.status, "stage": graph.stage, "percent": graph.percent,
        "message": graph.message, "stats": graph.stats, "created_at": graph.created_at,
        "updated_at": graph.updated_at, "links": links,
    }  # fmt: skip


def submit(graph_id: str, run: int, undo: Callable[[], object]) -> None:
    """Queue the run; when the runner cannot take it (its broker is away), `undo` what asking for it
    changed, and answer 503 naming the broker."""
    try:
        current_app.extensions["maestro.runner"].submit(graph_id, run)
    except RunnerUnavailable as exc:
        undo()
        raise ApiError(503, "unavailable", f"the run could not be queued: {exc}; nothing was changed") from None


def visible(graph_id: str, needed: int = READ) -> records.GraphRecord:
    """The graph, if the caller may see it (404 otherwise) and holds `needed` on it (403 otherwise)."""
    try:
        graph = records.get(_engine(), graph_id)
    except records.GraphNotFound:
        raise not_found(f"graph {graph_id!r}") from None
    held = current_user().role_in(graph.owner)
    if held < READ:
        raise not_found(f"graph {graph_id!r}")
    if held < needed:
        raise ApiError(403, "forbidden", f"{'admin' if needed == ADMIN else 'write'} access to the graph is needed")
    return graph


@operation(bp, "POST", "", "Create a graph", query=OwnerQuery, body=GraphCreate, responses={201: GraphOut},
           errors=(422,))  # fmt: skip
def create(query, body: GraphCreate):
    """Queues the graph's first run at once; follow it with GET or the events stream. 422 when
    nothing in the selection is an entry point you can draw from (every id is listed); ids that
    do not resolve among others are named in the finished graph's message."""
    owner = owner_of(query)
    require_in(owner, READ)
    request_ = GraphRequest(owner=owner, principals=current_user().principals, apps=tuple(body.apps),
                            systems=tuple(body.systems), clients=tuple(body.clients),
                            all_systems=body.all_systems, shared=None if body.shared is None else tuple(body.shared),
                            level=body.level, aspect=body.aspect, containers=body.containers)  # fmt: skip
    with _engine().connect() as connection:
        entries = resolve(SqlInventory(connection), request_)
    if not entries.ids:
        details = [{"field": problem.split(":", 1)[0], "message": problem.split(": ", 1)[1]}
                   for problem in entries.problems]  # fmt: skip
        raise ApiError(422, "no_entry_point", "nothing in the selection is an entry point to draw from", details)
    graph_id = records.create(_engine(), request_, body.name, body.type)
    submit(graph_id, 1, lambda: records.delete(_engine(), graph_id))
    return dump(GraphOut, graph_json(records.get(_engine(), graph_id)), 201)


@operation(bp, "GET", "", "List graphs", query=GraphQuery, responses={200: GraphPage})
def list_(query: GraphQuery):
    """Newest first. Without `owner`, the graphs of the caller and of every team of theirs."""
    owners = [query.owner] if query.owner else list(current_user().principals)
    if query.owner and current_user().role_in(query.owner) < READ:
        owners = []
    found, total = records.list_graphs(_engine(), owners, status=query.status, type_=query.type, q=query.q,
                                       limit=query.limit, offset=query.offset)  # fmt: skip
    return dump(GraphPage, {"items": [graph_json(g) for g in found], "total": total, "limit": query.limit,
                            "offset": query.offset})  # fmt: skip


@operation(bp, "GET", "/<graph_id>", "Get a graph", responses={200: GraphOut})
def get(graph_id):
    """Status, stage and percent while running; message and statistics when ended."""
    return dump(GraphOut, graph_json(visible(graph_id)))


@operation(bp, "POST", "/<graph_id>/run", "Re-run a graph", responses={202: GraphOut}, errors=(403,))
def rerun(graph_id):
    """A new run with today's inventory; a run still going is superseded and its writes ignored.
    Needs the write role on the graph's owner."""
    before = visible(graph_id, WRITE)
    run = records.rerun(_engine(), graph_id)
    submit(graph_id, run, lambda: records.restore(_engine(), before))
    return dump(GraphOut, graph_json(records.get(_engine(), graph_id)), 202)


@operation(bp, "PATCH", "/<graph_id>", "Rename a graph", body=GraphRename, responses={200: GraphOut}, errors=(403,))
def rename(graph_id, body: GraphRename):
    """A new name for the graph; needs the write role on the graph's owner."""
    visible(graph_id, WRITE)
    records.rename(_engine(), graph_id, body.name)
    return dump(GraphOut, graph_json(records.get(_engine(), graph_id)))


@operation(bp, "DELETE", "/<graph_id>", "Delete a graph", responses={204: None})
def delete(graph_id):
    """The graph, its artefacts and its public links."""
    visible(graph_id, WRITE)
    records.delete(_engine(), graph_id)
    _artifacts().remove(graph_id)
    return "", 204


def _published(graph: records.GraphRecord) -> int:
    if not graph.published_run:
        raise ApiError(409, "not_ready", f"the graph has no diagram yet (status: {graph.status})")
    return graph.published_run


def _filename(graph: records.GraphRecord, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", graph.name).strip("-.") or graph.id
    return f"{stem[:80]}{suffix}"


def _file(data: bytes, mimetype: str, graph: records.GraphRecord, suffix: str, download: bool) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if mimetype == "image/svg+xml":  # opened on its own, a diagram runs nothing and loads nothing
        response.headers["Content-Security-Policy"] = SVG_POLICY
    # shown in place unless asked to be saved; named either way (the viewer saves what it shows by that name)
    how = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{how}; filename="{_filename(graph, suffix)}"'
    return response


def _diagram(graph_id: str, query: DiagramQuery, make: Callable, mimetype: str, extension: str) -> Response:
    """The published diagram in the asked style, made by `make(artifacts, graph id, run, style, rail,
    landscape, expand, colour, aspect)`."""
    graph = visible(graph_id)
    data, landscape = _drawn(make, graph, query)
    suffix = "".join(("-systems" if landscape else "", "-flat" if query.style == "flat" else "",
                      "" if query.rail else "-lines", "" if query.colour == "provider" else f"-by-{query.colour}",
                      extension))  # fmt: skip
    return _file(data, mimetype, graph, suffix, query.download)


@operation(bp, "GET", "/<graph_id>.svg", "The diagram as SVG", query=DiagramQuery, responses={200: "image/svg+xml"},
           errors=(409,))  # fmt: skip
def svg(graph_id, query: DiagramQuery):
    """Isometric by default, `?style=flat` for plain boxes (drawn on first request); `?download=1` saves it."""
    return _diagram(graph_id, query, diagram_of, "image/svg+xml", ".svg")


@operation(bp, "GET", "/<graph_id>.png", "The diagram as PNG", query=DiagramQuery, responses={200: "image/png"},
           errors=(409,))  # fmt: skip
def png(graph_id, query: DiagramQuery):
    """Made on first request (at most 8,192 pixels on the longer side) and kept."""
    return _diagram(graph_id, query, png_of, "image/png", ".png")


@operation(bp, "GET", "/<graph_id>/layout.json", "The layout", query=FileQuery, responses={200: "application/json"},
           errors=(409,))  # fmt: skip
def layout_json(graph_id, query: FileQuery):
    """Columns, rows and routes before projection: the `--layout-json` format of the command line."""
    graph = visible(graph_id)
    data = _artifacts().read(graph.id, _published(graph), "layout.json")
    return _file(data, "application/json", graph, ".layout.json", query.download)


class FindQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1, max_length=200, description="a name, id, family, system, team, hostname or address")
    limit: int = Field(20, ge=1, le=200)


class FoundNode(BaseModel):
    id: str
    name: str
    field: str = Field(description="what matched: name, id, family, system, team, hostname, ipv4_private, "
                       "ipv4_public or hosts")  # fmt: skip
    value: str


class FoundNodes(BaseModel):
    items: list[FoundNode]


@operation(bp, "GET", "/<graph_id>/find", "Find in the diagram", query=FindQuery, responses={200: FoundNodes},
           errors=(409,))  # fmt: skip
def find(graph_id, query: FindQuery):
    """The nodes of the published diagram that `q` finds, best first: named whole, then by the start
    of a field, then anywhere in one; by name, id, family, system, team, or the hostname and
    addresses of the servers they run on (in the infrastructure view, the applications a server runs)."""
    from analytics_maestro.analytics.search import search

    graph = visible(graph_id)
    run = _published(graph)
    view, servers = (read_product(_artifacts(), graph.id, run, product) for product in ("view", "servers"))
    found = search(view, servers, query.q, query.limit)
    return dump(FoundNodes, {"items": [msgspec.structs.asdict(match) for match in found]})


class FacetedNode(BaseModel):
    id: str
    system: list[str] = Field([], description="the systems it is in")
    environment: str | None = None
    provider: str | None = None
    family: str | None = None
    team: str | None = None


class FacetValue(BaseModel):
    value: str
    name: str = Field(description="as shown: a system's name, else the value")
    count: int = Field(description="how many nodes have it")


class Facets(BaseModel):
    items: list[FacetedNode]
    values: dict[str, list[FacetValue]] = Field(description="per field (system, environment, provider, family, "
                                                "team), its values, most common first")  # fmt: skip


@operation(bp, "GET", "/<graph_id>/facets", "What the diagram can be filtered by", responses={200: Facets},
           errors=(409,))  # fmt: skip
def facets(graph_id):
    """Each node of the published diagram with its systems, environment, provider, family and team,
    and each of those fields' values with their counts: what the viewer filters and colours by."""
    from analytics_maestro.analytics.facets import facets as facets_of

    graph = visible(graph_id)
    run = _published(graph)
    view = read_product(_artifacts(), graph.id, run, "view")
    return dump(Facets, msgspec.to_builtins(facets_of(view, system_names(_artifacts(), graph.id, run))))


class ImpactQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    app: Id | None = Field(None, description="the application whose dependents are asked for")
    server: Id | None = Field(None, description="or the server (id or hostname): what it runs and what depends on that")

    @model_validator(mode="after")
    def one_of(self) -> ImpactQuery:
        if (self.app is None) == (self.server is None):
            raise ValueError("give exactly one of app or server")
        return self


class Dependent(BaseModel):
    id: str
    hops: int


class ImpactOut(BaseModel):
    id: str
    dependents: list[Dependent] = Field(description="fewest hops first; a server's own applications at 0 hops")
    entries: list[str]
    systems: dict[str, int] = Field(description="the applications reached (the failed one included), per system")
    clients: dict[str, int] = Field(description="the same per client, through their systems")


@operation(bp, "GET", "/<graph_id>/impact", "What depends on an application or a server", query=ImpactQuery,
           responses={200: ImpactOut}, errors=(404, 409))  # fmt: skip
def impact(graph_id, query: ImpactQuery):
    """Every application of the graph's published run that depends on `app`, directly or not, with
    its fewest hops to it — or, for `server`, the applications it runs and everything that depends
    on them; the entries among them; and how many per system and per client. 404 when `app` is not
    in the graph, or `server` runs nothing in it."""
    from analytics_maestro.analytics.insights import blast_radius, reached_by, server_radius

    graph = visible(graph_id)
    run, artifacts = _published(graph), _artifacts()
    applications = read_product(artifacts, graph.id, run, "applications")
    nodes = {node.id: node for node in applications.nodes}
    if query.app is not None:
        if query.app not in nodes:
            raise ApiError(404, "not_found", f"app: {query.app!r} is not an application of this graph")
        found, failed = blast_radius(applications, query.app), [query.app]
    else:
        hosted = _hosted(graph, run, query.server)
        if not hosted:
            raise ApiError(404, "not_found", f"server: {query.server!r} runs no application of this graph")
        found, failed = server_radius(applications, query.server, hosted), []
    reached = [*failed, *(r.id for r in found.dependents)]
    with _engine().connect() as connection:
        systems_of = SqlInventory(connection).systems(
            graph.request, sorted({s for i in reached for s in nodes[i].systems})
        )
    systems, clients = reached_by(nodes, reached, {s.id: s.clients for s in systems_of})
    return dump(ImpactOut, {
        "id": found.id, "dependents": [{"id": r.id, "hops": r.count} for r in found.dependents],
        "entries": list(found.entries), "systems": systems, "clients": clients,
    })  # fmt: skip


def _hosted(graph: records.GraphRecord, run: int, server: str) -> list[str]:
    """The applications of a published run that `server` (id or hostname) runs: from the
    servers drawn beside them, or in the infrastructure view from the server's own node."""
    artifacts = _artifacts()
    if graph.type == "infra":
        view = read_product(artifacts, graph.id, run, "view")
        return sorted({h for n in view.nodes if server in (n.id, n.name) for h in n.hosts})
    by_app = artifacts.read_json(graph.id, run, PRODUCTS["servers"].file)
    return sorted(app for app, group in by_app.items() if any(server in (s["id"], s.get("hostname")) for s in group))


class DiffQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: int | None = Field(
        None, alias="from", ge=1, description="the run to compare with (default: the run published before this one)"
    )
    style: Literal["iso", "flat"] = Field("iso", description="the style whose page the ghosts' outlines are in")


class FieldChangeOut(BaseModel):
    field: str
    old: str | list[str] | None
    new: str | list[str] | None


class ChangedOut(BaseModel):
    id: str
    fields: list[FieldChangeOut]


class DependencyOut(BaseModel):
    source: str
    target: str
    endpoints: list[str]


class ChangedDependencyOut(BaseModel):
    source: str
    target: str
    old: list[str] = Field(description="endpoints before")
    new: list[str] = Field(description="endpoints now")


class GhostOut(BaseModel):
    id: str
    name: str
    family: str
    points: list[tuple[float, float]] = Field(description="its outline where the earlier run drew it, on the page")


class ChangesOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: int | None = Field(alias="from", description="the run compared with; null: none before this one")
    to: int
    added: list[str]
    removed: list[str]
    changed: list[ChangedOut]
    added_dependencies: list[DependencyOut]
    removed_dependencies: list[DependencyOut]
    changed_dependencies: list[ChangedDependencyOut]
    moved: list[str]
    counts: dict[str, int]
    ghosts: list[GhostOut] = Field(description="the removed applications, to draw where they were")


@operation(bp, "GET", "/<graph_id>/diff", "What changed since an earlier run", query=DiffQuery,
           responses={200: ChangesOut}, errors=(404, 409))  # fmt: skip
def diff(graph_id, query: DiffQuery):
    """Applications and dependencies added, removed or changed (family, endpoint, servers …) from
    run `from` (by default the run published before) to the published run, and the removed ones'
    outlines where that run drew them. Positions of what did not change are kept from run to run,
    so the ghosts stand where the applications were. 404 when run `from` has no diagram."""
    from analytics_maestro.pipeline.stages import changes_of
    from analytics_maestro.render.exports import outline

    graph = visible(graph_id)
    run, artifacts = _published(graph), _artifacts()
    if query.from_ is None:
        try:
            found = read_product(artifacts, graph.id, run, "changes")
        except FileNotFoundError:  # published before changes were kept
            found = changes_of(artifacts, graph.id, None, run)
    else:
        if query.from_ > graph.run:
            raise ApiError(404, "not_found", f"from: run {query.from_} does not exist (the last is {graph.run})")
        try:
            found = changes_of(artifacts, graph.id, query.from_, run)
        except FileNotFoundError:
            raise ApiError(404, "not_found", f"from: run {query.from_} has no diagram") from None
    ghosts = []
    if found["removed"]:
        earlier = found["from"]
        cells = {c.id: c for c in read_product(artifacts, graph.id, earlier, "layout").cells}
        nodes = {n.id: n for n in read_product(artifacts, graph.id, earlier, "view").nodes}
        ghosts = [
            {"id": i, "name": nodes[i].name or i, "family": nodes[i].family, "points": outline(cells[i], query.style)}
            for i in found["removed"] if i in cells and i in nodes
        ]  # fmt: skip
    return dump(ChangesOut, {**found, "ghosts": ghosts})


@operation(bp, "GET", "/<graph_id>/stats.json", "The statistics", query=FileQuery, responses={200: "application/json"},
           errors=(409,))  # fmt: skip
def stats_json(graph_id, query: FileQuery):
    """Histogram per depth, density, connections, families, systems, servers, clients; `maestro`
    holds the same under Maestro's names."""
    graph = visible(graph_id)
    if graph.stats is None:
        raise ApiError(409, "not_ready", f"the graph has no statistics yet (status: {graph.status})")
    data = json.dumps(graph.stats, sort_keys=True).encode()
    return _file(data, "application/json", graph, ".stats.json", query.download)


def _state(graph: records.GraphRecord) -> dict:
    return {"graph": graph.id, "run": graph.run, "status": graph.status, "stage": graph.stage,
            "percent": graph.percent, "message": graph.message}  # fmt: skip


def _changes(graph_id: str) -> Iterator[str]:
    """Server-sent events: the graph's state each time it changes, until its run ends (then `end`)
    or the slice is over (the browser comes back). The store is the truth (it works whatever
    process runs the graph); in-process events only wake us sooner. Beyond the cap of streams, the
    state once, and the browser asked back later."""
    engine = _engine()
    if not _streaming.acquire(blocking=False):
        try:
            graph = records.get(engine, graph_id)
        except records.GraphNotFound:
            yield "event: deleted\ndata: {}\n\n"
            return
        ended = graph.status in records.ENDED
        yield f"retry: {RETRY_MS}\nevent: {'end' if ended else 'progress'}\ndata: {json.dumps(_state(graph))}\n\n"
        return
    try:
        yield f"retry: {RECONNECT_MS}\n\n"
        yield from _streamed(engine, graph_id)
    finally:
        _streaming.release()


def _streamed(engine, graph_id: str) -> Iterator[str]:
    events = current_app.extensions["maestro.runner"].events  # the local runner's queues, or Redis
    try:
        inbox = events.subscribe(graph_id)
    except Exception:  # Redis away: the store alone still tells
        inbox = None
    last, quiet, started = None, time.monotonic(), time.monotonic()
    try:
        slice_seconds = current_app.config["MAESTRO_SETTINGS"].stream_slice
        while time.monotonic() - started < slice_seconds:
            try:
                graph = records.get(engine, graph_id)
            except records.GraphNotFound:
                yield "event: deleted\ndata: {}\n\n"
                return
            state = _state(graph)
            if state != last:
                last, quiet = state, time.monotonic()
                ended = graph.status in records.ENDED
                yield f"event: {'end' if ended else 'progress'}\ndata: {json.dumps(state)}\n\n"
                if ended:
                    return
            elif time.monotonic() - quiet > KEEPALIVE:
                quiet = time.monotonic()
                yield ": keep-alive\n\n"
            if inbox is None:
                time.sleep(0.3)
                continue
            try:
                inbox.get(timeout=0.5)
            except queue.Empty:  # no event: look at the store anyway
                pass
            except Exception:  # the event channel broke: go on with the store alone
                log.warning("progress events of graph %s: channel lost", graph_id, exc_info=True)
                inbox = None
    finally:
        if inbox is not None:
            with contextlib.suppress(Exception):
                events.unsubscribe(graph_id, inbox)


@operation(bp, "GET", "/<graph_id>/events", "Progress as server-sent events", responses={200: "text/event-stream"})
def events(graph_id):
    """`progress` events (status, stage, percent) while the run goes on, then one `end` event with
    the final status and message; a graph that has ended already gives its `end` event at once."""
    visible(graph_id)
    response = Response(stream_with_context(_changes(graph_id)), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@operation(bp, "POST", "/<graph_id>/links", "Create a public link", body=LinkCreate,
           responses={201: PublicLinkCreated})  # fmt: skip
def create_link(graph_id, body: LinkCreate):
    """Needs the admin role on the graph's owner. The token is shown once; only its hash is kept."""
    graph = visible(graph_id, ADMIN)
    link, token = links.create(_engine(), graph.id, current_user().id, body.expires_in)
    url = request.host_url.rstrip("/") + f"/public/{token}"
    return dump(PublicLinkCreated, {**link.to_json(), "token": token, "url": url}, 201)


@operation(bp, "GET", "/<graph_id>/links", "List public links", responses={200: PublicLinkList})
def list_links(graph_id):
    graph = visible(graph_id, ADMIN)
    return dump(PublicLinkList, {"items": [link.to_json() for link in links.list_links(_engine(), graph.id)]})


@operation(bp, "DELETE", "/<graph_id>/links/<link_id>", "Revoke a public link", responses={204: None})
def revoke_link(graph_id, link_id):
    graph = visible(graph_id, ADMIN)
    if not links.revoke(_engine(), graph.id, link_id):
        raise not_found(f"public link {link_id!r}")
    return "", 204


def shared_graph(token: str) -> records.GraphRecord:
    """The graph of a live public link; 404 for an unknown, revoked or expired one."""
    graph = links.shared(_engine(), token)
    if graph is None:
        raise not_found("public link")
    return graph


SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@operation(public, "GET", "/public/<token>.svg", "A shared diagram", auth="public", query=DiagramQuery,
           responses={200: "image/svg+xml"}, errors=(409,))  # fmt: skip
def public_svg(token, query: DiagramQuery):
    """The diagram of a public link, and nothing else; 404 once revoked or expired."""
    graph = shared_graph(token)
    data, _ = _drawn(diagram_of, graph, query)
    response = Response(data, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
