"""Fixtures: a migrated store on SQLite and on PostgreSQL, and helpers to load inventories into it.

PostgreSQL is the server at MAESTRO_TEST_POSTGRES_URL (default: the local one, user postgres,
database test). Each test gets a schema of its own, dropped afterwards. Under CI=true a server that
cannot be reached fails the test; elsewhere the test is skipped with a message saying how to start it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from analytics_maestro.inventory.importer import write_inventory
from analytics_maestro.inventory.store import create_store_engine, upgrade
from analytics_maestro.inventory.validate import validate

# This test run's own Celery queue, so that two runs on one broker (or a run and a deployment)
# never take or purge each other's tasks; set before anything makes a Celery app.
os.environ.setdefault("MAESTRO_QUEUE", f"analytics-test-{uuid.uuid4().hex[:12]}")

PG_URL = os.environ.get("MAESTRO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_HINT = (
    "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
    "(Debian) or point MAESTRO_TEST_POSTGRES_URL at a server you can create schemas on"
)


def unavailable(message: str) -> None:
    """A service or tool the test needs is missing: a failure under CI=true, elsewhere a skip that
    says how to get it."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def examples(n: int) -> int:
    """How many examples a property test draws: all `n` under `make test`, a tenth (at least ten)
    under `make test-fast`, which sets MAESTRO_TEST_FAST=1."""
    return max(10, n // 10) if os.environ.get("MAESTRO_TEST_FAST") == "1" else n


def require_dot() -> None:
    if shutil.which("dot") is None:
        unavailable("Graphviz `dot` is not installed (apt-get install graphviz)")


def _unreachable(exc: Exception) -> None:
    unavailable(f"PostgreSQL at {PG_URL} is unreachable ({exc.__class__.__name__}); {PG_HINT}")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def pg_schema():
    """An empty schema of its own on the PostgreSQL server, dropped afterwards."""
    with fresh_pg_schema() as schema:
        yield schema


@contextlib.contextmanager
def fresh_pg_schema():
    """An empty schema of its own on the PostgreSQL server (for any fixture's scope), dropped afterwards."""
    admin = sa.create_engine(PG_URL, connect_args={"connect_timeout": 5})
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _unreachable(exc)
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def pg_engine(pg_schema):
    engine = create_store_engine(PG_URL, connect_args={"options": f"-csearch_path={pg_schema}"})
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'maestro.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def raw_engine(request):
    """An empty database of each backend, not yet migrated."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


@pytest.fixture
def engine(raw_engine):
    """A migrated, empty store of each backend."""
    upgrade(raw_engine)
    return raw_engine


def load(engine, doc: dict, owner: str = "acme"):
    """Validate `doc` (it must have no errors) and write it for `owner`."""
    report = validate(doc)
    assert report.ok, report.errors
    return write_inventory(engine, report.inventory, owner)


GOLDEN = Path(__file__).parent / "golden"


def check_golden(request, name: str, data: bytes) -> None:
    """`data` is byte for byte tests/golden/`name`; with --update-golden, it becomes it."""
    golden = GOLDEN / name
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
    assert data == golden.read_bytes(), f"{golden.name} changed; if intended, run pytest --update-golden"
