"""Graph runs through the nine stages with the local runner, on SQLite and PostgreSQL: statuses,
messages, statistics, artefacts, failures, supersession, deadlines and progress events."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.files import load_inventory
from analytics_maestro.inventory.importer import write_inventory
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.local import LocalRunner
from analytics_maestro.pipeline.stages import Run, diagram_of, png_of, start
from tests.conftest import load

DEMO = Path(__file__).resolve().parent.parent / "src/analytics_maestro/demo/inventory.yaml"


@pytest.fixture
def demo(engine):
    write_inventory(engine, load_inventory(DEMO).inventory, "acme")
    return engine


@pytest.fixture
def runner(demo, tmp_path):
    runner = LocalRunner(demo, Artifacts(tmp_path / "artifacts"))
    yield runner
    runner.shutdown()


def run_to_end(runner: LocalRunner, request: GraphRequest, **kwargs) -> records.GraphRecord:
    graph_id = records.create(runner.engine, request, **kwargs)
    runner.submit(graph_id, 1).result(timeout=60)
    return records.get(runner.engine, graph_id)


def test_a_run_finishes_with_statistics_and_artefacts(runner):
    graph = run_to_end(runner, GraphRequest(owner="acme", systems=("shop",)), name="shop")
    assert (graph.status, graph.stage, graph.percent, graph.published_run) == ("finished", None, 100, 1)
    assert graph.message == "19 applications, 24 dependencies"
    stats = graph.stats
    assert stats["applications"] == 19 and stats["connections"] == 24 and sum(stats["histogram"]) == 19
    assert stats["clients"] == ["boutique-inc", "partners"] and stats["systems"] == ["backoffice", "platform", "shop"]
    # gke-node-1, gke-node-2 (each runs several of the shop's services), redis-1, pg-catalog, sso-1
    assert stats["maestro"]["info"]["conections"] == 24 and stats["maestro"]["iservers"] == {"total": stats["servers"]}
    assert stats["servers"] == 5
    folder = runner.artifacts.folder(graph.id, 1)
    assert {p.name for p in folder.iterdir()} == {
        "entry.json", "subgraph.json", "view.json", "layout.json", "systems.json", "enrichment.json", "info.json",
        "clients.json", "diagram.svg", "changes.json",
    }  # fmt: skip
    png = png_of(runner.artifacts, graph.id, 1)  # made on first request, then kept
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png_of(runner.artifacts, graph.id, 1) == png
    assert (folder / "diagram.png").exists()


def test_the_pipeline_draws_the_same_bytes_as_draw_from_the_file(runner, tmp_path):
    graph = run_to_end(runner, GraphRequest(owner="acme", systems=("shop",)))
    command = Path(sys.executable).with_name("analytics-maestro")
    for style in ("iso", "flat"):
        out = tmp_path / f"direct-{style}.svg"
        subprocess.run([command, "draw", DEMO, "--system", "shop", "--style", style, "-o", out], check=True,
                       capture_output=True)  # fmt: skip
        assert diagram_of(runner.artifacts, graph.id, 1, style) == out.read_bytes()
    assert runner.artifacts.path(graph.id, 1, "diagram-flat.svg").exists()  # drawn once, then kept


def test_no_entry_point_is_a_warning(runner):
    graph = run_to_end(runner, GraphRequest(owner="acme", systems=("nope",)))
    assert graph.status == "warning" and graph.message == "no entry point: systems: unknown system 'nope'"
    assert graph.stats["applications"] == 0


def test_another_owners_applications_are_no_entry_point(runner):
    graph = run_to_end(runner, GraphRequest(owner="globex", apps=("frontend",)))
    assert graph.status == "warning" and "unknown application 'frontend'" in graph.message


def test_no_dependencies_is_a_warning(runner):
    graph = run_to_end(runner, GraphRequest(owner="acme", apps=("logs",)))
    assert (graph.status, graph.message) == ("warning", "the entry points have no dependencies")


def test_a_failing_stage_ends_the_run_in_error_naming_it(demo, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    runner = LocalRunner(demo, Artifacts(blocked))
    try:
        graph = run_to_end(runner, GraphRequest(owner="acme", systems=("shop",)))
    finally:
        runner.shutdown()
    assert (graph.status, graph.message) == ("error", "stage entry failed: NotADirectoryError (details in the log)")


def test_a_rerun_supersedes_the_previous_run(runner):
    graph_id = records.create(runner.engine, GraphRequest(owner="acme", systems=("shop",)))
    assert records.rerun(runner.engine, graph_id) == 2
    runner.submit(graph_id, 1).result(timeout=60)  # the old run: every write is refused
    assert records.get(runner.engine, graph_id).status == "queued"
    assert not runner.artifacts.folder(graph_id, 1).exists()
    runner.submit(graph_id, 2).result(timeout=60)
    graph = records.get(runner.engine, graph_id)
    assert (graph.status, graph.run, graph.published_run) == ("finished", 2, 2)
    assert not records.update(runner.engine, graph_id, 1, status="error", message="late")
    assert records.get(runner.engine, graph_id).status == "finished"


def test_runs_past_their_deadline_end_in_error(runner):
    graph_id = records.create(runner.engine, GraphRequest(owner="acme", systems=("shop",)))
    records.update(runner.engine, graph_id, 1, status="processing", stage="network", deadline=time.time() - 1)
    fresh = records.create(runner.engine, GraphRequest(owner="acme", systems=("shop",)))
    records.update(runner.engine, fresh, 1, status="processing", deadline=time.time() + 600)
    queued = records.create(runner.engine, GraphRequest(owner="acme", systems=("shop",)))
    assert records.expire(runner.engine, now=time.time()) == 1
    assert records.expire(runner.engine, now=time.time() + records.QUEUE_LIMIT + 1) == 2  # never picked up
    assert records.get(runner.engine, queued).status == "error"
    graph = records.get(runner.engine, graph_id)
    assert graph.status == "error" and graph.message == "the run did not finish within its time limit"
    assert records.get(runner.engine, fresh).status == "error"  # its own deadline passed in that future too


def test_progress_events(runner):
    graph_id = records.create(runner.engine, GraphRequest(owner="acme", systems=("shop",)))
    inbox = runner.events.subscribe(graph_id)
    runner.submit(graph_id, 1).result(timeout=60)
    events = []
    while True:
        try:
            events.append(inbox.get_nowait())
        except queue.Empty:
            break
    stages = [e["stage"] for e in events if e["status"] == "processing"]
    assert stages == ["entry", "graphlookup", "network", "enrichment", "info", "clients", "draw", "publish",
                      "notification"]  # fmt: skip
    percents = [e["percent"] for e in events]
    assert percents == sorted(percents) and events[-1]["status"] == "finished"


def test_unknown_graphs_and_types_are_clear_errors(runner):
    with pytest.raises(records.GraphNotFound, match="graph 'nope' not found"):
        records.get(runner.engine, "nope")
    with pytest.raises(records.MaestroError, match="type: 'network' is not a graph type"):
        records.create(runner.engine, GraphRequest(owner="acme"), type_="network")
    graph_id = records.create(runner.engine, GraphRequest(owner="acme", systems=("shop",)))
    with pytest.raises(records.GraphNotFound):
        records.get(runner.engine, graph_id, owner="globex")


def test_artifact_paths_refuse_unsafe_ids(tmp_path):
    with pytest.raises(ValueError, match="unsafe graph id"):
        Artifacts(tmp_path).folder("../etc", 1)


def test_inactive_and_missing_are_reported_in_the_message(engine, tmp_path):
    load(engine, {"applications": [{"id": "a", "deps": [{"id": "b"}, {"id": "gone"}]}, {"id": "b"}]})
    runner = LocalRunner(engine, Artifacts(tmp_path / "a"))
    try:
        graph = run_to_end(runner, GraphRequest(owner="acme", apps=("a",)))
    finally:
        runner.shutdown()
    assert graph.status == "finished"
    assert (
        graph.message == "2 applications, 1 dependencies (1 dependencies on applications that are not in the inventory)"
    )
    assert os.path.exists(runner.artifacts.path(graph.id, 1, "diagram.svg"))


def test_the_runner_follows_the_setting(demo, tmp_path):
    from analytics_maestro.config import Settings
    from analytics_maestro.pipeline.remote import CeleryRunner
    from analytics_maestro.pipeline.runner import make_runner

    local = make_runner(Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path)}), demo)
    assert isinstance(local, LocalRunner) and local.artifacts.root == tmp_path / "artifacts"
    local.shutdown()
    assert isinstance(make_runner(Settings.from_env({"MAESTRO_RUNNER": "celery"}), demo), CeleryRunner)
    with pytest.raises(records.MaestroError, match="MAESTRO_RUNNER: 'spark' is not one of local, celery"):
        Settings.from_env({"MAESTRO_RUNNER": "spark"})


def test_an_infra_graph_draws_the_servers(runner):
    graph = run_to_end(runner, GraphRequest(owner="acme", systems=("shop",)), type_="infra")
    assert graph.status == "finished" and graph.type == "infra"
    view = runner.artifacts.read_json(graph.id, 1, "view.json")
    assert {n["id"] for n in view["nodes"]} == {"gke-node-1", "gke-node-2", "redis-1", "pg-catalog", "sso-1"}
    assert graph.stats["servers"] == 5 and graph.stats["applications"] == 5
    assert b'id="tool-gke-node-1"' in runner.artifacts.read(graph.id, 1, "diagram.svg")


def test_a_failure_outside_a_stages_own_handlers_still_ends_the_run(engine, tmp_path, monkeypatch):
    """A worker's soft time limit can strike on the way into or out of a stage, where the stage's
    handlers do not see it: the task's failure hook ends the run in error all the same."""
    from celery.exceptions import SoftTimeLimitExceeded

    from analytics_maestro import celery as workers

    graph_id = records.create(engine, GraphRequest(owner="acme", all_systems=True))
    run = Run(engine, Artifacts(tmp_path), graph_id, 1)
    assert start(run, 60)
    run.enter("graphlookup")
    monkeypatch.setattr(workers, "context", lambda graph, number: Run(engine, Artifacts(tmp_path), graph, number))
    workers.stage.on_failure(SoftTimeLimitExceeded(), "task-id", (graph_id, 1, "graphlookup"), {}, None)
    ended = records.get(engine, graph_id)
    limit = workers.app.conf.task_soft_time_limit
    assert ended.status == "error"
    assert ended.message == f"stage graphlookup failed: the stage ran past its time limit ({limit} s)"
    assert ended.deadline is None


def test_a_run_whose_runner_died_is_started_again_by_another(demo, tmp_path):
    artifacts = Artifacts(tmp_path / "artifacts")
    survivor = LocalRunner(demo, artifacts, claim_timeout=0.4)
    alive = LocalRunner(demo, artifacts, claim_timeout=30.0)
    try:
        # a run held by a runner that died while it waited (claimed, then no beat ever again)
        orphan = records.create(demo, GraphRequest(owner="acme", systems=("shop",)))
        assert records.claim(demo, orphan, 1, "local-dead")
        # and one a live runner holds: its beats keep it its own
        held = records.create(demo, GraphRequest(owner="acme", apps=("frontend",)))
        assert records.claim(demo, held, 1, alive.id)
        assert survivor.resume() == []  # not stale yet
        time.sleep(0.5)
        records.beat(demo, alive.id)
        taken = survivor.resume()
        assert taken == [(orphan, 2)]
        deadline = time.monotonic() + 60
        while records.get(demo, orphan).status not in records.ENDED and time.monotonic() < deadline:
            time.sleep(0.05)
        done = records.get(demo, orphan)
        assert (done.run, done.status, done.published_run) == (2, "finished", 2)
        assert records.get(demo, held).status == "queued"  # still the live runner's to run
        assert survivor.resume() == []  # taken once only
        # a runner beats for the runs it holds: a second runner never takes them
        busy = records.create(demo, GraphRequest(owner="acme", systems=("backoffice",)))
        survivor.submit(busy, 1).result(timeout=60)
        assert records.get(demo, busy).status == "finished" and alive.resume() == []
    finally:
        survivor.shutdown()
        alive.shutdown()


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


@pytest.mark.slow
def test_runs_of_a_killed_gunicorn_worker_are_started_again(tmp_path):
    """A gunicorn worker SIGKILLed in the middle of runs: every run ends, started again by a
    worker that lives, within the claim timeout (here 3 s) and a sweep."""
    import json
    import signal
    import urllib.request

    from bench.api import COMMAND, start_server

    os.environ["MAESTRO_CLAIM_TIMEOUT"] = "3"
    try:
        server = start_server(tmp_path, workers=2)
    finally:
        del os.environ["MAESTRO_CLAIM_TIMEOUT"]
    try:
        big = tmp_path / "big.json"
        subprocess.run([COMMAND, "generate", "3000", "--seed", "2", "-o", str(big)], check=True, env=server.env)
        subprocess.run([COMMAND, "import", str(big)], check=True, env=server.env, capture_output=True)
        systems = sorted({s["id"] for s in json.loads(big.read_text())["systems"]})

        def call(method: str, path: str, body: dict | None = None) -> dict:
            request = urllib.request.Request(server.base + path, method=method,
                                             data=json.dumps(body).encode() if body else None)  # fmt: skip
            request.add_header("Authorization", f"Bearer {server.token}")
            request.add_header("Content-Type", "application/json")
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)

        graphs = [call("POST", "/graphs", {"systems": systems[k::2]})["id"] for k in (0, 1) for _ in range(3)]
        workers = children(server.process.pid)
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 120
        states = {}
        while time.monotonic() < deadline:
            states = {g: call("GET", f"/graphs/{g}") for g in graphs}
            if all(s["status"] in records.ENDED for s in states.values()):
                break
            time.sleep(0.5)
        assert {g: s["status"] for g, s in states.items()} == dict.fromkeys(graphs, "finished"), states
        assert any(s["run"] > 1 for s in states.values())  # the killed worker's were started again
    finally:
        server.stop()
