"""Maestro mode: the service inside a Maestro Server deployment, against a stub of Maestro's side
(`tests.maestro_stub`: the Data App, the Analytics Front and Centrifugo as one real HTTP server),
driven by the request server-app sends. The service runs as `serve` does (gunicorn, the local
runner), and on Celery workers; every call it makes is read back from the stub.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import jwt
import pytest
from bench.api import free_port, start_server

from analytics_maestro.config import ConfigError, Settings
from analytics_maestro.inventory.files import load_inventory
from tests.maestro_stub import MaestroStub, maestro_documents, object_id

pytestmark = pytest.mark.services

DEMO = Path(__file__).resolve().parent.parent / "src/analytics_maestro/demo/inventory.yaml"
NS = "{http://www.w3.org/2000/svg}"
SECRET, NOAUTH, WS_SECRET = "test-private-secret-of-this-deployment", "test-noauth", "test-ws-secret"
OWNER, OTHER = "5f0000000000000000000001", "5f0000000000000000000002"


def server_app_token(secret: str = SECRET, noauth: str = NOAUTH) -> str:
    """The header server-app sends to the Analytics service (jwt-simple, HS256, no expiry)."""
    return "JWT " + jwt.encode({"app": "server-app", "version": "0.6.0", "noauth": noauth}, secret, algorithm="HS256")


def documents() -> dict[str, list[dict]]:
    """The demo inventory as owner OWNER's records, with traps and a system too wide for one page:
    `frontend` depends on another owner's application and on an inactive one, and system `wide`
    (no entry listed) holds 450 applications, each on a server of its own."""
    docs = maestro_documents(load_inventory(DEMO).inventory, OWNER)
    frontend = next(a for a in docs["applications"] if a["name"] == "frontend")
    foreign = {"_id": object_id("trap", "foreign"), "name": "someone-elses", "family": "Database", "active": True,
               "roles": [{"_id": OTHER, "role": 7, "refs": "users"}], "deps": []}  # fmt: skip
    inactive = {"_id": object_id("trap", "inactive"), "name": "switched-off", "family": "Cache", "active": False,
                "roles": [{"_id": OWNER, "role": 7, "refs": "users"}], "deps": []}  # fmt: skip
    frontend["deps"] += [{"_id": foreign["_id"], "endpoint": "sql"}, {"_id": inactive["_id"], "endpoint": "redis"}]
    roles = [{"_id": OWNER, "role": 7, "refs": "users"}]
    wide = {"_id": object_id("wide"), "name": "wide", "active": True, "roles": roles, "clients": [], "entry": []}
    members = [{"_id": object_id("wide", str(k)), "name": f"wide-{k:03}", "family": "Application", "active": True,
                "roles": roles, "system": [{"_id": wide["_id"], "name": "wide"}], "deps": []}
               for k in range(449)]  # fmt: skip
    gateway = {"_id": object_id("wide", "gw"), "name": "wide-gateway", "family": "ApiGateway", "active": True,
               "roles": roles, "system": [{"_id": wide["_id"], "name": "wide"}],
               "deps": [{"_id": m["_id"], "endpoint": "http"} for m in members]}  # fmt: skip
    servers = [{"_id": object_id("wide-server", str(k)), "hostname": f"wide-host-{k:03}", "active": True,
                "roles": roles, "applications": [{"_id": m["_id"]}]}
               for k, m in enumerate([gateway, *members])]  # fmt: skip
    docs["applications"] += [foreign, inactive, gateway, *members]
    docs["systems"].append(wide)
    docs["servers"] += servers
    return docs


@pytest.fixture(scope="module")
def stub():
    stub = MaestroStub(SECRET, NOAUTH, WS_SECRET).start()
    stub.load(documents())
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def service(stub, tmp_path_factory):
    """`serve` in Maestro mode (gunicorn, the local runner), calls tried twice, 1 s each."""
    var = tmp_path_factory.mktemp("maestro-mode")
    server = start_server(var, **stub.env(), MAESTRO_HTTP_TIMEOUT="1", MAESTRO_HTTP_RETRIES="1",
                          MAESTRO_HTTP_BACKOFF="0.05", MAESTRO_HOST="127.0.0.1")  # fmt: skip
    yield server
    server.process.terminate()
    server.process.wait(timeout=30)


def post_graph(base: str, body: dict, form: bool = False, token: str | None = None) -> tuple[int, dict]:
    if form:
        data = urllib.parse.urlencode([(k, json.dumps(v) if isinstance(v, list) else v) for k, v in body.items()])
        media = "application/x-www-form-urlencoded"
    else:
        data, media = json.dumps(body), "application/json"
    request = urllib.request.Request(f"{base}/graph", data=data.encode(), method="POST")
    request.add_header("Content-Type", media)
    request.add_header("Authorization", token or server_app_token())
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def system_ref(docs: dict, name: str) -> dict:
    system = next(s for s in docs["systems"] if s["name"] == name)
    return {"_id": system["_id"], "name": system["name"]}


def graph_body(**selection) -> dict:
    """server-app's body: the graph's `_id`, the owner, its type and all three lists."""
    graph_id = object_id("graph", json.dumps(selection, sort_keys=True), str(time.monotonic_ns()))
    return {"owner_id": OWNER, "_id": graph_id, "type": "bussiness", "clients": [], "systems": [], "apps": [],
            **selection}  # fmt: skip


def test_a_server_app_request_ends_finished_in_the_data_app_with_the_svg_in_the_front(stub, service):
    docs = documents()
    body = graph_body(systems=[system_ref(docs, "Online Boutique")])
    stub.reset()
    status, accepted = post_graph(service.base, body)
    assert status == 201 and accepted["_id"] == body["_id"]
    graph = stub.status(body["_id"])
    assert graph["status"] == "finished", graph
    apps = {a["_id"]: a for a in docs["applications"]}

    # every call to the Data App carries the service's token: its name, version and the noauth claim
    data_calls = [c for c in stub.calls if c.path.startswith("/data/")]
    assert data_calls and all(c.claims["noauth"] == NOAUTH for c in data_calls)
    assert {"name", "description", "version", "license"} <= set(data_calls[0].claims)
    # entry: the owner's active systems, by id
    (entry,) = stub.of("/data/systems")[:1]
    assert entry.method == "POST" and json.loads(entry.json["query"]) == {
        "roles._id": OWNER, "active": True, "_id": [body["systems"][0]["_id"]]}  # fmt: skip
    assert entry.json["page"] == 1 and entry.json["limit"] == 200
    # graphlookup: one aggregation, the entries matched for the owner, every hop restricted to the owner's active
    (lookup,) = stub.of("/data/aggregate")
    assert lookup.json["entity"] == "applications"
    pipeline = json.loads(lookup.json["pipeline"])
    assert pipeline[0]["$match"]["roles._id"] == OWNER and pipeline[0]["$match"]["active"] is True
    step = pipeline[1]["$graphLookup"]
    assert (step["startWith"], step["connectFromField"], step["connectToField"], step["depthField"]) == (
        "$deps._id", "deps._id", "_id", "steps")  # fmt: skip
    assert step["restrictSearchWithMatch"] == {"roles._id": OWNER, "active": True} and step["maxDepth"] == 40
    # enrichment: the servers of the diagram's applications
    served = [c for c in stub.of("/data/servers")]
    assert served and all("applications._id" in json.loads(c.json["query"]) for c in served)

    # the front got the SVG, form-encoded, with a token naming the graph and its owner
    push = stub.pushed[body["_id"]]
    assert push.claims == {"token": NOAUTH, "graph_id": body["_id"], "owner_id": OWNER}
    svg = push.form["payload"]
    root = ET.fromstring(svg)
    assert root.get("id") == "graph" and 'xmlns:xlink="http://www.w3.org/1999/xlink"' in svg
    uses = {u.get("id"): u for u in root.iter(f"{NS}use") if "boundaries" in (u.get("class") or "").split()}
    assert len(uses) == int(push.form["total"]) > 10 and set(uses) <= set(apps)  # the raw ObjectIds
    assert all(u.get("{http://www.w3.org/1999/xlink}href") == u.get("href") for u in uses.values())
    frontend = next(i for i, a in apps.items() if a["name"] == "frontend")
    rows = {t.get("class"): t.text for t in root.find(f".//{NS}g[@id='tool-{frontend}']").iter(f"{NS}tspan")}
    assert rows["name"] == "frontend" and rows["family"] == apps[frontend]["family"] and "servers" in rows
    edge = next(g for g in root.iter(f"{NS}g") if g.get("data-source") == frontend)
    classes = [p.get("class") for p in edge.iter(f"{NS}path")]
    assert classes[0].startswith("conector ") and classes[1] == f"conector_h conn-{frontend}"
    assert edge.find(f"{NS}text") is not None

    # the statistics, in the original's shapes
    assert set(graph["info"]) == {"histograms", "density", "conections"}
    assert sum(graph["info"]["histograms"].values()) == int(push.form["total"])
    assert isinstance(graph["info"]["density"], str) and graph["info"]["density"].count(".") == 1
    assert graph["isystems"]["total"] == len(graph["isystems"]["items"]) >= 1
    assert all(set(s) == {"_id", "name"} for s in graph["isystems"]["items"])
    assert graph["ifamilies"]["total"] == int(push.form["total"])
    assert sum(graph["ifamilies"]["items"].values()) == graph["ifamilies"]["total"]
    assert graph["iservers"]["total"] > 0 and graph["iclients"]["total"] == len(graph["iclients"]["items"]) >= 1
    # the owner's pages are told, on the owner's channel
    (notice,) = stub.notices(body["_id"])
    assert notice.headers["Authorization"] == f"apikey {WS_SECRET}"
    params = notice.json["params"]
    assert notice.json["method"] == "publish" and params["channel"] == f"maestro-{OWNER}"
    assert params["data"]["notify"]["type"] == "success"
    assert params["data"]["event"]["caller"] == ["analytics-update", f"analytics-{body['_id']}"]


def test_another_owners_and_inactive_applications_are_never_drawn(stub, service):
    docs = documents()
    frontend = next(a for a in docs["applications"] if a["name"] == "frontend")
    body = graph_body(apps=[{"_id": frontend["_id"], "name": "frontend"}])
    stub.reset()
    assert post_graph(service.base, body)[0] == 201
    graph = stub.status(body["_id"])
    svg = stub.pushed[body["_id"]].form["payload"]
    assert (
        graph["status"] == "finished" and "2 dependencies on applications that are not in the inventory" in graph["msg"]
    )
    for trap in ("someone-elses", "switched-off", object_id("trap", "foreign"), object_id("trap", "inactive")):
        assert trap not in svg


def test_every_page_of_a_list_is_read_past_200(stub, service):
    """System `wide` lists no entry: its 450 applications are read page by page (3 pages), the entry
    guessed (its ApiGateway), and all 450 drawn with their 450 servers."""
    docs = documents()
    body = graph_body(systems=[system_ref(docs, "wide")])
    stub.reset()
    assert post_graph(service.base, body)[0] == 201
    graph = stub.status(body["_id"])
    assert graph["status"] == "finished", graph
    pages = [c.json["page"] for c in stub.of("/data/applications")]
    assert pages == [1, 2, 3]
    assert int(stub.pushed[body["_id"]].form["total"]) == 450 == graph["ifamilies"]["total"]
    assert graph["iservers"]["total"] == 450 and pages_of_servers(stub) == [1, 1, 2, 2, 3, 3]


def pages_of_servers(stub) -> list[int]:
    """The pages of servers read: enrichment and info (which run side by side) each read them all."""
    return sorted(c.json["page"] for c in stub.of("/data/servers"))


def test_no_selection_draws_every_active_system_and_clients_come_first(stub, service):
    docs = documents()
    stub.reset()
    body = graph_body()
    assert post_graph(service.base, body)[0] == 201
    graph = stub.status(body["_id"])
    assert json.loads(stub.of("/data/systems")[0].json["query"]) == {"roles._id": OWNER, "active": True}
    assert {s["name"] for s in graph["isystems"]["items"]} >= {s["name"] for s in docs["systems"]} - {"wide"}
    # clients, systems and apps all given: the clients are the selection, as in the original
    client = next(c for c in docs["systems"] if c["clients"])["clients"][0]
    of_client = {s["name"] for s in docs["systems"] if client["_id"] in {c["_id"] for c in s["clients"]}}
    body = graph_body(
        clients=[client], systems=[system_ref(docs, "wide")], apps=[{"_id": docs["applications"][0]["_id"]}]
    )
    assert post_graph(service.base, body)[0] == 201
    graph = stub.status(body["_id"])
    assert graph["status"] == "finished"
    drawn = {s["name"] for s in graph["isystems"]["items"]}
    assert of_client <= drawn and "wide" not in drawn


def test_a_form_encoded_request_is_taken_as_json_is(stub, service):
    docs = documents()
    body = graph_body(systems=[system_ref(docs, "Online Boutique")])
    stub.reset()
    assert post_graph(service.base, body, form=True)[0] == 201
    assert stub.status(body["_id"])["status"] == "finished"


def test_the_private_scheme_uses_maestros_defaults_and_refuses_other_tokens(stub, service):
    with urllib.request.urlopen(f"{service.base}/", timeout=10) as response:
        about = json.load(response)
    assert set(about) == {"name", "description", "version", "license"} and about["name"] == "analytics-maestro"
    body = graph_body(systems=[system_ref(documents(), "Online Boutique")])
    assert post_graph(service.base, body, token=server_app_token(noauth="wrong"))[0] == 401
    assert post_graph(service.base, body, token=server_app_token(secret="another-secret"))[0] == 401
    assert post_graph(service.base, {**body, "type": "pictures"})[0] == 400


@pytest.mark.parametrize(
    ("path", "faults", "stage", "service_name"),
    [
        ("/data/aggregate", (500, 500), "graphlookup", "Data App"),
        ("/data/servers", (503, 503), "enrichment", "Data App"),
        ("/data/systems", (2.5, 2.5), "entry", "Data App"),  # longer than the 1 s the service waits
        ("/front/graphs", (502, 502), "publish", "Analytics Front"),
        ("/front/graphs", (401,), "publish", "Analytics Front"),
    ],
)
def test_a_maestro_service_that_fails_ends_the_run_in_error_naming_it(stub, service, path, faults, stage, service_name):
    body = graph_body(systems=[system_ref(documents(), "Online Boutique")])
    stub.reset()
    stub.fail(path, *faults)
    assert post_graph(service.base, body)[0] == 201
    graph = stub.status(body["_id"], ended=("error", "finished", "warning"))
    assert graph["status"] == "error", graph
    assert graph["msg"].startswith(f"[{stage}] the {service_name} at ") and path.split("/")[-1] in graph["msg"]
    assert stub.notices(body["_id"])[-1].json["params"]["data"]["notify"]["type"] == "danger"
    assert len(stub.of(path)) == len(faults)  # tried again once (MAESTRO_HTTP_RETRIES=1) unless refused


def test_a_failure_that_passes_is_retried_and_the_run_finishes(stub, service):
    body = graph_body(systems=[system_ref(documents(), "Online Boutique")])
    stub.reset()
    stub.fail("/data/aggregate", 503)
    assert post_graph(service.base, body)[0] == 201
    assert stub.status(body["_id"])["status"] == "finished"
    assert len(stub.of("/data/aggregate")) == 2


def test_empty_selections_end_with_the_originals_warnings(stub, service):
    docs = documents()
    lonely = next(a for a in docs["applications"] if not a["deps"] and a["active"] and a["roles"][0]["_id"] == OWNER)
    stub.reset()
    nothing = graph_body(systems=[{"_id": object_id("no such system")}])
    alone = graph_body(apps=[{"_id": lonely["_id"]}])
    assert post_graph(service.base, nothing)[0] == post_graph(service.base, alone)[0] == 201
    assert (stub.status(nothing["_id"])["status"], stub.status(nothing["_id"])["msg"]) == (
        "warning",
        "Empty entry point",
    )
    assert (stub.status(alone["_id"])["status"], stub.status(alone["_id"])["msg"]) == ("warning", "Empty dependencies")
    assert nothing["_id"] not in stub.pushed  # nothing drawn, nothing sent to the front
    kinds = [c.json["params"]["data"]["notify"]["type"] for g in (nothing, alone) for c in stub.notices(g["_id"])]
    assert kinds == ["warning", "warning"]


@pytest.mark.parametrize("down", ["MAESTRO_DATA_URI", "MAESTRO_ANALYTICS_FRONT_URI"])
def test_a_maestro_service_that_is_down_ends_the_run_in_error(stub, tmp_path, down):
    address = f"http://127.0.0.1:{free_port()}"
    server = start_server(tmp_path, **{**stub.env(), down: address}, MAESTRO_HTTP_RETRIES="1",
                          MAESTRO_HTTP_BACKOFF="0.05", MAESTRO_HOST="127.0.0.1")  # fmt: skip
    try:
        body = graph_body(systems=[system_ref(documents(), "Online Boutique")])
        stub.reset()
        assert post_graph(server.base, body)[0] == 201
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            request = urllib.request.Request(f"{server.base}/graph/{body['_id']}")
            request.add_header("Authorization", server_app_token())
            with urllib.request.urlopen(request, timeout=10) as response:
                state = json.load(response)
            if state["status"] == "error":
                break
            time.sleep(0.1)
        if down == "MAESTRO_DATA_URI":  # nothing can tell the Data App: our own record says it
            assert state["status"] == "error"
            assert f"the Data App at {address}/systems could not be reached" in state["msg"]
        else:
            graph = stub.status(body["_id"])
            assert graph["status"] == "error", graph
            assert graph["msg"].startswith(f"[publish] the Analytics Front at {address}/graphs could not be reached")
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_an_infra_graph_draws_the_servers_of_the_data_app(stub, service):
    docs = documents()
    body = {**graph_body(systems=[system_ref(docs, "Online Boutique")]), "type": "infra"}
    stub.reset()
    assert post_graph(service.base, body)[0] == 201
    graph = stub.status(body["_id"])
    assert graph["status"] == "finished", graph
    svg = stub.pushed[body["_id"]].form["payload"]
    hostnames = {s["hostname"] for s in docs["servers"] if s["hostname"].startswith("gke-shop-node")}
    assert hostnames and all(h in svg for h in hostnames)
    assert int(stub.pushed[body["_id"]].form["total"]) == graph["ifamilies"]["total"]


def test_a_run_that_cannot_be_queued_answers_501_and_tells_the_data_app(stub, tmp_path):
    from analytics_maestro.web.app import create_app

    env = {**stub.env(), "MAESTRO_VAR_DIR": str(tmp_path), "MAESTRO_RUNNER": "celery",
           "CELERY_BROKER_URL": f"amqp://guest:guest@127.0.0.1:{free_port()}//",
           "MAESTRO_HTTP_RETRIES": "0"}  # fmt: skip
    app = create_app(Settings.from_env(env))
    body = graph_body(systems=[system_ref(documents(), "Online Boutique")])
    stub.reset()
    response = app.test_client().post("/graph", json=body, headers={"Authorization": server_app_token()})
    assert response.status_code == 501 and "could not be queued" in response.get_json()["error"]["message"]
    assert stub.graphs[body["_id"]]["status"] == "error" and stub.graphs[body["_id"]]["msg"].startswith("[queue] ")


def test_maestro_mode_settings():
    assert Settings.from_env({}).maestro is None and Settings.from_env({}).noauth is None
    on = Settings.from_env({"MAESTRO_DATA_URI": "http://data:5010/"})
    assert on.maestro.data_uri == "http://data:5010" and on.maestro.front_uri == "http://localhost:9999"
    assert (on.secret_jwt_private, on.noauth, on.host) == (
        "defaultSecretKeyPrivate",
        "defaultSecretNoAuthToken",
        "0.0.0.0",
    )
    assert on.maestro.websocket_uri == "http://localhost:8000" and on.maestro.websocket_secret == "wsSecretKey"
    assert Settings.from_env({"MAESTRO_MODE": "maestro"}).maestro.data_uri == "http://localhost:5010"
    assert Settings.from_env({"MAESTRO_DATA_URI": "http://d", "MAESTRO_HOST": "10.0.0.5"}).host == "10.0.0.5"
    for env in ({"MAESTRO_DATA_URI": "data:5010"}, {"MAESTRO_MODE": "maybe"},
                {"MAESTRO_MODE": "standalone", "MAESTRO_DATA_URI": "http://d"}):  # fmt: skip
        with pytest.raises(ConfigError):
            Settings.from_env(env)


@pytest.fixture(scope="module")
def celery_deployment(stub, tmp_path_factory):
    from tests.test_celery import Workers, _require_services

    _require_services()
    from analytics_maestro.celery import app

    var = tmp_path_factory.mktemp("maestro-celery")
    env = {**stub.env(), "MAESTRO_RUNNER": "celery", "MAESTRO_HOST": "127.0.0.1", "MAESTRO_HTTP_RETRIES": "1",
           "MAESTRO_HTTP_BACKOFF": "0.05"}  # fmt: skip
    server = start_server(var, **env)
    app.control.purge()
    workers = Workers({**os.environ, **server.env, **env}, var)
    workers.start(concurrency=2)
    yield server
    workers.stop_all()
    server.process.terminate()
    server.process.wait(timeout=30)


def test_on_celery_workers_the_same_request_ends_finished_with_the_svg_in_the_front(stub, celery_deployment):
    docs = documents()
    body = graph_body(systems=[system_ref(docs, "Online Boutique")])
    stub.reset()
    assert post_graph(celery_deployment.base, body)[0] == 201
    graph = stub.status(body["_id"], timeout=120)
    assert graph["status"] == "finished", graph
    assert int(stub.pushed[body["_id"]].form["total"]) == sum(graph["info"]["histograms"].values()) > 10
    failing = graph_body(systems=[system_ref(docs, "Online Boutique")])
    stub.fail("/front/graphs", 500, 500)
    assert post_graph(celery_deployment.base, failing)[0] == 201
    failed = stub.status(failing["_id"], timeout=120)
    assert failed["status"] == "error" and failed["msg"].startswith("[publish] the Analytics Front")
