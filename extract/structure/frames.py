"""A ruled region that stays one column after the re-read is a frame, not a table; a mostly empty
ruled grid is a chart's gridlines.

A boxed paragraph, a chart legend, a framed note or a ruled outer border around an unruled body: the
rulings make one column and the text shows no columns the re-read (``unruled_refine``) could rebuild.
Such a region yields no table; its lines go back to the page, and the unruled finder does not search it
(a body with columns inside a frame is already rebuilt by the re-read; freed, a flowchart's or a chart
legend's labels line up into false tables: ICDAR eu-014, eu-016). Evidence: on the ICDAR 2013 tuning half none of the 62 one-column "tables" matched
a truth table, and 9 of them (boxed text, chart legends) added false adjacency relations.
"""
from __future__ import annotations

from collections.abc import Sequence

from extract.types import Table, TextSpan


FRAME_MIN_LINES = 3  # a one-cell box holding fewer lines is a labelled box or a framed title: left as it was


def is_frame(table: Table) -> bool:
    if table.n_cols != 1 or table.structure != "ruled" or len(table.pages) != 1 or table.bbox is None:
        return False
    return table.n_rows >= 2 or _lines(table) >= FRAME_MIN_LINES


def _lines(table: Table) -> int:
    """Text lines in the table's cells: spans whose vertical centres are a line apart or more."""
    centres = sorted((s.bbox[1] + s.bbox[3]) / 2 for c in table.cells for s in c.spans)
    heights = sorted(s.bbox[3] - s.bbox[1] for c in table.cells for s in c.spans)
    if not centres:
        return 0
    h = heights[len(heights) // 2]
    return 1 + sum(b - a > 0.6 * h for a, b in zip(centres, centres[1:]))


CHART_FILLED = 0.2  # a ruled grid with fewer of its cells holding text is a chart's gridlines, not a table:
# ICDAR 2013 tuning half, chart grids 0.00-0.17 filled, the emptiest real table 0.34
CHART_MIN_CELLS = 12  # ... when it has at least this many cells (a small blank form is not a chart)
AXIS_MARGIN = (30.0, 15.0)  # points beside / below a chart's grid where its axis labels sit, blocked too


def is_chart_grid(table: Table) -> bool:
    if table.structure != "ruled" or len(table.pages) != 1 or table.bbox is None:
        return False
    cells = table.n_rows * table.n_cols
    return cells >= CHART_MIN_CELLS and sum(1 for c in table.cells if c.text.strip()) < CHART_FILLED * cells


def _blocked_box(table: Table):
    x0, y0, x1, y1 = table.bbox
    if not is_chart_grid(table):
        return table.bbox
    mx, my = AXIS_MARGIN
    return (x0 - mx, y0, x1 + mx, y1 + my)


def drop_frames(tables: Sequence[Table], outside: Sequence[TextSpan], spans: Sequence[TextSpan],
                vector: bool = True) -> tuple[list[Table], list[TextSpan], list]:
    """(tables that are not frames, the outside lines plus the page spans that lay in a dropped frame,
    the dropped frames' boxes: regions the unruled finder leaves alone).

    Only for vector rulings (``vector``): rulings found in a page image miss lines and pick up shading
    edges, so a one-column or mostly empty raster grid is often a real table read badly (cTDaR B2 t10005:
    a shaded financial table lost), left to the re-read and the unruled finder as before."""
    if not vector:
        return list(tables), list(outside), []
    dropped = [t for t in tables if is_frame(t) or is_chart_grid(t)]
    frames = [_blocked_box(t) for t in dropped]
    if not frames:
        return list(tables), list(outside), []

    def inside(s: TextSpan) -> bool:
        x, y = (s.bbox[0] + s.bbox[2]) / 2, (s.bbox[1] + s.bbox[3]) / 2
        return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in frames)

    freed = [s for s in spans if inside(s)]
    kept = [s for s in outside if not inside(s)]
    kept_tables = [t for t in tables if not any(t is d for d in dropped)]
    return kept_tables, sorted(kept + freed, key=lambda s: (s.bbox[1], s.bbox[0])), frames
