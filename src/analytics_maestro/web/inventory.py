"""Inventory routes: one blueprint per kind of record (applications, systems, clients, servers), and bulk import.

Writes go through the importer, so a record written here is stored exactly as the same record in
an imported file, with the same validation: unknown family or size fall back with a warning.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from flask import Blueprint, current_app, request
from pydantic import BaseModel, ConfigDict, Field, create_model

from analytics_maestro.inventory import crud, schema
from analytics_maestro.inventory.importer import write_inventory
from analytics_maestro.inventory.problems import InventoryError, Problem
from analytics_maestro.inventory.sources import KINDS, read_source
from analytics_maestro.inventory.validate import validate, validate_record
from analytics_maestro.model import Application, Client, Id, Inventory, Record, Server, System, Text
from analytics_maestro.web.api import (
    YAML_MEDIA,
    ApiError,
    body_document,
    current_user,
    dump,
    json_body,
    not_found,
    operation,
)
from analytics_maestro.web.owners import ADMIN, MAX_OFFSET, READ, WRITE, OwnerQuery, owner_of, require_in, require_on


class Warning_(BaseModel):
    field: str
    message: str


class Page(BaseModel):
    total: int
    limit: int
    offset: int


class Link(BaseModel):
    id: str
    name: str | None = None
    endpoint: str | None = None
    found: bool = True


class Dependencies(BaseModel):
    id: str
    dependencies: list[Link]
    dependents: list[Link]


class ImportReport(BaseModel):
    owner: str
    created: dict[str, int]
    updated: dict[str, int]
    removed: dict[str, int] = Field(default_factory=dict, description="with prune: what the source no longer holds")
    source: str | None = Field(None, description="the other tool's files imported (`?from=`)")
    changes: dict[str, Any] | None = Field(None, description="since the source's last import: applications and "
                                           "dependencies added, removed, changed, and their counts")  # fmt: skip
    warnings: list[Warning_]


class ImportOut(BaseModel):
    source: str
    created_at: float
    report: dict[str, Any] = Field(description="counts, changes, and what was created, updated and removed")


class ImportList(BaseModel):
    items: list[ImportOut]


def _engine():
    return current_app.extensions["maestro.store"]


def _warnings(problems: list[Problem]) -> list[dict]:
    return [{"field": p.path, "message": p.message} for p in problems]


def _list_query(kind: crud.Kind) -> type[BaseModel]:
    extra: dict[str, Any] = {name: (str | None, None) for name in kind.filters}
    if kind.name == "applications":
        extra["system"] = (Id | None, Field(None, description="members of this system"))
    if kind.name == "servers":
        extra["application"] = (Id | None, Field(None, description="the servers this application runs on"))
    return create_model(  # type: ignore[call-overload]
        f"{kind.model.__name__}ListQuery",
        __base__=OwnerQuery,
        q=(str | None, Field(None, max_length=200, description="part of the id or name, any case")),
        active=(bool | None, None),
        limit=(int, Field(50, ge=1, le=500)),
        offset=(int, Field(0, ge=0, le=MAX_OFFSET)),
        **extra,
    )


def _write(kind: crud.Kind, owner: str, record: Record) -> None:
    write_inventory(_engine(), Inventory(**{kind.name: (record,)}), owner, analyze=False)


def _record_from(kind: crud.Kind, body: Any, owner: str, path_id: str | None = None):
    if isinstance(body, dict):
        if path_id is not None:
            body = {"id": path_id, **body}
            if body["id"] != path_id:
                raise InventoryError([Problem("id", f"{body['id']!r} differs from the id in the path, {path_id!r}")])
        if body.get("owner") not in (None, owner):
            raise InventoryError([Problem("owner", f"{body['owner']!r} differs from the request's owner {owner!r}")])
    return validate_record(kind.name, body)


def record_blueprint(kind: crud.Kind) -> Blueprint:
    bp = Blueprint(kind.name, __name__, url_prefix=f"/{kind.name}")
    model, singular = kind.model, kind.name.removesuffix("s")
    a = "an" if singular[0] in "aeiou" else "a"
    page_model = create_model(f"{model.__name__}Page", __base__=Page, items=(list[model], ...))  # type: ignore
    written = create_model(f"{model.__name__}Written", record=(model, ...), warnings=(list[Warning_], []))  # type: ignore
    list_query = _list_query(kind)

    def what(ident: str) -> str:
        return f"{singular} {ident!r}"

    def found(owner: str, ident: str) -> Record:
        with _engine().connect() as connection:
            record = crud.get_record(connection, kind, owner, ident)
        if record is None:
            raise not_found(what(ident))
        return record

    @operation(bp, "GET", "", f"List {kind.name}", query=list_query, responses={200: page_model})
    def list_(query):
        """One page of the owner's records that you may read, in id order; filters combine."""
        equal = {name: getattr(query, name) for name in kind.filters if getattr(query, name) is not None}
        with _engine().connect() as connection:
            page = crud.list_records(
                connection, kind, owner_of(query), current_user().principals, q=query.q, equal=equal,
                system=getattr(query, "system", None), application=getattr(query, "application", None),
                active=query.active, limit=query.limit, offset=query.offset,
            )  # fmt: skip
        return dump(page_model, {"items": page.items, "total": page.total, "limit": query.limit,
                                 "offset": query.offset})  # fmt: skip

    @operation(bp, "POST", "", f"Create {a} {singular}", query=OwnerQuery, body=model, raw_body=True,
               responses={201: written}, errors=(409,))  # fmt: skip
    def create(query):
        owner = owner_of(query)
        require_in(owner, WRITE)
        record, warnings = _record_from(kind, json_body(), owner)
        with _engine().connect() as connection:
            if crud.get_record(connection, kind, owner, record.id) is not None:
                raise ApiError(409, "conflict", f"{what(record.id)} exists already; PUT replaces it")
        _write(kind, owner, record)
        return dump(written, {"record": found(owner, record.id), "warnings": _warnings(warnings)}, 201)

    @operation(bp, "GET", "/<path:ident>", f"Get {a} {singular}", query=OwnerQuery, responses={200: model})
    def get(ident, query):
        owner = owner_of(query)
        record = found(owner, ident)
        require_on(what(ident), owner, record.roles, READ)
        return dump(model, record)

    @operation(bp, "PUT", "/<path:ident>", f"Create or replace {a} {singular}", query=OwnerQuery, body=model,
               raw_body=True, responses={200: written, 201: written})  # fmt: skip
    def put(ident, query):
        """Replaces the whole record, its lists included (as a re-import of it would)."""
        owner = owner_of(query)
        with _engine().connect() as connection:
            existing = crud.get_record(connection, kind, owner, ident)
        if existing is None:
            require_in(owner, WRITE)
        else:
            require_on(what(ident), owner, existing.roles, WRITE)
        record, warnings = _record_from(kind, json_body(), owner, ident)
        _write(kind, owner, record)
        return dump(written, {"record": found(owner, ident), "warnings": _warnings(warnings)},
                    201 if existing is None else 200)  # fmt: skip

    @operation(bp, "DELETE", "/<path:ident>", f"Delete {a} {singular}", query=OwnerQuery, responses={204: None})
    def delete(ident, query):
        """Needs the admin role on the record. Dependencies on it remain, drawn as missing."""
        owner = owner_of(query)
        require_on(what(ident), owner, found(owner, ident).roles, ADMIN)
        with _engine().begin() as connection:
            crud.delete_record(connection, kind, owner, ident)
        return "", 204

    if kind.name == "applications":

        @operation(bp, "GET", "/<path:ident>/dependencies", "Dependencies and dependents of an application",
                   query=OwnerQuery, responses={200: Dependencies})  # fmt: skip
        def dependencies(ident, query):
            """What the application calls (`found` is false for a target you cannot read or that is not
            in the inventory) and the applications that call it."""
            owner, readers = owner_of(query), current_user().principals
            app = found(owner, ident)
            require_on(what(ident), owner, app.roles, READ)
            links = []
            with _engine().connect() as connection:
                for dep in app.deps:
                    target = crud.get_record(connection, kind, owner, dep.id)
                    ok = target is not None and crud.readable(target, readers)
                    links.append({"id": dep.id, "endpoint": dep.endpoint, "name": target.name if ok else None,
                                  "found": ok})  # fmt: skip
                callers = crud.dependents(connection, owner, ident, readers)
            return dump(Dependencies, {"id": ident, "dependencies": links, "dependents": callers})

    return bp


BLUEPRINTS = [record_blueprint(kind) for kind in crud.KINDS.values()]

bulk = Blueprint("inventory", __name__)


class InventoryBody(BaseModel):
    """An inventory document, as in a file (JSON, or YAML with Content-Type application/yaml)."""

    model_config = ConfigDict(extra="allow")

    clients: list[Client] = []
    systems: list[System] = []
    applications: list[Application] = []
    servers: list[Server] = []


def _document() -> Any:
    if not request.is_json and request.mimetype not in YAML_MEDIA:
        raise ApiError(415, "unsupported_media_type", "send the inventory as application/json or application/yaml")
    data = body_document(yaml_too=True)
    if data is None:
        raise ApiError(400, "invalid_request", "the body is empty")
    return data


class ImportQuery(OwnerQuery):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: Literal[KINDS] | None = Field(  # type: ignore[valid-type]
        None, alias="from",
        description="the body is a file of another tool: docker-compose, Kubernetes manifests, a Backstage catalog, "
        "Jaeger's dependencies, OTLP/JSON traces",
    )  # fmt: skip
    source: Text | None = Field(
        None, min_length=1, description="what to call the files imported (default: KIND:upload)"
    )
    prune: bool = Field(
        False, description="remove what an earlier import of the same source held and this one does not"
    )


@operation(bulk, "POST", "/inventory", "Import an inventory file", query=ImportQuery, body=InventoryBody,
           raw_body=True, body_media=("application/json", "application/yaml"),
           responses={200: ImportReport})  # fmt: skip
def import_inventory(query):
    """The same validation as the command line's `import`: every problem at once, each with its path;
    with any error nothing is written (400, warnings listed too); otherwise records are upserted.
    `?from=compose|kubernetes|backstage|jaeger|otlp` reads the body as that tool's file."""
    owner = owner_of(query)
    require_in(owner, WRITE)
    if query.from_ is None:
        report = validate(_document())
    else:
        name = "body.json" if request.is_json else "body.yaml"
        try:
            report = read_source(query.from_, [(name, request.get_data())], follow=False)
        except InventoryError as exc:
            details = [{"field": p.path, "message": p.message, "level": "error"} for p in exc.problems]
            raise ApiError(400, "invalid_inventory", "; ".join(map(str, exc.problems[:3])), details) from None
    if not report.ok:
        details = [{"field": p.path, "message": p.message, "level": "error"} for p in report.errors]
        details += [{"field": p.path, "message": p.message, "level": "warning"} for p in report.warnings]
        raise ApiError(400, "invalid_inventory", f"{len(report.errors)} error(s); nothing was imported", details)
    source = (query.source or f"{query.from_}:upload") if query.from_ else None
    summary = write_inventory(_engine(), report.inventory, owner, source=source, prune=bool(source and query.prune))
    changes = summary.changes.as_json() if summary.changes else None
    return dump(ImportReport, {"owner": owner, "created": summary.created, "updated": summary.updated,
                               "removed": summary.removed, "source": source, "changes": changes,
                               "warnings": _warnings(report.warnings)})  # fmt: skip


@operation(bulk, "GET", "/inventory/imports", "Recent imports from other tools", query=OwnerQuery,
           responses={200: ImportList})  # fmt: skip
def imports(query):
    """The last 20 imports of other tools' files for the owner, newest first, each with what it
    changed since the one before of the same source."""
    owner = owner_of(query)
    require_in(owner, READ)
    table = schema.imports
    with _engine().connect() as connection:
        rows = connection.execute(
            sa.select(table).where(table.c.owner_id == owner).order_by(table.c.pk.desc()).limit(20)
        ).all()
    return dump(ImportList, {"items": [{"source": r.source, "created_at": r.created_at, "report": r.report}
                                       for r in rows]})  # fmt: skip
