"""The HTTP API on SQLite and PostgreSQL, with the real local runner: every route, every auth failure,
roles, cross-owner isolation, public links, the error shape and Maestro's `POST /graph`."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET

import jwt
import pytest
import sqlalchemy as sa
from markupsafe import escape

from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory import schema
from analytics_maestro.pipeline import records
from analytics_maestro.web import auth
from analytics_maestro.web.api import OPERATIONS
from tests.apiclient import NOAUTH, PRIVATE, SECRET, make_world


@pytest.fixture
def world(engine, tmp_path):
    world = make_world(engine, tmp_path)
    yield world
    world.runner.shutdown()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


# --- status, documents ---------------------------------------------------------------------------


def test_index_and_health_are_public(world):
    client = world.client()
    assert client.get("/").get_json()["name"] == "analytics-maestro"
    health = client.get("/health")
    assert health.status_code == 200 and health.get_json()["store"]["applications"] > 0


def test_openapi_documents_every_route_and_the_reference_page_shows_them(world):
    doc = world.client().get("/openapi.json").get_json()
    documented = {(method.upper(), path) for path, item in doc["paths"].items() for method in item}
    served = set()
    for rule in world.app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith(("openapi.", "pages.", "public_page.")):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)  # `<path:ident>` is `{ident}`
        served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented
    # request bodies and answers come from the models that validate them
    create = doc["paths"]["/graphs"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/GraphCreate"
    }
    assert set(doc["components"]["schemas"]["GraphCreate"]["properties"]) >= {"name", "type", "systems", "apps"}
    assert "401" in create["responses"] and "400" in create["responses"]
    page = world.client().get("/reference").get_data(as_text=True)
    for op in OPERATIONS:
        assert str(escape(op.summary)) in page


# --- authentication ------------------------------------------------------------------------------

NOW = int(time.time())


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearertoken",
        "JWT " + jwt.encode({"sub": "alice", "exp": NOW + 600}, SECRET, algorithm="HS256"),
        "Basic YWxpY2U6c2VjcmV0",
        "Bearer not-a-jwt",
        "Bearer " + jwt.encode({"sub": "alice", "exp": NOW + 600}, "another-secret-of-thirty-two-bytes!!", "HS256"),
        "Bearer " + jwt.encode({"sub": "alice", "exp": NOW - 10}, SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({"sub": "alice"}, SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({"exp": NOW + 600}, SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({"sub": "nobody", "exp": NOW + 600}, SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({"sub": "alice", "exp": NOW + 600}, SECRET, algorithm="HS512"),
    ],
    ids=["none", "empty", "scheme-only", "scheme-space", "no-space", "jwt-scheme", "basic", "garbage",
         "wrong-secret", "expired", "no-exp", "no-sub", "unknown-user", "other-algorithm"],
)  # fmt: skip
def test_bad_credentials_are_401_never_500(world, header):
    client = world.client()
    headers = {} if header is None else {"Authorization": header}
    for method, path in (("get", "/applications"), ("post", "/graphs"), ("get", "/me")):
        response = getattr(client, method)(path, headers=headers, json={})
        error = error_of(response, 401)
        assert error["code"] == "unauthorized" and error["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deleted_users_token_stops_working(world):
    alice = world.client("alice")
    bob = world.client("bob")
    assert bob.get("/me").status_code == 200
    assert alice.delete("/users/bob").status_code == 204
    assert error_of(bob.get("/me"), 401)["message"].startswith("the session has ended")
    assert alice.post("/users", json={"id": "bob", "name": "Bob again"}).status_code == 201
    assert error_of(bob.get("/me"), 401)["message"].startswith("the session has ended")  # not revived


def test_logout_ends_the_session_and_every_token_of_its_user(world):
    first, second = world.client("carol"), world.client("carol")
    browser, session = world.client(), auth.issue_token(world.engine, SECRET, "carol", 3600)
    browser.set_cookie(auth.COOKIE, session)
    assert first.get("/me").status_code == second.get("/me").status_code == browser.get("/me").status_code == 200
    assert browser.post("/logout").status_code == 204
    assert browser.get_cookie(auth.COOKIE) is None  # the cookie is forgotten
    browser.set_cookie(auth.COOKIE, session)  # and kept by someone who copied it: it is dead all the same
    for client in (first, second, browser):
        assert error_of(client.get("/me"), 401)["message"].startswith("the session has ended")
    assert world.client("carol").get("/me").status_code == 200  # a new login works
    assert world.client("dave").get("/me").status_code == 200  # and nobody else was logged out
    # a token made before session keys existed carries none: refused
    old = jwt.encode({"sub": "dave", "exp": NOW + 600}, SECRET, algorithm="HS256")
    assert "lacks the claim 'key'" in error_of(world.client().get("/me", headers={"Authorization": f"Bearer {old}"}),
                                              401)["message"]  # fmt: skip


def test_login_link_works_once_and_gives_a_token_and_a_cookie(world):
    token = auth.login_link_token(world.engine, "carol")
    client = world.client()
    response = client.post("/login", json={"token": token})
    assert response.status_code == 200
    access = response.get_json()["access_token"]
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert client.get("/me", headers={"Authorization": f"Bearer {access}"}).get_json()["id"] == "carol"
    assert error_of(world.client().post("/login", json={"token": token}), 401)["code"] == "unauthorized"
    # the browser's way: the link opens a page whose button logs in; the cookie authenticates
    browser, link = world.client(), auth.login_link_token(world.engine, "carol")
    opened = browser.get("/login?token=" + link, headers={"Accept": "text/html"})
    assert opened.status_code == 200 and b'action="/login/browser"' in opened.data
    assert browser.get("/me").status_code == 401  # opening the link logged nobody in
    confirmed = browser.post("/login/browser", data={"token": link})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/"
    me = browser.get("/me").get_json()
    assert me["id"] == "carol" and me["teams"] == [{"team": "ops", "role": 1}] and me["principals"] == ["carol", "ops"]
    assert browser.post("/logout").status_code == 204
    assert browser.get("/me").status_code == 401


def test_another_site_cannot_log_you_in_to_its_account(world):
    """Login CSRF: a page elsewhere that opens its own login link, or posts it from a form, gets
    no session into your browser, and the link stays unused."""
    browser, link = world.client(), auth.login_link_token(world.engine, "bob")
    browser.get("/login?token=" + link)  # an <img> or a link on another site
    assert browser.get("/me").status_code == 401
    evil = browser.post("/login/browser", data={"token": link}, headers={"Origin": "https://evil.example"})
    assert error_of(evil, 403)["message"] == "a login cannot be started from https://evil.example"
    assert browser.get("/me").status_code == 401
    assert world.client().post("/login", json={"token": link}).get_json()["user"] == "bob"  # still unused


def test_an_expired_login_link_is_refused(world):
    token = auth.login_link_token(world.engine, "carol", ttl=-1)
    assert error_of(world.client().post("/login", json={"token": token}), 401)["message"].startswith("the login link")


# --- users and teams -----------------------------------------------------------------------------


def test_site_admins_manage_users_and_others_may_not(world):
    alice, bob = world.client("alice"), world.client("bob")
    created = alice.post("/users", json={"id": "frank", "name": "Frank"})
    assert created.status_code == 201
    url = created.get_json()["login_url"]
    assert url.startswith("http://localhost/login?token=")
    assert world.client().post("/login", json={"token": url.split("token=")[1]}).get_json()["user"] == "frank"
    assert error_of(alice.post("/users", json={"id": "frank"}), 409)["code"] == "conflict"
    assert [u["id"] for u in alice.get("/users").get_json()["items"]] == ["alice", "bob", "carol", "dave", "erin",
                                                                           "frank"]  # fmt: skip
    assert "login_url" in alice.post("/users/frank/login-link").get_json()
    error_of(alice.post("/users/nobody/login-link"), 404)
    for response in (bob.get("/users"), bob.post("/users", json={"id": "x"}), bob.delete("/users/carol")):
        error_of(response, 403)
    error_of(alice.delete("/users/alice"), 409)
    error_of(alice.delete("/users/nobody"), 404)


def test_team_admins_manage_members(world):
    erin, dave, bob = world.client("erin"), world.client("dave"), world.client("bob")
    assert erin.put("/teams/ops/members/bob", json={"role": 3}).get_json() == {"team": "ops", "user": "bob", "role": 3}
    assert bob.get("/me").get_json()["teams"] == [{"team": "ops", "role": 3}]
    error_of(dave.put("/teams/ops/members/bob", json={"role": 7}), 403)
    error_of(erin.put("/teams/ops/members/bob", json={"role": 5}), 400)
    assert [m["user"] for m in dave.get("/teams/ops/members").get_json()["items"]] == ["bob", "carol", "dave", "erin"]
    assert erin.delete("/teams/ops/members/bob").status_code == 204
    error_of(bob.get("/teams/ops/members"), 404)
    error_of(erin.delete("/teams/ops/members/bob"), 404)
    # a new team is started by a site admin
    error_of(bob.put("/teams/new/members/bob", json={"role": 7}), 403)
    assert world.client("alice").put("/teams/new/members/bob", json={"role": 7}).status_code == 200


# --- inventory -----------------------------------------------------------------------------------

SAMPLES = {
    "applications": {"id": "x-api", "name": "X API", "family": "ApiGateway", "systems": ["shop"],
                     "deps": [{"id": "frontend", "endpoint": "https"}]},
    "systems": {"id": "x-sys", "name": "X", "entries": ["x-api"], "clients": ["boutique-inc"]},
    "clients": {"id": "x-client", "name": "X Corp"},
    "servers": {"id": "x-srv", "hostname": "x-01", "cpu": 4, "memory": 8, "os": {"base": "Linux"},
                "datacenter": {"provider": "aws", "region": "eu-west-1"}, "applications": ["x-api"]},
}  # fmt: skip


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_create_read_update_list_and_delete_each_kind(world, kind):
    alice = world.client("alice")
    sample = SAMPLES[kind]
    created = alice.post(f"/{kind}", json=sample)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()["record"]
    assert record["id"] == sample["id"] and record["owner"] == "alice"
    assert alice.get(f"/{kind}/{sample['id']}").get_json() == record
    assert error_of(alice.post(f"/{kind}", json=sample), 409)["message"].endswith("exists already; PUT replaces it")

    name_field = "hostname" if kind == "servers" else "name"
    replaced = alice.put(f"/{kind}/{sample['id']}", json={name_field: "renamed"})
    assert replaced.status_code == 200 and replaced.get_json()["record"][name_field] == "renamed"
    # PUT replaces the whole record, lists included
    assert alice.get(f"/{kind}/{sample['id']}").get_json().get("deps", []) == []

    page = alice.get(f"/{kind}", query_string={"q": "RENAMED"}).get_json()
    assert [item["id"] for item in page["items"]] == [sample["id"]] and page["total"] == 1
    assert alice.delete(f"/{kind}/{sample['id']}").status_code == 204
    error_of(alice.get(f"/{kind}/{sample['id']}"), 404)
    error_of(alice.delete(f"/{kind}/{sample['id']}"), 404)
    assert alice.put(f"/{kind}/{sample['id']}", json=sample).status_code == 201


def test_list_filters_and_pages(world):
    alice = world.client("alice")
    everything = alice.get("/applications", query_string={"limit": 500}).get_json()
    ids = [item["id"] for item in everything["items"]]
    assert ids == sorted(ids) and everything["total"] == len(ids) == 23
    first = alice.get("/applications", query_string={"limit": 5}).get_json()
    second = alice.get("/applications", query_string={"limit": 5, "offset": 5}).get_json()
    assert [i["id"] for i in first["items"] + second["items"]] == ids[:10]
    databases = alice.get("/applications", query_string={"family": "Database"}).get_json()["items"]
    assert databases and all(item["family"] == "Database" for item in databases)
    shop = alice.get("/applications", query_string={"system": "shop", "limit": 500}).get_json()["items"]
    assert shop and all("shop" in item["systems"] for item in shop)
    assert alice.get("/servers", query_string={"q": "gke-shop"}).get_json()["total"] >= 1
    error = error_of(alice.get("/applications", query_string={"limit": 0, "offset": -1}), 400)
    assert {d["field"] for d in error["details"]} == {"query.limit", "query.offset"}


def test_every_validation_problem_is_listed_with_its_field_and_value(world):
    alice = world.client("alice")
    error = error_of(alice.post("/servers", json={"id": "", "cpu": -2, "memory": "lots", "os": 3}), 400)
    fields = {d["field"]: d["message"] for d in error["details"]}
    assert set(fields) == {"id", "cpu", "memory", "os"}
    assert "-2" in fields["cpu"] and "'lots'" in fields["memory"]
    error = error_of(alice.put("/applications/a", json={"id": "b"}), 400)
    assert error["details"] == [{"field": "id", "message": "'b' differs from the id in the path, 'a'"}]
    error_of(alice.post("/applications", data="id: a", content_type="text/plain"), 415)
    error_of(alice.post("/applications", data="{not json", content_type="application/json"), 400)
    error_of(alice.post("/applications", json=["a list"]), 400)


def test_an_unknown_family_falls_back_with_a_warning(world):
    written = world.client("alice").post("/applications", json={"id": "odd", "family": "Mainframe"}).get_json()
    assert written["record"]["family"] == "Application"
    assert written["warnings"][0]["field"] == "family" and "Mainframe" in written["warnings"][0]["message"]


def test_dependencies_and_dependents(world):
    body = world.client("alice").get("/applications/checkoutservice/dependencies").get_json()
    assert {"id": "paymentservice", "name": "paymentservice", "endpoint": "grpc", "found": True} in body["dependencies"]
    assert [d["id"] for d in body["dependents"]] == ["frontend"]
    bob = world.client("bob").get("/applications/frontend/dependencies").get_json()
    assert {"id": "cartservice", "name": None, "endpoint": None, "found": False} in bob["dependencies"]


def test_bulk_import_reports_like_the_command_line_and_writes_nothing_on_error(world):
    alice = world.client("alice")
    before = alice.get("/applications").get_json()["total"]
    bad = {"applications": [{"id": "n1", "deps": [{"id": "ghost"}]}, {"id": "n1"}, {"id": "n2", "cpu": "x"}]}
    error = error_of(alice.post("/inventory", json=bad), 400)
    assert error["code"] == "invalid_inventory"
    assert {"field": "applications[1].id", "message": "duplicate id 'n1' (first at applications[0])",
            "level": "error"} in error["details"]  # fmt: skip
    assert {"field": "applications[0].deps[0].id", "message": "unknown application 'ghost'",
            "level": "warning"} in error["details"]  # fmt: skip
    assert alice.get("/applications").get_json()["total"] == before
    yaml_doc = "applications:\n  - {id: n1, family: cache}\n  - {id: n2, deps: [{id: n1}]}\n"
    done = alice.post("/inventory", data=yaml_doc, content_type="application/yaml").get_json()
    assert done["created"]["applications"] == 2 and done["warnings"][0]["field"] == "applications[0].family"
    again = alice.post("/inventory", json={"applications": [{"id": "n1"}]}).get_json()
    assert again["updated"]["applications"] == 1
    error_of(alice.post("/inventory", data="a: [", content_type="application/yaml"), 400)
    error_of(alice.post("/inventory", data="x", content_type="text/csv"), 415)


def test_a_body_above_the_limit_is_413(engine, tmp_path):
    world = make_world(engine, tmp_path, MAESTRO_MAX_BODY_MB="1")
    try:
        big = {"applications": [{"id": f"a{i}", "name": "x" * 100} for i in range(12000)]}
        error = error_of(world.client("alice").post("/inventory", json=big), 413)
        assert "limit of 1048576 bytes" in error["message"]
    finally:
        world.runner.shutdown()


# --- roles and owners ----------------------------------------------------------------------------


def test_team_roles_read_write_admin(world):
    carol, dave, erin = world.client("carol"), world.client("dave"), world.client("erin")
    ops = {"owner": "ops"}
    assert carol.get("/applications/frontend", query_string=ops).get_json()["owner"] == "ops"
    error_of(carol.put("/applications/frontend", query_string=ops, json={"name": "x"}), 403)
    error_of(carol.post("/applications", query_string=ops, json={"id": "new"}), 403)
    assert dave.put("/applications/frontend", query_string=ops, json={"name": "x"}).status_code == 200
    assert dave.post("/applications", query_string=ops, json={"id": "new"}).status_code == 201
    error_of(dave.delete("/applications/new", query_string=ops), 403)
    assert erin.delete("/applications/new", query_string=ops).status_code == 204
    error_of(carol.post("/inventory", query_string=ops, json={"clients": [{"id": "c"}]}), 403)


def test_another_owners_records_are_404_and_never_listed(world):
    bob = world.client("bob")
    assert bob.get("/applications", query_string={"owner": "alice"}).get_json() == {
        "items": [], "total": 0, "limit": 50, "offset": 0}  # fmt: skip
    for response in (
        bob.get("/applications/shop-cdn", query_string={"owner": "alice"}),
        bob.put("/applications/shop-cdn", query_string={"owner": "alice"}, json={"name": "pwned"}),
        bob.delete("/applications/shop-cdn", query_string={"owner": "alice"}),
        bob.get("/applications/shop-cdn/dependencies", query_string={"owner": "alice"}),
    ):
        assert error_of(response, 404)["message"] == "application 'shop-cdn' not found"
    # the same answer as for an id nobody has
    assert error_of(bob.get("/applications/no-such", query_string={"owner": "alice"}), 404)["message"] == (
        "application 'no-such' not found"
    )
    error_of(bob.post("/applications", query_string={"owner": "alice"}, json={"id": "x"}), 403)
    assert world.client("alice").get("/applications/shop-cdn").get_json()["name"] == "shop-cdn"


def test_a_grant_on_a_record_lets_another_user_read_it(world):
    alice, bob = world.client("alice"), world.client("bob")
    alice.put("/applications/sso", json={"name": "sso", "roles": [{"id": "bob", "role": 1}]})
    listed = bob.get("/applications", query_string={"owner": "alice"}).get_json()
    assert [item["id"] for item in listed["items"]] == ["sso"]
    assert bob.get("/applications/sso", query_string={"owner": "alice"}).status_code == 200
    error_of(bob.put("/applications/sso", query_string={"owner": "alice"}, json={"name": "x"}), 403)


# --- graphs --------------------------------------------------------------------------------------


def test_a_graph_from_creation_to_artefacts(world):
    alice = world.client("alice")
    created = alice.post("/graphs", json={"name": "Shop", "systems": ["shop"]})
    assert created.status_code == 201
    graph = created.get_json()
    assert graph["status"] in ("queued", "processing", "finished") and graph["selection"]["systems"] == ["shop"]
    done = world.wait("alice", graph["id"])
    assert done["status"] == "finished" and done["percent"] == 100 and done["message"].startswith("19 applications")
    stats = alice.get(f"/graphs/{graph['id']}/stats.json").get_json()
    assert stats == done["stats"] and sum(stats["histogram"]) == 19 and stats["maestro"]["info"]["conections"] > 0
    svg = alice.get(f"/graphs/{graph['id']}.svg")
    assert svg.mimetype == "image/svg+xml" and b'id="graph"' in svg.data and b"tool-frontend" in svg.data
    assert svg.headers["Content-Disposition"] == 'inline; filename="Shop.svg"'  # shown, and named
    download = alice.get(f"/graphs/{graph['id']}.svg?download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="Shop.svg"'
    flat = alice.get(f"/graphs/{graph['id']}.svg?style=flat&download=1")
    assert b'class="flat"' in flat.data[:300] and b"tool-frontend" in flat.data
    assert flat.headers["Content-Disposition"] == 'attachment; filename="Shop-flat.svg"'
    flat_png = alice.get(f"/graphs/{graph['id']}.png?style=flat")
    assert flat_png.data[:8] == b"\x89PNG\r\n\x1a\n"
    error_of(alice.get(f"/graphs/{graph['id']}.svg?style=3d"), 400)
    png = alice.get(f"/graphs/{graph['id']}.png")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    layout = alice.get(f"/graphs/{graph['id']}/layout.json").get_json()
    assert len(layout["nodes"]) == 19 and layout["edges"]
    listed = alice.get("/graphs").get_json()
    assert [item["id"] for item in listed["items"]] == [graph["id"]]
    assert alice.get("/graphs", query_string={"status": "error"}).get_json()["total"] == 0
    assert alice.get("/graphs", query_string={"q": "sho"}).get_json()["total"] == 1


def test_a_graph_names_its_rail_or_draws_every_edge_as_a_line(world):
    alice = world.client("alice")
    plain = alice.post("/graphs", json={"systems": ["shop"], "shared": []}).get_json()
    assert plain["shared"] == []
    world.wait("alice", plain["id"])
    layout = alice.get(f"/graphs/{plain['id']}/layout.json").get_json()
    assert "rail" not in layout and all(edge["kind"] != "shared" for edge in layout["edges"])
    chosen = next(n["id"] for n in layout["nodes"] if n["id"] not in layout["entries"])
    railed = alice.post("/graphs", json={"systems": ["shop"], "shared": [chosen]}).get_json()
    assert railed["shared"] == [chosen]
    done = world.wait("alice", railed["id"])
    layout = alice.get(f"/graphs/{railed['id']}/layout.json").get_json()
    assert layout["rail"] == [chosen] and any(edge["kind"] == "shared" for edge in layout["edges"])
    assert done["stats"] == world.wait("alice", plain["id"])["stats"]
    # the same diagram with every edge a line, laid out again on request, in both styles and as PNG
    for style in ("iso", "flat"):
        railed_svg = alice.get(f"/graphs/{railed['id']}.svg", query_string={"style": style}).data
        lines_svg = alice.get(f"/graphs/{railed['id']}.svg", query_string={"style": style, "rail": "false"}).data
        assert b'class="rail"' in railed_svg and b'class="rail"' not in lines_svg
        assert b'class="edge shared"' not in lines_svg and f'data-target="{chosen}"'.encode() in lines_svg
    download = alice.get(f"/graphs/{railed['id']}.svg", query_string={"rail": "false", "download": "1"})
    assert download.headers["Content-Disposition"].endswith('-lines.svg"')
    assert alice.get(f"/graphs/{railed['id']}.png", query_string={"rail": "false"}).data[:4] == b"\x89PNG"
    # a diagram without a rail is the same either way
    plain_svg = alice.get(f"/graphs/{plain['id']}.svg").data
    assert alice.get(f"/graphs/{plain['id']}.svg", query_string={"rail": "false"}).data == plain_svg
    error_of(alice.post("/graphs", json={"systems": ["shop"], "shared": "everything"}), 400)


def applications_and_landscape(world):
    """Alice's client, her systems, and a finished graph of them at each level."""
    alice = world.client("alice")
    systems = sorted(s["id"] for s in alice.get("/systems").get_json()["items"])
    graph = alice.post("/graphs", json={"systems": systems}).get_json()
    landscape = alice.post("/graphs", json={"systems": systems, "level": "systems"}).get_json()
    world.wait("alice", graph["id"]), world.wait("alice", landscape["id"])
    return alice, systems, graph, landscape


def test_the_landscape_of_an_applications_graph_on_request(world):
    alice, systems, graph, landscape = applications_and_landscape(world)
    # drawn on request from the run's artefacts, it is the diagram a graph drawn at that level has
    for style in ("iso", "flat"):
        asked = alice.get(f"/graphs/{graph['id']}.svg", query_string={"style": style, "level": "systems"})
        assert asked.status_code == 200
        assert asked.data == alice.get(f"/graphs/{landscape['id']}.svg", query_string={"style": style}).data
        assert asked.data != alice.get(f"/graphs/{graph['id']}.svg", query_string={"style": style}).data
    layout = alice.get(f"/graphs/{landscape['id']}/layout.json").get_json()
    assert {n["id"] for n in layout["nodes"]} | set(layout.get("rail", ())) <= set(systems)
    download = alice.get(f"/graphs/{graph['id']}.png", query_string={"level": "systems", "download": "1"})
    assert download.data[:4] == b"\x89PNG" and download.headers["Content-Disposition"].endswith('-systems.png"')
    same = alice.get(f"/graphs/{graph['id']}.svg", query_string={"level": "applications"}).data
    assert same == alice.get(f"/graphs/{graph['id']}.svg").data
    # a landscape has no applications level to go down to; nor has the infrastructure view a landscape
    refused = error_of(alice.get(f"/graphs/{landscape['id']}.svg", query_string={"level": "applications"}), 409)
    assert "systems level only" in refused["message"]
    infra = alice.post("/graphs", json={"systems": systems[:1], "type": "infra"}).get_json()
    world.wait("alice", infra["id"])
    error_of(alice.get(f"/graphs/{infra['id']}.svg", query_string={"level": "systems"}), 409)
    error_of(alice.get(f"/graphs/{graph['id']}.svg", query_string={"level": "clients"}), 400)


def test_a_system_opened_in_place_in_the_landscape(world):
    alice, systems, graph, landscape = applications_and_landscape(world)
    layout = alice.get(f"/graphs/{graph['id']}/layout.json").get_json()
    apps = {a["id"]: a for a in alice.get("/applications", query_string={"limit": 200}).get_json()["items"]}
    shop = {
        i for i in {n["id"] for n in layout["nodes"]} | set(layout.get("rail", ())) if apps[i]["systems"][0] == "shop"
    }
    for target in (graph, landscape):  # from either level
        svg = alice.get(f"/graphs/{target['id']}.svg", query_string={"level": "systems", "expand": "shop"}).data
        drawn = set(re.findall(rb'data-app-id="([^"]+)"', svg))
        # the shop's applications as themselves, the other systems as boxes that name their system
        assert {i.encode() for i in shop} <= drawn and b"shop" not in drawn
        boxes = set(re.findall(rb'data-app-id="([^"]+)" data-family="Corporate" data-system="([^"]+)"', svg))
        assert {system for _, system in boxes} == {s.encode() for s in systems} - {b"shop"}
        assert b'data-source="frontend" data-target="checkoutservice"' in svg  # a dependency inside the shop
    # two opened at once; the rest as before
    both = alice.get(f"/graphs/{graph['id']}.svg", query_string=[("level", "systems"), ("expand", "shop"),
                                                                 ("expand", "platform")]).data  # fmt: skip
    assert b'data-system="platform"' not in both and b'data-system="backoffice"' in both
    plain = alice.get(f"/graphs/{graph['id']}.svg", query_string={"level": "systems"}).data
    assert b'data-system="shop"' in plain and b'data-app-id="frontend"' not in plain
    png = alice.get(f"/graphs/{graph['id']}.png", query_string={"level": "systems", "expand": "shop"})
    assert png.data[:4] == b"\x89PNG"
    refused = error_of(
        alice.get(f"/graphs/{graph['id']}.svg", query_string={"level": "systems", "expand": "nope"}), 400
    )
    assert "'nope' is not a system of this diagram" in refused["message"]
    error_of(alice.get(f"/graphs/{graph['id']}.svg", query_string={"expand": "shop"}), 409)  # not a landscape
    many = [("level", "systems")] + [("expand", "shop")] * 51
    error_of(alice.get(f"/graphs/{graph['id']}.svg", query_string=many), 400)


def test_tiles_coloured_by_system_or_environment(world):
    alice, _, graph, _ = applications_and_landscape(world)
    apps = {a["id"]: a for a in alice.get("/applications", query_string={"limit": 200}).get_json()["items"]}
    names = {s["id"]: s["name"] for s in alice.get("/systems").get_json()["items"]}
    for style in ("iso", "flat"):
        own = alice.get(f"/graphs/{graph['id']}.svg", query_string={"style": style}).data
        assert alice.get(f"/graphs/{graph['id']}.svg", query_string={"style": style, "colour": "provider"}).data == own
        by = alice.get(f"/graphs/{graph['id']}.svg", query_string={"style": style, "colour": "system"}).data.decode()
        assert "colour: the system" in by and "colour: the system" not in own.decode()
        # the applications of one system share a colour, and two systems' colours differ
        colour_of: dict[str, set[str]] = {}
        if style == "iso":
            for app, theme in re.findall(r'class="app theme-(\w+)" data-app-id="([^"]+)"', by):
                colour_of.setdefault(apps[theme]["systems"][0], set()).add(app)
        else:
            for app, fill in re.findall(r'data-app-id="([^"]+)".*?<rect [^>]*width="5" [^>]*fill="([^"]+)"', by):
                colour_of.setdefault(apps[app]["systems"][0], set()).add(fill)
        assert len(colour_of) >= 2 and all(len(colours) == 1 for colours in colour_of.values()), colour_of
        assert len({next(iter(c)) for c in colour_of.values()}) == len(colour_of)
        for system in colour_of:  # the legend names them
            assert names[system] in by
    by_env = alice.get(f"/graphs/{graph['id']}.svg", query_string={"colour": "environment"}).data.decode()
    assert "colour: the environment" in by_env
    download = alice.get(f"/graphs/{graph['id']}.png", query_string={"colour": "system", "download": "1"})
    assert download.data[:4] == b"\x89PNG" and download.headers["Content-Disposition"].endswith('-by-system.png"')
    boxes = alice.get(f"/graphs/{graph['id']}.svg", query_string={"level": "systems", "colour": "system"}).data
    assert len(set(re.findall(rb'class="app theme-(\w+)"', boxes))) >= 2  # a colour per system's box
    refused = error_of(alice.get(f"/graphs/{graph['id']}.svg", query_string={"colour": "team"}), 400)
    assert [d["field"] for d in refused["details"]] == ["query.colour"]


def test_what_a_diagram_can_be_filtered_by(world):
    alice = world.client("alice")
    systems = {s["id"]: s["name"] for s in alice.get("/systems").get_json()["items"]}
    graph = alice.post("/graphs", json={"systems": sorted(systems)}).get_json()
    world.wait("alice", graph["id"])
    found = alice.get(f"/graphs/{graph['id']}/facets").get_json()
    layout = alice.get(f"/graphs/{graph['id']}/layout.json").get_json()
    drawn = {n["id"] for n in layout["nodes"]} | set(layout.get("rail", ()))
    assert {item["id"] for item in found["items"]} == drawn
    apps = {a["id"]: a for a in alice.get("/applications", query_string={"limit": 200}).get_json()["items"]}
    for item in found["items"]:
        assert item["system"] == apps[item["id"]]["systems"] and item.get("family") == apps[item["id"]]["family"]
    # each field's values counted, most common first; a system under its name
    for field, values in found["values"].items():
        counts = [v["count"] for v in values]
        assert counts == sorted(counts, reverse=True) and all(counts)
        if field != "system":
            assert counts == [sum(1 for i in found["items"] if i.get(field) == v["value"]) for v in values]
    assert {(v["value"], v["name"]) for v in found["values"]["system"]} <= set(systems.items())
    assert found["values"]["family"] and found["values"]["environment"]
    error_of(alice.get("/graphs/nowhere/facets"), 404)
    assert world.client("bob").get(f"/graphs/{graph['id']}/facets").status_code == 404


def test_what_depends_on_an_application_of_a_graph(world):
    alice = world.client("alice")
    graph = alice.post("/graphs", json={"systems": ["shop"]}).get_json()
    world.wait("alice", graph["id"])
    layout = alice.get(f"/graphs/{graph['id']}/layout.json").get_json()
    target = next(e["target"] for e in layout["edges"] if e["source"] in layout["entries"])
    found = alice.get(f"/graphs/{graph['id']}/impact", query_string={"app": target}).get_json()
    assert found["id"] == target and found["dependents"] and set(found["entries"]) <= set(layout["entries"])
    assert {d["id"] for d in found["dependents"] if d["hops"] == 1} == {
        e["source"] for e in layout["edges"] if e["target"] == target and e["source"] != target
    }
    assert sum(found["systems"].values()) >= len(found["dependents"]) + 1  # every demo application has a system
    assert found["clients"] and max(found["clients"].values()) <= len(found["dependents"]) + 1
    error_of(alice.get(f"/graphs/{graph['id']}/impact", query_string={"app": "nowhere"}), 404)
    error_of(alice.get(f"/graphs/{graph['id']}/impact"), 400)
    error_of(alice.get(f"/graphs/{graph['id']}/impact", query_string={"app": target, "server": "x"}), 400)
    # a server: what it runs (0 hops), then what depends on that; by id or hostname
    drawn = {n["id"] for n in layout["nodes"]}
    server = next(s for s in alice.get("/servers").get_json()["items"] if set(s["applications"]) & drawn)
    hosted = set(server["applications"]) & drawn
    for name in {server["id"], server["hostname"]} - {""}:
        by_server = alice.get(f"/graphs/{graph['id']}/impact", query_string={"server": name}).get_json()
        assert {d["id"] for d in by_server["dependents"] if d["hops"] == 0} == hosted, by_server
        assert by_server["id"] == name
    error_of(alice.get(f"/graphs/{graph['id']}/impact", query_string={"server": "no-such-host"}), 404)


def test_systems_in_containers_unless_asked_not_to(world):
    alice, systems, graph, _ = applications_and_landscape(world)
    names = {s["id"]: s["name"] for s in alice.get("/systems").get_json()["items"]}
    assert graph["containers"] is True
    layout = alice.get(f"/graphs/{graph['id']}/layout.json").get_json()
    drawn = {n["id"] for n in layout["nodes"]} - set(layout.get("rail", ()))
    apps = {a["id"]: a for a in alice.get("/applications", query_string={"limit": 200}).get_json()["items"]}
    assert {b["group"] for b in layout["containers"]} == {apps[i]["systems"][0] for i in drawn if apps[i]["systems"]}
    for style in ("iso", "flat"):
        svg = alice.get(f"/graphs/{graph['id']}.svg", query_string={"style": style}).data.decode()
        for box in layout["containers"]:  # captioned with the system's name (in iso, over everything)
            caption = (rf'data-group="{box["group"]}"><title>[^<]*</title><rect [^>]*/><text [^>]*>' if style == "flat"
                       else rf'<text class="group" [^>]*data-group="{box["group"]}">')  # fmt: skip
            assert re.search(rf"{caption}{re.escape(names[box['group']])}</text>", svg), box["group"]
        # opened in place in the landscape, a system's applications stand in its container
        asked = {"style": style, "level": "systems", "expand": systems[0]}
        opened = alice.get(f"/graphs/{graph['id']}.svg", query_string=asked).data.decode()
        assert re.findall(r'class="container" data-group="([^"]+)"', opened) == [systems[0]]
    plain = alice.post("/graphs", json={"systems": systems, "containers": False}).get_json()
    assert plain["containers"] is False
    world.wait("alice", plain["id"])
    assert "containers" not in alice.get(f"/graphs/{plain['id']}/layout.json").get_json()
    assert 'class="container"' not in alice.get(f"/graphs/{plain['id']}.svg").data.decode()
    error_of(alice.post("/graphs", json={"systems": systems, "containers": "sometimes"}), 400)


def test_the_landscape_on_request_is_packed_to_the_aspect_asked(world):
    from analytics_maestro.inventory.generate import generate

    bob = world.client("bob")
    assert bob.post("/inventory", json=generate(300, 4)).status_code == 200
    graph = bob.post("/graphs", json={"all_systems": True}).get_json()
    world.wait("bob", graph["id"])

    def ratio(aspect):
        query = {"level": "systems", "style": "flat", **({"aspect": aspect} if aspect else {})}
        asked = bob.get(f"/graphs/{graph['id']}.svg", query_string=query)
        assert asked.status_code == 200
        _, _, width, height = (float(v) for v in ET.fromstring(asked.data).get("viewBox").split())
        return width / height

    wide, tall, default = ratio(3.0), ratio(0.5), ratio(None)
    assert tall < default < wide and wide > 3 * tall
    assert ratio(2.96) == wide  # to a tenth: one drawing kept per tenth
    for bad in (10, 0.1, "wide"):
        error_of(bob.get(f"/graphs/{graph['id']}.svg", query_string={"level": "systems", "aspect": bad}), 400)


def test_a_graph_of_the_systems_landscape_packed_to_an_aspect(world):
    alice = world.client("alice")
    graph = alice.post("/graphs", json={"systems": ["shop"], "level": "systems", "aspect": 1.0}).get_json()
    assert graph["level"] == "systems" and graph["aspect"] == 1.0
    done = world.wait("alice", graph["id"])
    layout = alice.get(f"/graphs/{graph['id']}/layout.json").get_json()
    assert "shop" in [n["id"] for n in layout["nodes"]] and len(layout["nodes"]) < sum(done["stats"]["histogram"])
    for bad in ({"level": "teams"}, {"aspect": 0}, {"aspect": 50}):
        error_of(alice.post("/graphs", json={"systems": ["shop"], **bad}), 400)


def test_graph_requests_are_validated(world):
    alice = world.client("alice")
    error = error_of(alice.post("/graphs", json={"systems": ["nope", "gone"]}), 422)
    assert error["code"] == "no_entry_point" and [d["message"] for d in error["details"]] == [
        "unknown system 'nope'", "unknown system 'gone'"]  # fmt: skip
    partly = alice.post("/graphs", json={"systems": ["nope", "shop"]})
    assert partly.status_code == 201
    assert "unknown system 'nope'" in world.wait("alice", partly.get_json()["id"])["message"]
    for body in ({}, {"systems": ["shop"], "apps": ["frontend"]}, {"systems": []},
                 {"all_systems": True, "systems": ["shop"]}, {"all_systems": False}):  # fmt: skip
        error = error_of(alice.post("/graphs", json=body), 400)
        assert "give exactly one of systems, clients, apps or all_systems" in error["details"][0]["message"]
    error = error_of(alice.post("/graphs", json={"apps": ["a"], "type": "flowchart", "colour": "red"}), 400)
    assert {d["field"] for d in error["details"]} == {"body.type", "body.colour"}


def test_rerun_events_and_delete(world):
    alice = world.client("alice")
    graph_id = alice.post("/graphs", json={"apps": ["checkoutservice"]}).get_json()["id"]
    world.wait("alice", graph_id)
    rerun = alice.post(f"/graphs/{graph_id}/run")
    assert rerun.status_code == 202 and rerun.get_json()["run"] == 2
    stream = alice.get(f"/graphs/{graph_id}/events")
    assert stream.mimetype == "text/event-stream"
    events = [block for block in stream.get_data(as_text=True).split("\n\n") if block.startswith("event:")]
    last = events[-1].split("\n")
    assert last[0] == "event: end"
    state = json.loads(last[1].removeprefix("data: "))
    assert state["run"] == 2 and state["status"] == "finished" and state["percent"] == 100
    assert all(block.startswith("event: progress") for block in events[:-1])
    assert alice.delete(f"/graphs/{graph_id}").status_code == 204
    error_of(alice.get(f"/graphs/{graph_id}"), 404)
    error_of(alice.get(f"/graphs/{graph_id}.svg"), 404)
    assert not (world.app.extensions["maestro.artifacts"].root / graph_id).exists()


def test_artefacts_of_a_graph_not_drawn_yet_are_409(world):
    graph_id = records.create(world.engine, GraphRequest(owner="alice", apps=("frontend",)), "waiting")
    alice = world.client("alice")
    for path in (f"/graphs/{graph_id}.svg", f"/graphs/{graph_id}.png", f"/graphs/{graph_id}/layout.json",
                 f"/graphs/{graph_id}/stats.json"):  # fmt: skip
        assert error_of(alice.get(path), 409)["code"] == "not_ready"


def test_graphs_never_cross_owners(world):
    alice, bob = world.client("alice"), world.client("bob")
    mine = alice.post("/graphs", json={"apps": ["frontend"]}).get_json()["id"]
    for response in (bob.get(f"/graphs/{mine}"), bob.get(f"/graphs/{mine}.svg"), bob.post(f"/graphs/{mine}/run"),
                     bob.delete(f"/graphs/{mine}"), bob.get(f"/graphs/{mine}/events"),
                     bob.post(f"/graphs/{mine}/links", json={})):  # fmt: skip
        error_of(response, 404)
    assert bob.get("/graphs").get_json()["total"] == 0
    assert bob.get("/graphs", query_string={"owner": "alice"}).get_json()["total"] == 0
    # bob's frontend is his own: the lookup never reaches alice's applications of the same ids
    theirs = bob.post("/graphs", json={"apps": ["frontend"]}).get_json()["id"]
    done = world.wait("bob", theirs)
    layout = bob.get(f"/graphs/{theirs}/layout.json").get_json()
    assert sorted(node["id"] for node in layout["nodes"]) == ["bob-db", "frontend"]
    assert "1 dependencies on applications that are not in the inventory" in done["message"]
    # an id only alice has is no entry point for bob, and answers exactly as an id nobody has
    theirs_only = error_of(bob.post("/graphs", json={"apps": ["shop-cdn"]}), 422)
    nobodys = error_of(bob.post("/graphs", json={"apps": ["no-such-app"]}), 422)
    assert theirs_only["details"] == [{"field": "apps", "message": "unknown application 'shop-cdn'"}]
    assert nobodys["details"] == [{"field": "apps", "message": "unknown application 'no-such-app'"}]
    error_of(bob.post("/graphs", query_string={"owner": "alice"}, json={"apps": ["shop-cdn"]}), 403)


def test_team_graphs_use_the_teams_inventory(world):
    carol = world.client("carol")
    graph = carol.post("/graphs", query_string={"owner": "ops"}, json={"systems": ["shop"]}).get_json()
    assert graph["owner"] == "ops"
    assert world.wait("carol", graph["id"])["status"] == "finished"
    assert world.client("dave").get(f"/graphs/{graph['id']}").status_code == 200
    error_of(carol.delete(f"/graphs/{graph['id']}"), 403)
    error_of(world.client("bob").get(f"/graphs/{graph['id']}"), 404)


# --- public links --------------------------------------------------------------------------------


def test_public_links_show_the_diagram_to_anyone_until_revoked(world):
    alice = world.client("alice")
    graph_id = alice.post("/graphs", json={"apps": ["frontend"]}).get_json()["id"]
    world.wait("alice", graph_id)
    link = alice.post(f"/graphs/{graph_id}/links", json={})
    assert link.status_code == 201
    link = link.get_json()
    assert link["active"] and link["expires_at"] is None and link["url"].endswith(f"/public/{link['token']}")
    anyone = world.client()
    shared = anyone.get(f"/public/{link['token']}.svg")
    assert shared.status_code == 200 and shared.data == alice.get(f"/graphs/{graph_id}.svg").data
    assert "default-src 'none'" in shared.headers["Content-Security-Policy"]
    assert b'class="flat"' in anyone.get(f"/public/{link['token']}.svg?style=flat").data[:300]
    # the token opens the diagram only
    error_of(anyone.get(f"/graphs/{graph_id}", headers={"Authorization": f"Bearer {link['token']}"}), 401)
    listed = alice.get(f"/graphs/{graph_id}/links").get_json()["items"]
    assert [item["id"] for item in listed] == [link["id"]] and "token" not in listed[0]
    assert alice.delete(f"/graphs/{graph_id}/links/{link['id']}").status_code == 204
    error_of(anyone.get(f"/public/{link['token']}.svg"), 404)
    assert alice.get(f"/graphs/{graph_id}/links").get_json()["items"][0]["active"] is False
    error_of(alice.delete(f"/graphs/{graph_id}/links/{link['id']}"), 404)
    error_of(anyone.get("/public/made-up-token.svg"), 404)


def test_an_expired_link_is_404_and_only_admins_make_links(world):
    alice = world.client("alice")
    graph_id = alice.post("/graphs", json={"apps": ["frontend"]}).get_json()["id"]
    world.wait("alice", graph_id)
    link = alice.post(f"/graphs/{graph_id}/links", json={"expires_in": 3600}).get_json()
    assert link["expires_at"] > time.time() + 3500
    assert world.client().get(f"/public/{link['token']}.svg").status_code == 200
    with world.engine.begin() as connection:
        connection.execute(sa.update(schema.public_links).values(expires_at=time.time() - 1))
    error_of(world.client().get(f"/public/{link['token']}.svg"), 404)
    error_of(alice.post(f"/graphs/{graph_id}/links", json={"expires_in": 5}), 400)
    team_graph = world.client("dave").post("/graphs", query_string={"owner": "ops"}, json={"apps": ["sso"]})
    team_id = team_graph.get_json()["id"]
    error_of(world.client("dave").post(f"/graphs/{team_id}/links", json={}), 403)
    assert world.client("erin").post(f"/graphs/{team_id}/links", json={}).status_code == 201


# --- Maestro compatibility -----------------------------------------------------------------------


def private(claims: dict | None = None, secret: str = PRIVATE) -> dict:
    token = jwt.encode(claims if claims is not None else {"noauth": NOAUTH}, secret, algorithm="HS256")
    return {"Authorization": f"JWT {token}"}


def test_maestro_post_graph_draws_with_the_original_statistics(world):
    client = world.client()
    body = {"_id": "5f1c0ffee0000000000000aa", "owner_id": "alice", "type": "bussiness",
            "systems": [{"_id": "shop"}]}  # fmt: skip
    response = client.post("/graph", json=body, headers=private())
    assert response.status_code == 201
    accepted = response.get_json()
    assert accepted == {"_id": body["_id"], "run": 1, "run_id": f"{body['_id']}:1", "status": "queued"}
    world.wait("alice", body["_id"])
    state = client.get(f"/graph/{body['_id']}", headers=private()).get_json()
    stats = world.client("alice").get(f"/graphs/{body['_id']}/stats.json").get_json()
    assert state["status"] == "finished" and state["_id"] == body["_id"]
    assert state["info"] == {"histograms": {str(c): n for c, n in enumerate(stats["histogram"])},
                             "density": stats["density"], "conections": stats["connections"]}  # fmt: skip
    assert state["isystems"] == {"items": [{"_id": s} for s in stats["systems"]], "total": len(stats["systems"])}
    assert state["ifamilies"] == {"items": stats["families"], "total": stats["applications"]}
    assert state["iservers"] == {"total": stats["servers"]}
    assert state["iclients"]["total"] == len(stats["clients"])
    assert isinstance(state["info"]["density"], str) and len(state["info"]["density"].split(".")[1]) == 2
    again = client.post("/graph", json=body, headers=private()).get_json()
    assert again["run"] == 2
    error_of(client.post("/graph", json={**body, "owner_id": "bob"}, headers=private()), 409)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "JWT"},
        {"Authorization": "JWTtoken"},
        {"Authorization": "Bearer " + jwt.encode({"noauth": NOAUTH}, PRIVATE, algorithm="HS256")},
        private({"noauth": "wrong"}),
        private({}),
        private(secret="not-the-private-secret-of-32-bytes!!"),
    ],
    ids=["none", "scheme-only", "no-space", "bearer", "wrong-noauth", "no-noauth", "wrong-secret"],
)
def test_maestro_private_scheme_refuses_bad_credentials(world, headers):
    body = {"_id": "abc", "owner_id": "alice", "apps": ["frontend"]}
    error_of(world.client().post("/graph", json=body, headers=headers), 401)
    error_of(world.client("alice").get("/graph/abc", headers=headers or None), 401)


def test_maestro_private_scheme_is_off_unless_configured(engine, tmp_path):
    world = make_world(engine, tmp_path, MAESTRO_SECRETJWT_PRIVATE="", MAESTRO_NOAUTH="")
    try:
        response = world.client().post("/graph", json={"_id": "a", "owner_id": "alice", "apps": ["x"]},
                                       headers=private())  # fmt: skip
        assert "not configured" in error_of(response, 401)["message"]
    finally:
        world.runner.shutdown()


def test_maestro_requests_are_validated(world):
    error = error_of(world.client().post("/graph", json={"_id": "../etc", "owner_id": "alice"}, headers=private()), 400)
    assert {d["field"] for d in error["details"]} == {"body._id"}


# --- secrets -------------------------------------------------------------------------------------


def test_without_a_configured_secret_one_is_generated_once_and_kept(tmp_path):
    from analytics_maestro.config import Settings

    settings = Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path)})
    first = auth.secret_of(settings)
    assert len(first) >= 48 and auth.secret_of(settings) == first
    assert (tmp_path / "secret-jwt").stat().st_mode & 0o777 == 0o600
    assert auth.secret_of(Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path), "MAESTRO_SECRETJWT": "s"})) == "s"


def test_unexpected_errors_are_500_json_without_a_traceback(world):
    world.app.extensions["maestro.artifacts"].root = None  # a bug in waiting: any artefact read fails
    alice = world.client("alice")
    graph_id = records.create(world.engine, GraphRequest(owner="alice", apps=("frontend",)))
    records.update(world.engine, graph_id, 1, published_run=1)
    error = error_of(alice.get(f"/graphs/{graph_id}.svg"), 500)
    assert error["code"] == "internal_error" and "Traceback" not in error["message"]


def test_another_sites_page_cannot_use_the_session_cookie(world):
    browser = world.client()
    browser.post("/login/browser", data={"token": auth.login_link_token(world.engine, "alice")})
    ours = browser.post("/graphs", json={"apps": ["frontend"]}, headers={"Origin": "http://localhost"})
    assert ours.status_code == 201
    graph_id = ours.get_json()["id"]
    evil = {"Origin": "https://evil.example"}
    assert (
        "cannot use this site's session"
        in error_of(browser.post(f"/graphs/{graph_id}/run", headers=evil), 403)["message"]
    )
    error_of(browser.delete(f"/graphs/{graph_id}", headers=evil), 403)
    assert browser.get(f"/graphs/{graph_id}", headers=evil).status_code == 200  # reading is not a change
    # a bearer token is not sent by browsers on their own: no origin check for it
    bearer = world.client("alice")
    assert bearer.post(f"/graphs/{graph_id}/run", headers=evil).status_code == 202


def test_reading_graphs_writes_nothing_and_the_sweeper_ends_overdue_runs(world):
    """Overdue runs are ended in the background; a GET (list, graph, Maestro's status, a page)
    never writes to the store."""
    from analytics_maestro.domain import GraphRequest
    from analytics_maestro.pipeline import records

    graph_id = records.create(world.engine, GraphRequest(owner="alice", systems=("shop",)))
    records.update(world.engine, graph_id, 1, status="processing", stage="network", deadline=time.time() - 1)
    writes: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    sa.event.listen(world.engine, "before_cursor_execute", spy)
    try:
        client = world.client("alice")
        client.set_cookie(auth.COOKIE, auth.issue_token(world.engine, SECRET, "alice", 3600))  # for the pages
        for url in (f"/graphs/{graph_id}", "/graphs", f"/app/graphs/{graph_id}", "/app/graphs"):
            assert client.get(url).status_code == 200, url
        assert client.get(f"/graphs/{graph_id}").get_json()["status"] == "processing"
    finally:
        sa.event.remove(world.engine, "before_cursor_execute", spy)
    assert writes == []
    sweeper = records.Sweeper(world.engine, interval=0.01).start()
    try:
        deadline = time.monotonic() + 10
        while records.get(world.engine, graph_id).status != "error" and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        sweeper.stop()
    ended = records.get(world.engine, graph_id)
    assert (ended.status, ended.message) == ("error", "the run did not finish within its time limit")


def test_users_and_teams_never_share_an_id(world):
    """A site admin who adds bob to "team" alice (a user) must not give bob alice's inventory; a
    user made with a team's id must not become the team's admin."""
    alice, bob = world.client("alice"), world.client("bob")
    seen = bob.get("/applications?owner=alice").get_json()["total"]
    assert seen < alice.get("/applications").get_json()["total"]
    error = error_of(alice.put("/teams/alice/members/bob", json={"role": 7}), 409)
    assert error["message"] == "'alice' is a user: a team cannot have a user's id"
    assert bob.get("/me").get_json()["principals"] == ["bob"]
    assert bob.get("/applications?owner=alice").get_json()["total"] == seen
    error = error_of(alice.post("/users", json={"id": "ops", "name": "Ops"}), 409)
    assert error["message"] == "'ops' is a team: a user cannot have a team's id"
    # a new team is still made by adding its first member
    assert alice.put("/teams/sre/members/bob", json={"role": 3}).status_code == 200
    assert "sre" in bob.get("/me").get_json()["principals"]


def test_guessing_login_links_is_slowed_down_per_address(world):
    from analytics_maestro.web.accounts import Attempts

    world.app.extensions["maestro.logins"] = Attempts(most=5, window=60)
    guesser = world.client()
    for _ in range(5):
        error_of(guesser.post("/login", json={"token": "guess"}), 401)
    error = error_of(guesser.post("/login", json={"token": auth.login_link_token(world.engine, "carol")}), 429)
    assert error["message"].startswith("too many failed logins from 127.0.0.1; try again in ")
    assert error_of(guesser.post("/login/browser", data={"token": "guess"}), 429)["code"] == "too_many_requests"
    # another address is not held up, and a window that has passed forgets
    other = world.client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"  # only a name in the WSGI environ: no traffic
    assert other.post("/login", json={"token": auth.login_link_token(world.engine, "carol")}).status_code == 200
    world.app.extensions["maestro.logins"] = Attempts(most=5, window=0.0)
    assert guesser.post("/login", json={"token": auth.login_link_token(world.engine, "carol")}).status_code == 200


def test_an_id_with_a_slash_is_addressable(world):
    alice = world.client("alice")
    made = alice.put("/applications/team-a/billing", json={"name": "Billing", "deps": [{"id": "redis-cart"}]})
    assert made.status_code == 201, made.get_json()
    assert alice.get("/applications/team-a/billing").get_json()["name"] == "Billing"
    links = alice.get("/applications/team-a/billing/dependencies").get_json()
    assert [d["id"] for d in links["dependencies"]] == ["redis-cart"]
    users = alice.get("/applications/redis-cart/dependencies").get_json()["dependents"]
    assert "team-a/billing" in {d["id"] for d in users}
    assert alice.delete("/applications/team-a/billing").status_code == 204
    error_of(alice.get("/applications/team-a/billing"), 404)


def test_the_openapi_document_says_exactly_one_selection(world):
    schemas = world.client().get("/openapi.json").get_json()["components"]["schemas"]
    branches = schemas["GraphCreate"]["oneOf"]
    assert sorted(b["required"][0] for b in branches) == ["all_systems", "apps", "clients", "systems"]
    lists = [b for b in branches if b["required"][0] != "all_systems"]
    assert all(b["properties"][b["required"][0]]["minItems"] == 1 for b in lists)
    (every,) = [b for b in branches if b["required"][0] == "all_systems"]
    assert every["properties"]["all_systems"] == {"const": True}


def test_business_is_spelt_as_people_write_it_and_kept(world):
    alice = world.client("alice")
    graph = alice.post("/graphs", json={"systems": ["shop"], "type": "business"}).get_json()
    assert graph["type"] == "business"
    done = world.wait("alice", graph["id"])
    same = world.wait("alice", alice.post("/graphs", json={"systems": ["shop"]}).get_json()["id"])
    assert (done["type"], same["type"]) == ("business", "bussiness")  # Maestro's spelling stays the default
    assert done["stats"] == same["stats"] and done["status"] == "finished"
    error_of(alice.post("/graphs", json={"systems": ["shop"], "type": "buisness"}), 400)


def test_a_graph_of_all_systems_and_its_name_changed(world):
    alice, carol = world.client("alice"), world.client("carol")
    created = alice.post("/graphs", json={"name": "everything", "all_systems": True})
    assert created.status_code == 201 and created.get_json()["selection"]["all_systems"] is True
    graph = world.wait("alice", created.get_json()["id"])
    assert graph["status"] == "finished" and set(graph["stats"]["systems"]) == {"shop", "backoffice", "platform"}
    renamed = alice.patch(f"/graphs/{graph['id']}", json={"name": "All of it"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "All of it"
    assert alice.get(f"/graphs/{graph['id']}").get_json()["name"] == "All of it"
    error_of(alice.patch(f"/graphs/{graph['id']}", json={"name": "x" * 1001}), 400)
    error_of(alice.patch(f"/graphs/{graph['id']}", json={"title": "x"}), 400)
    error_of(world.client("bob").patch(f"/graphs/{graph['id']}", json={"name": "mine"}), 404)
    team = world.client("dave").post("/graphs?owner=ops", json={"all_systems": True}).get_json()
    error_of(carol.patch(f"/graphs/{team['id']}", json={"name": "read only"}), 403)


def test_find_in_a_diagram(world):
    alice = world.client("alice")
    graph = world.wait("alice", alice.post("/graphs", json={"systems": ["shop"]}).get_json()["id"])
    found = alice.get(f"/graphs/{graph['id']}/find?q=frontend").get_json()["items"]
    assert found[0] == {"id": "frontend", "name": "frontend", "field": "name", "value": "frontend"}
    assert {m["id"] for m in found} >= {"shop-lb"}  # named frontend-lb
    by_address = alice.get(f"/graphs/{graph['id']}/find?q=10.10.0.11").get_json()["items"]
    assert by_address and all(m["field"] == "ipv4_private" for m in by_address)
    assert alice.get(f"/graphs/{graph['id']}/find?q=nothing-like-it").get_json() == {"items": []}
    error_of(alice.get(f"/graphs/{graph['id']}/find?q="), 400)
    error_of(alice.get(f"/graphs/{graph['id']}/find?q=a&limit=0"), 400)
    error_of(world.client("bob").get(f"/graphs/{graph['id']}/find?q=frontend"), 404)
