"""Settings come from the environment, with documented defaults and clear errors."""

import pytest
from click.testing import CliRunner

from analytics_maestro.cli import main
from analytics_maestro.config import ConfigError, Settings


def test_defaults():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///var/maestro.db"
    assert (settings.max_depth, settings.port, settings.owner, settings.host) == (
        40,
        5020,
        "local",
        "127.0.0.1",
    )


def test_overrides():
    settings = Settings.from_env(
        {
            "MAESTRO_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "MAESTRO_MAX_DEPTH": "7",
            "MAESTRO_PORT": "8080",
        }
    )
    assert (settings.database_url, settings.max_depth, settings.port) == (
        "postgresql+psycopg://u@h/db",
        7,
        8080,
    )
    assert Settings.from_env({"MAESTRO_VAR_DIR": "/data"}).database_url == "sqlite:////data/maestro.db"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"MAESTRO_MAX_DEPTH": "deep"}, "MAESTRO_MAX_DEPTH: 'deep' is not a whole number"),
        ({"MAESTRO_PORT": "0"}, "MAESTRO_PORT: 0 is below the minimum of 1"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_the_command_reports_a_bad_setting_as_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("MAESTRO_MAX_DEPTH", "-3")
    result = CliRunner().invoke(main, ["lookup", "--all"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: MAESTRO_MAX_DEPTH: -3 is below the minimum of 0"


def test_the_depth_limit_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAESTRO_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("MAESTRO_MAX_DEPTH", "2")
    inv = tmp_path / "chain.json"
    inv.write_text('{"applications": [{"id": "a", "deps": [{"id": "b"}]}, {"id": "b", "deps": [{"id": "c"}]},'
                   ' {"id": "c", "deps": [{"id": "d"}]}, {"id": "d"}]}')  # fmt: skip
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(inv)]).exit_code == 0
    result = runner.invoke(main, ["lookup", "--app", "a"])
    assert "applications: 3," in result.stdout and "truncated at depth 2" in result.stdout


def test_celery_time_limits_come_from_the_environment():
    from analytics_maestro.pipeline.remote import make_app

    app = make_app(Settings.from_env({"CELERYD_TASK_TIME_LIMIT": "30", "CELERYD_TASK_SOFT_TIME_LIMIT": "2.5"}))
    assert (app.conf.task_time_limit, app.conf.task_soft_time_limit) == (30.0, 2.5)
    assert (app.conf.task_default_queue, app.conf.task_acks_late, app.conf.task_reject_on_worker_lost) == (
        "analytics", True, True,
    )  # fmt: skip
    with pytest.raises(ConfigError, match="CELERYD_TASK_TIME_LIMIT: 'soon' is not a number of seconds"):
        Settings.from_env({"CELERYD_TASK_TIME_LIMIT": "soon"})


def test_the_queue_comes_from_the_environment():
    from analytics_maestro.pipeline.remote import make_app

    assert Settings.from_env({}).queue == "analytics"
    assert make_app(Settings.from_env({"MAESTRO_QUEUE": "shop-prod"})).conf.task_default_queue == "shop-prod"
    with pytest.raises(ConfigError, match="MAESTRO_QUEUE: 'a b' is not a queue name"):
        Settings.from_env({"MAESTRO_QUEUE": "a b"})
