"""A ruled table as the generator lays it out: cells placed by row and by x-fractions of the table width.

Each block of a form (basic info, budget, tasks, indicators) has its own column edges; the table's columns
are the union of all edges, so a cell's ``col``/``col_span`` are what a grid builder sees on the page.
The same :class:`Sheet` is drawn by ``render`` and turned into truth by :func:`sheet_to_truth`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from corpus.truth import CellTruth, TableTruth

Align = Literal["left", "center", "right"]
_EDGE_DIGITS = 4


@dataclass(frozen=True)
class SheetCell:
    row: int
    x0: float  # fraction of the table width, 0..1
    x1: float
    text: str = ""
    row_span: int = 1
    align: Align = "left"
    role: Literal["label", "header", "value"] = "value"


@dataclass
class Sheet:
    """Rows are numbered from 0; ``header_of[r]`` is the header row to repeat when row r opens a page."""

    cells: list[SheetCell] = field(default_factory=list)
    n_rows: int = 0
    header_of: dict[int, int] = field(default_factory=dict)
    break_before: set[int] = field(default_factory=set)
    kind: str = "form"

    def add_row(self, cells: list[tuple[float, float, str]], align: Align = "left",
                role: str = "value") -> int:
        """Append a row of single-row cells; returns its index."""
        r = self.n_rows
        for x0, x1, text in cells:
            self.cells.append(SheetCell(r, x0, x1, text, 1, align, role))  # type: ignore[arg-type]
        self.n_rows += 1
        return r

    def add_cell(self, cell: SheetCell) -> None:
        self.cells.append(cell)
        self.n_rows = max(self.n_rows, cell.row + cell.row_span)


def edges_of(sheet: Sheet) -> list[float]:
    """Sorted distinct x edges (fractions) of every cell: the table's column edges."""
    xs = {round(x, _EDGE_DIGITS) for c in sheet.cells for x in (c.x0, c.x1)}
    return sorted(xs)


def cell_columns(cell: SheetCell, edges: list[float]) -> tuple[int, int]:
    """(col, col_span) of a cell over the union of edges."""
    c0 = edges.index(round(cell.x0, _EDGE_DIGITS))
    c1 = edges.index(round(cell.x1, _EDGE_DIGITS))
    return c0, c1 - c0


def sheet_to_truth(sheet: Sheet, row_pages: list[int], boxes: list | None = None) -> TableTruth:
    """Truth for a drawn sheet: one cell per sheet cell, page = the page of its first row.

    ``boxes`` (one per sheet cell, as drawn on that page, top-left origin) become the cells' bboxes.
    """
    edges = edges_of(sheet)
    cells = []
    order = sorted(range(len(sheet.cells)), key=lambda i: (sheet.cells[i].row, sheet.cells[i].x0))
    for i in order:
        c = sheet.cells[i]
        col, span = cell_columns(c, edges)
        cells.append(CellTruth(row=c.row, col=col, row_span=c.row_span, col_span=span, text=c.text,
                               page=row_pages[c.row], bbox=tuple(boxes[i]) if boxes else None))
    return TableTruth(pages=sorted(set(row_pages)), n_rows=sheet.n_rows, n_cols=len(edges) - 1, cells=cells)


def snap_edges(sheet: Sheet, tol: float = 0.015) -> None:
    """Merge column edges closer than ``tol`` (about 7 pt on A4) into one, in place.

    Blocks draw their own column widths; edges a hair apart would make sliver columns that no one would
    draw on purpose, so they share the leftmost edge of their cluster.
    """
    rep: dict[float, float] = {}
    anchor = None
    for x in edges_of(sheet):
        if anchor is None or x - anchor > tol:
            anchor = x
        rep[x] = 1.0 if 1.0 - x <= tol else anchor
    sheet.cells = [SheetCell(c.row, rep[round(c.x0, _EDGE_DIGITS)], rep[round(c.x1, _EDGE_DIGITS)], c.text, c.row_span,
                             c.align, c.role) for c in sheet.cells]
