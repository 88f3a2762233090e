"""Property-based tests of the API from its own OpenAPI document (schemathesis): whatever a client
sends to any operation, the service answers without a server error, with a status code the document
declares, and with a body that matches the declared schema."""

from __future__ import annotations

import contextlib
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from analytics_maestro.inventory.store import create_store_engine, upgrade
from analytics_maestro.web import auth
from analytics_maestro.web.api import OPERATIONS
from tests.apiclient import SECRET, make_world
from tests.conftest import PG_URL, fresh_pg_schema

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(
    scope="module",
    params=["sqlite-local", pytest.param("postgresql-celery", marks=[pytest.mark.postgres, pytest.mark.services])],
)
def world(request, tmp_path_factory):
    """The service on SQLite with the local runner, and on PostgreSQL with the Celery runner (runs
    queued on this test run's own queue, purged afterwards; progress streams in short slices)."""
    folder = tmp_path_factory.mktemp("openapi")
    with contextlib.ExitStack() as stack:  # the Celery world's settings name this run's own queue (conftest)
        if request.param == "sqlite-local":
            engine = create_store_engine(f"sqlite:///{folder / 'maestro.db'}")
            env = {}
        else:
            from tests.test_celery import _require_services

            _require_services()
            schema = stack.enter_context(fresh_pg_schema())
            engine = create_store_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
            env = {
                "MAESTRO_RUNNER": "celery",
                "MAESTRO_STREAM_SLICE": "0.5",
                "MAESTRO_QUEUE": os.environ["MAESTRO_QUEUE"],
            }
            env |= {k: os.environ[k] for k in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND") if k in os.environ}
        upgrade(engine)
        world = make_world(engine, folder, **env)
        assert not env or world.app.config["MAESTRO_SETTINGS"].queue == os.environ["MAESTRO_QUEUE"] != "analytics"
        try:
            yield world
        finally:
            if hasattr(world.runner, "shutdown"):
                world.runner.shutdown()
            if env:
                from analytics_maestro.celery import app

                app.control.purge()  # this run's own queue (conftest)
            engine.dispose()


@pytest.fixture(scope="module")
def api_schema(world):
    return schemathesis.openapi.from_wsgi("/openapi.json", world.app)


def _operations() -> list[tuple[str, str]]:
    import analytics_maestro.web.app  # noqa: F401  (registers every operation)
    from analytics_maestro.web.openapi import _path

    return [(op.method, _path(op.rule)[0]) for op in OPERATIONS]


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda value: str(value))
def test_no_server_errors_and_answers_as_documented(world, api_schema, method, path):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    def check(case):
        # as the administrator, so that requests get past authentication into validation and storage
        if operation.method.upper() != "GET" or "/public/" not in path:
            token = auth.issue_token(world.engine, SECRET, "alice", 3600)  # afresh: a case may log out
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        case.call_and_validate(checks=CHECKS)

    check()
