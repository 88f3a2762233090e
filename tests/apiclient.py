"""A test world for the HTTP API: a store with people, teams and inventories, the app with a real
local runner, and a client per user."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from analytics_maestro.config import Settings
from analytics_maestro.inventory.files import load_inventory
from analytics_maestro.inventory.importer import write_inventory
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.local import LocalRunner
from analytics_maestro.web import auth
from analytics_maestro.web.app import create_app

DEMO = Path(__file__).resolve().parent.parent / "src/analytics_maestro/demo/inventory.yaml"
SECRET = "test-secret-long-enough-for-every-hmac-of-pyjwt-even-sha-512-0123456789"
PRIVATE = "private-secret-of-at-least-thirty-two-bytes"
NOAUTH = "maestro-noauth-value"
ENDED = ("finished", "warning", "error")


@dataclass
class World:
    app: Flask
    engine: object
    runner: LocalRunner

    def client(self, user: str | None = None) -> FlaskClient:
        client = self.app.test_client()
        if user is not None:
            client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + auth.issue_token(self.engine, SECRET, user, 3600)
        return client

    def wait(self, user: str, graph_id: str, timeout: float = 60.0) -> dict:
        client, deadline = self.client(user), time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = client.get(f"/graphs/{graph_id}").get_json()
            if body["status"] in ENDED:
                return body
            time.sleep(0.05)
        raise AssertionError(f"graph {graph_id} did not end within {timeout} s: {body}")


def settings_for(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path), "MAESTRO_SECRETJWT": SECRET,
                              "MAESTRO_SECRETJWT_PRIVATE": PRIVATE, "MAESTRO_NOAUTH": NOAUTH, **env})  # fmt: skip


def make_world(engine, tmp_path: Path, **env: str) -> World:
    """alice: site admin, owns the demo inventory. bob: owns an inventory with some of the same ids.
    Team ops (owner of its own inventory): carol reads, dave writes, erin administers."""
    for user, admin in (("alice", True), ("bob", False), ("carol", False), ("dave", False), ("erin", False)):
        auth.create_user(engine, user, user.title(), admin)
    for user, role in (("carol", 1), ("dave", 3), ("erin", 7)):
        auth.set_member(engine, "ops", user, role)
    demo = load_inventory(DEMO).inventory
    write_inventory(engine, demo, "alice")
    write_inventory(engine, load_inventory(DEMO).inventory.model_copy(update={"servers": ()}), "ops")
    bob = {
        "systems": [{"id": "shop", "name": "Bob's shop", "entries": ["frontend"]}],
        "applications": [
            {"id": "frontend", "name": "bob-frontend", "deps": [{"id": "bob-db"}, {"id": "cartservice"}]},
            {"id": "bob-db", "name": "bob-db", "family": "Database"},
        ],
    }
    from analytics_maestro.inventory.validate import validate

    write_inventory(engine, validate(bob).inventory, "bob")
    settings = settings_for(tmp_path, **env)
    if settings.runner == "celery":  # the runner the settings name: Celery's (no worker needed to queue)
        from analytics_maestro.pipeline.runner import make_runner

        runner = make_runner(settings, engine)
    else:
        runner = LocalRunner(engine, Artifacts(settings.artifacts_dir))
    return World(create_app(settings, engine, runner), engine, runner)
