"""Completeness and label evidence per field, for the calibration: what the completeness items say about
the field's section (how many, of which kind, how much of its printed content no field took), whether the
field sits after a row read twice (the rows after it are out of step) or beside a column no field took,
and how well the label its value was read under matches any form's vocabulary.

Each completeness item names its document and sections (``Issue.fields``); a section's fields all carry
its signals, so an item lowers the confidence of the section it belongs to (issue 11), by a weight the
calibration fits on the training split rather than a hand-set factor.
"""
from __future__ import annotations

import math
from functools import lru_cache

from extract.types import Cell, Issue, Table

KINDS = ("seq_gap", "sum_short", "row_unread", "column_unread", "cells_unread", "label_row", "duplicate_row",
         "merged_items", "shared_rows", "not_found", "page_gap", "table_unmapped")
"""Every kind of completeness item (``extract.completeness``), each a feature of its own: on the training
split their sections' error rates differ tenfold (an unread footnote row beside a read table ~0.05, a
header read as a row ~0.85), so one weight for all would over-doubt some and under-doubt others."""
GAP_FEATURES = ("gap", "gap_items", *(f"gap_{k}" for k in KINDS), "gap_unread", "after_duplicate", "beside_unread",
                "label_fuzzy", "label_none")


def _section(path: str) -> str:
    from extract.completeness import section_of

    return section_of(path)


def _field_name(path: str) -> str:
    import re

    return re.sub(r"\[\d+\]", "[]", path)


def _touches(issue: Issue, path: str) -> bool:
    """The item names the field's section, the whole form, or the field itself (a list's column)."""
    f = issue.fields
    return "*" in f or _section(path) in f or path in f or _field_name(path) in f


def _after(issue: Issue, cell: Cell | None) -> bool:
    """The field's cell lies at or after the item's region (on its page, below its top; or a later page); an
    item without a region counts for the whole section."""
    if cell is None or issue.page is None or issue.bbox is None:
        return True
    if cell.page != issue.page:
        return cell.page > issue.page
    return (cell.bbox[1] + cell.bbox[3]) / 2 >= issue.bbox[1]  # its middle below the item's top edge


def _beside(issue: Issue, cell: Cell | None) -> bool:
    """The item's region (an unread column or label/value pair) lies beside the field's cell: on its page,
    sharing some of its height, at most one cell width away (the value may belong in that column)."""
    if cell is None or issue.bbox is None or issue.page != cell.page:
        return False
    x0, y0, x1, y1 = issue.bbox
    width = max(cell.bbox[2] - cell.bbox[0], 1.0)
    overlap_y = min(y1, cell.bbox[3]) - max(y0, cell.bbox[1]) > 0 or y0 >= cell.bbox[1]
    return overlap_y and max(x0 - cell.bbox[2], cell.bbox[0] - x1) <= width


def gap_features(path: str, cell: Cell | None, gaps: list[Issue], coverage: float | None,
                 label: tuple[float, bool]) -> dict[str, float]:
    mine = [g for g in gaps if _touches(g, path)]
    kinds = {g.kind for g in mine}
    quality, found = label
    return {
        **{f"gap_{k}": 1.0 if k in kinds else 0.0 for k in KINDS},
        "beside_unread": 1.0 if any(g.kind in ("column_unread", "cells_unread") and _beside(g, cell)
                                    for g in mine) else 0.0,
        "after_duplicate": 1.0 if any(g.kind == "duplicate_row" and _after(g, cell) for g in mine) else 0.0,
        "gap": 1.0 if mine else 0.0,
        "gap_items": math.log1p(len(mine)),
        "gap_unread": 1.0 - coverage if coverage is not None else 0.0,
        "label_fuzzy": 1.0 - quality if found else 0.0,
        "label_none": 0.0 if found or cell is None else 1.0,
    }


# ---------------------------------------------------------------- label-match quality, read from the table

MAX_HEADER_LOOKUP = 60
"""Rows searched upward for a column's header (a form table's list runs to ~50 rows on one page)."""


@lru_cache(maxsize=65536)
def label_quality(text: str) -> float | None:
    """Best match quality of ``text`` to any label of any form's vocabulary (1.0 exact), None if none."""
    from extract.completeness_base import _label_vocabularies
    from extract.mapping.labels import match_label

    t = text.strip()
    if not t or len(t) > 24:
        return None
    best = None
    for vocab in _label_vocabularies():
        try:
            m = match_label(t, vocab)
        except Exception:  # noqa: BLE001 - a vocabulary that changed shape gives no evidence
            m = None
        if m is not None and (best is None or m.quality > best):
            best = float(m.quality)
    return best


def label_of(cell: Cell | None, grid: dict[tuple[int, int], Cell], table: Table | None) -> tuple[float, bool]:
    """(match quality, found) of the label the value was read under: the cell to its left that reads as a
    label (a label/value pair), else the nearest cell above in its column that does (a list's header)."""
    if cell is None or table is None:
        return 1.0, True  # nothing to look up: no evidence either way
    candidates = [grid.get((cell.row, c)) for c in range(cell.col - 1, max(cell.col - 3, -1), -1)]
    candidates += [grid.get((r, cell.col)) for r in range(cell.row - 1, max(cell.row - MAX_HEADER_LOOKUP, -1), -1)]
    for c in candidates:
        if c is None or c is cell or not c.text.strip():
            continue
        q = label_quality(c.text)
        if q is not None:
            return q, True
    return 0.0, False


def cell_grid(table: Table) -> dict[tuple[int, int], Cell]:
    """Every (row, col) a cell covers -> the cell (a merged header covers the columns under it)."""
    out: dict[tuple[int, int], Cell] = {}
    for c in table.cells:
        for r in range(c.row, c.row + max(c.row_span, 1)):
            for k in range(c.col, c.col + max(c.col_span, 1)):
                out.setdefault((r, k), c)
    return out


def touching(gaps: list[Issue], index: int) -> list[Issue]:
    return [g for g in gaps if g.document == index]

