"""Hostile and unlucky input, at the edges: documents that nest too deep or stand for too much,
characters no store can keep. Each answers a clear 400 (or exit code 2) and changes nothing, on
SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import os
import re

import pytest
from click.testing import CliRunner

from analytics_maestro.cli import main
from analytics_maestro.inventory import files
from analytics_maestro.inventory.problems import InventoryError
from analytics_maestro.inventory.store import counts
from tests.apiclient import make_world
from tests.test_api import error_of


@pytest.fixture
def world(engine, tmp_path):
    world = make_world(engine, tmp_path)
    yield world
    world.runner.shutdown()


NESTED_3000 = "[" * 3000 + "]" * 3000
DEEP_YAML = "a: " + "[" * 50_000 + "]" * 50_000 + "\n"  # killed the worker (libyaml recurses in C)
DEEP_BLOCK_YAML = "a:\n" + "".join(" " * i + "- \n" for i in range(1, 200))
DEEP_DASH_YAML = "a: " + "- " * 30_000 + "x\n"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)  # ten to the ninth values from nine short lines


@pytest.mark.parametrize(
    ("document", "media", "limit"),
    [
        (DEEP_YAML, "application/yaml", "nests deeper than 64 levels"),
        (DEEP_BLOCK_YAML, "application/yaml", "nests deeper than 64 levels"),
        (DEEP_DASH_YAML, "application/yaml", "invalid YAML|nests deeper than 64 levels"),
        (LAUGHS, "application/yaml", "stands for more than 5,000,000 values"),
        ("[" * 3000 + "]" * 3000, "application/json", "nests deeper than about 1,000 levels"),
        ('{"applications": [{"id": "a", "x": ' + NESTED_3000 + "}]}", "application/json", "nests deeper than about 1"),
    ],
    ids=["flow-yaml", "block-yaml", "dash-yaml", "aliases", "json", "json-in-a-record"],
)
def test_a_document_past_the_limits_is_refused_before_it_is_built(world, document, media, limit):
    alice = world.client("alice")
    before = counts(world.engine, "alice")
    error = error_of(alice.post("/inventory", data=document, content_type=media), 400)
    assert re.search(limit, error["message"]), error
    assert counts(world.engine, "alice") == before
    assert alice.get("/health").status_code == 200  # the worker is alive and well


def test_the_command_line_refuses_them_too(tmp_path):
    for name, text in (("deep.yaml", DEEP_YAML), ("laughs.yaml", LAUGHS), ("deep.json", "[" * 3000 + "]" * 3000)):
        path = tmp_path / name
        path.write_text(text)
        for command in (["import", str(path)], ["draw", str(path), "--all", "-o", str(tmp_path / "x.svg")]):
            result = CliRunner().invoke(main, command)
            assert result.exit_code == 2, (name, command, result.output)
            assert "Traceback" not in result.output
            assert re.search("nests deeper than (64|about 1,000) levels|5,000,000 values", result.output), result.output
    assert not (tmp_path / "x.svg").exists()


def test_an_ordinary_inventory_nests_well_within_the_limit():
    doc = files.parse_document(b"applications:\n  - {id: a, deps: [{id: b, endpoint: http}], roles: []}\n", False,
                               "x")  # fmt: skip
    assert doc["applications"][0]["deps"][0]["id"] == "b"
    anchors = b"base: &b {family: Database}\napplications:\n  - {id: a, x: *b}\n  - {id: c, x: *b}\n"
    assert files.parse_document(anchors, False, "x")["applications"][1]["x"] == {"family": "Database"}
    with pytest.raises(InventoryError, match="line 1 column 5: invalid JSON"):
        files.parse_document(b"[1, }", True, "x")


NUL = "a\x00b"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/inventory", {"applications": [{"id": "web", "name": NUL}]}),
        ("post", "/inventory", {"applications": [{"id": NUL}]}),
        ("post", "/inventory", {"systems": [{"id": "s", "entries": ["\ud800"]}]}),
        ("post", "/applications", {"id": "x", "name": NUL}),
        ("put", "/applications/x", {"id": "x", "environment": NUL}),
        ("post", "/graphs", {"name": NUL, "systems": ["shop"]}),
        ("post", "/graphs", {"systems": [NUL]}),
        ("get", f"/applications?q={NUL}", None),
        ("get", "/applications?q=%00", None),
        ("get", "/graphs?q=%00", None),
        ("get", "/applications/a%00b", None),
    ],
)
def test_characters_no_store_can_keep_are_a_400_on_either_store(world, method, url, body):
    alice = world.client("alice")
    before = counts(world.engine, "alice")
    response = getattr(alice, method)(url, json=body) if body is not None else getattr(alice, method)(url)
    error = error_of(response, 400)
    assert any("cannot be stored" in item["message"] for item in error["details"]), error
    assert counts(world.engine, "alice") == before


def test_the_command_line_import_names_the_field(tmp_path):
    path = tmp_path / "nul.json"
    path.write_text(json.dumps({"applications": [{"id": "web", "name": NUL}]}))
    result = CliRunner().invoke(main, ["import", str(path)], env={"MAESTRO_VAR_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert "error: applications[0].name: 'a\\x00b' holds U+0000, which cannot be stored" in result.output


def test_a_run_that_cannot_be_queued_is_a_503_naming_the_broker_and_changes_nothing(world):
    """RabbitMQ away (here: a port where nothing listens): no graph left queued for ever, no finished
    graph turned into a run that never runs."""
    from analytics_maestro.config import Settings
    from analytics_maestro.pipeline import records
    from analytics_maestro.pipeline.remote import CeleryRunner

    alice = world.client("alice")
    finished = alice.post("/graphs", json={"name": "shop", "systems": ["shop"]}).get_json()["id"]
    before = world.wait("alice", finished)
    dead = Settings.from_env({"CELERY_BROKER_URL": "amqp://guest:secret@127.0.0.1:9//"})
    world.app.extensions["maestro.runner"] = CeleryRunner(world.engine, dead)
    listed = alice.get("/graphs").get_json()["total"]

    error = error_of(alice.post("/graphs", json={"name": "again", "systems": ["shop"]}), 503)
    assert "the broker at amqp://guest:**@127.0.0.1:9// does not answer" in error["message"], error
    assert "secret" not in error["message"]
    assert alice.get("/graphs").get_json()["total"] == listed  # nothing was created

    error_of(alice.post(f"/graphs/{finished}/run"), 503)
    after = alice.get(f"/graphs/{finished}").get_json()
    assert (after["status"], after["run"], after["message"]) == (before["status"], 1, before["message"])
    assert records.get(world.engine, finished).deadline is None


def test_a_number_past_what_floats_hold_is_an_error_not_a_null(world, tmp_path):
    alice = world.client("alice")
    response = alice.post("/servers", data='{"id": "big", "cpu": 1e400}', content_type="application/json")
    error = error_of(response, 400)
    assert any(item["field"] == "cpu" for item in error["details"]), error
    assert alice.get("/servers/big").status_code == 404
    path = tmp_path / "inf.json"
    path.write_text('{"applications": [{"id": "a"}], "servers": [{"id": "s", "memory": 1e999, "applications": ["a"]}]}')
    result = CliRunner().invoke(main, ["draw", str(path), "--all", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "servers[0].memory" in result.output, result.output


def test_percent_and_underscore_in_a_search_are_text(world):
    alice = world.client("alice")
    for ident, name in (("p1", "50%off"), ("p2", "50-off"), ("u1", "a_b"), ("u2", "axb")):
        assert alice.put(f"/applications/{ident}", json={"id": ident, "name": name}).status_code in (200, 201)
    assert [r["id"] for r in alice.get("/applications?q=50%25").get_json()["items"]] == ["p1"]
    assert [r["id"] for r in alice.get("/applications?q=a_b").get_json()["items"]] == ["u1"]
    graph = alice.post("/graphs", json={"name": "100%_sure", "apps": ["p1"]}).get_json()["id"]
    alice.post("/graphs", json={"name": "100 percent", "apps": ["p1"]})
    assert [g["id"] for g in alice.get("/graphs?q=0%25_").get_json()["items"]] == [graph]


def test_a_method_not_allowed_says_which_are(world):
    response = world.client("alice").delete("/graphs")
    error_of(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_read_only_member_cannot_rerun_and_the_diagram_runs_nothing(world):
    dave, carol = world.client("dave"), world.client("carol")  # team ops: dave writes, carol reads
    graph = dave.post("/graphs?owner=ops", json={"name": "ops", "systems": ["shop"]}).get_json()["id"]
    world.wait("dave", graph)
    assert error_of(carol.post(f"/graphs/{graph}/run"), 403)["message"] == "write access to the graph is needed"
    assert dave.post(f"/graphs/{graph}/run").status_code == 202
    world.wait("dave", graph)
    svg = carol.get(f"/graphs/{graph}.svg")
    assert svg.status_code == 200 and svg.headers["X-Content-Type-Options"] == "nosniff"
    assert svg.headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.services
def test_watching_browsers_never_take_the_threads_the_api_answers_with(tmp_path):
    """Forty progress streams open on a running graph — more than the 2 × 8 request threads, which
    used to freeze the API — and /health still answers; the streams past the cap get the state
    once and are asked back later (`retry`)."""
    import socket
    import time
    import urllib.request

    from bench.api import call, start_server
    from bench.streams import _drop

    from tests.test_celery import _require_services

    _require_services()
    queue = f"{os.environ['MAESTRO_QUEUE']}-streams"  # a queue of its own, that no worker takes from
    server = start_server(tmp_path, workers=2, MAESTRO_RUNNER="celery", MAESTRO_QUEUE=queue)
    streams = []
    try:
        graph = call(server, "POST", "/graphs", {"systems": ["shop"]})
        host, port = server.base.removeprefix("http://").split(":")
        for _ in range(40):
            s = socket.create_connection((host, int(port)), timeout=10)
            s.sendall(f"GET /graphs/{graph['id']}/events HTTP/1.1\r\nHost: {host}\r\n"
                      f"Authorization: Bearer {server.token}\r\n\r\n".encode())  # fmt: skip
            streams.append(s)
        time.sleep(1)
        started = time.monotonic()
        with urllib.request.urlopen(f"{server.base}/health", timeout=10) as answer:
            assert answer.status == 200
        assert time.monotonic() - started < 5  # answered, not queued behind the streams
        first = []
        for s in streams:  # each answer up to its first event or retry
            s.settimeout(10)
            text = b""
            while b"retry: " not in text:
                text += s.recv(4096) or b"retry: (closed)"
            first.append(text.decode())
        assert all("200 OK" in text for text in first)
        held = [t for t in first if "retry: 200" in t]  # streaming: at most half the threads of each worker
        asked_back = [t for t in first if "retry: 15000" in t and "event: progress" in t]
        assert 1 <= len(held) <= 8 and len(held) + len(asked_back) == 40, (len(held), len(asked_back))
    finally:
        for s in streams:
            s.close()
        server.stop()
        _drop(server.env, queue)


def test_what_gunicorn_refuses_itself_answers_in_the_api_error_shape(tmp_path):
    """A request line or headers past gunicorn's limits never reach the application: their 414 and
    431 come from gunicorn, as JSON like every other error."""
    import socket

    from bench.api import start_server

    server = start_server(tmp_path, workers=1)
    try:
        host, port = server.base.removeprefix("http://").split(":")

        def raw(request: bytes) -> tuple[str, dict]:
            with socket.create_connection((host, int(port)), timeout=10) as s:
                s.sendall(request)
                answer = b""
                while chunk := s.recv(65536):
                    answer += chunk
            head, _, body = answer.decode("latin-1").partition("\r\n\r\n")
            assert "Content-Type: application/json" in head, head
            return head.split("\r\n")[0], json.loads(body)

        status, body = raw(b"GET /graphs?q=" + b"x" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == "HTTP/1.1 414 URI Too Long" and body["error"]["code"] == "uri_too_long"
        assert set(body["error"]) == {"code", "message", "details"}
        many = b"".join(b"X-H%d: v\r\n" % k for k in range(200))
        status, body = raw(b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
        assert status.startswith("HTTP/1.1 431") and body["error"]["code"] == "request_header_fields_too_large"
        status, body = raw(b"NOT A REQUEST\r\n\r\n")
        assert status.startswith("HTTP/1.1 400") and body["error"]["message"]
    finally:
        server.stop()


def test_a_document_of_too_many_records_is_refused_before_they_are_built():
    from analytics_maestro.inventory.validate import MAX_RECORDS, validate

    doc = {"applications": [{"id": f"a{k}"} for k in range(30)], "servers": [{"id": f"s{k}"} for k in range(11)]}
    report = validate(doc, max_records=40)
    assert not report.ok and report.inventory is None
    assert str(report.errors[0]) == "41 records; at most 40 are read in one document: split it"
    assert validate(doc, max_records=41).ok and MAX_RECORDS >= 1_000_000  # the generated benchmarks fit
