"""Graph records: what a user asked for and how its current run is doing.

A run moves queued → processing (stage, percent) → finished | warning | error. Every write names
the run it comes from and lands only while that run is the graph's current one: a re-run
supersedes the previous run, and a late write of an old run changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from analytics_maestro.domain import GraphRequest
from analytics_maestro.errors import MaestroError
from analytics_maestro.inventory import schema
from analytics_maestro.inventory.crud import like_text

log = logging.getLogger(__name__)

ENDED = ("finished", "warning", "error")
# A run not started within this many seconds of being queued (its runner or broker gone) ends in
# error; starting a run gives it the runner's own time limit instead.
QUEUE_LIMIT = 3600.0
# applications (Maestro's spelling, kept for it; or as people write it) or their servers
TYPES = ("bussiness", "business", "infra")


class GraphNotFound(MaestroError, LookupError):
    """No graph with that id for that owner."""


@dataclass(frozen=True)
class GraphRecord:
    id: str
    owner: str
    name: str
    type: str
    request: GraphRequest
    run: int
    status: str
    stage: str | None
    percent: int
    message: str | None
    stats: dict[str, Any] | None
    published_run: int | None
    deadline: float | None
    created_at: float = 0.0
    updated_at: float = 0.0


def _record(row: Any) -> GraphRecord:
    return GraphRecord(
        id=row.id,
        owner=row.owner_id,
        name=row.name,
        type=row.type,
        request=GraphRequest.from_dict(row.request),
        run=row.run,
        status=row.status,
        stage=row.stage,
        percent=row.percent,
        message=row.message,
        stats=row.stats,
        published_run=row.published_run,
        deadline=row.deadline,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def create(
    engine: Engine, request: GraphRequest, name: str = "", type_: str = "bussiness", graph_id: str | None = None
) -> str:
    """A new graph record, queued for its first run (run 1)."""
    if type_ not in TYPES:
        raise MaestroError(f"type: {type_!r} is not a graph type (expected one of: {', '.join(TYPES)})")
    now = time.time()
    graph_id = graph_id or uuid.uuid4().hex
    with engine.begin() as connection:
        connection.execute(
            sa.insert(schema.graphs).values(
                id=graph_id, owner_id=request.owner, name=name, type=type_, request=request.to_dict(),
                run=1, status="queued", stage=None, percent=0, message=None, stats=None, published_run=None,
                created_at=now, updated_at=now, deadline=now + QUEUE_LIMIT,
            )
        )  # fmt: skip
    return graph_id


def get(engine: Engine, graph_id: str, owner: str | None = None) -> GraphRecord:
    query = sa.select(schema.graphs).where(schema.graphs.c.id == graph_id)
    if owner is not None:
        query = query.where(schema.graphs.c.owner_id == owner)
    with engine.connect() as connection:
        row = connection.execute(query).one_or_none()
    if row is None:
        raise GraphNotFound(f"graph {graph_id!r} not found")
    return _record(row)


def list_graphs(
    engine: Engine,
    owners: Sequence[str],
    *,
    status: str | None = None,
    type_: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[GraphRecord], int]:
    """One page of the graphs of `owners`, newest first, and how many there are in all."""
    graphs = schema.graphs
    where = [graphs.c.owner_id.in_(list(owners))]
    if status:
        where.append(graphs.c.status == status)
    if type_:
        where.append(graphs.c.type == type_)
    if q:
        where.append(sa.func.lower(graphs.c.name).like(f"%{like_text(q.lower())}%", escape="\\"))
    query = sa.select(graphs).where(*where).order_by(graphs.c.created_at.desc(), graphs.c.id)
    with engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(graphs).where(*where)).scalar_one()
        rows = connection.execute(query.limit(limit).offset(offset)).all()
    return [_record(row) for row in rows], total


def delete(engine: Engine, graph_id: str) -> bool:
    """The graph record and its public links; a run still going finds its record gone and stops."""
    with engine.begin() as connection:
        connection.execute(sa.delete(schema.public_links).where(schema.public_links.c.graph_id == graph_id))
        done = connection.execute(sa.delete(schema.graphs).where(schema.graphs.c.id == graph_id))
    return done.rowcount == 1


def rename(engine: Engine, graph_id: str, name: str) -> bool:
    """The graph's name (its runs go on as they are)."""
    with engine.begin() as connection:
        done = connection.execute(
            sa.update(schema.graphs).where(schema.graphs.c.id == graph_id).values(name=name, updated_at=time.time())
        )
    return done.rowcount == 1


def rerun(engine: Engine, graph_id: str) -> int:
    """Start a new run of a graph: queued again, and every write of an older run is ignored."""
    with engine.begin() as connection:
        run = connection.execute(
            sa.update(schema.graphs)
            .where(schema.graphs.c.id == graph_id)
            .values(
                run=schema.graphs.c.run + 1,
                status="queued",
                stage=None,
                percent=0,
                message=None,
                deadline=time.time() + QUEUE_LIMIT,
                updated_at=time.time(),
                claimed_by=None,  # until a runner takes the new run
                heartbeat=None,
            )
            .returning(schema.graphs.c.run)
        ).scalar_one_or_none()
    if run is None:
        raise GraphNotFound(f"graph {graph_id!r} not found")
    return run


def restore(engine: Engine, before: GraphRecord) -> bool:
    """Undo a re-run that could not be queued: the graph as it was, while the new run has not
    moved (False otherwise)."""
    graphs = schema.graphs
    with engine.begin() as connection:
        done = connection.execute(
            sa.update(graphs)
            .where(graphs.c.id == before.id, graphs.c.run == before.run + 1, graphs.c.status == "queued")
            .values(run=before.run, status=before.status, stage=before.stage, percent=before.percent,
                    message=before.message, deadline=before.deadline, updated_at=before.updated_at)
        )  # fmt: skip
    return done.rowcount == 1


def update(engine: Engine, graph_id: str, run: int, **values: Any) -> bool:
    """Write `values` if `run` is still the graph's current run and has not ended; False otherwise
    (superseded by a re-run, or ended: finished, warning, error — by itself or by its deadline)."""
    graphs = schema.graphs
    with engine.begin() as connection:
        done = connection.execute(
            sa.update(graphs)
            .where(graphs.c.id == graph_id, graphs.c.run == run, graphs.c.status.not_in(ENDED))
            .values(updated_at=time.time(), **values)
        )
    return done.rowcount == 1


def expire(engine: Engine, now: float | None = None) -> int:
    """Mark as error every run still queued or processing past its deadline; returns how many.

    Called often (by the sweeper, and by the runners before each run or stage), so it looks first
    and writes only when there is something to end (an UPDATE would take SQLite's write lock even
    when it changes nothing)."""
    now = time.time() if now is None else now
    graphs = schema.graphs
    overdue = (graphs.c.status.in_(("queued", "processing")), graphs.c.deadline.is_not(None), graphs.c.deadline < now)
    with engine.connect() as connection:
        if connection.execute(sa.select(graphs.c.id).where(*overdue).limit(1)).first() is None:
            return 0
    with engine.begin() as connection:
        done = connection.execute(
            sa.update(graphs)
            .where(*overdue)
            .values(status="error", message="the run did not finish within its time limit", updated_at=now)
        )
    return done.rowcount


def claim(engine: Engine, graph_id: str, run: int, runner: str) -> bool:
    """`runner` holds the run (it is queued in its memory, or running there); False when the run is
    no longer current or has ended."""
    return update(engine, graph_id, run, claimed_by=runner, heartbeat=time.time())


def beat(engine: Engine, runner: str, now: float | None = None) -> int:
    """`runner` is alive: the runs it holds that have not ended say so; returns how many."""
    graphs = schema.graphs
    held = (graphs.c.claimed_by == runner, graphs.c.status.in_(("queued", "processing")))
    with engine.connect() as connection:  # look first: SQLite's write lock only when there is something
        if connection.execute(sa.select(graphs.c.id).where(*held).limit(1)).first() is None:
            return 0
    with engine.begin() as connection:
        return connection.execute(sa.update(graphs).where(*held).values(heartbeat=now or time.time())).rowcount


def take_over(engine: Engine, runner: str, older_than: float, now: float | None = None) -> list[tuple[str, int]]:
    """The runs whose claimant has not beaten since `older_than` (its process died: they would
    stay queued or processing in nobody's memory), each started again as a new run claimed by
    `runner`: (graph id, run) of each. Each is taken by one runner only, and the new run
    supersedes anything the old one might still write."""
    now = time.time() if now is None else now
    graphs = schema.graphs
    stale = (graphs.c.status.in_(("queued", "processing")), graphs.c.claimed_by.is_not(None),
             graphs.c.claimed_by != runner, graphs.c.heartbeat < older_than)  # fmt: skip
    with engine.connect() as connection:
        found = connection.execute(sa.select(graphs.c.id, graphs.c.run, graphs.c.claimed_by).where(*stale)).all()
    taken = []
    for graph_id, run, holder in found:
        with engine.begin() as connection:
            done = connection.execute(
                sa.update(graphs)
                .where(graphs.c.id == graph_id, graphs.c.run == run, graphs.c.claimed_by == holder, *stale)
                .values(run=run + 1, status="queued", stage=None, percent=0, claimed_by=runner, heartbeat=now,
                        message="started again: the process running it stopped", deadline=now + QUEUE_LIMIT,
                        updated_at=now)
            )  # fmt: skip
        if done.rowcount == 1:
            taken.append((graph_id, run + 1))
    return taken


class Sweeper:
    """Every `interval` seconds, in a daemon thread of the service, ends overdue runs (`expire`)
    and lets `runner` (where it can, the local runner) start again the runs another runner held
    when its process died (`resume`): without any reader having to write. The first round is at
    start."""

    def __init__(self, engine: Engine, interval: float = 30.0, runner: Any = None):
        self.engine, self.interval, self.runner = engine, interval, runner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="graph-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while True:
            try:
                expire(self.engine)
                if hasattr(self.runner, "resume"):
                    self.runner.resume()
            except Exception:  # the store is away for now: the next round tries again
                log.warning("could not end overdue graph runs or resume orphaned ones", exc_info=True)
            if self._stop.wait(self.interval):
                return

    def stop(self) -> None:
        self._stop.set()
