"""The shape of a graph run, declared once as data: its stages, what each reads and writes, and the
progress each marks. The runners' order, the progress percentages and the Celery canvas are derived
from this declaration, never written again.

    entry ─▶ graphlookup ─▶ network ─┬─▶ enrichment ─▶ draw ─▶ publish ─┐
                                     └─▶ info ─▶ clients ───────────────┴─▶ notification

A stage runs after the stages it names in `after`; what it `reads` must be written by one of
those or by an earlier stage they follow. The stages that read and write products only are the
pure composition of `pipeline.diagram` (which `draw` runs in memory); `publish` and `notification`
are the service's own (`pipeline.stages`).
"""

from __future__ import annotations

import msgspec


class Stage(msgspec.Struct, frozen=True):
    """One stage: its name, the percent a run shows while in it, the stages it follows, and the
    products (see `pipeline.diagram.PRODUCTS`) it reads and writes."""

    name: str
    percent: int
    after: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


class Parallel(msgspec.Struct, frozen=True):
    """Branches that may run at the same time, each a sequence of steps."""

    branches: tuple[tuple[Step, ...], ...]


Step = str | Parallel


class ShapeError(ValueError):
    """A declaration that is not a pipeline the runners can execute."""


class Pipeline:
    """The stages in the order they are declared, which must be an order the runners can follow
    (every stage after the stages it follows), with one beginning and one end."""

    def __init__(self, *stages: Stage):
        self.stages = stages
        self.by_name = {stage.name: stage for stage in stages}
        if len(self.by_name) != len(stages):
            raise ShapeError("a stage is declared twice")
        self._check()
        self.order: tuple[str, ...] = tuple(stage.name for stage in stages)
        self.percent: dict[str, int] = {stage.name: stage.percent for stage in stages}
        self.next: dict[str, tuple[str, ...]] = {
            name: tuple(s.name for s in stages if name in s.after) for name in self.order
        }

    def _check(self) -> None:
        written: dict[str, set[str]] = {}  # per stage: the products available once it has run
        last = 0
        for index, stage in enumerate(self.stages):
            unknown = [name for name in stage.after if name not in written]
            if unknown:
                raise ShapeError(f"stage {stage.name!r} follows {unknown[0]!r}, which is not declared before it")
            if (index == 0) != (not stage.after):
                raise ShapeError(f"stage {stage.name!r}: only the first stage follows none")
            available = set().union(*(written[name] for name in stage.after)) if stage.after else set()
            missing = [product for product in stage.reads if product not in available]
            if missing:
                raise ShapeError(f"stage {stage.name!r} reads {missing[0]!r}, which no stage before it writes")
            if stage.percent < last or not 0 < stage.percent <= 100:
                raise ShapeError(f"stage {stage.name!r}: percent {stage.percent} does not grow towards 100")
            last = stage.percent
            written[stage.name] = available | set(stage.writes)
        ends = [s.name for s in self.stages if not any(s.name in other.after for other in self.stages)]
        if len(ends) != 1:
            raise ShapeError(f"the pipeline must end in one stage, not in {', '.join(ends)}")

    def plan(self) -> tuple[Step, ...]:
        """The stages as sequences and parallel branches, for a runner that can run branches at
        the same time (Celery's chain, group and chord). Each stage appears once.

        >>> Pipeline(Stage("a", 10), Stage("b", 20, ("a",)), Stage("c", 30, ("a",)),
        ...          Stage("d", 100, ("b", "c"))).plan()
        ('a', Parallel(branches=(('b',), ('c',))), 'd')
        """
        steps = self._series(self.order[0], None)
        listed = _names(steps)
        if sorted(listed) != sorted(self.order):
            raise ShapeError("the stages do not nest as sequences and parallel branches")
        return steps

    def _series(self, name: str | None, join: str | None) -> tuple[Step, ...]:
        steps: list[Step] = []
        while name is not None and name != join:
            steps.append(name)
            following = self.next[name]
            if len(following) > 1:
                meet = self._meeting(following)
                steps.append(Parallel(tuple(self._series(branch, meet) for branch in following)))
                name = meet
            else:
                name = following[0] if following else None
        return tuple(steps)

    def _meeting(self, branches: tuple[str, ...]) -> str | None:
        """The first stage, in declared order, that every branch leads to."""
        reach = [self._descendants(branch) for branch in branches]
        return next((name for name in self.order if all(name in r for r in reach)), None)

    def _descendants(self, name: str) -> set[str]:
        seen, todo = {name}, [name]
        while todo:
            for following in self.next[todo.pop()]:
                if following not in seen:
                    seen.add(following)
                    todo.append(following)
        return seen


def _names(steps: tuple[Step, ...]) -> list[str]:
    out: list[str] = []
    for step in steps:
        if isinstance(step, Parallel):
            for branch in step.branches:
                out += _names(branch)
        else:
            out.append(step)
    return out


PIPELINE = Pipeline(
    Stage("entry", 5, writes=("entries",)),
    Stage("graphlookup", 20, ("entry",), reads=("entries",), writes=("applications",)),
    Stage("network", 50, ("graphlookup",), reads=("applications",), writes=("view", "layout", "systems")),
    Stage("enrichment", 60, ("network",), reads=("view",), writes=("servers",)),
    Stage("info", 65, ("network",), reads=("applications", "view"), writes=("info",)),
    Stage("clients", 70, ("info",), reads=("applications",), writes=("clients",)),
    Stage("draw", 85, ("enrichment",), reads=("view", "layout", "servers", "systems"), writes=("svg",)),
    Stage("publish", 95, ("draw",), reads=("svg", "layout", "view", "servers"), writes=("changes",)),
    Stage("notification", 100, ("publish", "clients"), reads=("entries", "applications", "info", "clients", "changes")),
)
