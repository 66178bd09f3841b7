"""Captions, units lines and notes: text beside (or inside the frame of) a table that is not its body.

They are kept out of the cells and recorded in ``Table.notes``: a caption ("Exhibit 19 ...", 表3), a units
line (单位：万元, "in millions"), notes and sources under the table ("Note:", "Source:", 注：, 资料来源).
"""
from __future__ import annotations

import re

from extract.structure.unruled_lines import Line
from extract.types import Cell, Table

CAPTION = re.compile(r"^(table|tab\.|figure|fig\.|exhibit|chart|appendix|表|图)\s*[\dA-Z一二三四五六七八九十IVX]",
                     re.IGNORECASE)
UNITS = re.compile(r"^(单位[:：]|unit[s]?[:：]|\(?in (millions|thousands|billions|percent)|"
                   r"\(?[€$£¥] ?(million|thousand|bn|m)\b)", re.IGNORECASE)
NOTE = re.compile(r"^(note|notes|source|sources|\*|†|‡|注|说明|资料来源|数据来源|\(?[a-z\d]\)\s|"
                  r"(exhibit|table|figure) reads)", re.IGNORECASE)
MAX_CAPTION_LINES = 4
WIDE = 0.4  # share of the region's width a caption's or note's continuation line spans


def _wide_single(line: Line, width: float) -> bool:
    return len(line.segments) == 1 and (line.bbox[2] - line.bbox[0]) >= WIDE * width


def peel_lines(lines: list[Line]) -> tuple[list[str], list[Line], list[str]]:
    """(caption texts, table lines, note texts) of the lines inside one table frame."""
    if not lines:
        return [], lines, []
    width = max(ln.bbox[2] for ln in lines) - min(ln.bbox[0] for ln in lines)
    top = 0
    if CAPTION.match(lines[0].text.strip()) or UNITS.match(lines[0].text.strip()):
        top = 1
        while top < min(len(lines), MAX_CAPTION_LINES) and len(lines[top].segments) == 1 \
                and not UNITS.match(lines[top].text.strip()) and _wide_single(lines[top], width):
            top += 1
    bottom = len(lines)
    k = bottom
    while k - 1 > top and len(lines[k - 1].segments) == 1:
        k -= 1
        if NOTE.match(lines[k].text.strip()):
            bottom = k
    captions = [ln.text.strip() for ln in lines[:top]]
    notes = [ln.text.strip() for ln in lines[bottom:]]
    return captions, lines[top:bottom], notes


def _single_cell_row(table: Table, row: int) -> Cell | None:
    """The one filled cell of a row that holds nothing else and no cell reaching into other rows."""
    cells = [c for c in table.cells if c.row <= row < c.row + c.row_span]
    filled = [c for c in cells if c.text]
    if len(filled) != 1 or any(c.row_span > 1 for c in cells):
        return None
    return filled[0]


def peel_rows(table: Table) -> Table:
    """A ruled table whose frame also holds its caption (top rows) or notes (bottom rows): rows moved to notes."""
    first, last = 0, table.n_rows
    head = _single_cell_row(table, 0) if table.n_rows > 3 else None
    if head is not None and CAPTION.match(head.text.strip()):
        first = 1
        nxt = _single_cell_row(table, 1)
        if nxt is not None and nxt.col_span == table.n_cols and table.n_cols > 1:
            first = 2
    k = last
    while k - 1 > first + 1:
        cell = _single_cell_row(table, k - 1)
        if cell is None:
            break
        k -= 1
        if NOTE.match(cell.text.strip()):
            last = k
    if first == 0 and last == table.n_rows:
        return table
    notes = [c.text.strip() for r in list(range(first)) + list(range(last, table.n_rows))
             if (c := _single_cell_row(table, r)) is not None]
    cells = tuple(c.model_copy(update={"row": c.row - first}) for c in table.cells if first <= c.row < last)
    bbox = (min(c.bbox[0] for c in cells), min(c.bbox[1] for c in cells),
            max(c.bbox[2] for c in cells), max(c.bbox[3] for c in cells))
    return table.model_copy(update={"cells": cells, "n_rows": last - first, "bbox": bbox,
                                    "notes": tuple(table.notes) + tuple(notes)})
