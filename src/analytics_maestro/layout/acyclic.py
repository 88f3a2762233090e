"""Cycle breaking: which edges are drawn as return routes so that the rest flows left to right.

A depth-first search from the entries, in id order, then from any node not yet reached, marks as
back edges those that close a cycle: their target is on the search path. Everything else forms an
acyclic graph. Example: with entry `a` and edges a→b, b→c, c→a, c→b, the back edges are c→a and
c→b; with a second entry `d` and an edge b→d, b→d is not a back edge (`d` is then a dependency of
`a` as well as an entry).
"""

from __future__ import annotations

from collections.abc import Sequence


def back_edges(n: int, edges: Sequence[tuple[int, int]], roots: Sequence[int]) -> list[bool]:
    """For each edge (u, v) between nodes 0..n-1 (no self-loops), whether it is a back edge.

    Roots are searched first, in the order given; then every other node in index order. A node's
    edges are followed in the order they are listed.
    """
    out: list[list[int]] = [[] for _ in range(n)]
    for e, (u, _) in enumerate(edges):
        out[u].append(e)
    back = [False] * len(edges)
    state = [0] * n  # 0 unseen, 1 on the search path, 2 done
    for start in [*roots, *range(n)]:
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, iter(out[start]))]
        while stack:
            node, pending = stack[-1]
            e = next(pending, -1)
            if e < 0:
                state[node] = 2
                stack.pop()
                continue
            target = edges[e][1]
            if state[target] == 1:
                back[e] = True
            elif state[target] == 0:
                state[target] = 1
                stack.append((target, iter(out[target])))
    return back
