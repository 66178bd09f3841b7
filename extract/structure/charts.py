"""A table found inside a chart is the chart's axis labels and gridlines, not a table.

Born-digital reports draw charts as vector graphics: gridlines and bar edges make a ruled grid, and tick
labels line up into columns ("20,000 | 100", "18,000 | 90"), so both the ruled and the unruled finder
report tables there. What tells a chart apart is the rest of its drawing, which a table never has: curves
(line charts, pies), long diagonal strokes, and bars (filled rectangles of a saturated colour holding no
text). ``extract.layout.rulings.page_graphics`` collects those marks; a region holding CHART_MARKS of them
and mostly empty cells, or CHART_MARKS_ALONE whatever its cells, is dropped and its text goes back to the
page's lines.

Evidence, ICDAR 2013 tuning half only (34 PDFs): the 10 regions this drops (us-023, us-028, eu-011, eu-012)
are all charts with no truth table under them; no table that matches a truth table holds more than 1
mark. A diagonal header cell (斜线表头) is one mark, a rounded cell corner is under MARK_MIN.
"""
from __future__ import annotations

from collections.abc import Sequence

from extract.geometry import center, contains_point
from extract.layout.rulings import ChartMark
from extract.types import Table, TextSpan

CHART_MARKS = 2  # marks that make a sparsely filled region a chart (us-023: a line chart of 2 curves)
CHART_MARKS_ALONE = 8  # marks that make any region a chart: tick labels fill a two-column "table" fully (us-028: 9 bars)
CHART_FILL = 0.75  # "mostly empty": below this share of cells with text (the tuning half's charts: 0.10-0.71)


def _marks_in(table: Table, marks: Sequence[ChartMark], spans: Sequence[TextSpan]) -> int:
    assert table.bbox is not None
    inside = [s for s in spans if contains_point(table.bbox, *center(s.bbox))]
    n = 0
    for m in marks:
        if not contains_point(table.bbox, *center(m.bbox)):
            continue
        if m.kind == "bar" and any(contains_point(m.bbox, *center(s.bbox)) for s in inside):
            continue  # a shaded cell with its text: a table's fill, not a bar
        n += 1
    return n


def is_chart(table: Table, marks: Sequence[ChartMark], spans: Sequence[TextSpan]) -> bool:
    if table.bbox is None or len(table.pages) != 1 or len(marks) < CHART_MARKS:
        return False
    n = _marks_in(table, marks, spans)
    if n >= CHART_MARKS_ALONE:
        return True
    filled = sum(1 for c in table.cells if c.text.strip())
    return n >= CHART_MARKS and filled < CHART_FILL * max(len(table.cells), 1)


def drop_charts(tables: Sequence[Table], lines: Sequence[TextSpan], spans: Sequence[TextSpan],
                marks: Sequence[ChartMark]) -> tuple[list[Table], list[TextSpan]]:
    """(tables that are no chart, lines with the dropped regions' text given back, in reading order)."""
    if len(marks) < CHART_MARKS:
        return list(tables), list(lines)
    kept: list[Table] = []
    dropped: list[Table] = []
    for t in tables:
        (dropped if is_chart(t, marks, spans) else kept).append(t)
    if not dropped:
        return kept, list(lines)
    back = [s for s in spans if any(t.bbox is not None and contains_point(t.bbox, *center(s.bbox)) for t in dropped)
            and not any(k.bbox is not None and contains_point(k.bbox, *center(s.bbox)) for k in kept)]
    have = {id(s) for s in lines}
    merged = list(lines) + [s for s in back if id(s) not in have]
    merged.sort(key=lambda s: (s.bbox[1], s.bbox[0]))
    return kept, merged
