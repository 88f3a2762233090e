"""The local runner: graph runs in worker threads of this process, no broker (the default)."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.engine import Engine

from analytics_maestro.pipeline import records
from analytics_maestro.pipeline.artifacts import Artifacts
from analytics_maestro.pipeline.events import LocalEvents
from analytics_maestro.pipeline.stages import STAGES, Run, Superseded, fail, start

log = logging.getLogger(__name__)


class LocalRunner:
    def __init__(
        self,
        engine: Engine,
        artifacts: Artifacts,
        workers: int = 2,
        max_depth: int = 40,
        time_limit: float = 600.0,
        events: LocalEvents | None = None,
    ):
        self.engine, self.artifacts, self.max_depth, self.time_limit = engine, artifacts, max_depth, time_limit
        self.events = events or LocalEvents()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="graph-run")

    def submit(self, graph_id: str, run: int) -> Future:
        return self.pool.submit(self.execute, graph_id, run)

    def execute(self, graph_id: str, run: int) -> None:
        """All stages in order; the two branches after `network` run one after the other here."""
        context = Run(self.engine, self.artifacts, graph_id, run, self.max_depth, self.events.publish)
        records.expire(self.engine)
        if not start(context, self.time_limit):
            return
        for name, stage in STAGES.items():  # in the declared order, the branches one after the other
            try:
                stage(context)
            except Superseded:
                return
            except Exception as exc:  # any failure ends the run in error, never stuck in processing
                log.exception("graph %s run %s: stage %s failed", graph_id, run, name)
                fail(context, name, exc)
                return

    def health(self) -> dict[str, dict]:
        return {}  # nothing besides the store

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)
