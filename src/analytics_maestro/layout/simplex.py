"""Network simplex for layering (Gansner, Koutsofios, North, Vo: "A technique for drawing directed
graphs", 1993): ranks that minimise the total weighted edge length, each edge at least its minimum
length. This is how Graphviz `dot` ranks.

The problem is a linear program over difference constraints. The method keeps a spanning tree of
tight edges (length exactly the minimum); a tree edge whose cut value is negative can leave the
tree, the non-tree edge of least slack across the same cut enters, and the ranks on one side of
the cut shift. The tree is kept as parent edges and depths: an exchange walks the subtree below
the leaving edge (to find the entering edge, and to hang that subtree from it) and the tree path
between the entering edge's ends (to update cut values), never the whole tree. Graphviz numbers
the tree in postorder instead, which a hub (here, the root that joins every source) makes costly
to renumber after each exchange.

Starting from a good feasible ranking (the greedy one of `layering`), few exchanges are needed; a
cap on them keeps the time bounded, and every intermediate ranking is feasible and no worse. The
same steps also run compiled: `network_simplex` is the facade that `compiled.loops()` decides for,
`python_simplex` the reference.
"""

from __future__ import annotations

from collections.abc import Sequence

from analytics_maestro.layout import compiled


class _Tree:
    """A spanning tree over nodes 0..n-1, as adjacency lists of edge indices."""

    def __init__(self, n: int):
        self.adjacent: list[list[int]] = [[] for _ in range(n)]
        self.in_tree: list[bool] = []

    def add(self, e: int, u: int, v: int) -> None:
        self.adjacent[u].append(e)
        self.adjacent[v].append(e)
        self.in_tree[e] = True

    def remove(self, e: int, u: int, v: int) -> None:
        self.adjacent[u].remove(e)
        self.adjacent[v].remove(e)
        self.in_tree[e] = False


def _feasible_tree(n: int, tails: Sequence[int], heads: Sequence[int], minlen: Sequence[int], rank: list[int]) -> _Tree:
    """A spanning tree of tight edges, shifting ranks of the growing tree to make edges tight."""
    tree = _Tree(n)
    tree.in_tree = [False] * len(tails)
    incident: list[list[int]] = [[] for _ in range(n)]
    for e, (u, v) in enumerate(zip(tails, heads, strict=True)):
        incident[u].append(e)
        incident[v].append(e)
    member = [False] * n
    member[0] = True
    size = 1
    frontier = [0]
    while True:
        # grow along tight edges
        while frontier:
            node = frontier.pop()
            for e in incident[node]:
                other = heads[e] if tails[e] == node else tails[e]
                if not member[other] and rank[heads[e]] - rank[tails[e]] == minlen[e]:
                    member[other] = True
                    size += 1
                    tree.add(e, tails[e], heads[e])
                    frontier.append(other)
        if size == n:
            return tree
        best, best_slack = -1, 0
        for e in range(len(tails)):
            if member[tails[e]] != member[heads[e]]:
                slack = rank[heads[e]] - rank[tails[e]] - minlen[e]
                if best < 0 or slack < best_slack:
                    best, best_slack = e, slack
                    if slack == 0:
                        break
        if best < 0:
            raise ValueError("the graph is not connected")
        # the tree moves towards the edge's other end: up when it holds the tail, down when the head
        delta = -best_slack if member[heads[best]] else best_slack
        for node in range(n):
            if member[node]:
                rank[node] += delta
        frontier = [tails[best] if member[tails[best]] else heads[best]]


class _Simplex:
    def __init__(
        self,
        n: int,
        tails: Sequence[int],
        heads: Sequence[int],
        minlen: Sequence[int],
        weight: Sequence[int],
        rank: list[int],
    ):
        self.n, self.tails, self.heads, self.minlen, self.weight, self.rank = n, tails, heads, minlen, weight, rank
        self.incident: list[list[int]] = [[] for _ in range(n)]
        for e, (u, v) in enumerate(zip(tails, heads, strict=True)):
            self.incident[u].append(e)
            self.incident[v].append(e)
        self.tree = _feasible_tree(n, tails, heads, minlen, rank)
        self.cut = [0] * len(tails)
        self.parent_edge = [-1] * n
        self.depth = [0] * n
        # `mark[node] == stamp` says that `node` is in the subtree being looked at.
        self.mark = [0] * n
        self.stamp = 0
        order = self._hang(0, -1, 0)
        for child in reversed(order[1:]):  # children before parents; the root has no parent edge
            self.cut[self.parent_edge[child]] = self._cut_value(child)
        # Tree edges whose cut value may be negative; checked again when taken.
        self.negative = [e for e in range(len(tails)) if self.tree.in_tree[e] and self.cut[e] < 0]

    def _hang(self, top: int, edge: int, depth: int) -> list[int]:
        """Set parent edges and depths in the subtree of `top`, which hangs from `edge`; its nodes,
        parents before children."""
        tails, heads, adjacent = self.tails, self.heads, self.tree.adjacent
        parent, depths = self.parent_edge, self.depth
        parent[top], depths[top] = edge, depth
        order = [top]
        for node in order:  # grows while it is walked
            below = depths[node] + 1
            for e in adjacent[node]:
                if e != parent[node]:
                    child = heads[e] if tails[e] == node else tails[e]
                    parent[child], depths[child] = e, below
                    order.append(child)
        return order

    def _parent(self, node: int) -> int:
        e = self.parent_edge[node]
        return self.heads[e] if self.tails[e] == node else self.tails[e]

    def _subtree(self, top: int) -> list[int]:
        """The nodes below `top` (itself included), each marked with a new stamp."""
        self.stamp += 1
        stamp, mark, parent = self.stamp, self.mark, self.parent_edge
        tails, heads, adjacent = self.tails, self.heads, self.tree.adjacent
        mark[top] = stamp
        nodes = [top]
        for node in nodes:
            for e in adjacent[node]:
                if e != parent[node]:
                    child = heads[e] if tails[e] == node else tails[e]
                    mark[child] = stamp
                    nodes.append(child)
        return nodes

    def _cut_value(self, child: int) -> int:
        """Cut value of the tree edge above `child`, from those of the tree edges below it."""
        pe = self.parent_edge[child]
        child_is_tail = self.tails[pe] == child
        value = self.weight[pe]
        for e in self.incident[child]:
            if e == pe:
                continue
            points_to_head = (self.tails[e] == child) == child_is_tail
            value += self.weight[e] if points_to_head else -self.weight[e]
            if self.tree.in_tree[e]:
                value += -self.cut[e] if points_to_head else self.cut[e]
        return value

    def _leaving(self) -> int:
        """A tree edge with a negative cut value, the most recently made negative first."""
        while self.negative:
            e = self.negative.pop()
            if self.tree.in_tree[e] and self.cut[e] < 0:
                return e
        return -1

    def _entering(self, leaving: int) -> tuple[int, list[int]]:
        """The non-tree edge of least slack crossing the cut of `leaving`, in the direction that can
        replace it: into the subtree below `leaving` if that subtree holds its tail, else out of it.
        Also the nodes of that subtree, which are marked."""
        u, v = self.tails[leaving], self.heads[leaving]
        top, outward = (u, False) if self.parent_edge[u] == leaving else (v, True)
        nodes = self._subtree(top)
        tails, heads, rank, minlen, in_tree = self.tails, self.heads, self.rank, self.minlen, self.tree.in_tree
        mark, stamp = self.mark, self.stamp
        best, best_slack = -1, None
        for node in nodes:
            for e in self.incident[node]:
                if in_tree[e] or (tails[e] == node) != outward:
                    continue
                if mark[heads[e] if outward else tails[e]] == stamp:
                    continue
                slack = rank[heads[e]] - rank[tails[e]] - minlen[e]
                if best_slack is None or slack < best_slack:
                    best, best_slack = e, slack
                    if slack == 0:
                        return best, nodes
        return best, nodes

    def _common_ancestor(self, a: int, b: int) -> int:
        depth = self.depth
        while depth[a] > depth[b]:
            a = self._parent(a)
        while depth[b] > depth[a]:
            b = self._parent(b)
        while a != b:
            a, b = self._parent(a), self._parent(b)
        return a

    def _path_update(self, v: int, top: int, value: int, forward: bool) -> None:
        """Add `value` to the cut values on the tree path from `v` up to its ancestor `top`."""
        tails, cut = self.tails, self.cut
        while v != top:
            pe = self.parent_edge[v]
            if (v == tails[pe]) == forward:
                cut[pe] += value
            else:
                cut[pe] -= value
            if cut[pe] < 0:
                self.negative.append(pe)
            v = self._parent(v)

    def _exchange(self, leaving: int, entering: int, moved: list[int]) -> None:
        """Swap `leaving` for `entering` in the tree; `moved` is the subtree below `leaving`,
        which hangs from `entering` afterwards."""
        tail, head = self.tails[entering], self.heads[entering]
        inside = self.mark[tail] == self.stamp
        slack = self.rank[head] - self.rank[tail] - self.minlen[entering]
        if slack:
            # the subtree below `leaving` moves so that `entering` becomes tight
            shift = slack if inside else -slack
            for node in moved:
                self.rank[node] += shift
        value = self.cut[leaving]
        top = self._common_ancestor(tail, head)
        self._path_update(tail, top, value, True)
        self._path_update(head, top, value, False)
        self.cut[entering] = -value
        self.cut[leaving] = 0
        self.tree.remove(leaving, self.tails[leaving], self.heads[leaving])
        self.tree.add(entering, tail, head)
        low, high = (tail, head) if inside else (head, tail)
        self._hang(low, entering, self.depth[high] + 1)

    def run(self, max_exchanges: int) -> int:
        exchanges = 0
        while exchanges < max_exchanges:
            leaving = self._leaving()
            if leaving < 0:
                break
            entering, moved = self._entering(leaving)
            if entering < 0:
                break
            self._exchange(leaving, entering, moved)
            exchanges += 1
        return exchanges


def network_simplex(
    n: int,
    edges: Sequence[tuple[int, int]],
    rank: Sequence[int],
    minlen: Sequence[int] | None = None,
    weight: Sequence[int] | None = None,
    max_exchanges: int = 10_000,
) -> list[int]:
    """Optimal ranks for a connected graph, from a feasible `rank` (rank[v] - rank[u] >= minlen)."""
    tails = [u for u, _ in edges]
    heads = [v for _, v in edges]
    minlen = list(minlen) if minlen is not None else [1] * len(edges)
    weight = list(weight) if weight is not None else [1] * len(edges)
    ranks = list(rank)
    if n <= 1 or not edges:
        return ranks
    native = compiled.loops()  # the facade: compiled where built, else the reference below
    if native is not None:
        return native.simplex(n, tails, heads, minlen, weight, ranks, max_exchanges)
    return python_simplex(n, tails, heads, minlen, weight, ranks, max_exchanges)


def python_simplex(
    n: int, tails: list[int], heads: list[int], minlen: list[int], weight: list[int], rank: list[int],
    max_exchanges: int,
) -> list[int]:  # fmt: skip
    """The reference loops of `network_simplex`."""
    simplex = _Simplex(n, tails, heads, minlen, weight, rank)
    simplex.run(max_exchanges)
    return simplex.rank
