"""The stages of a graph run and the runners that execute them (in-process, or Celery workers)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.engine import Engine

from analytics_maestro.config import Settings


class Runner(Protocol):
    def submit(self, graph_id: str, run: int): ...


def make_runner(settings: Settings, engine: Engine) -> Runner:
    """The runner `MAESTRO_RUNNER` names: `local` (threads of this process) or `celery` (workers)."""
    if settings.runner == "celery":
        from analytics_maestro.celery import CeleryRunner

        return CeleryRunner(engine)
    from analytics_maestro.pipeline.artifacts import Artifacts
    from analytics_maestro.pipeline.local import LocalRunner

    return LocalRunner(engine, Artifacts(settings.artifacts_dir), max_depth=settings.max_depth)
