"""Peers' cell boxes -> our Table: grid lines from the box edges, spans from how many lines a box crosses.

pdfplumber and img2table report each merged cell as one box (pdfplumber) or one repeated object
(img2table); clustering the edges of all boxes gives the grid, and a box covering k grid rows has
row_span k. That is the peers' own structure, made explicit, so merged-cell metrics can read it.
"""
from __future__ import annotations

from collections.abc import Sequence

from extract.types import BBox, Cell, Table

EDGE_TOLERANCE = 2.0  # points: box edges closer than this are one grid line (ruling width + rounding)


def cluster_edges(values: Sequence[float], tol: float = EDGE_TOLERANCE) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _nearest(edges: Sequence[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def boxes_to_table(boxes: Sequence[tuple[BBox, str]], table_id: str, page: int, confidence: float = 1.0) -> Table | None:
    """A table from (bbox, text) cell boxes on one page; duplicates (same box) are kept once."""
    unique: dict[tuple[int, int, int, int], tuple[BBox, str]] = {}
    for bbox, text in boxes:
        unique.setdefault(tuple(round(v) for v in bbox), (bbox, text))  # type: ignore[arg-type]
    if not unique:
        return None
    xs = cluster_edges([v for b, _ in unique.values() for v in (b[0], b[2])])
    ys = cluster_edges([v for b, _ in unique.values() for v in (b[1], b[3])])
    if len(xs) < 2 or len(ys) < 2:
        return None
    cells: dict[tuple[int, int], Cell] = {}
    for bbox, text in unique.values():
        r0, r1 = _nearest(ys, bbox[1]), _nearest(ys, bbox[3])
        c0, c1 = _nearest(xs, bbox[0]), _nearest(xs, bbox[2])
        if r1 <= r0 or c1 <= c0 or (r0, c0) in cells:
            continue
        cells[(r0, c0)] = Cell(row=r0, col=c0, row_span=r1 - r0, col_span=c1 - c0, text=text or "",
                               confidence=confidence, page=page, bbox=bbox)
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Table(id=table_id, pages=(page,), n_rows=len(ys) - 1, n_cols=len(xs) - 1, confidence=confidence,
                 cells=tuple(sorted(cells.values(), key=lambda c: (c.row, c.col))), bbox=bbox)
