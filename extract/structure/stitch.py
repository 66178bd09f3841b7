"""Tables continued across pages become one table.

``stitch_tables(tables, options=None, lines_by_page=None) -> list[Table]``: ``tables`` are the per-page
tables of one document (any order; read in page order, top to bottom). The first table on page n+1
continues the last table on page n when (``stitch_tol`` apart at most):
- their column edges are equal or one set holds the other (one page splits a column), outer edges equal;
- one part's edges (3 columns at least) are a run of the other's sharing an outer edge (a part whose
  outer column lines were lost);
- the two rows meeting at the break have the same cells (blocks may split columns differently);
- or, given ``lines_by_page``, they have the same outer edges.
Given ``lines_by_page`` (page -> spans outside tables), text between the parts other than page numbers
and running heads always keeps them apart (e.g. the title of the next department's form). Not counted as
text between: lines printed at the same place above (below) every table of both pages (a browser's page
head, a spreadsheet's print-title rows), unless the next part starts like the first table under them on
the previous page (a new form of the same title); and a cut label's text overflowing the table's edge.

Stitching then:
- puts all parts on the union of their column edges (a cell spanning a split column gets a col_span);
- drops a repeated header at the top of the next part: its first 1-3 rows equal the table's first rows,
  or its first row equals, outside a label's columns, the first row of the block that label heads,
  the label being cut by the break (序号/名称/... repeated under 年度重点工作任务);
- joins a cell cut by the break into ONE cell (combined row_span, page and bbox of its first part, text
  joined or, when printed on both sides, kept once): when the border between the parts is not drawn, or
  when the cut cell is a label (spanning several rows, or going on under a dropped header) printed on
  one side or on both. When every cell of the next part's first row continues the row above (also
  under a dropped header: a browser repeats the thead over the rest of a cut row), the two rows are one row;
- fills a position no part covers: a multi-row label just above goes on down over it, otherwise an
  empty cell; either way at confidence 0.5.

Ids are reassigned ``t1``, ``t2``... in document order after stitching; ``pages`` lists every page.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from extract.structure.build import table_confidence
from extract.structure.options import StructureOptions
from extract.structure.segments import cluster_positions
from extract.text import join_lines
from extract.types import Cell, Table, TextSpan


@dataclass(frozen=True)
class _Entry:
    cell: Cell
    top_open: bool = False
    bottom_open: bool = False
    under_header: bool = False  # spanned a repeated header that was dropped: a label going on
    after_header: bool = False  # starts right under a repeated header that was dropped
    bottom_ruled: bool = False  # ends at the part's foot with its bottom border drawn: it ended there


def _col_edges(t: Table, tol: float) -> list[float]:
    xs = [v for c in t.cells for v in (c.bbox[0], c.bbox[2])]
    return cluster_positions(xs, [1.0] * len(xs), tol)


def _has(edges: list[float], x: float, tol: float) -> bool:
    i = bisect_left(edges, x - tol)
    return i < len(edges) and edges[i] <= x + tol


def _same_columns(a: list[float], b: list[float], tol: float) -> bool:
    if len(a) < 2 or len(b) < 2 or abs(a[0] - b[0]) > tol or abs(a[-1] - b[-1]) > tol:
        return False
    return all(_has(b, x, tol) for x in a) or all(_has(a, x, tol) for x in b)


def _sub_range(small: list[float], big: list[float], tol: float) -> bool:
    """Every edge of ``small`` (3 columns at least) is an edge of ``big``, one outer edge shared: a part
    whose outer column's lines were lost (raster rulings miss short lines)."""
    if len(small) < 4 or not all(_has(big, x, tol) for x in small):
        return False
    return abs(small[0] - big[0]) <= tol or abs(small[-1] - big[-1]) <= tol


def _row_edges(t: Table, row: int, tol: float) -> list[float]:
    """Column edges of the cells covering one row."""
    xs = [v for c in t.cells if c.row <= row < c.row + c.row_span for v in (c.bbox[0], c.bbox[2])]
    return cluster_positions(xs, [1.0] * len(xs), tol)


def _same_row_edges(a: list[float], b: list[float], tol: float) -> bool:
    """Equal edges (2 cells at least), or one row splits a cell of the other (3 cells at least)."""
    if len(a) == len(b) >= 3:
        return all(abs(x - y) <= tol for x, y in zip(a, b))
    small, big = (a, b) if len(a) < len(b) else (b, a)
    return len(small) >= 4 and _same_columns(small, big, tol)


_PAGE_MARK = re.compile(r"^[\s\-—–第页共/|.,，·0-9PpageIVXivx]{1,16}$")
_RUNNING_SHARE = 0.6  # a line on at least this share of the pages (3 at least) is a running head or foot

Lines = Mapping[int, Sequence[TextSpan]]


def _running_marks(lines: Lines) -> set[str]:
    """Texts printed on most pages (running heads and feet); a form title repeated per form is not."""
    pages_of: dict[str, set[int]] = {}
    for page, spans in lines.items():
        for s in spans:
            pages_of.setdefault(_norm(s.text), set()).add(page)
    need = max(3, _RUNNING_SHARE * len(lines))
    return {t for t, pages in pages_of.items() if len(pages) >= need}


def _is_content(span: TextSpan, running: set[str]) -> bool:
    """Text that separates two tables (page numbers and running marks do not)."""
    text = span.text.strip()
    return bool(text) and not _PAGE_MARK.match(text) and _norm(text) not in running


def _same_place(span: TextSpan, others: Sequence[TextSpan], tol: float = 2.0) -> bool:
    """The same text at the same place (``tol`` points) among ``others``."""
    text = _norm(span.text)
    return any(_norm(o.text) == text and abs(o.bbox[0] - span.bbox[0]) <= tol and abs(o.bbox[1] - span.bbox[1]) <= tol
               for o in others)


def _label_overflow(span: TextSpan, part: Table, row: int) -> bool:
    """``span`` lies over the column of a cell of ``part`` covering ``row`` and is part of its text: a merged
    label cut by the page break, drawn by the office suite at its full height so that it overflows the
    table's edge on the other page (LibreOffice)."""
    text = _norm(span.text)
    xc = (span.bbox[0] + span.bbox[2]) / 2
    return bool(text) and any(c.row <= row < c.row + c.row_span and c.bbox[0] <= xc <= c.bbox[2]
                              and text in _norm(c.text) for c in part.cells)


def _first_cell(t: Table) -> str:
    return next((_norm(c.text) for c in sorted(t.cells, key=lambda c: (c.row, c.col)) if c.text.strip()), "")


def _page_heads(page: int, other: int, tables: Sequence[Table], lines: Lines, above: bool) -> list[TextSpan]:
    """Lines of ``page`` printed at the same place on page ``other``, above (or below) every table on both
    pages: a page head (foot) of a browser or an office suite, or print-title rows of a spreadsheet."""
    def outside(s: TextSpan, p: int) -> bool:
        boxes = [t.bbox for t in tables if t.bbox and p in t.pages]
        return all(s.bbox[3] <= b[1] if above else s.bbox[1] >= b[3] for b in boxes)

    theirs = [s for s in lines.get(other, ()) if outside(s, other)]
    return [s for s in lines.get(page, ()) if outside(s, page) and _same_place(s, theirs)]


def _nothing_between(prev: Table, nxt: Table, lines: Lines, running: set[str],
                     tables: Sequence[Table] = ()) -> bool:
    below = prev.bbox[3] if prev.bbox else 0.0
    above = nxt.bbox[1] if nxt.bbox else 0.0
    p, n = prev.pages[-1], nxt.pages[0]
    feet = {id(s) for s in _page_heads(p, n, tables, lines, above=False)}
    heads = {id(s) for s in _page_heads(n, p, tables, lines, above=True)}
    if heads:  # lines repeated over the top of both pages: a new form of the same title starts alike
        first_on_p = min((t for t in tables if p in t.pages and t.pages[0] == p and t.bbox),
                         key=lambda t: t.bbox[1], default=None)  # type: ignore[index]
        if first_on_p is not None and first_on_p is not nxt and _first_cell(first_on_p) == _first_cell(nxt) \
                and _row_texts(_entries(first_on_p, _col_edges(first_on_p, 4.0)), 0) \
                != _row_texts(_entries(nxt, _col_edges(nxt, 4.0)), 0):
            heads = set()
    after = any(_is_content(s, running) and s.bbox[1] >= below and id(s) not in feet
                and not _label_overflow(s, nxt, 0) for s in lines.get(p, ()))
    before = any(_is_content(s, running) and s.bbox[3] <= above and id(s) not in heads
                 and not _label_overflow(s, prev, prev.n_rows - 1) for s in lines.get(n, ()))
    return not after and not before


def _continues(prev: Table, nxt: Table, tol: float, lines: Lines | None, running: set[str],
               tables: Sequence[Table] = ()) -> bool:
    """Nothing but page marks between the parts (when the lines outside tables are known), and: the same
    columns, the same cells in the two rows meeting at the break, or (lines known) the same outer edges."""
    if nxt.pages[0] != prev.pages[-1] + 1 or not prev.cells or not nxt.cells:
        return False
    if lines is not None and not _nothing_between(prev, nxt, lines, running, tables):
        return False
    a, b = _col_edges(prev, tol), _col_edges(nxt, tol)
    if _same_columns(a, b, tol):
        return True
    if _same_row_edges(_row_edges(prev, prev.n_rows - 1, tol), _row_edges(nxt, 0, tol), tol):
        return True
    if _sub_range(a, b, tol) or _sub_range(b, a, tol):
        return True
    return lines is not None and abs(a[0] - b[0]) <= tol and abs(a[-1] - b[-1]) <= tol


def _entries(t: Table, edges: list[float]) -> list[_Entry]:
    """The table's cells on the union column edges, with whether their top/bottom border is open."""
    out = []
    top, bottom = set(t.open_top_cols), set(t.open_bottom_cols)
    for c in t.cells:
        cols = range(c.col, c.col + c.col_span)
        k0 = min(range(len(edges)), key=lambda i: abs(edges[i] - c.bbox[0]))
        k1 = min(range(len(edges)), key=lambda i: abs(edges[i] - c.bbox[2]))
        cell = c.model_copy(update={"col": k0, "col_span": max(k1 - k0, 1)})
        at_foot = c.row + c.row_span == t.n_rows
        out.append(_Entry(cell, c.row == 0 and all(k in top for k in cols), at_foot and all(k in bottom for k in cols),
                          bottom_ruled=at_foot and t.structure == "ruled" and not any(k in bottom for k in cols)))
    return out


def _open_between(above: _Entry, below: _Entry) -> bool:
    """No border between the two parts of a column: the cell above goes on below.

    A part's top left open is weak evidence against the bottom the part above drew: a browser paints no
    top border on a table's continuation after a page break, over a new row as over a cut one (Chromium:
    产出指标 ended with its ruling on page 1, 效益指标 began unruled on page 2 and was read as one cell;
    a one-row 预算超支率 took the blank cells of the next page's first row). There the texts decide: a cut
    cell prints its text on one side or the same on both, and a text above goes on blank below only
    as a label (merged over rows); a renderer that rules off a merged cell's part above the break and
    prints its text in the part below is still joined.
    """
    if above.bottom_open:
        return True
    if not below.top_open:
        return False
    if not above.bottom_ruled:
        return True
    a, b = _norm(above.cell.text), _norm(below.cell.text)
    if a and b:
        return a == b
    if a:
        return above.cell.row_span > 1 or below.cell.row_span > 1
    return True


def _norm(text: str) -> str:
    return "".join(text.split())


def _row_texts(entries: list[_Entry], row: int, skip: set[int] | frozenset[int] = frozenset()) -> dict[int, str]:
    return {e.cell.col: _norm(e.cell.text) for e in entries
            if e.cell.row == row and e.cell.text.strip() and e.cell.col not in skip}


def _header_rows(acc: list[_Entry], n_acc: int, part: list[_Entry], n_part: int) -> int:
    """How many rows at the top of ``part`` repeat a header already in ``acc``."""
    for k in (3, 2, 1):
        if n_part <= k or n_acc < k:
            continue
        rows = [(_row_texts(part, i), _row_texts(acc, i)) for i in range(k)]
        if all(p and p == a for p, a in rows) and sum(len(p) for p, _ in rows) >= 2:
            return k
    last = n_acc - 1
    cut = [e.cell for e in acc if e.cell.row <= last < e.cell.row + e.cell.row_span]
    for label in cut:
        if not _nested(label, cut, last) and _repeats_block_header(acc, part, n_part, label, last):
            return 1
    return 0


def _nested(label: Cell, cut: list[Cell], last: int) -> bool:
    """Another label (over several rows) left of ``label`` goes on over the break: ``label`` heads a group
    inside an outer one, and a row under it equal to its first row is data, not a block header.

    A block header (序号/名称/... under 年度重点工作任务) heads a section whose label is the outermost one
    cut; an indicator group's first row repeated at the next page's top under 绩效指标 / 效益指标 /
    生态效益指标 is a data row that happens to equal it (LibreOffice-printed 部门整体绩效目标表, routes tune
    seed 2 xlsx-flat-2-023: 环境质量改善 | 按计划完成 twice in one group, the second dropped, 29 fields
    lost). Keeping a repeated header as data is caught by checks; a lost row is not.
    """
    return any(c is not label and c.row < last and c.col + c.col_span <= label.col for c in cut)


def _repeats_block_header(acc: list[_Entry], part: list[_Entry], n_part: int, label: Cell, last: int) -> bool:
    """The part's first row repeats the first row of the block that ``label`` (cut by the break) heads,
    outside the label's columns, and the label goes on under it."""
    skip = set(range(label.col, label.col + label.col_span))
    head = _row_texts(part, 0, skip)
    if n_part < 2 or len(head) < 2 or head != _row_texts(acc, label.row, skip):
        return False
    under = {e.cell.row: e.cell for e in part
             if (e.cell.col, e.cell.col_span) == (label.col, label.col_span) and e.cell.row <= 1}
    first = under.get(0)
    if first is None:
        return False
    a, b = _norm(label.text), _norm(first.text)
    if a and b and a != b:
        return False  # another label: a new block that happens to have the same header
    if label.row < last and a and not b:
        return True
    return first.row_span >= 2 or (1 in under and not under[1].text.strip())


def _drop_rows(part: list[_Entry], k: int) -> list[_Entry]:
    out = []
    for e in part:
        c = e.cell
        if c.row + c.row_span <= k:
            continue
        if c.row < k:
            out.append(replace(e, cell=c.model_copy(update={"row": 0, "row_span": c.row_span - (k - c.row)}),
                               under_header=True))
        else:
            out.append(replace(e, cell=c.model_copy(update={"row": c.row - k}), top_open=False,
                               after_header=c.row == k))
    return out


def _joins(above: _Entry, below: _Entry) -> bool:
    a, b = above.cell, below.cell
    if (a.col, a.col_span) != (b.col, b.col_span):
        return False
    if _open_between(above, below):
        return True
    a_text, b_text = bool(a.text.strip()), bool(b.text.strip())
    if a_text and b_text:  # a label printed again on the next page
        return _norm(a.text) == _norm(b.text) and (a.row_span > 1 or b.row_span > 1 or below.under_header)
    if a_text and not b_text:  # a label going on, empty, on the next page
        return a.row_span > 1 or b.row_span > 1 or below.under_header
    if b_text and not a_text:  # a label whose text was printed on the part below the break
        # a one-row blank above a merged label that goes on under the repeated header: the label was
        # cut and its text centred in the larger part (regression: gen-0-0035, 可持续影响指标)
        return a.row_span > 1 or below.under_header or (below.after_header and b.row_span > 1)
    return False


def _merge(above: _Entry, below: _Entry, row_span: int) -> _Entry:
    a, b = above.cell, below.cell
    cell = a.model_copy(update={
        "row_span": row_span, "text": a.text if _norm(a.text) == _norm(b.text) else join_lines([a.text, b.text]),
        "confidence": min(a.confidence, b.confidence), "spans": a.spans + b.spans,
    })
    return _Entry(cell, above.top_open, below.bottom_open)


def _append(acc: list[_Entry], n_acc: int, part: list[_Entry], n_part: int) -> tuple[list[_Entry], int]:
    """``part`` appended below ``acc``: repeated header dropped, cells cut by the break joined."""
    k = _header_rows(acc, n_acc, part, n_part)
    if k:
        part, n_part = _drop_rows(part, k), n_part - k
    last = {(e.cell.col, e.cell.col_span): e for e in acc if e.cell.row + e.cell.row_span == n_acc}
    first = [e for e in part if e.cell.row == 0]
    pairs = {id(b): last[(b.cell.col, b.cell.col_span)] for b in first
             if (b.cell.col, b.cell.col_span) in last and _joins(last[(b.cell.col, b.cell.col_span)], b)}
    one_row = len(pairs) == len(first) and all(_open_between(pairs[id(b)], b) for b in first)
    offset = n_acc - 1 if one_row else n_acc
    merged = {id(a) for a in pairs.values()}
    out = [e for e in acc if id(e) not in merged]
    for e in part:
        if id(e) in pairs:
            a = pairs[id(e)]
            out.append(_merge(a, e, offset + e.cell.row_span - a.cell.row))
        else:
            out.append(replace(e, cell=e.cell.model_copy(update={"row": e.cell.row + offset})))
    return out, offset + n_part


_HOLE_CONFIDENCE = 0.5  # a position no part covered (lines lost); its cell is a guess


def _fill_holes(cells: list[Cell], n_rows: int, edges: list[float]) -> list[Cell]:
    """Positions no part covers (a part lacking an outer column): a multi-row label ending just above
    goes on down; elsewhere an empty cell, with lowered confidence."""
    at = {(r, k): i for i, c in enumerate(cells)
          for r in range(c.row, c.row + c.row_span) for k in range(c.col, c.col + c.col_span)}
    for r in range(n_rows):
        ys = [c.bbox for c in cells if c.row == r]
        for k in range(len(edges) - 1):
            if (r, k) in at:
                continue
            i = at.get((r - 1, k))
            above = cells[i] if i is not None else None
            if i is not None and above is not None and above.col_span == 1 and above.row_span > 1 and above.text.strip():
                cells[i] = above.model_copy(update={"row_span": above.row_span + 1,
                                                    "confidence": min(above.confidence, _HOLE_CONFIDENCE)})
            else:
                y0, y1 = (min(b[1] for b in ys), max(b[3] for b in ys)) if ys else (0.0, 0.0)
                page = next((c.page for c in cells if c.row == r), cells[-1].page)
                cells.append(Cell(row=r, col=k, page=page, bbox=(edges[k], y0, edges[k + 1], y1),
                                  confidence=_HOLE_CONFIDENCE))
                i = len(cells) - 1
            at[(r, k)] = i
    return cells


def _join_chain(chain: list[Table], tol: float) -> Table:
    if len(chain) == 1:
        return chain[0]
    xs = [x for t in chain for x in _col_edges(t, tol)]
    edges = cluster_positions(xs, [1.0] * len(xs), tol)
    acc, n = _entries(chain[0], edges), chain[0].n_rows
    for t in chain[1:]:
        acc, n = _append(acc, n, _entries(t, edges), t.n_rows)
    cells = sorted(_fill_holes([e.cell for e in acc], n, edges), key=lambda c: (c.row, c.col))
    pages = tuple(dict.fromkeys(p for t in chain for p in t.pages))
    return chain[0].model_copy(update={
        "pages": pages, "n_rows": n, "n_cols": len(edges) - 1, "cells": tuple(cells),
        "confidence": table_confidence(cells),
        "open_top_cols": (), "open_bottom_cols": (),
    })


def stitch_tables(tables: Sequence[Table], options: StructureOptions | None = None,
                  lines_by_page: Lines | None = None) -> list[Table]:
    """Tables of a document in page order, those continued across pages joined, ids ``t1``, ``t2``...

    ``lines_by_page`` (page -> spans outside every table, as ``build_page_tables`` returns them; pass it
    whenever known): text between two parts (below the first, above the second, other than page numbers
    and running heads) keeps them apart, e.g. the title of the next department's form; and with nothing
    between, a part starting a block with other columns but the same outer edges continues."""
    opts = options or StructureOptions()
    running = _running_marks(lines_by_page) if lines_by_page else set()
    ordered = sorted(enumerate(tables), key=lambda it: (it[1].pages[0], (it[1].bbox or (0, 0))[1], it[0]))
    chains: list[list[Table]] = []
    for _, t in ordered:
        if chains and _continues(chains[-1][-1], t, opts.stitch_tol, lines_by_page, running, tables):
            chains[-1].append(t)
        else:
            chains.append([t])
    joined = [_join_chain(ch, opts.stitch_tol) for ch in chains]
    return [t.model_copy(update={"id": f"t{i + 1}"}) for i, t in enumerate(joined)]
