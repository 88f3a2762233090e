"""Maestro Server's side, as a graph run in Maestro mode meets it, written from its contract: the
Data App (lists paged 200 at a time, the owner's filter, `$match` and `$graphLookup`, graphs
written by `PUT /graphs`), the Analytics Front (`POST /graphs`, form-encoded) and the websocket
service (Centrifugo's `POST /api`), each checking the credentials Maestro's services check.

One real HTTP server (werkzeug) on a free port serves all three under `/data`, `/front` and `/ws`;
every call is recorded (method, path, headers, body) for the tests to read, and a test can queue
faults per path: a status to answer, or a delay longer than the caller waits.

    stub = MaestroStub(secret, noauth, ws_secret).start()
    stub.load(documents)          # {"applications": [...], "systems": [...], "servers": [...]}
    stub.fail("/data/aggregate", 500, 500)
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

PAGE = 200  # the Data App's own default (MAESTRO_SCAN_QTD)


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    claims: dict | None = None
    at: float = field(default_factory=time.monotonic)  # when it arrived
    took: float = 0.0  # seconds the stub took to answer it


def object_id(*parts: str) -> str:
    """A 24-hex id, as MongoDB names records, made from `parts` (stable across runs)."""
    return hashlib.sha1("/".join(parts).encode()).hexdigest()[:24]


def values_at(doc: Any, path: str) -> list:
    """The values at a dotted path, through lists, as MongoDB reads `roles._id` or `deps._id`."""
    current = [doc]
    for part in path.split("."):
        found = []
        for item in current:
            items = item if isinstance(item, list) else [item]
            found += [i[part] for i in items if isinstance(i, dict) and part in i]
        current = found
    out = []
    for value in current:
        out += value if isinstance(value, list) else [value]
    return out


def matches(doc: dict, query: dict) -> bool:
    """MongoDB's equality and `$in` on dotted paths; a list stands for `$in`, as the Data App
    translates lists before asking MongoDB (`FilterAPI`)."""
    for key, condition in query.items():
        present = values_at(doc, key)
        if isinstance(condition, dict) and "$in" in condition:
            condition = condition["$in"]
        if isinstance(condition, list):
            if not any(v in condition for v in present):
                return False
        elif condition not in present:
            return False
    return True


class MaestroStub:
    def __init__(self, secret: str, noauth: str, ws_secret: str, scan: int = PAGE):
        self.secret, self.noauth, self.ws_secret, self.scan = secret, noauth, ws_secret, scan
        self.collections: dict[str, list[dict]] = {"applications": [], "systems": [], "servers": [], "graphs": []}
        self.calls: list[Call] = []
        self.pushed: dict[str, Call] = {}  # graph id -> the front's last push
        self.graphs: dict[str, dict] = {}  # graph id -> the fields written to it, merged
        self._faults: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()
        self._server = None

    # ---- the test's side

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def env(self) -> dict[str, str]:
        """The environment of a service of ours inside this deployment."""
        return {"MAESTRO_DATA_URI": f"{self.base}/data", "MAESTRO_ANALYTICS_FRONT_URI": f"{self.base}/front",
                "MAESTRO_WEBSOCKET_URI": f"{self.base}/ws", "MAESTRO_WEBSOCKET_SECRET": self.ws_secret,
                "MAESTRO_SECRETJWT_PRIVATE": self.secret, "MAESTRO_NOAUTH": self.noauth}  # fmt: skip

    def start(self) -> MaestroStub:
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def load(self, documents: dict[str, list[dict]]) -> None:
        for name, docs in documents.items():
            self.collections[name] = [json.loads(json.dumps(doc)) for doc in docs]

    def fail(self, path: str, *answers: int | float) -> None:
        """The next calls to `path` answer these statuses (an int) or sleep this long first (a float)."""
        self._faults[path].extend(answers)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.pushed.clear()
            self.graphs.clear()
            self._faults.clear()

    def of(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    def notices(self, graph_id: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        """The websocket notices about a graph, once there are `count` (they follow the Data App's write)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.of("/ws/api") if f"analytics-{graph_id}" in json.dumps(c.json)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def status(self, graph_id: str, timeout: float = 60.0, ended=("finished", "warning", "error")) -> dict:
        """The graph as the Data App holds it, once its status is one of `ended`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                graph = dict(self.graphs.get(graph_id, {}))
            if graph.get("status") in ended:
                return graph
            time.sleep(0.05)
        raise AssertionError(f"graph {graph_id} did not end in the Data App within {timeout} s: {graph}")

    # ---- the server's side

    def _app(self, environ, start_response):
        request = Request(environ)
        started = time.monotonic()
        response = self._answer(request)
        environ["stub.call"].took = time.monotonic() - started
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        call = request.environ["stub.call"] = Call(request.method, request.path, dict(request.headers))
        if request.mimetype == "application/json":
            call.json = request.get_json(silent=True)
        elif request.mimetype == "application/x-www-form-urlencoded":
            call.form = request.form.to_dict()
        with self._lock:
            self.calls.append(call)
            fault = self._faults[request.path].popleft() if self._faults[request.path] else None
        if isinstance(fault, float):
            time.sleep(fault)
        elif isinstance(fault, int):
            return _json({"error": "injected"}, fault)
        service, _, rest = request.path.strip("/").partition("/")
        if service == "data":
            refused = self._check_jwt(call, request, "noauth")
            return refused or self._data(request.method, rest, call)
        if service == "front" and rest == "graphs" and request.method == "POST":
            refused = self._check_jwt(call, request, "token")
            if refused:
                return refused
            if not (call.claims.get("graph_id") and call.claims.get("owner_id") and "payload" in call.form):
                return _json({"error": "graph_id, owner_id and payload are needed"}, 422)
            with self._lock:
                self.pushed[call.claims["graph_id"]] = call
            return _json({"status": "finished", "msg": "Finish"})
        if service == "ws" and rest == "api" and request.method == "POST":
            if request.headers.get("Authorization") != f"apikey {self.ws_secret}":
                return _json({"error": "unauthorized"}, 401)
            return _json({})
        return _json({"error": "Resource not found"}, 404)

    def _check_jwt(self, call: Call, request: Request, claim: str) -> Response | None:
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        try:
            call.claims = jwt.decode(token, self.secret, algorithms=["HS256"]) if scheme == "JWT" else None
        except jwt.InvalidTokenError:
            call.claims = None
        if not call.claims or call.claims.get(claim) != self.noauth:
            return _json({"msg": "Unauthorized"}, 401)
        return None

    def _data(self, method: str, entity: str, call: Call) -> Response:
        body = call.json if isinstance(call.json, dict) else {}
        if entity == "aggregate" and method == "POST":
            pipeline = json.loads(body["pipeline"])
            if "roles._id" not in pipeline[0].get("$match", {}):
                return _json({"msg": "Must delimite $match which roles._id ($match {role.id})"}, 422)
            return _json({"items": self._aggregate(body["entity"], pipeline)})
        if entity == "graphs" and method == "PUT":
            with self._lock:
                for item in body["body"]:
                    self.graphs.setdefault(item["_id"], {}).update({k: v for k, v in item.items() if k != "_id"})
            return _json({"nModified": len(body["body"])})
        if entity in self.collections and method == "POST":
            query = json.loads(body.get("query") or "{}")
            limit, page = int(body.get("limit", self.scan)), int(body.get("page", 1))
            found = [doc for doc in self.collections[entity] if matches(doc, query)]
            items = found[(page - 1) * limit : page * limit]
            # the Data App's own answer, its off-by-one `total_pages` included
            return _json({"found": len(found), "total_pages": math.ceil(len(found) / limit) + 1, "page": page,
                          "limit": limit, "items": items})  # fmt: skip
        return _json({"error": "Resource not found"}, 404)

    def _aggregate(self, entity: str, pipeline: list[dict]) -> list[dict]:
        docs = [json.loads(json.dumps(d)) for d in self.collections[entity]]
        for stage in pipeline:
            if "$match" in stage:
                docs = [d for d in docs if matches(d, stage["$match"])]
            elif "$graphLookup" in stage:
                docs = [self._graph_lookup(d, stage["$graphLookup"]) for d in docs]
            elif "$project" in stage:
                continue  # every field is kept: a projection only makes the answer smaller
            else:
                raise ValueError(f"stage not modelled: {stage}")
        return docs

    def _graph_lookup(self, doc: dict, spec: dict) -> dict:
        """MongoDB's `$graphLookup`: breadth-first from the values of `startWith`, each hop over
        `connectFromField` -> `connectToField` among the documents `restrictSearchWithMatch` admits,
        at most `maxDepth` hops past the first (depth 0), each document once at its least depth."""
        pool = [d for d in self.collections[spec["from"]] if matches(d, spec.get("restrictSearchWithMatch", {}))]
        by_key: dict[Any, list[dict]] = defaultdict(list)
        for candidate in pool:
            for key in values_at(candidate, spec["connectToField"]):
                by_key[key].append(candidate)
        start = values_at(doc, spec["startWith"].lstrip("$"))
        seen: dict[str, dict] = {}
        frontier, depth = list(start), 0
        while frontier and depth <= spec.get("maxDepth", math.inf):
            following = []
            for key in frontier:
                for found in by_key.get(key, ()):
                    if found["_id"] not in seen:
                        seen[found["_id"]] = {**found, spec["depthField"]: depth}
                        following += values_at(found, spec["connectFromField"])
            frontier, depth = following, depth + 1
        return {**doc, spec["as"]: list(seen.values())}


def _json(value: Any, status: int = 200) -> Response:
    return Response(json.dumps(value), status=status, mimetype="application/json")


def maestro_documents(inventory, owner: str) -> dict[str, list[dict]]:
    """Our inventory (model records) as Maestro's Data App keeps it: 24-hex ids, `roles`, `system`,
    `deps`, `entry` and `applications` as lists of `{_id, name}` references."""
    oid = {("app", a.id): object_id(owner, "app", a.id) for a in inventory.applications}
    oid |= {("system", s.id): object_id(owner, "system", s.id) for s in inventory.systems}
    oid |= {("client", c.id): object_id(owner, "client", c.id) for c in inventory.clients}
    names = {("app", a.id): a.name or a.id for a in inventory.applications}
    names |= {("system", s.id): s.name or s.id for s in inventory.systems}
    names |= {("client", c.id): c.name or c.id for c in inventory.clients}
    roles = [{"_id": owner, "refs": "users", "role": 7, "name": owner}]

    def ref(kind: str, ident: str) -> dict:
        return {"_id": oid.get((kind, ident), object_id(owner, kind, ident)), "name": names.get((kind, ident), ident)}

    def refs(kind: str, ids: Iterable[str]) -> list[dict]:
        return [ref(kind, i) for i in ids]

    apps = [{
        "_id": oid["app", a.id], "name": a.name or a.id, "family": a.family, "size": a.size,
        "environment": a.environment, "provider": a.provider, "language": a.language, "cluster": a.cluster,
        "system": refs("system", a.systems), "active": a.active, "roles": roles,
        "deps": [{**ref("app", d.id), "endpoint": d.endpoint} for d in a.deps],
    } for a in inventory.applications]  # fmt: skip
    systems = [{
        "_id": oid["system", s.id], "name": s.name or s.id, "entry": refs("app", s.entries),
        "clients": refs("client", s.clients), "active": s.active, "roles": roles,
    } for s in inventory.systems]  # fmt: skip
    servers = [{
        "_id": object_id(owner, "server", s.id), "hostname": s.hostname, "ipv4_private": s.ipv4_private,
        "cpu": s.cpu, "memory": s.memory, "environment": s.environment, "role": s.role, "active": s.active,
        "os": s.os.model_dump(exclude_none=True) if s.os else None,
        "datacenters": s.datacenter.model_dump(exclude_none=True) if s.datacenter else None,
        "applications": refs("app", s.applications), "roles": roles,
    } for s in inventory.servers]  # fmt: skip
    return {"applications": apps, "systems": systems, "servers": servers}
