"""The Data App as the stages' inventory (a `Catalogue`), in Maestro mode: the same entry rules,
lookup and enrichment as over our own store, asked of Maestro's records over HTTP.

    entry        POST /systems      {roles._id: owner, active: true[, _id: [...]]}
                 POST /applications {roles._id: owner, active: true, _id | system._id: [...]}
    graphlookup  POST /aggregate    $match the entries, then $graphLookup over deps._id -> _id
    enrichment   POST /servers      {roles._id: owner, active: true, applications._id: [...]}
    clients      POST /systems      by _id, reading their clients

Every question is limited to the owner's active records, on every hop of the lookup too
(`restrictSearchWithMatch`): a dependency on another owner's application, or on an inactive one,
is reported missing and never drawn. The lookup asks for one level past the depth limit, so that a
diagram cut by it says so, and the applications it returns are walked by the in-memory lookup,
which gives them their depths, edges and missing dependencies exactly as for our own store.

Maestro's records are free-form documents: a field of an unexpected type is left out (an unknown
family or size is drawn as the default one), never a failed run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from analytics_maestro.domain import DEFAULT_FAMILY, DEFAULT_SIZE, FAMILIES, SIZES, GraphRequest, Subgraph
from analytics_maestro.inventory import structs
from analytics_maestro.inventory.entry import AppRef, Entries, SystemRef
from analytics_maestro.inventory.memory import MemoryInventory
from analytics_maestro.maestro.services import Services
from analytics_maestro.model import Server

CHUNK = 1000  # ids per question: a list of ObjectIds stays a small body
# what the lookup keeps of each application (the original's projection, with `provider` and `active`)
FIELDS = ("_id", "name", "family", "environment", "cluster", "language", "provider", "servers", "system",
          "datacenters", "size", "deps._id", "deps.endpoint")  # fmt: skip


class DataAppCatalogue:
    def __init__(self, services: Services):
        self.services = services

    @staticmethod
    def _mine(request: GraphRequest, **more: Any) -> dict[str, Any]:
        return {"roles._id": request.owner, "active": True, **more}

    def _records(self, entity: str, request: GraphRequest, field: str, ids: Iterable[str]) -> list[dict]:
        wanted = sorted(set(ids))
        found: list[dict] = []
        for start in range(0, len(wanted), CHUNK):
            found += self.services.records(entity, self._mine(request, **{field: wanted[start : start + CHUNK]}))
        return found

    def applications(self, request: GraphRequest, ids: Sequence[str]) -> list[AppRef]:
        return _refs(self._records("applications", request, "_id", ids))

    def members(self, request: GraphRequest, system: str) -> list[AppRef]:
        return _refs(self._records("applications", request, "system._id", [system]))

    def systems(self, request: GraphRequest, ids: Sequence[str] | None) -> list[SystemRef]:
        found = (
            list(self.services.records("systems", self._mine(request)))
            if ids is None
            else self._records("systems", request, "_id", ids)
        )
        out = {}
        for doc in found:
            ident = _id(doc.get("_id"))
            if ident:
                out[ident] = SystemRef(
                    ident, _ids(doc.get("entry")), _ids(doc.get("clients")), _text(doc.get("name")) or ""
                )
        return [out[k] for k in sorted(out)]

    def servers(self, request: GraphRequest, app_ids: Sequence[str]) -> dict[str, tuple[Server, ...]]:
        """enrichment: each application's active servers of the owner, by server id."""
        wanted = set(app_ids)
        found: dict[str, dict[str, Server]] = {}
        for doc in self._records("servers", request, "applications._id", wanted):
            server = _server(doc)
            if server is None:
                continue
            for app in _ids(doc.get("applications")):
                if app in wanted:
                    found.setdefault(app, {})[server.id] = server
        return {app: tuple(by_id[k] for k in sorted(by_id)) for app, by_id in sorted(found.items())}

    def graphlookup(self, request: GraphRequest, entries: Entries, max_depth: int) -> Subgraph:
        if not entries.ids:
            return Subgraph(entries=(), nodes=(), edges=(), missing=(), truncated=False)
        pipeline: list[dict] = [{"$match": self._mine(request, _id={"$in": list(entries.ids)})}]
        project = {field: 1 for field in FIELDS}
        if max_depth > 0:
            pipeline.append({"$graphLookup": {
                "from": "applications", "startWith": "$deps._id", "connectFromField": "deps._id",
                "connectToField": "_id", "as": "nodes", "depthField": "steps",
                # one level past the limit (its first level is depth 0): a cut diagram says it was cut
                "maxDepth": max_depth, "restrictSearchWithMatch": self._mine(request),
            }})  # fmt: skip
            project |= {f"nodes.{field}": 1 for field in FIELDS if field != "_id"} | {"nodes._id": 1}
        pipeline.append({"$project": project})
        documents: dict[str, dict] = {}
        for item in self.services.aggregate("applications", pipeline):
            for doc in [item, *(n for n in item.get("nodes") or () if isinstance(n, dict))]:
                ident = _id(doc.get("_id"))
                if ident and ident not in documents:
                    documents[ident] = doc
        apps = [_application(ident, doc, request.owner) for ident, doc in sorted(documents.items())]
        known = {app.id for app in apps}
        found = Entries(tuple(e for e in entries.ids if e in known), (), entries.guessed, entries.problems)
        inventory = MemoryInventory(structs.Inventory(applications=tuple(apps)), request.owner)
        return inventory.graphlookup(GraphRequest(owner=request.owner), found, max_depth)


def _id(value: Any) -> str | None:
    """A record's id as Maestro's JSON writes it: a string, or `{"$oid": ...}` from a BSON dump."""
    if isinstance(value, dict):
        value = value.get("$oid")
    return value if isinstance(value, str) and 0 < len(value) <= 200 else None


def _ids(value: Any) -> tuple[str, ...]:
    """The ids of a list of references (`[{_id, name}, ...]`, or ids)."""
    if not isinstance(value, list):
        return ()
    found = (_id(item.get("_id") if isinstance(item, dict) else item) for item in value)
    return tuple(dict.fromkeys(i for i in found if i))


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text[:1000] or None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else None


def _refs(docs: Iterable[dict]) -> list[AppRef]:
    refs = {}
    for doc in docs:
        ident = _id(doc.get("_id"))
        if ident:
            refs[ident] = _family(doc)
    return [AppRef(ident, pk, refs[ident]) for pk, ident in enumerate(sorted(refs))]


def _family(doc: dict) -> str:
    family = doc.get("family")
    return family if family in FAMILIES else DEFAULT_FAMILY


def _datacenter(doc: dict) -> dict[str, str]:
    dc = doc.get("datacenters")
    dc = dc[0] if isinstance(dc, list) and dc else dc
    if not isinstance(dc, dict):
        return {}
    return {key: text for key in ("provider", "region", "zone", "name") if (text := _text(dc.get(key)))}


def _application(ident: str, doc: dict, owner: str) -> structs.Application:
    deps = {}
    for dep in doc.get("deps") or ():
        target = _id(dep.get("_id")) if isinstance(dep, dict) else None
        if target and target not in deps:
            deps[target] = structs.Dependency(id=target, endpoint=_text(dep.get("endpoint")))
    size = doc.get("size")
    return structs.Application(
        id=ident, owner=owner, name=_text(doc.get("name")) or "", family=_family(doc),
        size=size if size in SIZES else DEFAULT_SIZE, environment=_text(doc.get("environment")),
        provider=_text(doc.get("provider")) or _datacenter(doc).get("provider"), language=_text(doc.get("language")),
        cluster=_text(doc.get("cluster")), systems=_ids(doc.get("system")), deps=tuple(deps.values()),
    )  # fmt: skip


def _server(doc: dict) -> Server | None:
    ident = _id(doc.get("_id"))
    if not ident:
        return None
    fields: dict[str, Any] = {"id": ident, "hostname": _text(doc.get("hostname")) or ""}
    for key in ("ipv4_private", "ipv4_public", "environment", "role"):
        if text := _text(doc.get(key)):
            fields[key] = text
    for key in ("cpu", "memory"):
        if (number := _number(doc.get(key))) is not None:
            fields[key] = number
    os = doc.get("os")
    if isinstance(os, dict) and (parts := {k: t for k in ("base", "dist", "version") if (t := _text(os.get(k)))}):
        fields["os"] = parts
    if dc := _datacenter(doc):
        fields["datacenter"] = dc
    return Server.model_validate(fields)
