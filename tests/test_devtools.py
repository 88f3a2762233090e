"""The development compose file starts the three services the scale-out setup needs."""

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "devtools" / "docker-compose.yml"


def test_compose_file_names_rabbitmq_redis_and_postgres():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert set(services) == {"rabbitmq", "redis", "postgres"}
    assert services["rabbitmq"]["image"].startswith("rabbitmq:") and "5672:5672" in services["rabbitmq"]["ports"]
    assert services["redis"]["image"].startswith("redis:") and "6379:6379" in services["redis"]["ports"]
    assert services["postgres"]["image"].startswith("postgres:") and "5432:5432" in services["postgres"]["ports"]


def test_the_worker_command_is_celery_on_the_analytics_queue(monkeypatch):
    import os

    from click.testing import CliRunner

    from analytics_maestro.cli import main

    seen = {}
    monkeypatch.setattr(os, "execv", lambda path, args: seen.update(path=path, args=args))
    assert CliRunner().invoke(main, ["worker", "-c", "3"]).exit_code == 0
    queue = os.environ["MAESTRO_QUEUE"]  # this test run's own (see conftest)
    assert seen["args"][1:] == ["-m", "celery", "-A", "analytics_maestro", "worker", "-E", "-Q", queue, "-c", "3"]
