"""Network simplex for layering (Gansner, Koutsofios, North, Vo: "A technique for drawing directed
graphs", 1993): ranks that minimise the total weighted edge length, each edge at least its minimum
length. This is how Graphviz `dot` ranks.

The problem is a linear program over difference constraints. The method keeps a spanning tree of
tight edges (length exactly the minimum); a tree edge whose cut value is negative can leave the
tree, the non-tree edge of least slack across the same cut enters, and the ranks on one side of
the cut shift. Low/lim postorder numbers answer "is this node below that tree edge" in O(1).

Starting from a good feasible ranking (the greedy one of `layering`), few exchanges are needed; a
cap on them keeps the time bounded, and every intermediate ranking is feasible and no worse.
"""

from __future__ import annotations

from collections.abc import Sequence


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
        best, best_slack = -1, None
        for e in range(len(tails)):
            if member[tails[e]] != member[heads[e]]:
                slack = rank[heads[e]] - rank[tails[e]] - minlen[e]
                if best_slack is None or slack < best_slack:
                    best, best_slack = e, slack
                    if slack == 0:
                        break
        if best < 0:
            raise ValueError("the graph is not connected")
        delta = best_slack if member[heads[best]] else -best_slack
        for node in range(n):
            if member[node]:
                rank[node] += delta
        frontier = [tails[best] if member[tails[best]] else heads[best]]


class _Simplex:
    def __init__(self, n, tails, heads, minlen, weight, rank):
        self.n, self.tails, self.heads, self.minlen, self.weight, self.rank = n, tails, heads, minlen, weight, rank
        self.incident: list[list[int]] = [[] for _ in range(n)]
        for e, (u, v) in enumerate(zip(tails, heads, strict=True)):
            self.incident[u].append(e)
            self.incident[v].append(e)
        self.tree = _feasible_tree(n, tails, heads, minlen, rank)
        self.cut = [0] * len(tails)
        self.low = [0] * n
        self.lim = [0] * n
        self.parent_edge = [-1] * n
        self.node_at = [0] * (n + 1)
        postorder = self._number(0, -1, 1)
        for child in postorder[:-1]:  # the root, last in postorder, has no parent edge
            self.cut[self.parent_edge[child]] = self._cut_value(child)
        # Tree edges whose cut value may be negative; checked again when taken.
        self.negative = [e for e in range(len(tails)) if self.tree.in_tree[e] and self.cut[e] < 0]

    def _other(self, e: int, node: int) -> int:
        return self.heads[e] if self.tails[e] == node else self.tails[e]

    def _number(self, root: int, parent_edge: int, low: int) -> list[int]:
        """Postorder numbers of the subtree of `root`, from `low`: x is below y iff low[y] <= lim[x] <= lim[y].

        A subtree that hangs from the same edge and starts at the same number as before keeps its
        numbers (dot's incremental dfs_range): after an exchange only the paths that changed are
        walked, not the whole tree.
        """
        counter = low
        tails, heads, adjacent = self.tails, self.heads, self.tree.adjacent
        parent, lows, lims, node_at = self.parent_edge, self.low, self.lim, self.node_at
        parent[root] = parent_edge
        lows[root] = low
        stack = [(root, adjacent[root], 0)]
        postorder = []
        while stack:
            node, edges, i = stack[-1]
            if i == len(edges):
                lims[node] = counter
                node_at[counter] = node
                counter += 1
                postorder.append(node)
                stack.pop()
                continue
            stack[-1] = (node, edges, i + 1)
            e = edges[i]
            if e == parent[node]:
                continue
            child = heads[e] if tails[e] == node else tails[e]
            if parent[child] == e and lows[child] == counter:
                counter = lims[child] + 1
                continue
            parent[child] = e
            lows[child] = counter
            stack.append((child, adjacent[child], 0))
        return postorder

    def _invalidate(self, node: int, lca: int) -> None:
        """Mark the tree path from `node` up to `lca` for renumbering."""
        while self.low[node] != -1:
            self.low[node] = -1
            pe = self.parent_edge[node]
            if pe < 0 or node == lca:
                break
            a, b = self.tails[pe], self.heads[pe]
            node = a if self.lim[a] > self.lim[b] else b

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

    def _below(self, node: int, top: int) -> bool:
        return self.low[top] <= self.lim[node] <= self.lim[top]

    def _leaving(self) -> int:
        """A tree edge with a negative cut value, the most recently made negative first."""
        while self.negative:
            e = self.negative.pop()
            if self.tree.in_tree[e] and self.cut[e] < 0:
                return e
        return -1

    def _entering(self, leaving: int) -> int:
        """The non-tree edge of least slack crossing the cut of `leaving`, in the direction that can
        replace it: into the subtree below `leaving` if that subtree holds its tail, else out of it."""
        u, v = self.tails[leaving], self.heads[leaving]
        top, outward = (u, False) if self.lim[u] < self.lim[v] else (v, True)
        best, best_slack = -1, None
        for position in range(self.low[top], self.lim[top] + 1):
            node = self.node_at[position]
            for e in self.incident[node]:
                if self.tree.in_tree[e] or (self.tails[e] == node) != outward:
                    continue
                if self._below(self.heads[e] if outward else self.tails[e], top):
                    continue
                slack = self.rank[self.heads[e]] - self.rank[self.tails[e]] - self.minlen[e]
                if best_slack is None or slack < best_slack:
                    best, best_slack = e, slack
        return best

    def _path_update(self, v: int, w: int, value: int, forward: bool) -> int:
        """Add `value` to the cut values on the tree path from `v` up to the ancestor of `w`."""
        while not self._below(w, v):
            pe = self.parent_edge[v]
            if (v == self.tails[pe]) == forward:
                self.cut[pe] += value
            else:
                self.cut[pe] -= value
            if self.cut[pe] < 0:
                self.negative.append(pe)
            a, b = self.tails[pe], self.heads[pe]
            v = a if self.lim[a] > self.lim[b] else b
        return v

    def _exchange(self, leaving: int, entering: int) -> None:
        u, v = self.tails[leaving], self.heads[leaving]
        lower = u if self.lim[u] < self.lim[v] else v
        slack = self.rank[self.heads[entering]] - self.rank[self.tails[entering]] - self.minlen[entering]
        if slack:
            # the subtree below `leaving` moves so that `entering` becomes tight
            shift = slack if self._below(self.tails[entering], lower) else -slack
            for position in range(self.low[lower], self.lim[lower] + 1):
                self.rank[self.node_at[position]] += shift
        value = self.cut[leaving]
        lca = self._path_update(self.tails[entering], self.heads[entering], value, True)
        self._path_update(self.heads[entering], self.tails[entering], value, False)
        lca_low = self.low[lca]
        self._invalidate(self.tails[entering], lca)
        self._invalidate(self.heads[entering], lca)
        self.cut[entering] = -value
        self.cut[leaving] = 0
        self.tree.remove(leaving, u, v)
        self.tree.add(entering, self.tails[entering], self.heads[entering])
        self._number(lca, self.parent_edge[lca], lca_low)

    def run(self, max_exchanges: int) -> int:
        exchanges = 0
        while exchanges < max_exchanges:
            leaving = self._leaving()
            if leaving < 0:
                break
            entering = self._entering(leaving)
            if entering < 0:
                break
            self._exchange(leaving, entering)
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
    simplex = _Simplex(n, tails, heads, minlen, weight, ranks)
    simplex.run(max_exchanges)
    return simplex.rank
