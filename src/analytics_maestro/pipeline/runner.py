"""What the service asks of a runner of graph runs, and the runner the settings name: local
(threads of this process) or Celery workers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from analytics_maestro.config import Settings


class Inbox(Protocol):
    """One subscriber's progress events: `get` waits at most `timeout` seconds (queue.Empty)."""

    def get(self, timeout: float) -> dict: ...


class Events(Protocol):
    """Progress events of graph runs, published by stages, read by progress streams."""

    def publish(self, event: dict) -> None: ...

    def subscribe(self, graph_id: str) -> Inbox: ...

    def unsubscribe(self, graph_id: str, inbox: Inbox) -> None: ...


class Runner(Protocol):
    events: Events

    def submit(self, graph_id: str, run: int):
        """Queue the run; RunnerUnavailable when it cannot be queued."""
        ...

    def health(self) -> dict[str, dict]:
        """What the runner needs besides the store, and whether it answers: `{part: {"ok": …}}`."""
        ...


def make_runner(settings: Settings, engine: Engine) -> Runner:
    """The runner `MAESTRO_RUNNER` names: `local` (threads of this process) or `celery` (workers)."""
    if settings.runner == "celery":
        from analytics_maestro.pipeline.remote import CeleryRunner

        return CeleryRunner(engine, settings)
    from analytics_maestro.maestro.services import Services
    from analytics_maestro.pipeline.artifacts import Artifacts
    from analytics_maestro.pipeline.local import LocalRunner

    return LocalRunner(
        engine, Artifacts(settings.artifacts_dir), max_depth=settings.max_depth, claim_timeout=settings.claim_timeout,
        maestro=Services.of(settings),
    )  # fmt: skip
