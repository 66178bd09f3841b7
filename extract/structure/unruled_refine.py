"""Ruled and unruled evidence combined: a 'ruled' table whose rulings miss rows or columns is re-read.

A table ruled only around its header and bottom (or only between columns) comes out of the ruled-grid
stage with body cells that each hold a whole row or a whole column of values. Such a cell's text still
shows the missing structure: several segments on one line (columns) or several number lines (rows).
When enough cells show it, the region is rebuilt from alignment, with the rulings it has as forced
separators, and marked ``partly_ruled``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from statistics import median

from extract.structure.unruled import Block, UnruledOptions, block_to_table, body_start, region_columns
from extract.structure.unruled_lines import Line, Word, spans_to_words, words_to_lines
from extract.structure.unruled_notes import peel_lines, peel_rows
from extract.types import BBox, PageInfo, Ruling, Table, TextSpan

MIN_HIDDEN_CELLS = 2  # cells showing hidden rows/columns before a ruled table is re-read
_ONE_NUMBER = re.compile(r"^[-+(]?\d{1,3}((,\d{3})+|\d*)(\.\d+)?[)%]?$")
SIDE_ROW_SHARE = 0.5
SIDE_MAX_WORDS = 5  # median words per line of a stub column; running text has more  # share of the table's rows that text left of its grid must line up with


def _inside(box: BBox, region: BBox, tol: float = 1.0) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] - tol <= x <= region[2] + tol and region[1] - tol <= y <= region[3] + tol


# A line of a number broken by its cell's width ends less than this many of its own characters short of
# the cell's width: the next character did not fit, plus the padding (a browser's 2 x 6 px is two digits of 9 pt).
FULL_LINE_SLACK_CHARS = 4.0


def _hides_structure(lines: list[Line], cell_width: float | None = None) -> bool:
    """Lines of one cell: a line with two segments one of them a number, or two or more lines of numbers
    (unless they are one number broken over lines, :func:`_one_wrapped_number`)."""
    if any(len(ln.segments) >= 2 and any(s.numeric for s in ln.segments) for ln in lines):
        return True  # (two pieces of justified prose are not two columns)
    numeric_lines = [ln for ln in lines if ln.segments and all(s.numeric for s in ln.segments)]
    if len(numeric_lines) < 2:
        return False
    return not _one_wrapped_number(numeric_lines, cell_width)


def _one_wrapped_number(lines: list[Line], cell_width: float | None) -> bool:
    """Number lines that read as one number: "9,953,200." + "00"; or, over more lines, each line but the
    last filling the cell's width, as a browser breaks a long amount character by character
    (``word-break: break-all``: "236570" / "0.00000" / "0" in a cell 45 pt wide). Rows of amounts the
    rulings missed do not fill the cell line after line, and two amounts with decimals are no one number."""
    joined = "".join(ln.text.replace(" ", "") for ln in lines)
    if not _ONE_NUMBER.match(joined):
        return False
    if len(lines) == 2:
        return True
    if cell_width is None:
        return False
    for ln in lines[:-1]:
        chars = max(len(ln.text.replace(" ", "")), 1)
        width = ln.bbox[2] - ln.bbox[0]
        if width + FULL_LINE_SLACK_CHARS * width / chars < cell_width:
            return False
    return True


def hidden_structure_cells(table: Table, words: list[Word]) -> int:
    """Cells whose own words show rows or columns the ruled grid does not have."""
    # words by centre x, so that each cell looks only at the words in its x range (the same words, in
    # the same order, as testing every word against every cell: that was a tenth of a born-digital page)
    by_x = sorted(((w.bbox[0] + w.bbox[2]) / 2, i) for i, w in enumerate(words))
    xs = [x for x, _ in by_x]
    count = 0
    for cell in table.cells:
        if not cell.text:
            continue
        x0, y0, x1, y1 = cell.bbox
        picked = sorted(i for _, i in by_x[bisect_left(xs, x0):bisect_right(xs, x1)]
                        if y0 <= (words[i].bbox[1] + words[i].bbox[3]) / 2 <= y1)
        if _hides_structure(words_to_lines([words[i] for i in picked]), x1 - x0):
            count += 1
    return count


def _with_side_text(words: list[Word], box: BBox, others: list[BBox]) -> BBox:
    """The table box ``box`` widened to a column of unruled text beside it (a stub column left of the grid).

    Taken when most lines left of the grid sit on the baselines of the grid's own lines."""
    x0, y0, x1, y1 = box
    in_band = [w for w in words if y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1
               and not any(_inside(w.bbox, o, 0.0) for o in others)]
    beside = words_to_lines([w for w in in_band if w.bbox[2] <= x0 + 1])
    inside = words_to_lines([w for w in in_band if _inside(w.bbox, box)])
    if len(beside) < 3 or not inside or median(len(ln.words) for ln in beside) > SIDE_MAX_WORDS:
        return box  # prose wrapped around the table is not its stub column
    centres = [(ln.bbox[1] + ln.bbox[3]) / 2 for ln in inside]
    aligned = [ln for ln in beside
               if min(abs((ln.bbox[1] + ln.bbox[3]) / 2 - c) for c in centres) < 0.3 * ln.height]
    if len(aligned) < SIDE_ROW_SHARE * len(beside) or len(aligned) < SIDE_ROW_SHARE * len(inside):
        return box
    return (min(ln.bbox[0] for ln in beside), y0, x1, y1)


def _filled(table: Table) -> int:
    return sum(1 for c in table.cells if c.text)


def _region_lines(words: list[Word], box: BBox) -> list[Line]:
    return words_to_lines([w for w in words if _inside(w.bbox, box)])


def reread_ruled_table(page_info: PageInfo, spans: list[TextSpan], rulings: list[Ruling], table: Table,
                       options: UnruledOptions | None = None, others: list[BBox] | None = None,
                       page_words: list[Word] | None = None) -> Table:
    """The table itself, or, where its cells hide rows/columns, the same region rebuilt from alignment."""
    if table.bbox is None or table.structure != "ruled" or len(table.pages) != 1:
        return table
    opts = options or UnruledOptions()
    words = page_words if page_words is not None else spans_to_words(list(spans), [])
    box = _with_side_text(words, table.bbox, list(others or []))
    lines = _region_lines(words, box)
    widened = box != table.bbox
    if len(lines) < 2 or (not widened and hidden_structure_cells(table, words) < min(MIN_HIDDEN_CELLS, _filled(table))):
        return peel_rows(table)
    captions, lines, notes = peel_lines(lines)
    if len(lines) < 2:
        return peel_rows(table)
    start = body_start(lines)
    body = lines[start:]
    gaps = region_columns(body, rulings, opts)
    if not gaps:
        return table
    blk = Block(lines, n_header=start, gaps=gaps, notes=captions + notes)
    rebuilt = block_to_table(blk, rulings, page_info, table.id, opts)
    if rebuilt is None or _filled(rebuilt) + len(captions) + len(notes) <= _filled(table):
        return peel_rows(table)
    update = {"structure": "partly_ruled"} if captions or notes else {"structure": "partly_ruled", "bbox": box}
    return rebuilt.model_copy(update=update)


def reread_ruled_tables(page_info: PageInfo, spans: list[TextSpan], rulings: list[Ruling], tables: list[Table],
                        options: UnruledOptions | None = None) -> list[Table]:
    boxes = [t.bbox for t in tables if t.bbox is not None]
    words = spans_to_words(list(spans), []) if tables else []
    return [reread_ruled_table(page_info, spans, rulings, t, options, [b for b in boxes if b != t.bbox], words)
            for t in tables]
