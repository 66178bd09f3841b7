"""Merged-cell accuracy: the share of truth cells spanning more than one row or column that a method
reproduced exactly (same anchor row/col, same spans, same text)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from benchmarks.metrics.cer import normalize_text


class CellLike(Protocol):
    row: int
    col: int
    row_span: int
    col_span: int
    text: str


def merged_cell_hits(pred: Iterable[CellLike], true: Iterable[CellLike]) -> tuple[int, int]:
    """(reproduced, total) over the truth's merged cells."""
    index = {(c.row, c.col, c.row_span, c.col_span): normalize_text(c.text) for c in pred}
    hits = total = 0
    for c in true:
        if c.row_span == 1 and c.col_span == 1:
            continue
        total += 1
        hits += index.get((c.row, c.col, c.row_span, c.col_span)) == normalize_text(c.text)
    return hits, total
