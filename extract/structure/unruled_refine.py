"""Ruled and unruled evidence combined: a 'ruled' table whose rulings miss rows or columns is re-read.

A table ruled only around its header and bottom (or only between columns) comes out of the ruled-grid
stage with body cells that each hold a whole row or a whole column of values. Such a cell's text still
shows the missing structure: several segments on one line (columns) or several number lines (rows).
When enough cells show it, the region is rebuilt from alignment, with the rulings it has as forced
separators, and marked ``partly_ruled``.
"""
from __future__ import annotations

from extract.structure.unruled import Block, UnruledOptions, block_to_table, body_start, region_columns
from extract.structure.unruled_lines import Line, spans_to_words, words_to_lines
from extract.types import BBox, PageInfo, Ruling, Table, TextSpan

MIN_HIDDEN_CELLS = 2  # cells showing hidden rows/columns before a ruled table is re-read


def _inside(box: BBox, region: BBox, tol: float = 1.0) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] - tol <= x <= region[2] + tol and region[1] - tol <= y <= region[3] + tol


def _hides_structure(lines: list[Line]) -> bool:
    """Lines of one cell: a line with two segments, or two or more lines of numbers."""
    if any(len(ln.segments) >= 2 for ln in lines):
        return True
    numeric_lines = sum(1 for ln in lines if ln.segments and all(s.numeric for s in ln.segments))
    return numeric_lines >= 2


def hidden_structure_cells(table: Table, lines: list[Line]) -> int:
    count = 0
    for cell in table.cells:
        if not cell.text:
            continue
        mine = [ln for ln in lines if _inside(ln.bbox, cell.bbox)]
        if _hides_structure(mine):
            count += 1
    return count


def _filled(table: Table) -> int:
    return sum(1 for c in table.cells if c.text)


def _region_lines(spans: list[TextSpan], box: BBox) -> list[Line]:
    words = [w for w in spans_to_words(list(spans), []) if _inside(w.bbox, box)]
    return words_to_lines(words)


def reread_ruled_table(page_info: PageInfo, spans: list[TextSpan], rulings: list[Ruling], table: Table,
                       options: UnruledOptions | None = None) -> Table:
    """The table itself, or, where its cells hide rows/columns, the same region rebuilt from alignment."""
    if table.bbox is None or table.structure != "ruled" or len(table.pages) != 1:
        return table
    opts = options or UnruledOptions()
    lines = _region_lines(spans, table.bbox)
    if len(lines) < 2 or hidden_structure_cells(table, lines) < min(MIN_HIDDEN_CELLS, _filled(table)):
        return table
    start = body_start(lines)
    body = lines[start:]
    gaps = region_columns(body, rulings, opts)
    if not gaps:
        return table
    blk = Block(lines, n_header=start, gaps=gaps)
    rebuilt = block_to_table(blk, rulings, page_info, table.id, opts)
    if rebuilt is None or _filled(rebuilt) <= _filled(table):
        return table
    return rebuilt.model_copy(update={"structure": "partly_ruled", "bbox": table.bbox})


def reread_ruled_tables(page_info: PageInfo, spans: list[TextSpan], rulings: list[Ruling], tables: list[Table],
                        options: UnruledOptions | None = None) -> list[Table]:
    return [reread_ruled_table(page_info, spans, rulings, t, options) for t in tables]
