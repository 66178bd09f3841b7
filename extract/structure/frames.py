"""A ruled region that stays one column after the re-read is a frame, not a table.

(A mostly empty ruled grid is not a reliable sign of a chart: held-out ICDAR tables drawn with many
ruling pieces are 8-18% filled, as empty as the tuning half's chart grids. Tried and withdrawn.)

A boxed paragraph, a chart legend, a framed note or a ruled outer border around an unruled body: the
rulings make one column and the text shows no columns the re-read (``unruled_refine``) could rebuild.
Such a region yields no table; its lines go back to the page, and the unruled finder does not search it
(a body with columns inside a frame is already rebuilt by the re-read; freed, a flowchart's or a chart
legend's labels line up into false tables: ICDAR eu-014, eu-016). Evidence: on the ICDAR 2013 tuning half none of the 62 one-column "tables" matched
a truth table, and 9 of them (boxed text, chart legends) added false adjacency relations.
"""
from __future__ import annotations

from collections.abc import Sequence

from extract.types import BBox, Table, TextSpan


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


def drop_frames(tables: Sequence[Table], outside: Sequence[TextSpan], spans: Sequence[TextSpan],
                vector: bool = True) -> tuple[list[Table], list[TextSpan], list[BBox]]:
    """(tables that are not frames, the outside lines plus the page spans that lay in a dropped frame,
    the dropped frames' boxes: regions the unruled finder leaves alone).

    Only for vector rulings (``vector``): rulings found in a page image miss lines and pick up shading
    edges, so a one-column or mostly empty raster grid is often a real table read badly (cTDaR B2 t10005:
    a shaded financial table lost), left to the re-read and the unruled finder as before."""
    if not vector:
        return list(tables), list(outside), []
    dropped = [t for t in tables if is_frame(t)]
    frames = [t.bbox for t in dropped if t.bbox is not None]  # is_frame: every one has a box
    if not frames:
        return list(tables), list(outside), []

    def inside(s: TextSpan) -> bool:
        x, y = (s.bbox[0] + s.bbox[2]) / 2, (s.bbox[1] + s.bbox[3]) / 2
        return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in frames)

    freed = [s for s in spans if inside(s)]
    kept = [s for s in outside if not inside(s)]
    kept_tables = [t for t in tables if not any(t is d for d in dropped)]
    return kept_tables, sorted(kept + freed, key=lambda s: (s.bbox[1], s.bbox[0])), frames
