"""The Celery app `analytics_maestro` and its one task: graph runs on workers.

    celery -A analytics_maestro worker -E -Q analytics      (or: analytics-maestro worker)

The app is configured from `Settings` (`pipeline.remote.make_app`). Each stage is one small task
that carries ids only (graph id, run number, stage name) and calls the stage function; the run is
the canvas `pipeline.remote.canvas` derives from the pipeline's shape. Tasks are acknowledged late
and rejected when their worker dies, so a SIGKILLed worker's task is delivered again; stages are
idempotent, so running one twice is harmless. Transient errors (the database or a connection) are
retried with backoff, a few times; any other failure ends the run in error.
"""

from __future__ import annotations

import logging
import threading
from typing import ClassVar

import sqlalchemy as sa
from celery import Task
from celery.exceptions import Ignore, SoftTimeLimitExceeded
from kombu.exceptions import OperationalError as BrokerError

from analytics_maestro.config import Settings
from analytics_maestro.errors import MaestroError
from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.events import RedisEvents
from analytics_maestro.pipeline.remote import TASK, make_app
from analytics_maestro.pipeline.stages import STAGES, Run, Superseded, fail

log = logging.getLogger(__name__)

TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, BrokerError, ConnectionError)

app = make_app(Settings.from_env())


class _Worker:
    """What a worker process opens once: the store, the artefacts folder and the event channel."""

    _lock = threading.Lock()
    _state: ClassVar[dict] = {}

    @classmethod
    def get(cls) -> dict:
        with cls._lock:
            if not cls._state:
                from analytics_maestro.inventory.store import open_store
                from analytics_maestro.maestro.services import Services

                settings = Settings.from_env()
                cls._state.update(
                    engine=open_store(settings.database_url),
                    artifacts=Artifacts(settings.artifacts_dir),
                    max_depth=settings.max_depth,
                    events=RedisEvents(settings.result_backend),
                    maestro=Services.of(settings),
                )
            return cls._state


def context(graph_id: str, run: int) -> Run:
    state = _Worker.get()
    return Run(state["engine"], state["artifacts"], graph_id, run, state["max_depth"], state["events"].publish,
               state["maestro"])  # fmt: skip


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
    name=TASK,
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
