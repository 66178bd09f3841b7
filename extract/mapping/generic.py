"""The generic reader: the rows of one form instance, read by its declaration.

Row by row: a header of a ``rows`` part opens its list (columns by the header's cells, matched left to
right, so two sides' 项目 columns are told apart by order); rows under it are items until a row labelled
with a grid field; every other row is read as ``label -> value`` pairs. A list continued in another table
without its header is read by the header's x ranges.
"""
from __future__ import annotations

from typing import Any
from dataclasses import dataclass, field

from extract.mapping.coerce import is_blank
from extract.mapping.decl import FieldDecl, FormDecl, RowsPart
from extract.mapping.dpt_indicators import FILL_DOWN_QUALITY, OCR_FILL_DOWN_QUALITY, _table_read_by_ocr
from extract.mapping.fields import INFERRED_QUALITY, SHARED_CELL_QUALITY
from extract.mapping.labels import label_unit
from extract.mapping.units import note_unit as unit_of_note
from extract.mapping.match import match_field
from extract.mapping.rows import Row, XSpans, align_by_x, header_spans
from extract.mapping.values import derive_value, read_value
from extract.types import Cell
from models.fields import Field

# A label at least this similar to a grid field's ends a list: a row of the grid again, not an item.
GRID_LABEL_ENDS_LIST = 0.85
# A header row names columns in at least this share of its filled cells (an item row names none).
HEADER_LABEL_SHARE = 0.5
_NUMERIC = ("money", "int", "decimal", "percent")
# A column told only by its place in the header (its label matched nothing): right where the form puts
# it, but the label never said so.
POSITION_QUALITY = 0.6
# A header cell merged down over more rows than this is a section label beside the list (绩效指标), no column.
MAX_HEADER_ROWS = 2
# A code cell read with less than this (no digits: 合计数) holds no code.
FAILED_CODE = 0.5
UNIT_ROW_CHARS = 12


@dataclass(frozen=True)
class RowsHeader:
    part: RowsPart
    table_id: str
    n_cols: int
    last_row: int
    roles: dict[str, int]  # column key -> grid column
    quality: dict[str, float]
    units: dict[str, str | None]
    spans: XSpans = ()


@dataclass
class ReadState:
    decl: FormDecl
    note_unit: str | None = None
    grid: dict[str, Field[Any]] = field(default_factory=dict)
    grid_units: dict[tuple[str, int], str] = field(default_factory=dict)
    lists: dict[str, list[dict[str, Field[Any]]]] = field(default_factory=dict)
    totals: dict[str, dict[str, Field[Any]]] = field(default_factory=dict)
    seen_lists: set[str] = field(default_factory=set)
    header: RowsHeader | None = None
    levels: dict[tuple[str, str], Field[Any]] = field(default_factory=dict)
    pages: set[int] = field(default_factory=set)
    grid_cells: dict[str, tuple[Cell, Cell]] = field(default_factory=dict)  # key -> (label, value) cells
    grid_rows: list[Row] = field(default_factory=list)
    grid_quality: dict[str, float] = field(default_factory=dict)  # key -> quality of the label that claimed it


def _own(row: Row) -> list[Cell]:
    return [c for c in row.cells if c.row == row.index]


# ------------------------------------------------------------------ rows headers

def match_header(row: Row, part: RowsPart) -> RowsHeader | None:
    """``row`` as the header of ``part``: its cells name enough columns, left to right."""
    free = list(part.printed)
    roles: dict[str, int] = {}
    quality: dict[str, float] = {}
    units: dict[str, str | None] = {}
    by_key: dict[str, Cell] = {}
    filled = [c for c in row.cells if not is_blank(c.text)]
    order = {c.key: i for i, c in enumerate(part.printed)}
    last = -1
    from extract.mapping.repair import JOINED_QUALITY, by_position, joined_headers, split_half_named

    for cell, keys in joined_headers(filled, free):
        for i, fd in enumerate(keys):
            roles[fd.key], quality[fd.key], units[fd.key], by_key[fd.key] = cell.col + i, JOINED_QUALITY, None, cell
            free.remove(fd)
    filled, halves = split_half_named(filled, free, list(by_key.values()))
    for cell in filled:
        if cell in by_key.values():
            continue
        # among equal labels, the column declared after the last one matched (the second side's 项目)
        ahead = [c for c in free if order[c.key] > last] + [c for c in free if order[c.key] <= last]
        m = match_field(cell.text, ahead) if cell.row_span <= MAX_HEADER_ROWS else None
        if m is None:
            continue
        last = order[m.field.key]
        free.remove(m.field)
        roles[m.field.key], quality[m.field.key] = cell.col, m.quality * (JOINED_QUALITY if id(cell) in halves else 1.0)
        units[m.field.key], by_key[m.field.key] = label_unit(cell.text), cell
    if len(roles) < part.min_header:
        return None
    for key, cell in by_position(filled, by_key, part, free):
        q = POSITION_QUALITY * (JOINED_QUALITY if id(cell) in halves else 1.0)
        roles[key], quality[key], units[key], by_key[key] = cell.col, q, label_unit(cell.text), cell
    if any(k not in roles for k in part.required) or len(roles) < HEADER_LABEL_SHARE * len(filled):
        return None
    return RowsHeader(part, row.table.id, row.table.n_cols, row.index, roles, quality, units, header_spans(by_key))


def _extend_header(row: Row, h: RowsHeader) -> RowsHeader | None:
    """The second row of a two-row header: every filled cell names a column the first row did not."""
    if row.table.id != h.table_id or row.index != h.last_row + 1:
        return None
    free = [c for c in h.part.printed if c.key not in h.roles]
    filled = [c for c in _own(row) if not is_blank(c.text)]
    if not filled or not free:
        return None
    roles, quality, units = dict(h.roles), dict(h.quality), dict(h.units)
    for cell in filled:
        m = match_field(cell.text, free)
        if m is None:
            return None
        free.remove(m.field)
        roles[m.field.key], quality[m.field.key], units[m.field.key] = cell.col, m.quality, label_unit(cell.text)
    return RowsHeader(h.part, h.table_id, h.n_cols, row.index, roles, quality, units, h.spans)


# ------------------------------------------------------------------ items

def _item_cells(row: Row, h: RowsHeader) -> tuple[dict[str, Cell | None], float]:
    if row.table.id == h.table_id or row.table.n_cols == h.n_cols:
        factor = 1.0 if row.table.id == h.table_id else INFERRED_QUALITY
        return {k: row.at(col) for k, col in h.roles.items()}, factor
    aligned = align_by_x(list(row.cells), h.spans) if h.spans else None
    if aligned is None:
        return {}, 0.0
    return {k: aligned.get(k) for k in h.roles}, INFERRED_QUALITY


def _unit(col: FieldDecl, h: RowsHeader, st: ReadState) -> str | None:
    if isinstance(col.unit, str):
        return col.unit
    for source in col.unit:
        unit = h.units.get(col.key) if source == "header" else st.note_unit if source == "note" else None
        if unit:
            return unit
    return None


def _read_columns(row: Row, cols: list[FieldDecl], cells: dict[str, Cell | None], h: RowsHeader, factor: float,
                  st: ReadState, cut: frozenset[str] = frozenset()) -> dict[str, Field[Any]]:
    """``cut``: columns whose cell was cut out of one they shared with a neighbour (less sure)."""
    from extract.mapping.repair import SPLIT_CELL_QUALITY

    out: dict[str, Field[Any]] = {}
    for col in cols:
        if col.derive is not None:
            continue
        q = h.quality.get(col.key, 1.0) * factor * (SPLIT_CELL_QUALITY if col.key in cut else 1.0)
        out[col.key] = read_value(row.table, cells.get(col.key), col.type, q, _unit(col, h, st))
    _fill_levels(row, cols, out, h, st)
    _doubt_shared(cols, cells, out)
    for col in cols:
        if col.derive is not None:
            q = h.quality.get(col.source or "", 1.0) * factor
            out[col.key] = derive_value(row.table, cells.get(col.source or ""), col.derive, q)
    return out


def _fill_levels(row: Row, cols: list[FieldDecl], out: dict[str, Field[Any]], h: RowsHeader, st: ReadState) -> None:
    """A blank level over a printed deeper one takes the level above's value, a bit less sure."""
    levels = [c.key for c in cols if c.fill_down and c.derive is None]
    others = [c.key for c in cols if not c.fill_down and c.derive is None and c.type in ("text", "code")]
    for i, key in enumerate(levels):
        mem = (h.part.key, key)
        deeper = levels[i + 1:] + others
        if out[key].value is not None:
            st.levels[mem] = out[key]
            for k in levels[i + 1:]:
                st.levels.pop((h.part.key, k), None)
        elif mem in st.levels and any(out[k].value is not None for k in deeper):
            last = st.levels[mem]
            factor = OCR_FILL_DOWN_QUALITY if _table_read_by_ocr(row.table) else FILL_DOWN_QUALITY
            out[key] = last.model_copy(update={"confidence": round(last.confidence * factor, 4)})


def _doubt_shared(cols: list[FieldDecl], cells: dict[str, Cell | None], out: dict[str, Field[Any]]) -> None:
    """One cell under two columns: a ruling was lost; what it holds belongs to both and to neither."""
    seen: dict[tuple[int, int], int] = {}
    for col in cols:
        c = cells.get(col.key)
        if c is not None and col.derive is None and not col.fill_down and c.text.strip():
            seen[(c.row, c.col)] = seen.get((c.row, c.col), 0) + 1
    for col in cols:
        c = cells.get(col.key)
        if c is not None and seen.get((c.row, c.col), 0) > 1 and not col.fill_down:
            f = out[col.key]
            out[col.key] = f.model_copy(update={"confidence": round(f.confidence * SHARED_CELL_QUALITY, 4)})


def _total_of(row_cells: list[Cell | None], part: RowsPart, side: str | None, read: dict[str, Any] | None = None
              ) -> FieldDecl | None:
    """The total a row's label names, among those not read yet (a total is printed once)."""
    totals = [t for t in part.totals if (side is None or t.side in (None, side)) and t.key not in (read or {})]
    for cell in row_cells:
        if cell is not None and not is_blank(cell.text):
            m = match_field(cell.text, totals) if totals else None
            if m is not None:
                return m.field
    return None


def _summary_row(label_cells: list[Cell | None], values: dict[str, Field[Any]], cols: list[FieldDecl], part: RowsPart,
                 side: str | None, st: ReadState) -> FieldDecl | None:
    """A coded list's row whose label is one cell across its code and name columns, holding no code, is the
    total row however it is worded (合计数, 本年合计), when the form declares one total not yet read."""
    codes = [c.key for c in cols if c.type == "code"]
    if not codes or any(values[k].value is not None and values[k].confidence > FAILED_CODE for k in codes):
        return None
    filled = [c for c in label_cells if c is not None and not is_blank(c.text)]
    if len(filled) < 2 or len({id(c) for c in filled}) != 1:
        return None
    free = [t for t in part.totals if (side is None or t.side in (None, side)) and t.key not in st.totals]
    return free[0] if len(free) == 1 else None


def _skipped(row_cells: list[Cell | None], part: RowsPart) -> bool:
    from extract.mapping.labels import label_key

    keys = {label_key(s) for s in part.skip}
    return any(c is not None and label_key(c.text) in keys for c in row_cells)


def read_item(row: Row, st: ReadState) -> None:
    h = st.header
    assert h is not None
    cells, factor = _item_cells(row, h)
    if not cells:
        return
    from extract.mapping.repair import split_shared_cells

    part = h.part
    cells, cut = split_shared_cells(cells, h.roles, {c.key: c.type for c in part.columns if c.derive is None})
    for side in part.sides or (None,):
        cols = [c for c in part.columns if side is None or c.side == side]
        side_cells = [cells.get(c.key) for c in cols if c.derive is None]
        if all(c is None or is_blank(c.text) for c in side_cells) or _skipped(side_cells, part):
            continue
        values = _read_columns(row, cols, cells, h, factor, st, frozenset(cut))
        label_cells = [cells.get(c.key) for c in cols if c.type in ("text", "code") and c.derive is None]
        total = _total_of(label_cells, part, side, st.totals) or _summary_row(label_cells, values, cols, part, side, st)
        if total is not None:
            if total.key not in st.totals:
                st.totals[total.key] = {c.key: values[c.key] for c in cols if c.type in _NUMERIC}
            continue
        st.lists.setdefault(side or part.key, []).append(values)


# ------------------------------------------------------------------ label -> value grid

def _is_any_label(text: str, st: ReadState) -> bool:
    return match_field(text, st.decl.grid_fields()) is not None


def _value_cell(row: Row, pos: int, st: ReadState) -> Cell | None:
    """The filled cell right of the label, else one further right past blanks, else a filled cell under
    it, else the blank cell to its right."""
    label = row.cells[pos]
    right = row.cells[pos + 1] if pos + 1 < len(row.cells) else None
    if right is not None and _is_any_label(right.text, st):
        right = None
    if right is not None and not is_blank(right.text):
        return right
    if right is not None and (further := _past_blank(row, pos, st)) is not None:
        return further
    below = row.table.cell_at(label.row + label.row_span, label.col)
    if below is not None and below is not label and not is_blank(below.text) and not _is_any_label(below.text, st):
        return below
    return right


def _past_blank(row: Row, pos: int, st: ReadState) -> Cell | None:
    """The value printed past a blank cell right of its label (年度资金总额 | | 31029000.00): a scan's
    spurious ruling, or a merged value cell cut in two, left an empty column between them. The first
    filled cell further right, unless it is a label (the blank was the value: 年度资金总额 | | 其中 …)."""
    for cell in row.cells[pos + 2:]:
        if is_blank(cell.text):
            continue
        if _is_any_label(cell.text, st) or cell.row != row.index:
            return None
        return cell
    return None


def _grid_unit(fd: FieldDecl, label: Cell, value: Cell, row: Row, st: ReadState) -> str | None:
    if isinstance(fd.unit, str):
        return fd.unit
    for source in fd.unit:
        unit = (label_unit(label.text) if source == "label" else
                (st.grid_units.get((row.table.id, value.col)) or st.grid_units.get((row.table.id, -1 - row.index)))
                if source == "header" else
                st.note_unit if source == "note" else None)
        if unit:
            return unit
    return None


def _heading(row: Row, pos: int, st: ReadState) -> bool:
    """A label cell merged down beside rows that each have their own label (项目资金（万元） beside
    年度资金总额, 财政拨款 ...): it heads those rows, it labels no value of its own."""
    cell = row.cells[pos]
    right = row.cells[pos + 1] if pos + 1 < len(row.cells) else None
    return cell.row_span > 1 and right is not None and right.row_span < cell.row_span


def read_grid_row(row: Row, st: ReadState) -> None:
    fields = st.decl.grid_fields()
    for pos, cell in enumerate(row.cells):
        unit = label_unit(cell.text)
        if unit and (match_field(cell.text, fields) is None or _heading(row, pos, st)):
            # 金额(万元) heading the values under it; 项目资金(万元) heading the rows it spans
            for col in range(cell.col, cell.col + cell.col_span):
                st.grid_units[(row.table.id, col)] = unit
            for r in range(cell.row, cell.row + cell.row_span):
                st.grid_units[(row.table.id, -1 - r)] = unit
    for pos, cell in enumerate(row.cells):
        m = match_field(cell.text, fields)
        if m is None and cell.row == row.index:
            from extract.mapping.repair import label_run_into_value

            label_run_into_value(row, cell, st)
        if m is None or _heading(row, pos, st):
            continue
        if m.field.key in st.grid and st.grid[m.field.key].source is not None and \
                m.quality <= st.grid_quality.get(m.field.key, 1.0):
            continue  # read already; a better label later (公务用车购置费 after an ambiguous 公务用车费) takes it over
        value = _value_cell(row, pos, st)
        if value is None:
            st.grid[m.field.key] = read_value(row.table, None, m.field.type)
            continue
        unit = _grid_unit(m.field, cell, value, row, st) if m.field.type == "money" else None
        st.grid[m.field.key] = read_value(row.table, value, m.field.type, m.quality, unit)
        st.grid_cells[m.field.key] = (cell, value)
        st.grid_quality[m.field.key] = m.quality


def starts_grid(row: Row, st: ReadState) -> bool:
    """A row whose first own cell is a grid label not read yet: the list above has ended."""
    own = [c for c in _own(row) if not is_blank(c.text)]
    if not own:
        return False
    m = match_field(own[0].text, st.decl.grid_fields(), GRID_LABEL_ENDS_LIST)
    return m is not None and m.field.key not in st.grid


def read_rows(rows: list[Row], decl: FormDecl, note_unit: str | None = None, lead: list[Row] | None = None) -> ReadState:
    """``lead``: rows above the instance's start in its table (a header): only their column units are read."""
    st = ReadState(decl=decl, note_unit=note_unit)
    for row in lead or ():
        for cell in row.cells:
            if (unit := label_unit(cell.text)) and match_field(cell.text, decl.grid_fields()) is None:
                for col in range(cell.col, cell.col + cell.col_span):
                    st.grid_units[(row.table.id, col)] = unit
    for row in rows:
        if not row.cells:
            continue
        own = [c for c in _own(row) if not is_blank(c.text)]
        if len(own) == 1 and (u := unit_of_note(own[0].text)) and len(own[0].text.strip()) <= UNIT_ROW_CHARS:
            st.note_unit = u  # 单位：万元 printed as the table's first row
            continue
        st.pages.update(c.page for c in _own(row))
        header = next((h for p in decl.rows_parts() if (h := match_header(row, p)) is not None), None)
        if header is None and st.header is not None:
            header = _extend_header(row, st.header)
        if header is not None:
            st.header = header
            st.seen_lists.update(header.part.sides or (header.part.key,))
            continue
        if st.header is not None and not starts_grid(row, st):
            read_item(row, st)
            continue
        st.header = None
        read_grid_row(row, st)
        st.grid_rows.append(row)
    from extract.mapping.position import fill_by_position

    fill_by_position(st.grid_rows, st)
    from extract.mapping.sibling_units import infer_sibling_units

    infer_sibling_units(st)
    return st
