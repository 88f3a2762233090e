"""The Celery runner: graph runs sent to workers as canvases over RabbitMQ, progress over Redis.

The workers' side (the app `analytics_maestro` and its one task) is `analytics_maestro.celery`;
both configure their Celery app with `make_app(settings)`, and this side sends the task by its
name, so the runner never imports the workers' module. The canvas is derived from the pipeline's
declared shape (`shape.PIPELINE.plan()`): sequences become chains, parallel branches a group, and
the stage where the branches meet the chord's callback. Each message carries ids only.
"""

from __future__ import annotations

import atexit
import weakref

import sqlalchemy as sa
from celery import Celery, chain, chord, group
from kombu.exceptions import OperationalError as BrokerError
from kombu.utils.url import maybe_sanitize_url

from analytics_maestro.config import Settings
from analytics_maestro.errors import RunnerUnavailable
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.events import RedisEvents
from analytics_maestro.pipeline.shape import PIPELINE, Parallel, Pipeline, Step
from analytics_maestro.pipeline.stages import Run, start

TASK = "maestro.stage"


def make_app(settings: Settings) -> Celery:
    """A Celery app configured from `settings`: broker, results, queue, limits, late acks."""
    app = Celery("analytics_maestro", broker=settings.broker_url, backend=settings.result_backend)
    app.conf.update(
        task_default_queue=settings.queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.task_time_limit,
        task_soft_time_limit=settings.task_soft_time_limit,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    _APPS.add(app)
    return app


_APPS: weakref.WeakSet[Celery] = weakref.WeakSet()


@atexit.register
def _drop_pending_results() -> None:
    """The Redis backend keeps the results of sent canvases pending in the sending process; they
    unsubscribe when deleted. Delete them now, while the interpreter still works, not during its
    shutdown (where the unsubscription fails noisily)."""
    for app in list(_APPS):
        try:
            for mapping in app.backend._pending_results:
                mapping.clear()
        except Exception:  # nothing was sent from this app, or Redis is gone: nothing to tidy
            pass


def canvas(app: Celery, graph_id: str, run: int, pipeline: Pipeline = PIPELINE):
    """The run as a Celery canvas, from the pipeline's plan; ids only in every message."""

    def signature(name: str):
        return app.signature(TASK, args=(graph_id, run, name), immutable=True)

    def sequence(steps: tuple[Step, ...]):
        parts = []
        for index, step in enumerate(steps):
            if isinstance(step, Parallel):
                branches = group(*(sequence(branch) for branch in step.branches))
                rest = steps[index + 1 :]
                return _chain([*parts, chord(branches, sequence(rest))] if rest else [*parts, branches])
            parts.append(signature(step))
        return _chain(parts)

    return sequence(pipeline.plan())


def _chain(parts: list):
    return parts[0] if len(parts) == 1 else chain(*parts)


class CeleryRunner:
    """Submits runs to the workers; the caller's process needs the store, not the artefacts."""

    def __init__(self, engine: sa.Engine, settings: Settings, time_limit: float = 900.0):
        self.engine, self.time_limit = engine, time_limit
        self.app = make_app(settings)
        self.events = RedisEvents(settings.result_backend)  # what progress streams listen to

    def submit(self, graph_id: str, run: int) -> str | None:
        """Queue a run; the id of its last task, or None when the run was superseded already.

        Progress is read from the graph record, not from results: the AsyncResult is dropped at
        once (it would otherwise unsubscribe from Redis while the interpreter shuts down).
        """
        if not start(Run(self.engine, Artifacts("."), graph_id, run), self.time_limit):
            return None
        try:
            return canvas(self.app, graph_id, run).apply_async().id
        except (BrokerError, OSError) as exc:
            url = maybe_sanitize_url(self.app.conf.broker_url)
            raise RunnerUnavailable(f"the broker at {url} does not answer ({type(exc).__name__})") from None

    def health(self) -> dict:
        """Whether the broker and the result backend answer."""
        out = {}
        try:
            with self.app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
            out["broker"] = {"ok": True}
        except Exception as exc:
            out["broker"] = {"ok": False, "error": exc.__class__.__name__}
        try:
            self.app.backend.client.ping()
            out["results"] = {"ok": True}
        except Exception as exc:
            out["results"] = {"ok": False, "error": exc.__class__.__name__}
        return out
