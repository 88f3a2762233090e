"""Maestro Server's contract: `POST /graph` under the private scheme, statistics under the original names.

Maestro's server-app asks for a diagram with `{_id, owner_id, type, clients, systems, apps}` (the
lists of `{_id, ...}` references; JSON, or form-encoded) and `Authorization: JWT <token>`, the
token signed with MAESTRO_SECRETJWT_PRIVATE and carrying the claim `noauth` equal to MAESTRO_NOAUTH.
As in the original, the first of clients, systems and apps that is not empty is the selection, and
none at all means every active system of the owner. The graph is drawn as `owner_id` sees its
inventory: in Maestro mode the Data App's, else our own store's. Asking again for an `_id` that
exists re-runs it, as Maestro does when a user presses "refresh".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Blueprint, current_app
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from analytics_maestro.domain import GraphRequest
from analytics_maestro.model import Id
from analytics_maestro.pipeline import records
from analytics_maestro.web.api import FORM, ApiError, dump, not_found, operation
from analytics_maestro.web.graphs import submit

bp = Blueprint("maestro", __name__)


def _ids(value: Any) -> Any:
    """Maestro sends ids, or objects holding one (`{"_id": ...}`); a form field given once, one."""
    if isinstance(value, str | dict):
        value = [value]
    if isinstance(value, list):
        return [item.get("_id", item.get("id")) if isinstance(item, dict) else item for item in value]
    return value


Ids = Annotated[list[Id], BeforeValidator(_ids), Field(max_length=1000)]


class MaestroGraph(BaseModel):
    """The first of `clients`, `systems` and `apps` that is not empty names the entry points; none
    of them, every active system of the owner."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id", pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the graph's id in Maestro")
    owner_id: Id
    name: str = Field("", max_length=1000)
    type: Literal["bussiness", "infra"] = "bussiness"
    systems: Ids = Field(default_factory=list)
    clients: Ids = Field(default_factory=list)
    apps: Ids = Field(default_factory=list)

    def selection(self) -> dict[str, Any]:
        """The request's entry points as `GraphRequest` takes them, by the original's precedence."""
        for name in ("clients", "systems", "apps"):
            if getattr(self, name):
                return {name: tuple(getattr(self, name))}
        return {"all_systems": True}


class Accepted(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(serialization_alias="_id")
    run: int
    run_id: str
    status: str


class MaestroInfo(BaseModel):
    histograms: dict[str, int]
    density: str
    conections: int


class MaestroTotal(BaseModel):
    total: int


class MaestroCount(MaestroTotal):
    items: Any


class MaestroStatus(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(serialization_alias="_id")
    owner_id: str
    status: str
    msg: str | None
    percent: int
    info: MaestroInfo | None = None
    isystems: MaestroCount | None = None
    ifamilies: MaestroCount | None = None
    iservers: MaestroTotal | None = None
    iclients: MaestroCount | None = None


@operation(bp, "POST", "/graph", "Maestro: draw a graph", auth="private", body=MaestroGraph,
           body_media=("application/json", FORM), responses={201: Accepted}, errors=(409, 501))  # fmt: skip
def create(body: MaestroGraph):
    """Queues a run of the graph `_id` (created on first request, re-run afterwards); 201 with the
    run id. When the run cannot be queued: 501, as the original answered (and, in Maestro mode, the
    Data App is told the graph's status is `error`)."""
    engine = current_app.extensions["maestro.store"]
    request_ = GraphRequest(owner=body.owner_id, **body.selection())
    try:
        existing = records.get(engine, body.id)
    except records.GraphNotFound:
        records.create(engine, request_, body.name, body.type, graph_id=body.id)
        run, undo = 1, lambda: records.delete(engine, body.id)
    else:
        if existing.owner != body.owner_id:
            raise ApiError(409, "conflict", f"graph {body.id!r} belongs to another owner")
        if existing.request != request_ or existing.type != body.type:
            records.delete(engine, body.id)
            current_app.extensions["maestro.artifacts"].remove(body.id)
            records.create(engine, request_, body.name or existing.name, body.type, graph_id=body.id)
            run, undo = 1, lambda: records.delete(engine, body.id)
        else:
            run = records.rerun(engine, body.id)
            undo = lambda: records.restore(engine, existing)  # noqa: E731
    try:
        submit(body.id, run, undo)
    except ApiError as exc:
        services = current_app.extensions.get("maestro.services")
        if services is not None:
            from analytics_maestro.maestro import report

            report.failed(services, body.id, body.owner_id, f"[queue] {exc.message}")
        raise ApiError(501, "not_queued", exc.message) from None
    return dump(Accepted, {"id": body.id, "run": run, "run_id": f"{body.id}:{run}", "status": "queued"}, 201)


@operation(bp, "GET", "/graph/<graph_id>", "Maestro: a graph's status and statistics", auth="private",
           responses={200: MaestroStatus})  # fmt: skip
def status(graph_id):
    """Status, message and, once ended, the statistics under Maestro's names (`info.histograms`,
    `info.density`, `info.conections`, `isystems`, `ifamilies`, `iservers`, `iclients`)."""
    engine = current_app.extensions["maestro.store"]
    try:
        graph = records.get(engine, graph_id)
    except records.GraphNotFound:
        raise not_found(f"graph {graph_id!r}") from None
    names = (graph.stats or {}).get("maestro", {})
    return dump(MaestroStatus, {"id": graph.id, "owner_id": graph.owner, "status": graph.status,
                                "msg": graph.message, "percent": graph.percent, **names})  # fmt: skip
