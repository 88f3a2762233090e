"""Settings from environment variables, in one place; each is documented in the README."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from analytics_maestro.errors import ConfigError

__all__ = ["ConfigError", "Settings"]


def _int(env: dict[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}: {value} is below the minimum of {minimum}")
    return value


def _seconds(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name}: {raw!r} is not a positive number of seconds")
    return value


_QUEUE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-")


def _queue(env: dict[str, str]) -> str:
    value = env.get("MAESTRO_QUEUE") or "analytics"
    if len(value) > 200 or not set(value) <= _QUEUE_CHARACTERS:
        raise ConfigError(f"MAESTRO_QUEUE: {value!r} is not a queue name (letters, digits, _ . : -)")
    return value


def _choice(env: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name) or allowed[0]
    if value not in allowed:
        raise ConfigError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


class Maestro(msgspec.Struct, frozen=True):
    """Maestro mode: the Maestro Server services a graph run reads from and reports to, under the
    original service's environment names and defaults (`MAESTRO_DATA_URI` and the others), and how
    long and how often each call is tried."""

    data_uri: str = "http://localhost:5010"
    front_uri: str = "http://localhost:9999"
    websocket_uri: str = "http://localhost:8000"
    websocket_secret: str = "wsSecretKey"
    timeout: float = 10.0  # seconds for one call
    retries: int = 3  # further tries of a call that failed to connect, timed out or had a 5xx answer
    backoff: float = 0.5  # seconds before the first retry, doubled for each next one


def _maestro(env: dict[str, str]) -> Maestro | None:
    """Maestro mode is on when `MAESTRO_DATA_URI` is set or `MAESTRO_MODE` is `maestro`."""
    mode = _choice(env, "MAESTRO_MODE", ("standalone", "maestro"))
    if not env.get("MAESTRO_DATA_URI") and mode != "maestro":
        return None
    if env.get("MAESTRO_MODE") == "standalone":
        raise ConfigError("MAESTRO_MODE: 'standalone' contradicts MAESTRO_DATA_URI, which turns Maestro mode on")
    base = Maestro()
    uris = {}
    for field, name in (("data_uri", "MAESTRO_DATA_URI"), ("front_uri", "MAESTRO_ANALYTICS_FRONT_URI"),
                        ("websocket_uri", "MAESTRO_WEBSOCKET_URI")):  # fmt: skip
        value = (env.get(name) or getattr(base, field)).rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ConfigError(f"{name}: {value!r} is not an http:// or https:// address")
        uris[field] = value
    return Maestro(
        **uris,
        websocket_secret=env.get("MAESTRO_WEBSOCKET_SECRET") or base.websocket_secret,
        timeout=_seconds(env, "MAESTRO_HTTP_TIMEOUT", base.timeout),
        retries=_int(env, "MAESTRO_HTTP_RETRIES", base.retries, 0),
        backoff=_seconds(env, "MAESTRO_HTTP_BACKOFF", base.backoff),
    )


# Maestro Server's own defaults for the private scheme, taken in Maestro mode only (its services
# sign their calls with them unless told otherwise); outside it the scheme is off until both are set
MAESTRO_SECRETJWT_PRIVATE = "defaultSecretKeyPrivate"
MAESTRO_NOAUTH = "defaultSecretNoAuthToken"

# request threads of each gunicorn worker process of `serve`; at most half of them hold progress
# streams at a time (`web.graphs`), so that no number of watching browsers can starve the API
REQUEST_THREADS = 8


class Settings(msgspec.Struct, frozen=True):
    database_url: str
    max_depth: int
    owner: str
    host: str
    port: int
    artifacts_dir: Path
    runner: str
    var_dir: Path = Path("var")
    secret_jwt: str | None = None
    secret_jwt_private: str | None = None
    noauth: str | None = None
    token_ttl: int = 12 * 3600
    gworkers: int = 2
    max_body_mb: int = 64
    # Celery's workers: broker, result backend (and progress events), and a stage's time limits
    broker_url: str = "amqp://guest:guest@127.0.0.1:5672//"
    result_backend: str = "redis://127.0.0.1:6379/0"
    task_time_limit: float = 600.0
    task_soft_time_limit: float = 540.0
    queue: str = "analytics"
    # a run the local runner holds is taken over by another runner once it has not beaten for this long
    claim_timeout: float = 30.0
    # seconds a progress stream streams before the browser comes back for the next slice
    stream_slice: float = 20.0
    # Maestro mode: the Maestro Server services graph runs read from and report to (None: off)
    maestro: Maestro | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        var = Path(env.get("MAESTRO_VAR_DIR") or "var")
        maestro = _maestro(env)
        # in Maestro mode the service runs beside Maestro's others, which call it over the network
        host = env.get("MAESTRO_HOST") or ("0.0.0.0" if maestro else "127.0.0.1")
        private, noauth = (MAESTRO_SECRETJWT_PRIVATE, MAESTRO_NOAUTH) if maestro else (None, None)
        return cls(
            database_url=env.get("MAESTRO_DATABASE_URL") or f"sqlite:///{var / 'maestro.db'}",
            max_depth=_int(env, "MAESTRO_MAX_DEPTH", 40, 0),
            owner=env.get("MAESTRO_OWNER") or "local",
            host=host,
            port=_int(env, "MAESTRO_PORT", 5020, 1),
            artifacts_dir=Path(env.get("MAESTRO_ARTIFACTS_DIR") or var / "artifacts"),
            runner=_choice(env, "MAESTRO_RUNNER", ("local", "celery")),
            var_dir=var,
            secret_jwt=env.get("MAESTRO_SECRETJWT") or None,
            secret_jwt_private=env.get("MAESTRO_SECRETJWT_PRIVATE") or private,
            noauth=env.get("MAESTRO_NOAUTH") or noauth,
            token_ttl=_int(env, "MAESTRO_TOKEN_TTL", 12 * 3600, 60),
            gworkers=_int(env, "MAESTRO_GWORKERS", 2, 1),
            max_body_mb=_int(env, "MAESTRO_MAX_BODY_MB", 64, 1),
            broker_url=env.get("CELERY_BROKER_URL") or "amqp://guest:guest@127.0.0.1:5672//",
            result_backend=env.get("CELERY_RESULT_BACKEND") or "redis://127.0.0.1:6379/0",
            task_time_limit=_seconds(env, "CELERYD_TASK_TIME_LIMIT", 600.0),
            task_soft_time_limit=_seconds(env, "CELERYD_TASK_SOFT_TIME_LIMIT", 540.0),
            queue=_queue(env),
            claim_timeout=_seconds(env, "MAESTRO_CLAIM_TIMEOUT", 30.0),
            stream_slice=_seconds(env, "MAESTRO_STREAM_SLICE", 20.0),
            maestro=maestro,
        )
