"""Graph runs on real Celery workers (separate processes) over RabbitMQ and Redis: same SVG bytes as
the local runner, and no run left in processing when a worker is SIGKILLed mid-run.

Needs RabbitMQ at CELERY_BROKER_URL (default amqp://guest:guest@127.0.0.1:5672//) and Redis at
CELERY_RESULT_BACKEND (default redis://127.0.0.1:6379/0). Under CI=true an unreachable service
fails the tests; elsewhere they are skipped with a message saying how to start it.
"""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from analytics_maestro.config import Settings
from analytics_maestro.domain import GraphRequest
from analytics_maestro.inventory.files import load_inventory
from analytics_maestro.inventory.generate import generate
from analytics_maestro.inventory.importer import write_inventory
from analytics_maestro.inventory.store import open_store
from analytics_maestro.inventory.validate import validate
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.local import LocalRunner
from tests.conftest import unavailable

pytestmark = pytest.mark.services

DEMO = Path(__file__).resolve().parent.parent / "src/analytics_maestro/demo/inventory.yaml"
COMMAND = str(Path(sys.executable).with_name("analytics-maestro"))
HINT = (
    "start them with `rabbitmq-server -detached` and `redis-server --daemonize yes`, or point "
    "CELERY_BROKER_URL / CELERY_RESULT_BACKEND at running ones"
)


def _require_services() -> None:
    from analytics_maestro.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
        app.backend.client.ping()
    except Exception as exc:
        unavailable(f"RabbitMQ or Redis unreachable ({exc.__class__.__name__}); {HINT}")


class Workers:
    """Worker processes of our own, each in its own process group so that it can be killed whole."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env, self.log_dir, self.processes = env, log_dir, []

    def start(self, concurrency: int = 2) -> subprocess.Popen:
        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        log = open(self.log_dir / f"{name.split('@')[0]}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [COMMAND, "worker", "-c", str(concurrency), "-n", name, "--without-gossip", "--without-mingle",
             "--loglevel=INFO"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        self._wait_ready(name.split("@")[0])
        return process

    def _wait_ready(self, prefix: str) -> None:
        from analytics_maestro.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if any(name.startswith(prefix) for reply in replies for name in reply):
                return
        raise AssertionError("the worker did not answer a ping within 60 s")

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    _require_services()
    from analytics_maestro.celery import app

    root = tmp_path_factory.mktemp("celery")
    url = f"sqlite:///{root / 'store.db'}"
    engine = open_store(url)
    write_inventory(engine, load_inventory(DEMO).inventory, "acme")
    write_inventory(engine, validate(generate(5000, seed=4)).inventory, "big")
    env = {**os.environ, "MAESTRO_DATABASE_URL": url, "MAESTRO_ARTIFACTS_DIR": str(root / "artifacts")}
    # this run's own queue (conftest): purging it touches no other run's or deployment's tasks
    assert app.conf.task_default_queue == os.environ["MAESTRO_QUEUE"] != "analytics"
    app.control.purge()
    workers = Workers(env, root)
    try:
        yield engine, Artifacts(root / "artifacts"), workers, root
    finally:
        workers.stop_all()
        # drop the client's pending results while Redis is still reachable, not at interpreter exit
        gc.collect()


def wait_ended(engine, graph_ids, timeout: float = 120) -> dict[str, records.GraphRecord]:
    deadline = time.monotonic() + timeout
    while True:
        found = {g: records.get(engine, g) for g in graph_ids}
        if all(r.status in records.ENDED for r in found.values()) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


REQUESTS = [
    GraphRequest(owner="acme", systems=("shop",)),
    GraphRequest(owner="acme", systems=("backoffice",)),
    GraphRequest(owner="acme", systems=("platform",)),
    GraphRequest(owner="acme", clients=("boutique-inc",)),
    GraphRequest(owner="acme", apps=("checkoutservice",)),
]


def test_twenty_runs_on_workers_draw_what_the_local_runner_draws(cluster):
    from analytics_maestro.pipeline.remote import CeleryRunner

    engine, artifacts, workers, root = cluster
    workers.start(concurrency=2)
    runner = CeleryRunner(engine, Settings.from_env())
    graph_ids = []
    for k in range(20):
        graph_id = records.create(engine, REQUESTS[k % len(REQUESTS)], name=f"run {k}")
        runner.submit(graph_id, 1)
        graph_ids.append(graph_id)
    ended = wait_ended(engine, graph_ids)
    assert {r.status for r in ended.values()} == {"finished"}, {g: (r.status, r.message) for g, r in ended.items()}

    local = LocalRunner(engine, Artifacts(root / "local"))
    try:
        twins = []
        for request in REQUESTS:
            twin = records.create(engine, request)
            local.submit(twin, 1).result(timeout=60)
            twins.append(twin)
    finally:
        local.shutdown()
    for k, graph_id in enumerate(graph_ids):  # every one of the twenty, byte for byte
        twin = twins[k % len(REQUESTS)]
        assert artifacts.read(graph_id, 1, "diagram.svg") == local.artifacts.read(twin, 1, "diagram.svg")
        assert ended[graph_id].stats == records.get(engine, twin).stats


def test_a_sigkilled_worker_leaves_no_run_in_processing(cluster):
    from analytics_maestro.pipeline.remote import CeleryRunner

    engine, _, workers, _ = cluster
    victim = workers.start(concurrency=1)
    runner = CeleryRunner(engine, Settings.from_env())
    big = records.create(engine, GraphRequest(owner="big", all_systems=True), name="5,000 applications")
    runner.submit(big, 1)
    deadline = time.monotonic() + 60
    while records.get(engine, big).status != "processing" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert records.get(engine, big).status == "processing"
    small = []
    for request in REQUESTS:
        graph_id = records.create(engine, request)
        runner.submit(graph_id, 1)
        small.append(graph_id)
    workers.kill(victim)
    assert records.get(engine, big).status not in records.ENDED
    workers.start(concurrency=2)
    ended = wait_ended(engine, [big, *small], timeout=180)
    assert ended[big].status in ("finished", "error"), (ended[big].status, ended[big].message)
    assert all(ended[g].status == "finished" for g in small), {g: ended[g].status for g in small}
    if ended[big].status == "finished":
        assert ended[big].stats["applications"] > 3000


def test_bad_requests_end_in_clear_statuses_on_workers(cluster):
    from analytics_maestro.pipeline.remote import CeleryRunner

    engine, _, workers, _ = cluster
    if not any(p.poll() is None for p in workers.processes):
        workers.start()
    runner = CeleryRunner(engine, Settings.from_env())
    cases = {
        records.create(engine, GraphRequest(owner="acme", systems=("nope",))): "systems: unknown system 'nope'",
        records.create(engine, GraphRequest(owner="acme")): "nothing was selected",
        records.create(
            engine, GraphRequest(owner="globex", apps=("frontend",))
        ): "apps: unknown application 'frontend'",
    }
    for graph_id in cases:
        runner.submit(graph_id, 1)
    ended = wait_ended(engine, list(cases))
    expected = {g: ("warning", f"no entry point: {m}") for g, m in cases.items()}
    assert {g: (r.status, r.message) for g, r in ended.items()} == expected


def test_progress_events_on_redis(cluster):
    import json

    from analytics_maestro.celery import app
    from analytics_maestro.pipeline.remote import CeleryRunner

    engine, _, workers, _ = cluster
    if not any(p.poll() is None for p in workers.processes):
        workers.start()
    graph_id = records.create(engine, GraphRequest(owner="acme", systems=("shop",)))
    channel = app.backend.client.pubsub()
    channel.subscribe(f"maestro:graph:{graph_id}")
    channel.get_message(timeout=5)  # the subscription's confirmation
    CeleryRunner(engine, Settings.from_env()).submit(graph_id, 1)
    events = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (events and events[-1]["status"] in records.ENDED):
        message = channel.get_message(timeout=1)
        if message and message["type"] == "message":
            events.append(json.loads(message["data"]))
    channel.close()
    stages = [e["stage"] for e in events if e["status"] == "processing"]
    assert set(stages) == {"entry", "graphlookup", "network", "enrichment", "info", "clients", "draw", "publish",
                           "notification"}  # fmt: skip
    assert stages[:3] == ["entry", "graphlookup", "network"] and stages[-1] == "notification"
    assert events[-1]["status"] == "finished" and events[-1]["percent"] == 100


def test_a_stage_past_its_time_limit_ends_the_run_in_error(cluster):
    from analytics_maestro.pipeline.remote import CeleryRunner

    engine, _, workers, _ = cluster
    workers.stop_all()
    # A worker whose stages may take 0.2 s: laying out 5,000 applications takes longer.
    limited = Workers({**workers.env, "CELERYD_TASK_SOFT_TIME_LIMIT": "0.2", "CELERYD_TASK_TIME_LIMIT": "5"},
                      workers.log_dir)  # fmt: skip
    try:
        limited.start(concurrency=1)
        big = records.create(engine, GraphRequest(owner="big", all_systems=True))
        CeleryRunner(engine, Settings.from_env()).submit(big, 1)
        ended = wait_ended(engine, [big], timeout=60)[big]
    finally:
        limited.stop_all()
    # network is the stage that takes longest; on a loaded machine the lookup may pass 0.2 s first
    assert ended.status == "error"
    assert re.fullmatch(r"stage (graphlookup|network) failed: the stage ran past its time limit \(0\.2 s\)",
                        ended.message), ended.message  # fmt: skip


def test_a_locked_store_is_retried_with_backoff(cluster):
    """A transient database error (SQLite busy past its timeout) is retried, and the run finishes."""
    import sqlite3

    from analytics_maestro.celery import app
    from analytics_maestro.pipeline.remote import canvas
    from analytics_maestro.pipeline.stages import Run, start

    engine, _, workers, root = cluster
    workers.stop_all()
    fresh = Workers(workers.env, workers.log_dir)
    try:
        fresh.start(concurrency=1)
        graph_id = records.create(engine, GraphRequest(owner="acme", systems=("shop",)))
        start(Run(engine, Artifacts(root), graph_id, 1), 600)
        lock = sqlite3.connect(root / "store.db", timeout=30)
        lock.execute("BEGIN EXCLUSIVE")  # the worker's first write waits 5 s, fails, and is retried
        canvas(app, graph_id, 1).apply_async()
        logs = lambda: "".join(p.read_text(errors="replace") for p in root.glob("test-*.log"))  # noqa: E731
        deadline = time.monotonic() + 60
        while "Retry in" not in logs() and time.monotonic() < deadline:  # the worker met the lock
            time.sleep(0.1)
        lock.rollback()
        lock.close()
        ended = wait_ended(engine, [graph_id], timeout=120)[graph_id]
    finally:
        fresh.stop_all()
    assert ended.status == "finished", (ended.status, ended.message)
    assert "Retry in" in logs() and "OperationalError" in logs()


def test_the_api_sends_graphs_to_workers_and_streams_their_progress(cluster, tmp_path):
    """MAESTRO_RUNNER=celery behind the API: the graph runs on a worker; its progress stream is woken
    by the workers' events on Redis; the diagram is served."""
    from analytics_maestro.pipeline.remote import CeleryRunner
    from analytics_maestro.web import auth
    from analytics_maestro.web.app import create_app

    engine, artifacts, workers, root = cluster
    workers.start(concurrency=2)
    auth.create_user(engine, "acme")
    settings = Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path), "MAESTRO_RUNNER": "celery",
                                  "MAESTRO_QUEUE": os.environ["MAESTRO_QUEUE"],
                                  "MAESTRO_ARTIFACTS_DIR": str(root / "artifacts")})  # fmt: skip
    app = create_app(settings, engine, CeleryRunner(engine, settings))
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + auth.issue_token(
        engine, auth.secret_of(settings), "acme", 600
    )
    graph_id = client.post("/graphs", json={"name": "on workers", "systems": ["shop"]}).get_json()["id"]
    stream = client.get(f"/graphs/{graph_id}/events").get_data(as_text=True)
    events = [block.split("\n") for block in stream.split("\n\n") if block.startswith("event:")]
    assert events[-1][0] == "event: end" and '"status": "finished"' in events[-1][1]
    stages = {json.loads(data.removeprefix("data: "))["stage"] for kind, data in events[:-1]}
    assert len(events) >= 3 and stages - {None}, stream
    svg = client.get(f"/graphs/{graph_id}.svg")
    assert svg.status_code == 200 and svg.data == artifacts.read(graph_id, 1, "diagram.svg")
    health = client.get("/health").get_json()
    assert health["broker"]["ok"] and health["results"]["ok"]
