"""Order within each column: few crossings between neighbouring columns.

Items are the nodes plus one lane item per column that a long edge passes through. Among the
starting orders is the depth-first order from the entries, so the diagram reads as a tree. Then,
as Graphviz does, sweeps left to right and right to left sort each column by the weighted median
(or the barycentre) of its neighbours in the column just placed, each sweep followed by
transposition (swap neighbours while that removes crossings with both sides). The best order seen
is kept. Sweeps without transposition come first: they are cheap, and on a large graph they do
most of the work. Small graphs get restarts and sifting on top.

Sweeps, transposition and sifting also run compiled: `sweeps`, `transposed` and `sift` are the
facades that `compiled.loops()` decides for; `python_…` are the reference loops.
"""

from __future__ import annotations

import functools
import random
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Sequence
from enum import IntEnum

import msgspec

from analytics_maestro.layout import compiled

MAX_ITERATIONS = 24
START_ITERATIONS = 4
MIN_QUIT = 8
CONVERGENCE = 0.995
MAX_TRANSPOSE_ROUNDS = 50
RESTARTS = 20
# Budgets count operations (items sorted, pairs compared), not seconds, so results do not depend
# on the machine. They are sized for the compiled loops, which do a million operations in a few
# milliseconds; the Python loops take about twenty times as long for the same result.
BUDGET = 1_000_000
LARGE_GRAPH = 4_000
LARGE_GRAPH_BUDGET = 10_000
RESTART_BUDGET = 300_000
RESTART_ITEMS = 1_000
POLISH_ROUNDS = 4
MEDIAN_SWEEPS = 16
MEDIAN_BUDGET = 300_000
POLISH_BUDGET = 100_000
POLISHED = 8
PART_BUDGET = 20_000  # the least of each budget a part of a larger graph gets


def initial_order(layers_of: Sequence[int], down: Sequence[Sequence[int]], roots: Sequence[int]) -> list[list[int]]:
    """Items per layer in depth-first order from `roots`, then from the unreached items in index order."""
    count = max(layers_of, default=-1) + 1
    layers: list[list[int]] = [[] for _ in range(count)]
    seen = [False] * len(layers_of)
    for start in [*roots, *range(len(layers_of))]:
        if seen[start]:
            continue
        seen[start] = True
        stack = [start]
        while stack:
            item = stack.pop()
            layers[layers_of[item]].append(item)
            for child in reversed(down[item]):
                if not seen[child]:
                    seen[child] = True
                    stack.append(child)
    return layers


def _positions(layers: Sequence[Sequence[int]], size: int) -> list[int]:
    pos = [0] * size
    for layer in layers:
        for i, item in enumerate(layer):
            pos[item] = i
    return pos


def count_crossings(upper: Sequence[int], down: Sequence[Sequence[int]], pos: Sequence[int]) -> int:
    """Crossings between a layer and the next: inversions among edges sorted by their upper end.

    The lower ends seen so far are kept sorted; each edge crosses the earlier ones that end after
    it. Inserting into a Python list moves memory in C, which beats a Fenwick tree walked in
    Python at the sizes of a layer (a few thousand edges).
    """
    seen: list[int] = []
    crossings = 0
    at = pos.__getitem__
    for u in upper:
        lower = down[u]
        if len(lower) == 1:  # a lane, or a node with one dependency: most items
            end = pos[lower[0]]
            i = bisect_right(seen, end)
            crossings += len(seen) - i
            seen.insert(i, end)
            continue
        ends = sorted(map(at, lower))
        for end in ends:
            crossings += len(seen) - bisect_right(seen, end)
        for end in ends:
            insort(seen, end)
    return crossings


def total_crossings(layers: Sequence[Sequence[int]], down: Sequence[Sequence[int]], pos: Sequence[int]) -> int:
    return sum(count_crossings(layer, down, pos) for layer in layers[:-1])


def median_value(positions: Sequence[int]) -> float | None:
    """The weighted median of sorted neighbour positions (Gansner et al.), None without neighbours.

    With an even count the two middle positions are weighed by how spread each side is, so a
    node leans towards the side where its neighbours are packed.

    >>> median_value([1, 2, 3]), median_value([0, 4]), median_value([0, 1, 2, 9]), median_value([])
    (2.0, 2.0, 1.125, None)
    """
    count = len(positions)
    if not count:
        return None
    m = count // 2
    if count % 2:
        return float(positions[m])
    if count == 2:
        return (positions[0] + positions[1]) / 2
    left, right = positions[m - 1] - positions[0], positions[-1] - positions[m]
    if left + right == 0:
        return (positions[m - 1] + positions[m]) / 2
    return (positions[m - 1] * right + positions[m] * left) / (left + right)


def barycentre(positions: Sequence[int]) -> float | None:
    return sum(positions) / len(positions) if positions else None


class Value(IntEnum):
    """Which value of its neighbours' positions a sweep sorts an item by (the compiled loops know
    these numbers, and refuse others)."""

    MEDIAN = 1
    BARYCENTRE = 2


VALUES: dict[Value, Callable[[Sequence[int]], float | None]] = {
    Value.MEDIAN: median_value,
    Value.BARYCENTRE: barycentre,
}


class Rule(msgspec.Struct, frozen=True):
    """How a sweep sorts a layer: by which value of the neighbours, and what items without any do."""

    value: Value
    hold: bool


RULES = (
    Rule(Value.MEDIAN, hold=False),
    Rule(Value.MEDIAN, hold=True),
    Rule(Value.BARYCENTRE, hold=False),
    Rule(Value.BARYCENTRE, hold=True),
)

# The (rule, start) pairs of median sweeps that a large graph tries first, while the budget pays:
# barycentre, then median, sweeps with held items from the breadth-first order from the sources,
# then barycentre ones from the order from the sinks. On generated inventories of 3,000
# applications (seeds 1-7) and of 10,000, barycentres from the sources give the fewest crossings
# most often, and the depth-first order from the entries never does.
LARGE_GRAPH_PAIRS = ((RULES[3], 0), (RULES[1], 0), (RULES[3], 2))


def _reorder(layer: list[int], fixed: Sequence[Sequence[int]], pos: list[int], rule: Rule, reverse: bool) -> None:
    """Sort a layer by the rule's value of each item's neighbours' positions on the fixed side.

    An item without neighbours there either keeps its place while the others move around it
    (`rule.hold`, as Graphviz does), or takes the value of the item before it and so moves with
    its surroundings; neither is better on every graph. Ties keep their current order, or swap it
    when `reverse` (which lets sweeps escape from plateaus).
    """
    keyed = []
    previous = -1.0
    value, at = VALUES[rule.value], pos.__getitem__
    for i, item in enumerate(layer):
        neighbours = fixed[item]
        # a lane has one neighbour on each side: its value is that neighbour's position
        v = float(pos[neighbours[0]]) if len(neighbours) == 1 else value(sorted(map(at, neighbours)))
        if v is None and not rule.hold:
            v = previous
        if v is not None:
            previous = v
        keyed.append((v, -i if reverse else i, item))
    ordered = iter(sorted(k for k in keyed if k[0] is not None))
    layer[:] = [item if v is None else next(ordered)[2] for v, _, item in keyed]
    for i, item in enumerate(layer):
        pos[item] = i


def _side_crossings(a: list[int], b: list[int]) -> int:
    """Crossings between the edges of two neighbours on one side, the one with `a` standing first:
    pairs of an end in `a` after an end in `b` (both sorted), counted over the shorter list."""
    if not a or not b or a[-1] <= b[0]:
        return 0
    if len(a) <= len(b):
        return sum(bisect_left(b, x) for x in a)
    count = len(a)
    return sum(count - bisect_right(a, y) for y in b)


def _pair_crossings(a: list[int], b: list[int]) -> tuple[int, int]:
    """Crossings on one side between two neighbours' edges, with `a`'s standing first and with
    `b`'s standing first. Lanes have a single end per side, compared directly."""
    if not a or not b:
        return 0, 0
    if len(a) == 1 and len(b) == 1:
        return int(a[0] > b[0]), int(b[0] > a[0])
    return _side_crossings(a, b), _side_crossings(b, a)


def _transpose(
    layers: list[list[int]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    pos: list[int],
    reverse: bool,
    work: list[int],
) -> None:
    """Swap neighbours in every layer while that removes crossings (or, with `reverse`, keeps them
    equal), revisiting only layers next to a change. Spends `work` (items visited plus pairs
    compared) and stops when it runs out."""
    count = len(layers)
    dirty = [True] * count
    # Each layer's neighbour positions, in the layer's order; kept while the layer they look at
    # does not change.
    ups_of: list[list[list[int]] | None] = [None] * count
    downs_of: list[list[list[int]] | None] = [None] * count
    for _ in range(MAX_TRANSPOSE_ROUNDS):
        if work[0] <= 0:
            return
        gain = 0
        touched = [False] * count
        for k in range(count):
            if not dirty[k]:
                continue
            layer = layers[k]
            ups = ups_of[k]
            if ups is None:
                ups = ups_of[k] = [sorted(map(pos.__getitem__, up[item])) for item in layer]
            downs = downs_of[k]
            if downs is None:
                downs = downs_of[k] = [sorted(map(pos.__getitem__, down[item])) for item in layer]
            compared = len(layer)
            swapped = False
            for i in range(len(layer) - 1):
                a_up, b_up, a_down, b_down = ups[i], ups[i + 1], downs[i], downs[i + 1]
                keep_up, swap_up = _pair_crossings(a_up, b_up)
                keep_down, swap_down = _pair_crossings(a_down, b_down)
                keep = keep_up + keep_down
                if keep == 0:
                    continue
                compared += 1
                swap = swap_up + swap_down
                if swap < keep or (reverse and swap == keep):
                    layer[i], layer[i + 1] = layer[i + 1], layer[i]
                    ups[i], ups[i + 1] = b_up, a_up
                    downs[i], downs[i + 1] = b_down, a_down
                    pos[layer[i]], pos[layer[i + 1]] = i, i + 1
                    gain += keep - swap
                    swapped = True
            work[0] -= compared
            if swapped:
                for j in (k - 1, k, k + 1):
                    if 0 <= j < count:
                        touched[j] = True
                if k > 0:
                    downs_of[k - 1] = None
                if k + 1 < count:
                    ups_of[k + 1] = None
        dirty = touched
        if gain <= 0:
            break


def python_sift(
    layers: list[list[int]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    pos: list[int],
    work: list[int],
) -> int:
    """Sifting (Matuszewski, Schönfeld, Molitor): take each item out of its layer, the busiest
    first, and put it back where it crosses least with both neighbouring layers. Escapes the local
    optima of sweeps and transposition, which only ever move items past their neighbours. Returns
    the crossings removed; spends `work` (pairs compared)."""
    gained = 0
    for layer in layers:
        if len(layer) < 3 or work[0] <= 0:
            continue
        ups = {item: sorted(map(pos.__getitem__, up[item])) for item in layer}
        downs = {item: sorted(map(pos.__getitem__, down[item])) for item in layer}
        for item in sorted(layer, key=lambda i: (-len(ups[i]) - len(downs[i]), pos[i])):
            if not ups[item] and not downs[item]:
                continue
            work[0] -= len(layer)
            a_up, a_down = ups[item], downs[item]
            others = [other for other in layer if other != item]
            # crossings change by `delta` as the item moves from before `other` to after it
            best, best_at, running, current = 0, 0, 0, 0
            at = pos[item]
            for i, other in enumerate(others):
                before_up, after_up = _pair_crossings(a_up, ups[other])
                before_down, after_down = _pair_crossings(a_down, downs[other])
                running += after_up + after_down - before_up - before_down
                if i < at:
                    current = running
                if running < best:
                    best, best_at = running, i + 1
            if best < current:
                gained += current - best
                others.insert(best_at, item)
                layer[:] = others
                for i, other in enumerate(layer):
                    pos[other] = i
    return gained


def python_transposed(
    layers: list[list[int]], up: Sequence[Sequence[int]], down: Sequence[Sequence[int]], work: list[int]
) -> int:
    """`_transpose` on `layers`; their crossings after it."""
    pos = _positions(layers, len(up))
    _transpose(layers, up, down, pos, False, work)
    return total_crossings(layers, down, pos)


def python_sweeps(
    layers: list[list[int]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    iterations: int,
    rule: Rule,
    work: list[int],
    transpose: bool = True,
) -> tuple[list[list[int]], int]:
    """Graphviz's mincross loop: alternate downward and upward sweeps, each sorting every layer by
    `value` of its neighbours in the layer just placed, then transposition. Stop after `MIN_QUIT`
    sweeps without a real (0.5 %) improvement, or when the shared `work` budget runs out.

    Without `transpose`, each sweep costs a sort per layer, a small part of what transposition
    costs on a large graph, and still removes most crossings of a first order."""
    pos = _positions(layers, len(up))
    best = [list(layer) for layer in layers]
    best_count = total_crossings(layers, down, pos)
    trying = 0
    for iteration in range(iterations):
        if best_count == 0 or trying >= MIN_QUIT or work[0] <= 0:
            break
        trying += 1
        downward = iteration % 2 == 0
        reverse = iteration % 4 < 2
        indices = range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1)
        for k in indices:
            _reorder(layers[k], up if downward else down, pos, rule, reverse)
            work[0] -= len(layers[k])
        if transpose:
            _transpose(layers, up, down, pos, not reverse, work)
        crossings = total_crossings(layers, down, pos)
        if crossings <= best_count:
            if crossings < CONVERGENCE * best_count:
                trying = 0
            best, best_count = [list(layer) for layer in layers], crossings
    return best, best_count


# The facades: the compiled loops where built (`compiled.loops()`), else the references above.


def sweeps(
    layers: list[list[int]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    iterations: int,
    rule: Rule,
    work: list[int],
    transpose: bool = True,
) -> tuple[list[list[int]], int]:
    """`python_sweeps`, compiled where it can be. A rule of an unknown value is refused."""
    value = Value(rule.value)
    native = compiled.loops()
    if native is None:
        return python_sweeps(layers, up, down, iterations, rule, work, transpose)
    args = (iterations, int(value), rule.hold, work[0], transpose, MIN_QUIT, CONVERGENCE, MAX_TRANSPOSE_ROUNDS)
    best, count, work[0] = native.sweeps(layers, up, down, *args)
    return best, count


def transposed(
    layers: list[list[int]], up: Sequence[Sequence[int]], down: Sequence[Sequence[int]], work: list[int]
) -> int:
    """`python_transposed`, compiled where it can be."""
    native = compiled.loops()
    if native is None:
        return python_transposed(layers, up, down, work)
    count, work[0] = native.transpose(layers, up, down, False, work[0], MAX_TRANSPOSE_ROUNDS)
    return count


def sift(
    layers: list[list[int]], up: Sequence[Sequence[int]], down: Sequence[Sequence[int]], pos: list[int],
    work: list[int],
) -> int:  # fmt: skip
    """`python_sift`, compiled where it can be."""
    native = compiled.loops()
    if native is None:
        return python_sift(layers, up, down, pos, work)
    gained, work[0] = native.sift(layers, up, down, work[0])
    pos[:] = _positions(layers, len(up))
    return gained


def _breadth_first(
    layers_of: Sequence[int],
    first: Sequence[Sequence[int]],
    then: Sequence[Sequence[int]],
    roots: Sequence[int],
) -> list[list[int]]:
    """Items per layer in breadth-first order from `roots` over the edges both ways, the `first`
    neighbours of an item before the `then` ones (Graphviz's initial order)."""
    layers: list[list[int]] = [[] for _ in range(max(layers_of, default=-1) + 1)]
    seen = [False] * len(layers_of)
    for start in [*roots, *range(len(layers_of))]:
        if seen[start]:
            continue
        seen[start] = True
        queue = deque([start])
        while queue:
            item = queue.popleft()
            layers[layers_of[item]].append(item)
            for other in (*first[item], *then[item]):
                if not seen[other]:
                    seen[other] = True
                    queue.append(other)
    return layers


def _median_sweeps(
    pairs: Sequence[tuple[Rule, Sequence[Sequence[int]]]],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    work: list[int],
    enough: bool = False,
) -> list[tuple[int, int, list[list[int]], Rule]]:
    """Median sweeps without transposition from each (rule, start): (crossings, index, order, rule);
    with `enough`, they stop at the first order that crosses nothing."""
    candidates: list[tuple[int, int, list[list[int]], Rule]] = []
    for rule, start in pairs:
        layers, count = sweeps([list(layer) for layer in start], up, down, MEDIAN_SWEEPS, rule, work, transpose=False)
        candidates.append((count, len(candidates), layers, rule))
        if enough and count == 0:
            break
    return candidates


def order_layers(
    layers_of: Sequence[int],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    roots: Sequence[int],
    budget: int | None = None,
    keep: int = 1,
    known: Sequence[Sequence[Sequence[int]]] = (),
    whole: int | None = None,
) -> list[list[list[int]]]:
    """Orders of the items per layer with few crossings, fewest first, at most `keep` of them.

    Three starting orders: breadth-first from the sources over edges both ways (Graphviz's),
    depth-first from the entries (so that the diagram reads as a tree), breadth-first from the
    sinks. Median sweeps without transposition, cheap, take each start (a large graph: as many
    as `MEDIAN_BUDGET` pays for) most of the way; a small graph also gives each start Graphviz's
    four sweeps with transposition. The best goes on for up to `MAX_ITERATIONS` sweeps with
    transposition. On small graphs, restarts from shuffled orders (seeded, so still
    deterministic) then try for better, and the best orders are polished by sifting. `budget`
    bounds the work of the sweeps with transposition (items sorted plus pairs compared): it
    counts operations, not seconds, so the result does not depend on the machine, and huge graphs
    get a good order in bounded time. `known` orders (found on the way, by the column search)
    join the candidates, so the result crosses no more than they do. When one order is asked for
    and a median sweep finds one that crosses nothing, that one is the answer. A part of a larger graph
    of `whole` items is ordered as that graph would be (small-graph extras only when it is small)
    on its share of every budget (never less than `PART_BUDGET`), so that the parts of a graph cost
    together about what one graph costs.
    """
    items = len(layers_of) if whole is None else max(whole, len(layers_of))
    share = len(layers_of) / items if items else 1.0

    def shared(total: int) -> int:
        return total if share >= 1.0 else max(min(total, PART_BUDGET), round(total * share))

    if budget is None:
        # Past a few thousand items more sweeps change the count by tenths of a percent.
        budget = BUDGET if items <= LARGE_GRAPH else LARGE_GRAPH_BUDGET
    budget = shared(budget)
    makers = (
        lambda: _breadth_first(layers_of, down, up, [item for item in range(len(up)) if not up[item]]),
        lambda: initial_order(layers_of, down, roots),
        lambda: _breadth_first(layers_of, up, down, [item for item in range(len(down)) if not down[item]]),
    )

    @functools.cache
    def start(k: int) -> list[list[int]]:  # made when first needed: a large graph uses one
        return makers[k]()

    # Median sweeps from each start under each rule; on a large graph, as many pairs as the
    # budget allows, the best first (LARGE_GRAPH_PAIRS), run in the usual order.
    work = [shared(MEDIAN_BUDGET)]
    pairs = [(rule, k) for rule in (RULES[1], RULES[0], RULES[3], RULES[2]) for k in range(len(makers))]
    affordable = max(1, work[0] // max(1, MEDIAN_SWEEPS * len(layers_of)))
    if affordable < len(pairs):
        chosen = [*LARGE_GRAPH_PAIRS, *(pair for pair in pairs if pair not in LARGE_GRAPH_PAIRS)][:affordable]
        pairs = [pair for pair in pairs if pair in chosen]
    candidates = _median_sweeps([(rule, start(k)) for rule, k in pairs], up, down, work, enough=keep == 1)
    if keep == 1 and candidates[-1][0] == 0:
        # nothing crosses: no later stage could do better
        return [candidates[-1][2]]
    for order in known:
        layers = [list(layer) for layer in order]
        count = total_crossings(layers, down, _positions(layers, len(up)))
        candidates.append((count, len(candidates), layers, RULES[1]))
    work = [budget]
    if items <= RESTART_ITEMS:
        # a small graph also tries Graphviz's schedule: four sweeps with transposition from each
        for rule, k in pairs:
            layers, count = sweeps([list(layer) for layer in start(k)], up, down, START_ITERATIONS, rule, work)
            candidates.append((count, len(candidates), layers, rule))
    _, _, best, rule = min(candidates, key=lambda c: c[:2])
    if items > LARGE_GRAPH:
        # On a large graph, sweeps with transposition gain tenths of a percent over the median
        # sweeps' order, at several times their cost: one pass of transposition instead.
        finals = [(best, transposed(best, up, down, work))]
    else:
        finals = [sweeps(best, up, down, MAX_ITERATIONS, rule, work)]
    # Restarts have a budget of their own, spent on small graphs only: large ones would pay for
    # them in seconds and gain little.
    work = [shared(RESTART_BUDGET) if items <= RESTART_ITEMS else 0]
    for restart in range(RESTARTS):
        if finals[0][1] == 0 or work[0] <= 0:
            break
        rnd = random.Random(restart)
        shuffled = [list(layer) for layer in start(1)]
        for layer in shuffled:
            rnd.shuffle(layer)
        for rule in RULES:
            finals.append(sweeps([list(layer) for layer in shuffled], up, down, MAX_ITERATIONS, rule, work))
    if items <= RESTART_ITEMS:
        # the best orders are polished, and the best of the polished ones kept
        finals = [_polish(layers, up, down, [shared(POLISH_BUDGET)]) for layers in _distinct(finals, POLISHED)]
    return _distinct(finals, keep)


def quick_order(
    layers_of: Sequence[int],
    up: Sequence[Sequence[int]],
    down: Sequence[Sequence[int]],
    work: list[int],
) -> tuple[list[list[int]], int]:
    """A quick ordering and its crossings, to compare layerings: median sweeps (with and without
    held items) from the breadth-first orders from the sources and from the sinks, then Graphviz's
    four sweeps with transposition from the best. Spends from `work[0]`."""
    sources = [item for item in range(len(up)) if not up[item]]
    sinks = [item for item in range(len(down)) if not down[item]]
    starts = (_breadth_first(layers_of, down, up, sources), _breadth_first(layers_of, up, down, sinks))
    candidates = _median_sweeps([(rule, start) for rule in (RULES[1], RULES[0]) for start in starts], up, down, work)
    _, _, layers, rule = min(candidates, key=lambda c: c[:2])
    return sweeps(layers, up, down, START_ITERATIONS, rule, work)


def segment_crossings(layers: Sequence[Sequence[int]], down: Sequence[Sequence[int]]) -> dict[tuple[int, int], int]:
    """For each segment (item, next item), how many other segments it crosses: those whose upper
    end stands before its own and lower end after, or the other way round.

    >>> segment_crossings([[0, 1], [2, 3]], [[3], [2], [], []])
    {(0, 3): 1, (1, 2): 1}
    """
    pos = _positions(layers, len(down))
    out: dict[tuple[int, int], int] = {}
    for layer in layers:
        segments = sorted((pos[u], pos[v], u, v) for u in layer for v in down[u])
        crossed = [0] * len(segments)
        # upper end before, lower end after: walk the upper ends forwards; then the mirror case
        for order, count in ((range(len(segments)), _later), (range(len(segments) - 1, -1, -1), _earlier)):
            seen: list[int] = []
            group: list[int] = []
            for i in order:
                if group and segments[group[0]][0] != segments[i][0]:
                    for j in group:
                        insort(seen, segments[j][1])
                    group = []
                crossed[i] += count(seen, segments[i][1])
                group.append(i)
        for (_, _, u, v), k in zip(segments, crossed, strict=True):
            out[u, v] = k
    return out


def _later(seen: list[int], end: int) -> int:
    return len(seen) - bisect_right(seen, end)


def _earlier(seen: list[int], end: int) -> int:
    return bisect_left(seen, end)


def _distinct(orders: list[tuple[list[list[int]], int]], count: int) -> list[list[list[int]]]:
    """The first `count` different orders, fewest crossings first."""
    chosen: list[list[list[int]]] = []
    for layers, _ in sorted(orders, key=lambda f: f[1]):
        if len(chosen) == count:
            break
        if layers not in chosen:
            chosen.append(layers)
    return chosen


def _polish(
    layers: list[list[int]], up: Sequence[Sequence[int]], down: Sequence[Sequence[int]], work: list[int]
) -> tuple[list[list[int]], int]:
    """Sifting and sweeps in turn, while sifting finds something."""
    layers = [list(layer) for layer in layers]
    pos = _positions(layers, len(up))
    count = total_crossings(layers, down, pos)
    for _ in range(POLISH_ROUNDS):
        if count == 0 or work[0] <= 0 or not sift(layers, up, down, pos, work):
            break
        layers, count = sweeps(layers, up, down, MAX_ITERATIONS, RULES[0], work)
        pos = _positions(layers, len(up))
    return layers, count
