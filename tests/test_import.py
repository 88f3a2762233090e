"""`analytics-maestro import`: all problems reported with paths, exit 2 and nothing written on errors,
warnings that let the import proceed, and re-imports that update."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner

from analytics_maestro.cli import main
from analytics_maestro.inventory import schema
from analytics_maestro.inventory.store import counts, open_store
from tests.conftest import load
from tests.test_validate import good


@pytest.fixture
def cli(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MAESTRO_DATABASE_URL", url)
    monkeypatch.setenv("MAESTRO_OWNER", "acme")

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    invoke.url = url
    invoke.tmp = tmp_path
    return invoke


def write(path, doc, fmt="json"):
    path.write_text(json.dumps(doc) if fmt == "json" else yaml.safe_dump(doc))
    return path


def test_a_good_file_imports(cli):
    result = cli("import", write(cli.tmp / "inv.yaml", good(), "yaml"))
    assert result.exit_code == 0, result.output
    assert "applications: 3 new, 0 updated" in result.output
    assert counts(open_store(cli.url), "acme") == {
        "clients": 1,
        "systems": 1,
        "applications": 3,
        "servers": 1,
    }


def test_errors_exit_2_list_every_problem_and_write_nothing(cli):
    doc = good()
    doc["applications"].append({"id": "web"})
    doc["servers"][0]["cpu"] = -1
    doc["applications"][0]["deps"].append({"id": "x"})
    result = cli("import", write(cli.tmp / "bad.json", doc))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "error: applications[3].id: duplicate id 'web' (first at applications[1])" in lines
    assert any(line.startswith("error: servers[0].cpu: -1 is not valid") for line in lines)
    assert "warning: applications[0].deps[1].id: unknown application 'x'" in lines
    assert lines[-1].endswith("2 error(s); nothing was imported")
    assert counts(open_store(cli.url))["applications"] == 0


def test_warnings_are_printed_and_the_import_proceeds(cli):
    doc = good()
    doc["applications"][2]["family"] = "Mainframe"
    doc["applications"][1]["deps"].append({"id": "ghost", "endpoint": "grpc"})
    result = cli("import", write(cli.tmp / "warn.json", doc))
    assert result.exit_code == 0
    assert "warning: applications[1].deps[1].id: unknown application 'ghost'" in result.stderr.splitlines()
    with open_store(cli.url).connect() as connection:
        family = connection.execute(
            sa.select(schema.applications.c.family).where(schema.applications.c.ext_id == "db")
        ).scalar_one()
    assert family == "Application"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("broken.json", '{"applications": [', "broken.json: line 1 column 19: invalid JSON"),
        ("broken.yaml", "applications:\n  - {id: a\n", "broken.yaml: line 3 column 1: invalid YAML"),
        ("missing.json", None, "missing.json: cannot read the file: No such file or directory"),
        (
            "list.yaml",
            "- 1\n",
            "an inventory is a mapping with clients, systems, applications, servers; got list",
        ),
    ],
)
def test_unreadable_files_are_one_line_and_exit_2(cli, name, content, message):
    path = cli.tmp / name
    if content is not None:
        path.write_text(content)
    result = cli("import", path)
    assert result.exit_code == 2
    assert message in result.stderr.splitlines()[0]
    assert "Traceback" not in result.output


def test_reimport_updates_records_and_replaces_their_lists(engine):
    doc = good()
    load(engine, doc)
    doc["applications"][1]["name"] = "web-v2"
    doc["applications"][1]["deps"] = [{"id": "cdn", "endpoint": "grpc"}]
    doc["applications"].append({"id": "cache", "family": "Cache"})
    summary = load(engine, doc)
    assert summary.created["applications"] == 1 and summary.updated["applications"] == 3
    apps, deps = schema.applications, schema.dependencies
    with engine.connect() as connection:
        web = connection.execute(sa.select(apps).where(apps.c.ext_id == "web")).one()
        targets = connection.execute(sa.select(deps.c.target_id, deps.c.endpoint).where(deps.c.app_pk == web.pk)).all()
    assert web.name == "web-v2" and targets == [("cdn", "grpc")]
    assert counts(engine, "acme")["applications"] == 4


def test_import_of_a_generated_inventory_then_lookup_from_the_command_line(cli):
    inv = cli.tmp / "gen.json"
    assert cli("generate", "300", "--seed", "4", "-o", inv).exit_code == 0
    assert cli("import", inv).exit_code == 0
    result = cli("lookup", "--system", "sys-system-3", "--json")
    assert result.exit_code == 0
    graph = json.loads(result.stdout)
    assert graph["nodes"][0]["depth"] == 0 and graph["entries"] == [graph["nodes"][0]["id"]]
    assert len(graph["nodes"]) >= 4 and all(e["endpoint"] for e in graph["edges"])
    nothing = cli("lookup", "--system", "sys-nope")
    assert nothing.exit_code == 2 and "systems: unknown system 'sys-nope'" in nothing.stderr


def test_the_installed_command_runs_without_tracebacks(tmp_path):
    """The console script itself, as a user runs it: a bad file gives exit 2 and plain lines."""
    bad = write(tmp_path / "bad.json", {"applications": [{"id": 5}]})
    env = {**os.environ, "MAESTRO_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    command = os.path.join(os.path.dirname(sys.executable), "analytics-maestro")
    done = subprocess.run([command, "import", str(bad)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "error: applications[0].id: 5 is not valid: Input should be a valid string"
    assert "Traceback" not in done.stderr
