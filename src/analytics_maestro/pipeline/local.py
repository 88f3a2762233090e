"""The local runner: graph runs in worker threads of this process, no broker (the default).

A run it is given is claimed by it in the store (`records.claim`), and while the runner lives it
beats every quarter of `claim_timeout` for all the runs it holds. When its process dies (killed,
out of memory, a crashed gunicorn worker), its runs stop beating, and after `claim_timeout` the
runner of another process (its service's sweeper asks it to `resume`) starts them again as new
runs: none stays queued or processing in nobody's memory.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
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
        claim_timeout: float = 30.0,
        maestro=None,
    ):
        self.engine, self.artifacts, self.max_depth, self.time_limit = engine, artifacts, max_depth, time_limit
        self.events = events or LocalEvents()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="graph-run")
        self.id = f"local-{uuid.uuid4().hex[:16]}"
        self.claim_timeout = claim_timeout
        self.maestro = maestro  # Maestro mode: the Maestro Server services (`maestro.services.Services`)
        self._stop = threading.Event()
        self._beating = threading.Thread(target=self._beat, name="graph-heartbeat", daemon=True)
        self._beating.start()

    def submit(self, graph_id: str, run: int) -> Future:
        records.claim(self.engine, graph_id, run, self.id)
        return self.pool.submit(self.execute, graph_id, run)

    def resume(self) -> list[tuple[str, int]]:
        """Start again, as runs of its own, the runs whose runner stopped beating."""
        taken = records.take_over(self.engine, self.id, time.time() - self.claim_timeout)
        for graph_id, run in taken:
            log.warning("graph %s: its runner stopped; started again as run %s", graph_id, run)
            self.pool.submit(self.execute, graph_id, run)
        return taken

    def _beat(self) -> None:
        while not self._stop.wait(self.claim_timeout / 4):
            try:
                records.beat(self.engine, self.id)
            except Exception:  # the store is away for now: the next beat tries again
                log.warning("could not mark this runner's graph runs alive", exc_info=True)

    def execute(self, graph_id: str, run: int) -> None:
        """All stages in order; the two branches after `network` run one after the other here."""
        context = Run(self.engine, self.artifacts, graph_id, run, self.max_depth, self.events.publish, self.maestro)
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
        self._stop.set()
        self.pool.shutdown(wait=True)
