"""Columns that cross less: on small graphs, a local search over the columns.

The shortest layering (layering.py) is one of many that keep every edge pointing right, and not
always the one that crosses least: a node one column further on can take its edges out of a
crowd. Starting from the shortest layering, nodes whose edges cross, the most crossed first, try
one column left and one column right (where every edge still points right and the node is not a
held entry); a move stays when the cost of the layering drops. The cost is the crossings of a
quick ordering plus `LENGTH_COST` per column of total edge length, so a move must remove more
crossings than half the columns it adds. Passes repeat while a move stays, within a work budget
counted in ordering operations, so the result does not depend on the machine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# A crossing removed is worth two columns of edge length.
LENGTH_COST = 0.5
PASSES = 3

# crossings(columns, work) -> (crossings of the layering, per node the crossings of its edges)
Counter = Callable[[list[int], list[int]], tuple[int, list[int]]]


def refine_columns(
    col: Sequence[int], edges: Sequence[tuple[int, int]], pinned: Sequence[int], crossings: Counter, budget: int
) -> list[int]:
    """Columns at least as good as `col` by crossings plus `LENGTH_COST` per column of length.

    `crossings` takes what it spends from `work[0]`; the search stops trying moves once `budget`
    is spent. Every edge (u, v) keeps col[u] < col[v], and the leftmost column stays 0.

    >>> edges = [(0, 1), (1, 2)]
    >>> refine_columns([0, 1, 2], edges, [0], lambda columns, work: (0, [0, 0, 0]), 100)
    [0, 1, 2]
    """
    n = len(col)
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        succs[u].append(v)
        preds[v].append(u)
    fixed = set(pinned)
    work = [budget]

    def cost(columns: list[int]) -> tuple[float, list[int]]:
        count, involved = crossings(columns, work)
        return count + LENGTH_COST * sum(columns[v] - columns[u] for u, v in edges), involved

    best = list(col)
    best_cost, involved = cost(best)
    for _ in range(PASSES):
        moved = False
        # A pass takes the nodes in the order of their crossings at its start, and ends at the
        # first one whose edges (after the moves made so far) cross nothing.
        for node in sorted(range(n), key=lambda v: (-involved[v], v)):
            if not involved[node]:
                break
            if node in fixed:
                continue
            for step in (-1, 1):
                if work[0] <= 0:
                    return _from_zero(best)
                target = best[node] + step
                if target < 0 or any(best[p] >= target for p in preds[node]):
                    continue
                if any(best[s] <= target for s in succs[node]):
                    continue
                trial = list(best)
                trial[node] = target
                trial_cost, trial_involved = cost(trial)
                if trial_cost < best_cost:
                    best, best_cost, involved, moved = trial, trial_cost, trial_involved, True
        if not moved:
            break
    return _from_zero(best)


def _from_zero(col: list[int]) -> list[int]:
    low = min(col, default=0)
    return [c - low for c in col]
