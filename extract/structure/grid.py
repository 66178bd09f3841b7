"""Ruled tables: where they are and which row/column lines they have.

- ``find_table_regions(rulings, page, options=None) -> list[TableRegion]``: one region per connected set of
  crossing h/v lines with at least 2 of each (several tables per page; lines touching nothing, such as
  text underlines, are ignored). A plain frame box holding other tables is not a table.
- ``rulings_to_grid(rulings, region, options=None) -> Grid``: row and column edges of one region. Close
  positions are one edge (double lines, per-cell segments misaligned by ~2pt); an interior edge that is
  drawn along less than ``edge_coverage`` of every cell it bounds is dropped (seal strokes, stray
  segments); lines running well past the outermost perpendicular line add an unruled outer edge (a table
  cut at the top of a continuation page, or one with open sides).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from statistics import median

from extract.structure.options import StructureOptions
from extract.structure.segments import (
    CoverageIndex, Orientation, Segment, cluster_positions, link_segments, rulings_to_segments,
)
from extract.types import BBox, Grid, PageInfo, Ruling, TableRegion


def _extent(segs: Sequence[Segment]) -> BBox:
    xs = [v for s in segs for v in ((s.lo, s.hi) if s.orientation == "h" else (s.pos, s.pos))]
    ys = [v for s in segs for v in ((s.pos, s.pos) if s.orientation == "h" else (s.lo, s.hi))]
    return (min(xs), min(ys), max(xs), max(ys))


def _inside(inner: BBox, outer: BBox, tol: float) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def _components(segments: list[Segment], tol: float) -> list[list[Segment]]:
    """Groups of crossing segments with >= 2 h and >= 2 v lines; segments crossing nothing are dropped."""
    degree, label = link_segments(segments, tol)
    groups: dict[int, list[Segment]] = defaultdict(list)
    for s, d, lab in zip(segments, degree, label):
        if d > 0:
            groups[lab].append(s)
    return [g for g in groups.values()
            if sum(s.orientation == "h" for s in g) >= 2 and sum(s.orientation == "v" for s in g) >= 2]


def find_table_regions(rulings: Sequence[Ruling], page: PageInfo,
                       options: StructureOptions | None = None) -> list[TableRegion]:
    """Table regions on one page, top to bottom then left to right."""
    opts = options or StructureOptions()
    groups = _components(rulings_to_segments(rulings, opts), opts.snap_tol)
    boxes = [(_extent(g), len(g)) for g in groups]
    regions = []
    for i, (box, n) in enumerate(boxes):
        holds_other = any(j != i and _inside(b, box, opts.snap_tol) for j, (b, _) in enumerate(boxes))
        if holds_other and n <= 4:
            continue  # a frame drawn around other tables
        regions.append(TableRegion(page=page.page, bbox=box, score=1.0 if n > 4 else 0.5, detector="rulings"))
    return sorted(regions, key=lambda r: (r.bbox[1], r.bbox[0]))


def _region_segments(rulings: Sequence[Ruling], region: TableRegion, opts: StructureOptions) -> list[Segment]:
    """Merged segments inside the region that cross at least one perpendicular segment."""
    box = region.bbox
    inside = [r for r in rulings if _inside(r.bbox, box, opts.snap_tol)]
    segs = rulings_to_segments(inside, opts)
    degree, _ = link_segments(segs, opts.snap_tol)
    return [s for s, d in zip(segs, degree) if d > 0]


def _with_open_edges(segs: list[Segment], across: str, pos: list[float], opts: StructureOptions) -> list[float]:
    """``pos`` plus unruled outer edges where 2+ ``across`` lines run past its first/last line."""
    along = [s for s in segs if s.orientation == across]
    first, last = pos[0], pos[-1]
    before = [s.lo for s in along if s.lo < first - opts.open_edge_min and s.hi > first]
    after = [s.hi for s in along if s.hi > last + opts.open_edge_min and s.lo < last]
    return (([median(before)] if len(before) >= 2 else []) + pos
            + ([median(after)] if len(after) >= 2 else []))


def _positions(segs: list[Segment], orient: Orientation, opts: StructureOptions) -> list[float]:
    own = [s for s in segs if s.orientation == orient]
    return cluster_positions([s.pos for s in own], [s.length for s in own], opts.snap_tol)


def _collapse_thin(pos: list[float], min_cell: float) -> list[float]:
    """Lines closer than ``min_cell`` are one (double borders drawn a few points apart); at the outside
    the outer line is kept, inside their middle."""
    out: list[float] = []
    for p in pos:
        if out and p - out[-1] < min_cell:
            out[-1] = out[-1] if len(out) == 1 else (out[-1] + p) / 2
            continue
        out.append(p)
    if len(out) >= 2 and len(pos) >= 2 and pos[-1] - pos[-2] < min_cell:
        out[-1] = pos[-1]
    return out


def _trim_outer(index: CoverageIndex, orient: Orientation, pos: list[float], lo: float, hi: float,
                opts: StructureOptions) -> list[float]:
    """Drop outermost lines drawn along less than ``outer_coverage`` of the table (strokes of nearby text)."""
    pos = list(pos)
    while len(pos) > 2 and index.coverage(orient, pos[0], lo, hi) < opts.outer_coverage:
        pos.pop(0)
    while len(pos) > 2 and index.coverage(orient, pos[-1], lo, hi) < opts.outer_coverage:
        pos.pop()
    return pos


def _drawn_anywhere(index: CoverageIndex, orient: Orientation, pos: float, cross: list[float],
                    min_cov: float) -> bool:
    return any(index.coverage(orient, pos, a, b) >= min_cov for a, b in zip(cross, cross[1:]))


def rulings_to_grid(rulings: Sequence[Ruling], region: TableRegion,
                    options: StructureOptions | None = None) -> Grid:
    """Row and column edges of the ruled table in ``region`` (interior edges nobody draws are dropped)."""
    opts = options or StructureOptions()
    segs = _region_segments(rulings, region, opts)
    rows = _collapse_thin(_positions(segs, "h", opts), opts.min_cell)
    cols = _collapse_thin(_positions(segs, "v", opts), opts.min_cell)
    if not rows or not cols:
        return Grid(row_edges=tuple(rows), col_edges=tuple(cols))
    index = CoverageIndex(segs, opts.snap_tol)
    rows = _trim_outer(index, "h", rows, cols[0], cols[-1], opts)
    cols = _trim_outer(index, "v", cols, rows[0], rows[-1], opts)
    rows = _trim_outer(index, "h", rows, cols[0], cols[-1], opts)
    rows = _with_open_edges(segs, "v", rows, opts)
    cols = _with_open_edges(segs, "h", cols, opts)
    if len(rows) < 2 or len(cols) < 2:
        return Grid(row_edges=tuple(rows), col_edges=tuple(cols))
    rows = [rows[0]] + [y for y in rows[1:-1]
                        if _drawn_anywhere(index, "h", y, cols, opts.edge_coverage)] + [rows[-1]]
    cols = [cols[0]] + [x for x in cols[1:-1]
                        if _drawn_anywhere(index, "v", x, rows, opts.edge_coverage)] + [cols[-1]]
    return Grid(row_edges=tuple(rows), col_edges=tuple(cols))
