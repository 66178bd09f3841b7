"""Mixed evidence: a text-layer page whose characters are partly garbled (unmapped CID fonts, private-use
code points, U+FFFD) keeps its text layer where it reads cleanly and OCRs only the cells that don't."""
from __future__ import annotations

from typing import Any, Sequence

from extract.ocr.base import OcrEngine

import numpy as np

from extract.text import looks_garbled
from extract.types import BBox, Cell, Table, evidence_of_spans

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


def reread_garbled_cells(tables: Sequence[Table], page: int, image: np.ndarray, dpi: float, engine: OcrEngine) -> tuple[list[Table], int]:
    """OCR the garbled cells of ``page`` from its render; returns the tables and how many cells were re-read."""
    from extract.scan import ocr_cells

    targets = garbled_cells(tables, page)
    if not targets:
        return list(tables), 0
    read = ocr_cells(image, [c for _, c in targets], engine, dpi)
    fixed = [(i, c.model_copy(update={"confidence": round(c.confidence * MIXED_FACTOR, 4)}))
             for (i, _), c in zip(targets, read)]
    return replace_cells(tables, fixed), len(fixed)


# A scanned cell read twice (the whole page, then its own crop) whose readings disagree is where OCR
# slips hide: a dropped comma, ≥ read as =, a digit lost to a seal. Agreement says little more than the
# OCR score did; disagreement is strong evidence, so it only ever lowers confidence.
DISAGREE_FACTOR = 0.5
# CellEvidence.agreement by disagreement kind (0 same, 1 punctuation only, 2 characters).
AGREEMENT = {0: 1.0, 1: 0.5, 2: 0.0}


def _comparable(text: str) -> str:
    from extract.text import normalize_label

    return normalize_label(text).replace(",", "").replace("，", "").replace(".", "").replace("。", "")


def _disagree_kind(page_text: str, crop_text: str) -> int:
    """0: same reading; 1: only punctuation differs; 2: characters differ."""
    if page_text == crop_text or "".join(page_text.split()) == "".join(crop_text.split()):
        return 0
    return 1 if _comparable(page_text) == _comparable(crop_text) else 2


def _inside(bbox: BBox, boxes: Sequence[BBox]) -> bool:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def second_opinion(tables: Sequence[Table], page: int, image: np.ndarray, dpi: float, engine: OcrEngine,
                   read_from_crops: Sequence[BBox] = ()) -> tuple[list[Table], int]:
    """Re-read every non-empty cell of ``page`` from its own crop; lower the confidence where the two
    readings differ. Returns the tables and how many cells disagreed. A cell whose centre lies in one of
    read_from_crops (boxes in points: cells the page reader already read from their crops) is not read
    again: the same crop would give the same reading."""
    from extract.scan import ocr_cells

    targets = [(i, c) for i, t in enumerate(tables) for c in t.cells if c.page == page and c.text.strip()
               and not _inside(c.bbox, read_from_crops)]
    if not targets:
        return list(tables), 0
    crops = ocr_cells(image, [c for _, c in targets], engine, dpi)
    changed: list[tuple[int, Cell]] = []
    agreed: list[tuple[int, Cell]] = []
    for (i, cell), crop in zip(targets, crops):
        kind = _disagree_kind(cell.text, crop.text)
        update: dict[str, Any] = {"evidence": evidence_of_spans(cell.spans, agreement=AGREEMENT[kind])}
        if kind:
            factor = DISAGREE_FACTOR if kind == 2 else (1 + DISAGREE_FACTOR) / 2
            update["confidence"] = round(cell.confidence * factor, 4)
        (changed if kind else agreed).append((i, cell.model_copy(update=update)))
    out = replace_cells(tables, changed)
    if agreed:  # the agreement is recorded as evidence; the table's confidence is not moved by it
        kept = [t.confidence for t in out]
        out = [t.model_copy(update={"confidence": c}) for t, c in zip(replace_cells(out, agreed), kept)]
    return out, len(changed)
