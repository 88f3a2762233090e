"""The web application: name and version, and a health page that reports the store."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from analytics_maestro.config import Settings
from analytics_maestro.web.app import create_app
from tests.conftest import load, unavailable


@pytest.fixture
def client(engine, tmp_path):
    app = create_app(Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path)}), engine=engine)
    return app.test_client()


def test_index_names_the_service(client):
    body = client.get("/").get_json()
    assert body["name"] == "analytics-maestro" and body["version"]


def test_health_reports_the_store_and_its_contents(client, engine):
    load(engine, {"applications": [{"id": "a"}, {"id": "b"}]})
    response = client.get("/health")
    assert response.status_code == 200
    store = response.get_json()["store"]
    assert store["ok"] and store["applications"] == 2
    assert store["backend"] == engine.url.get_backend_name()


def test_health_is_503_when_the_store_is_gone(engine, tmp_path):
    app = create_app(Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path)}), engine=engine)
    engine.dispose()
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE server_applications")
        connection.exec_driver_sql("DROP TABLE servers")
    response = app.test_client().get("/health")
    assert response.status_code == 503 and response.get_json()["status"] == "error"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.services
def test_serve_with_demo_data_answers_on_its_port(tmp_path):
    """What `make run` starts: the service on MAESTRO_PORT with the demo inventory loaded."""
    port = free_port()
    env = {**os.environ, "MAESTRO_VAR_DIR": str(tmp_path), "MAESTRO_PORT": str(port)}
    env.pop("MAESTRO_DATABASE_URL", None)
    command = os.path.join(os.path.dirname(sys.executable), "analytics-maestro")
    server = subprocess.Popen([command, "serve", "--demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    health = json.load(response)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not answer within 30 s"
                time.sleep(0.2)
        assert health["store"]["applications"] == 23 and health["store"]["systems"] == 3
        assert (tmp_path / "maestro.db").exists()
        # no users yet: an administrator and a one-time login link, which opens a session once
        lines = [server.stdout.readline().decode() for _ in range(4)]
        link = next(line.strip() for line in lines if "/login?token=" in line)
        assert link.startswith(f"http://127.0.0.1:{port}/login?token=")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(link, timeout=5) as response:
            assert b'action="/login/browser"' in response.read()  # a page with the button
        form = urllib.parse.urlencode({"token": link.split("token=")[1]}).encode()
        with opener.open(f"http://127.0.0.1:{port}/login/browser", data=form, timeout=5) as response:
            assert json.load(response)["name"] == "analytics-maestro"  # redirected home, logged in
        with opener.open(f"http://127.0.0.1:{port}/me", timeout=5) as response:
            assert json.load(response)["id"] == "local"
        with pytest.raises(urllib.error.HTTPError) as used:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/browser", data=form, timeout=5)
        assert used.value.code == 401
        assert (tmp_path / "secret-jwt").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.services
def test_health_under_celery_reports_the_broker_and_the_results(engine, tmp_path):
    """MAESTRO_RUNNER=celery: /health also asks RabbitMQ and Redis (the real ones)."""
    from analytics_maestro.pipeline.remote import CeleryRunner

    settings = Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path), "MAESTRO_RUNNER": "celery"})
    app = create_app(settings, engine=engine, runner=CeleryRunner(engine, settings))
    response = app.test_client().get("/health")
    body = response.get_json()
    if not (body["broker"]["ok"] and body["results"]["ok"]):
        hint = "start them: `rabbitmq-server -detached`, `redis-server --daemonize yes`"
        unavailable(f"RabbitMQ or Redis is unreachable ({body}); {hint}")
    assert response.status_code == 200 and body["status"] == "ok"


def test_gunicorn_reads_the_port_and_the_number_of_workers():
    env = {**os.environ, "MAESTRO_PORT": "6123", "MAESTRO_GWORKERS": "3", "MAESTRO_HOST": "0.0.0.0"}
    code = "import analytics_maestro.web.gunicorn_config as c; print(c.bind, c.workers, c.worker_class)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0.0.0.0:6123", "3", "analytics_maestro.web.gunicorn_worker.JsonErrorsWorker"]
    defaults = {k: v for k, v in os.environ.items() if k not in ("MAESTRO_PORT", "MAESTRO_GWORKERS", "MAESTRO_HOST")}
    out = subprocess.run([sys.executable, "-c", code], env=defaults, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["127.0.0.1:5020", "2", "analytics_maestro.web.gunicorn_worker.JsonErrorsWorker"]


def test_a_browser_is_sent_to_the_front_and_a_script_gets_json(client):
    assert client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}).status_code == 302
    assert client.get("/", headers={"Accept": "application/json"}).get_json()["name"] == "analytics-maestro"
    page = client.get("/app/graphs")
    assert page.status_code == 401 and b"analytics-maestro login-link" in page.data
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_a_used_login_link_opened_in_a_browser_says_so(engine, tmp_path):
    from analytics_maestro.web import auth

    app = create_app(Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path)}), engine=engine)
    auth.create_user(engine, "ann")
    form = {"token": auth.login_link_token(engine, "ann")}
    assert app.test_client().post("/login/browser", data=form).status_code == 302
    again = app.test_client().post("/login/browser", data=form)
    assert again.status_code == 401 and b"The login link is unknown, used or expired" in again.data


def test_the_served_app_sweeps_overdue_runs_and_a_test_app_does_not(engine, tmp_path):
    settings = Settings.from_env({"MAESTRO_VAR_DIR": str(tmp_path)})
    assert "maestro.sweeper" not in create_app(settings, engine=engine).extensions
    served = create_app(settings, engine=engine, sweep=True).extensions["maestro.sweeper"]
    try:
        assert served._thread.is_alive() and served.engine is engine
    finally:
        served.stop()
    served._thread.join(timeout=5)
    assert not served._thread.is_alive()
