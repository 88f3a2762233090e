"""The Celery app `analytics_maestro`: graph runs on workers, RabbitMQ as broker, Redis for results.

    celery -A analytics_maestro worker -E -Q analytics      (or: analytics-maestro worker)

Each stage is one small task that carries ids only (graph id, run number, stage name) and calls the
stage function; the run is a canvas: a chain up to `network`, then a chord of the two branches
(enrichment → draw → publish, info → clients) whose callback is `notification`. Tasks are
acknowledged late and rejected when their worker dies, so a SIGKILLed worker's task is delivered
again; stages are idempotent, so running one twice is harmless. Transient errors (the database or
a connection) are retried with backoff, a few times; any other failure ends the run in error.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import threading
from typing import ClassVar

import sqlalchemy as sa
from celery import Celery, Task, chain, chord, group
from celery.exceptions import Ignore, SoftTimeLimitExceeded
from kombu.exceptions import OperationalError as BrokerError

from analytics_maestro.config import Settings
from analytics_maestro.errors import ConfigError, MaestroError
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.stages import STAGES, Run, Superseded, fail, start

log = logging.getLogger(__name__)

QUEUE = "analytics"
TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, BrokerError, ConnectionError)


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


def make_app(env: dict[str, str] | None = None) -> Celery:
    env = dict(os.environ if env is None else env)
    app = Celery(
        "analytics_maestro",
        broker=env.get("CELERY_BROKER_URL") or "amqp://guest:guest@127.0.0.1:5672//",
        backend=env.get("CELERY_RESULT_BACKEND") or "redis://127.0.0.1:6379/0",
    )
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=_seconds(env, "CELERYD_TASK_TIME_LIMIT", 600),
        task_soft_time_limit=_seconds(env, "CELERYD_TASK_SOFT_TIME_LIMIT", 540),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


app = make_app()


@atexit.register
def _drop_pending_results() -> None:
    """The Redis backend keeps the results of sent canvases pending in the sending process; they
    unsubscribe when deleted. Delete them now, while the interpreter still works, not during its
    shutdown (where the unsubscription fails noisily)."""
    try:
        for mapping in app.backend._pending_results:
            mapping.clear()
    except Exception:  # nothing was sent from this process, or Redis is gone: nothing to tidy
        pass


class RedisEvents:
    """Progress events on Redis pub/sub, channel `maestro:graph:<id>`, as JSON."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)

    def publish(self, event: dict) -> None:
        try:
            self.client.publish(f"maestro:graph:{event['graph']}", json.dumps(event))
        except Exception:  # progress is a courtesy: a lost event never fails a run
            log.warning("could not publish a progress event", exc_info=True)

    def subscribe(self, graph_id: str) -> _Inbox:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(f"maestro:graph:{graph_id}")
        return _Inbox(pubsub)

    def unsubscribe(self, graph_id: str, inbox: _Inbox) -> None:
        inbox.pubsub.close()


class _Inbox:
    """A subscription read like the local runner's queues: `get(timeout)`, queue.Empty when quiet."""

    def __init__(self, pubsub):
        self.pubsub = pubsub

    def get(self, timeout: float) -> dict:
        message = self.pubsub.get_message(timeout=timeout)
        if message is None:
            raise queue.Empty
        return json.loads(message["data"])


class _Worker:
    """What a worker process opens once: the store, the artefacts folder and the event channel."""

    _lock = threading.Lock()
    _state: ClassVar[dict] = {}

    @classmethod
    def get(cls) -> dict:
        with cls._lock:
            if not cls._state:
                from analytics_maestro.inventory.store import open_store

                settings = Settings.from_env()
                cls._state.update(
                    engine=open_store(settings.database_url),
                    artifacts=Artifacts(settings.artifacts_dir),
                    max_depth=settings.max_depth,
                    events=RedisEvents(app.conf.result_backend),
                )
            return cls._state


def context(graph_id: str, run: int) -> Run:
    state = _Worker.get()
    return Run(state["engine"], state["artifacts"], graph_id, run, state["max_depth"], state["events"].publish)


def _soft_limit(task: Task) -> float:
    return task.request.timelimit[1] if task.request.timelimit else app.conf.task_soft_time_limit


class StageTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """An exception that escaped the stage's own handlers (a soft time limit that struck on the
        way into or out of the stage, or a store unreachable before it began): the run ends in
        error all the same, so that it never stays in processing."""
        graph_id, run, name = args
        if isinstance(exc, SoftTimeLimitExceeded):
            exc = MaestroError(f"the stage ran past its time limit ({_soft_limit(self)} s)")
        try:
            fail(context(graph_id, run), name, exc)
        except Exception:
            log.exception("graph %s run %s: could not record that stage %s failed", graph_id, run, name)


@app.task(
    base=StageTask,
    name="maestro.stage",
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=30,
    max_retries=4,
)
def stage(self, graph_id: str, run: int, name: str) -> str:
    """Run one stage of one run; stops the canvas (Ignore) when the run is superseded or failed."""
    ctx = context(graph_id, run)
    records.expire(ctx.engine)
    try:
        STAGES[name](ctx)
    except Superseded:
        raise Ignore() from None
    except TRANSIENT:
        if self.request.retries >= self.max_retries:
            fail(ctx, name, MaestroError("the store or the broker kept failing"))
            raise Ignore() from None
        raise
    except SoftTimeLimitExceeded:
        fail(ctx, name, MaestroError(f"the stage ran past its time limit ({_soft_limit(self)} s)"))
        raise Ignore() from None
    except Exception as exc:
        log.exception("graph %s run %s: stage %s failed", graph_id, run, name)
        fail(ctx, name, exc)
        raise Ignore() from None
    return name


def canvas(graph_id: str, run: int):
    """The run as a Celery canvas: ids only in every message."""

    def step(name: str):
        return stage.si(graph_id, run, name)

    branches = group(chain(step("enrichment"), step("draw"), step("publish")), chain(step("info"), step("clients")))
    return chain(step("entry"), step("graphlookup"), step("network"), chord(branches, step("notification")))


class CeleryRunner:
    """Submits runs to the workers; the caller's process needs the store, not the artefacts."""

    def __init__(self, engine: sa.Engine, time_limit: float = 900.0):
        self.engine, self.time_limit = engine, time_limit
        self.events = RedisEvents(app.conf.result_backend)  # what progress streams listen to

    def submit(self, graph_id: str, run: int) -> str | None:
        """Queue a run; the id of its last task, or None when the run was superseded already.

        Progress is read from the graph record, not from results: the AsyncResult is dropped at
        once (it would otherwise unsubscribe from Redis while the interpreter shuts down).
        """
        if not start(Run(self.engine, Artifacts("."), graph_id, run), self.time_limit):
            return None
        return canvas(graph_id, run).apply_async().id
