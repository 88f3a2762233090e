"""Column assignment: every edge of the acyclic graph goes to a later column, and edges stay short.

First the longest-path layering (a node one column right of its furthest predecessor, sources and
entries in column 0). Then each node that is not an entry moves, while that shortens the total
edge length, within the columns its neighbours allow: right when it has more outgoing than
incoming edges, left when fewer. Example: a service called once from column 1 that calls three
databases in column 5 moves to column 4, so its three edges get short and one gets long.
This is coordinate descent on the objective that network simplex solves exactly; it converges
in a few passes and finds the optimum on the tree-like graphs of real inventories. The passes also
run compiled: `greedy_columns` is the facade that `compiled.loops()` decides for.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from analytics_maestro.layout import compiled
from analytics_maestro.layout.simplex import network_simplex

MAX_PASSES = 30
MAX_EXCHANGES = 2000


def topological_order(n: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Kahn's algorithm, taking ready nodes first come first served, so the order is deterministic."""
    indegree = [0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        out[u].append(v)
        indegree[v] += 1
    ready = deque(i for i in range(n) if indegree[i] == 0)
    order = []
    while ready:
        u = ready.popleft()
        order.append(u)
        for v in out[u]:
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    if len(order) != n:
        raise ValueError("the graph has a cycle; break cycles before layering")
    return order


def assign_columns(n: int, edges: Sequence[tuple[int, int]], fixed: Sequence[int] = ()) -> list[int]:
    """A column per node of an acyclic graph; `fixed` nodes (the entries) stay in column 0."""
    return _optimise(n, edges, greedy_columns(n, edges, fixed), set(fixed))


def greedy_columns(
    n: int, edges: Sequence[tuple[int, int]], fixed: Sequence[int] = (), max_passes: int = MAX_PASSES
) -> list[int]:
    """`python_greedy_columns`, compiled where it can be (the facade `compiled.loops()` decides for)."""
    native = compiled.loops()
    if native is None:
        return python_greedy_columns(n, edges, fixed, max_passes)
    return native.greedy_columns(n, [u for u, _ in edges], [v for _, v in edges], list(fixed), max_passes)


def python_greedy_columns(
    n: int, edges: Sequence[tuple[int, int]], fixed: Sequence[int] = (), max_passes: int = MAX_PASSES
) -> list[int]:
    """The longest-path columns, then up to `max_passes` greedy passes (the module's docstring
    tells how)."""
    order = topological_order(n, edges)
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        succs[u].append(v)
        preds[v].append(u)
    col = [0] * n
    for u in order:
        for v in succs[u]:
            if col[v] < col[u] + 1:
                col[v] = col[u] + 1
    pinned = set(fixed)
    for _ in range(max_passes):
        moved = False
        for u in (*reversed(order), *order):
            if u in pinned:
                continue
            slope = len(preds[u]) - len(succs[u])
            if slope > 0 or (slope == 0 and not succs[u]):
                target = max((col[p] + 1 for p in preds[u]), default=0)
            elif slope < 0:
                target = min(col[s] - 1 for s in succs[u])
            else:
                continue
            if target != col[u]:
                col[u] = target
                moved = True
        if not moved:
            break
    return col


# Pulls the entries to column 0: moving an entry right never pays, whatever its edges.
ENTRY_WEIGHT = 1_000_000


def _optimise(n: int, edges: Sequence[tuple[int, int]], col: list[int], pinned: set[int]) -> list[int]:
    """Network simplex from the greedy columns, on the graph plus a root (node 0) that holds the
    entries in column 0 and joins every source, so that the graph is connected."""
    weights: dict[tuple[int, int], int] = {}
    for u, v in edges:
        weights[(u + 1, v + 1)] = weights.get((u + 1, v + 1), 0) + 1
    has_pred = [False] * n
    for _, v in edges:
        has_pred[v] = True
    pairs, minlen, weight = list(weights), [1] * len(weights), list(weights.values())
    for node in range(n):
        if not has_pred[node]:
            pairs.append((0, node + 1))
            minlen.append(0)
            weight.append(ENTRY_WEIGHT if node in pinned else 0)
    rank = network_simplex(n + 1, pairs, [0, *col], minlen, weight, max_exchanges=MAX_EXCHANGES)
    return [r - rank[0] for r in rank[1:]]
