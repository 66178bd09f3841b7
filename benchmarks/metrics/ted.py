"""Ordered tree edit distance (Zhang & Shasha 1989), unit insert/delete cost and a caller's rename cost.

The answer is the optimal edit distance, the same number APTED computes; Zhang-Shasha is simpler and
fast enough for table trees, which are shallow (table > [thead/tbody] > tr > td).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

L = TypeVar("L")


@dataclass(frozen=True)
class PostorderTree(Generic[L]):
    """Nodes numbered in postorder; ``leftmost[i]`` is the postorder index of node i's leftmost leaf."""

    labels: tuple[L, ...]
    leftmost: tuple[int, ...]

    def keyroots(self) -> list[int]:
        """For each distinct leftmost leaf, the highest node having it (the root included)."""
        highest: dict[int, int] = {}
        for i, leaf in enumerate(self.leftmost):
            highest[leaf] = i
        return sorted(highest.values())


def postorder_tree(root: object, label: Callable[[object], L], children: Callable[[object], Sequence[object]]) -> PostorderTree[L]:
    labels: list[L] = []
    leftmost: list[int] = []

    def visit(node: object) -> int:
        first_leaf = None
        for child in children(node):
            child_leaf = visit(child)
            if first_leaf is None:
                first_leaf = child_leaf
        labels.append(label(node))
        leftmost.append(len(labels) - 1 if first_leaf is None else first_leaf)
        return leftmost[-1]

    visit(root)
    return PostorderTree(tuple(labels), tuple(leftmost))


def tree_edit_distance(a: PostorderTree[L], b: PostorderTree[L], rename: Callable[[L, L], float]) -> float:
    """Least total cost of node deletions (1), insertions (1) and renames turning ``a`` into ``b``."""
    n, m = len(a.labels), len(b.labels)
    if n == 0 or m == 0:
        return float(n + m)
    treedist = [[0.0] * m for _ in range(n)]
    cache: dict[tuple[int, int], float] = {}

    def rename_cost(i: int, j: int) -> float:
        key = (i, j)
        if key not in cache:
            cache[key] = rename(a.labels[i], b.labels[j])
        return cache[key]

    for i in a.keyroots():
        for j in b.keyroots():
            _forest_distance(a.leftmost, b.leftmost, i, j, treedist, rename_cost)
    return treedist[n - 1][m - 1]


def _forest_distance(la: Sequence[int], lb: Sequence[int], i: int, j: int,
                     treedist: list[list[float]], rename_cost: Callable[[int, int], float]) -> None:
    li, lj = la[i], lb[j]
    rows, cols = i - li + 2, j - lj + 2
    fd = [[0.0] * cols for _ in range(rows)]
    for x in range(1, rows):
        fd[x][0] = fd[x - 1][0] + 1
    for y in range(1, cols):
        fd[0][y] = fd[0][y - 1] + 1
    for x in range(1, rows):
        i1 = li + x - 1
        whole_a = la[i1] == li
        row, above = fd[x], fd[x - 1]
        for y in range(1, cols):
            j1 = lj + y - 1
            best = min(above[y] + 1, row[y - 1] + 1)
            if whole_a and lb[j1] == lj:
                best = min(best, above[y - 1] + rename_cost(i1, j1))
                treedist[i1][j1] = best
            else:
                best = min(best, fd[la[i1] - li][lb[j1] - lj] + treedist[i1][j1])
            row[y] = best
