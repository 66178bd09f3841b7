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


# ---------------------------------------------------------------- measured like a forecaster (issue 11)
#
# Items are (confidence of being right, wrong). A value that is simply absent has no confidence: it counts
# as wrong at confidence 1.0 (no queue finds it), unless a completeness item of the result points at it,
# when it counts at 0.0 (the reviewer is sent there). Each completeness item is also one review entry of
# its own at 0.0, right unless it points at something absent or wrong, so false alarms cost review budget.

FEW_ERRORS = 100
"""Below this many errors a figure rests on too little to be firm; the report says so beside it."""


def wrong_at_or_above(items: Sequence[tuple[float, bool]], threshold: float = 0.9) -> int:
    return sum(1 for c, w in items if w and c >= threshold)


def expected_calibration_error(items: Sequence[tuple[float, bool]], n_bins: int = 10) -> float | None:
    """Σ over equal-width confidence bins of (share of items) x |mean confidence - share right|."""
    if not items:
        return None
    total = 0.0
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        inside = [(c, w) for c, w in items if lo <= c < hi or (b == n_bins - 1 and c == 1.0)]
        if inside:
            mean_c = sum(c for c, _ in inside) / len(inside)
            right = sum(not w for _, w in inside) / len(inside)
            total += len(inside) / len(items) * abs(mean_c - right)
    return total


def reliability(items: Sequence[tuple[float, bool]], n_bins: int = 10) -> list[dict]:
    out = []
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        inside = [(c, w) for c, w in items if lo <= c < hi or (b == n_bins - 1 and c == 1.0)]
        out.append({"lo": lo, "hi": hi, "n": len(inside),
                    "confidence": sum(c for c, _ in inside) / len(inside) if inside else None,
                    "right": sum(not w for _, w in inside) / len(inside) if inside else None})
    return out


def review_catch_units(units: Sequence[tuple[float, int]], share: float, n_values: int | None = None) -> float | None:
    """Share of all errors found by reviewing, least confident first, ``share`` of ``n_values`` units.

    A unit is (confidence, errors found there): a value (0 or 1 error), or a completeness item holding the
    absent values it points at. The budget is ``share`` of the values (default: of the units); ties broken
    against the reviewer (units with fewer errors first)."""
    total = sum(e for _, e in units)
    if total == 0:
        return None
    k = math.ceil(share * (n_values if n_values is not None else len(units)))
    ordered = sorted(units, key=lambda ce: (ce[0], ce[1]))
    return sum(e for _, e in ordered[:k]) / total


def forecast_figures(items: Sequence[tuple[float, bool]], units: Sequence[tuple[float, int]] | None = None) -> dict:
    """``items``: (confidence, wrong) per value, absent ones included; ``units``: what a reviewer works
    through (see ``review_catch_units``); the review budget is a share of the values."""
    errors = sum(w for _, w in items)
    out: dict = {"items": len(items), "errors": errors, "few_errors": errors < FEW_ERRORS}
    for s in REVIEW_SHARES:
        out[f"caught_{round(s * 100)}"] = (review_catch_units(units, s, len(items)) if units is not None
                                           else review_catch_rate(items, s))
    out["wrong_at_0.9"] = wrong_at_or_above(items, 0.9)
    out["ece"] = expected_calibration_error(items)
    out["auroc"] = auroc(items)
    return out


def plot_reliability(curves: dict[str, Sequence[tuple[float, bool]]], path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.plot([0, 1], [0, 1], ls=":", c="grey", label="calibrated")
    for name, items in curves.items():
        bins = [b for b in reliability(items) if b["n"]]
        ax.plot([b["confidence"] for b in bins], [b["right"] for b in bins], marker="o",
                label=f"{name} (n={len(items)}, errors={sum(w for _, w in items)})")
    ax.set_xlabel("stated confidence (mean in bin)")
    ax.set_ylabel("share of values right")
    ax.set_title("held-out reliability (missing values included)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
