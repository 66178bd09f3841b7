"""Merged cells: which grid cells form one cell, read from which cell edges are drawn.

- ``find_merged_cells(grid, rulings, page=1, options=None) -> list[Cell]``: row-major cells with explicit
  ``row_span``/``col_span``. Two neighbouring grid cells are one cell when the ruling between them covers
  less than ``edge_coverage`` of their shared edge; each merged cell is a rectangle (grown right first,
  then down while the whole band below is open, so an L-shaped opening gives two rectangles).
  A cell's confidence is how clear-cut its edge decisions were: 1.0 when every edge is clearly drawn
  (>=90%) or clearly absent (<=10%), down to 0.5 for an edge drawn along half its length.
- ``open_border_cols(grid, rulings, side, options=None) -> tuple[int, ...]``: columns whose top or bottom
  outer border is not drawn.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from extract.structure.options import StructureOptions
from extract.structure.segments import CoverageIndex, rulings_to_segments
from extract.types import Cell, Grid, Ruling


def coverage_index(grid: Grid, rulings: Sequence[Ruling], opts: StructureOptions) -> CoverageIndex:
    """Drawn-edge lookup over the rulings near the grid."""
    x0, x1, y0, y1 = grid.col_edges[0], grid.col_edges[-1], grid.row_edges[0], grid.row_edges[-1]
    t = opts.snap_tol
    near = [r for r in rulings
            if r.bbox[2] >= x0 - t and r.bbox[0] <= x1 + t and r.bbox[3] >= y0 - t and r.bbox[1] <= y1 + t]
    return CoverageIndex(rulings_to_segments(near, opts), t)


def _clarity(coverage: float) -> float:
    """1.0 for an edge clearly drawn or clearly absent, 0.5 for one drawn along half its length."""
    return 0.5 + 0.5 * min(1.0, abs(coverage - 0.5) / 0.4)


def _edge_coverages(grid: Grid, index: CoverageIndex) -> tuple[list[list[float]], list[list[float]]]:
    """vcov[r][k]: drawn share of the edge left of column k in row r; hcov[k][c]: above row k in column c."""
    rows, cols = grid.row_edges, grid.col_edges
    vcov = [[index.coverage("v", x, rows[r], rows[r + 1]) for x in cols] for r in range(grid.n_rows)]
    hcov = [[index.coverage("h", y, cols[c], cols[c + 1]) for c in range(grid.n_cols)] for y in rows]
    return vcov, hcov


def _grow(r: int, c: int, taken: list[list[bool]], vcov: list[list[float]], hcov: list[list[float]],
          min_cov: float) -> tuple[int, int]:
    """Span (rows, cols) of the rectangle starting at (r, c): right while open, then down while open."""
    n_rows, n_cols = len(taken), len(taken[0])
    cs = 1
    while c + cs < n_cols and not taken[r][c + cs] and vcov[r][c + cs] < min_cov:
        cs += 1
    rs = 1
    while r + rs < n_rows:
        nr = r + rs
        band = range(c, c + cs)
        if any(taken[nr][k] or hcov[nr][k] >= min_cov for k in band):
            break
        if any(vcov[nr][k] >= min_cov for k in range(c + 1, c + cs)):
            break
        rs += 1
    return rs, cs


def _cell_clarity(r: int, c: int, rs: int, cs: int, vcov: list[list[float]], hcov: list[list[float]]) -> float:
    edges = [vcov[rr][k] for rr in range(r, r + rs) for k in range(c + 1, c + cs)]
    edges += [hcov[k][cc] for k in range(r + 1, r + rs) for cc in range(c, c + cs)]
    edges += [vcov[rr][k] for rr in range(r, r + rs) for k in (c, c + cs)]
    edges += [hcov[k][cc] for k in (r, r + rs) for cc in range(c, c + cs)]
    return min((_clarity(e) for e in edges), default=1.0)


def find_merged_cells(grid: Grid, rulings: Sequence[Ruling], page: int = 1,
                      options: StructureOptions | None = None) -> list[Cell]:
    """Cells of the grid, merged where the rulings between grid cells are missing; row-major order."""
    opts = options or StructureOptions()
    if grid.n_rows == 0 or grid.n_cols == 0:
        return []
    return cells_from_coverage(grid, coverage_index(grid, rulings, opts), page, opts)


def cells_from_coverage(grid: Grid, index: CoverageIndex, page: int, opts: StructureOptions) -> list[Cell]:
    """``find_merged_cells`` on a prepared ``coverage_index`` (build it once per table)."""
    vcov, hcov = _edge_coverages(grid, index)
    taken = [[False] * grid.n_cols for _ in range(grid.n_rows)]
    rows, cols = grid.row_edges, grid.col_edges
    cells: list[Cell] = []
    for r in range(grid.n_rows):
        for c in range(grid.n_cols):
            if taken[r][c]:
                continue
            rs, cs = _grow(r, c, taken, vcov, hcov, opts.edge_coverage)
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    taken[rr][cc] = True
            cells.append(Cell(row=r, col=c, row_span=rs, col_span=cs, page=page,
                              bbox=(cols[c], rows[r], cols[c + cs], rows[r + rs]),
                              confidence=_cell_clarity(r, c, rs, cs, vcov, hcov)))
    return cells


def open_border_cols(grid: Grid, rulings: Sequence[Ruling] | CoverageIndex, side: Literal["top", "bottom"],
                     options: StructureOptions | None = None) -> tuple[int, ...]:
    """Columns whose outer top (or bottom) border is drawn along less than ``edge_coverage``."""
    opts = options or StructureOptions()
    if grid.n_rows == 0 or grid.n_cols == 0:
        return ()
    index = rulings if isinstance(rulings, CoverageIndex) else coverage_index(grid, rulings, opts)
    y = grid.row_edges[0] if side == "top" else grid.row_edges[-1]
    cols = grid.col_edges
    return tuple(c for c in range(grid.n_cols)
                 if index.coverage("h", y, cols[c], cols[c + 1]) < opts.edge_coverage)
