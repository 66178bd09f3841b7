"""Row alignment between a truth table and a predicted one, so cell text is compared row for row even
when a method adds or drops a row (a repeated page header, a split row). Structure errors are TEDS's to
count; cell CER should measure reading, not shift every later row's text by one."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from benchmarks.metrics.cer import normalize_text


def text_similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character multisets (1 identical, 0 nothing shared)."""
    ca, cb = Counter(normalize_text(a)), Counter(normalize_text(b))
    total = sum(ca.values()) + sum(cb.values())
    return 1.0 if total == 0 else 2 * sum((ca & cb).values()) / total


def align_rows(truth_rows: Sequence[str], pred_rows: Sequence[str]) -> dict[int, int]:
    """Monotone truth-row -> predicted-row pairs of least cost: a skipped row costs 1 on either side,
    a pair costs 2 x (1 - similarity), so rows pair up when they share more than half their text."""
    n, m = len(truth_rows), len(pred_rows)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = float(i)
    for j in range(1, m + 1):
        cost[0][j] = float(j)
    sim = [[text_similarity(t, p) for p in pred_rows] for t in truth_rows]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + 2 * (1 - sim[i - 1][j - 1]))
    pairs: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        if cost[i][j] == cost[i - 1][j - 1] + 2 * (1 - sim[i - 1][j - 1]):
            pairs[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs
