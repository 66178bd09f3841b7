"""Is confidence honest? How many wrong items a reviewer catches by checking the least confident ones,
and the AUROC of (1 - confidence) as a predictor of being wrong."""
from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

REVIEW_SHARES = (0.05, 0.10, 0.20)


def review_catch_rate(items: Sequence[tuple[float, bool]], share: float) -> float | None:
    """Share of all wrong items among the ``share`` least-confident items; None when nothing is wrong.

    ``items`` are (confidence, wrong). Ties in confidence are broken against the reviewer (right items
    first), so a method that gives every field the same confidence gets no credit for its ordering.
    """
    wrong_total = sum(w for _, w in items)
    if wrong_total == 0:
        return None
    k = math.ceil(share * len(items))
    ordered = sorted(items, key=lambda cw: (cw[0], cw[1]))
    return sum(w for _, w in ordered[:k]) / wrong_total


def auroc(items: Sequence[tuple[float, bool]]) -> float | None:
    """P(a random wrong item is less confident than a random right one), ties counting half."""
    wrong = sorted(c for c, w in items if w)
    right = sorted(c for c, w in items if not w)
    if not wrong or not right:
        return None

    total = 0.0
    for c in right:
        below = bisect.bisect_left(wrong, c)
        equal = bisect.bisect_right(wrong, c) - below
        total += below + 0.5 * equal
    return total / (len(wrong) * len(right))
