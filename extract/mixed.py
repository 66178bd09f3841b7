"""Mixed evidence: a text-layer page whose characters are partly garbled (unmapped CID fonts, private-use
code points, U+FFFD) keeps its text layer where it reads cleanly and OCRs only the cells that don't."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from extract.text import looks_garbled
from extract.types import Cell, Table

# OCR'd text replacing a broken text layer is less sure than either clean source on its own.
MIXED_FACTOR = 0.95


def garbled_cells(tables: Sequence[Table], page: int) -> list[tuple[int, Cell]]:
    """(table index, cell) for every cell on ``page`` whose text can't be trusted as printed."""
    return [(i, c) for i, t in enumerate(tables) for c in t.cells if c.page == page and looks_garbled(c.text)]


def replace_cells(tables: Sequence[Table], fixed: Sequence[tuple[int, Cell]]) -> list[Table]:
    """Tables with the given cells swapped in (matched by row/col), table confidence left to the caller."""
    by_table: dict[int, dict[tuple[int, int], Cell]] = {}
    for i, c in fixed:
        by_table.setdefault(i, {})[(c.row, c.col)] = c
    out = []
    for i, t in enumerate(tables):
        repl = by_table.get(i)
        if not repl:
            out.append(t)
            continue
        cells = tuple(repl.get((c.row, c.col), c) for c in t.cells)
        out.append(t.model_copy(update={"cells": cells, "confidence": min(t.confidence, min(c.confidence for c in repl.values()))}))
    return out


def reread_garbled_cells(tables: Sequence[Table], page: int, image: np.ndarray, dpi: float, engine) -> tuple[list[Table], int]:
    """OCR the garbled cells of ``page`` from its render; returns the tables and how many cells were re-read."""
    from extract.scan import ocr_cells

    targets = garbled_cells(tables, page)
    if not targets:
        return list(tables), 0
    read = ocr_cells(image, [c for _, c in targets], engine, dpi)
    fixed = [(i, c.model_copy(update={"confidence": round(c.confidence * MIXED_FACTOR, 4)}))
             for (i, _), c in zip(targets, read)]
    return replace_cells(tables, fixed), len(fixed)
