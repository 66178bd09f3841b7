"""Grid fields told by their place: a label worded past recognition (主管单位 for 主管部门, 项目总投入 for
年度资金总额) sits where the declaration puts it, between the fields declared before and after it.

After the labels are read, each run of declared fields that were not found, between two that were (or
the instance's start and end), is matched to the label -> value pairs printed between those two fields'
cells in reading order; when the counts agree they are taken in order, with ``POSITION_QUALITY``.
"""
from __future__ import annotations

from extract.mapping.coerce import is_blank, parse_decimal
from extract.mapping.decl import FieldDecl
from extract.mapping.generic import POSITION_QUALITY, ReadState, _grid_unit, _heading, _past_blank
from extract.mapping.rows import Row
from extract.mapping.values import read_value
from extract.types import Cell

_NUMERIC = ("money", "int", "decimal", "percent")
# A label is short; a longer text between two fields is a value (a goal, a name).
MAX_LABEL_CHARS = 12


def _sequence(rows: list[Row], st: ReadState) -> list[tuple[Row, int]]:
    """(row, position in row.cells) of every cell the grid rows start, in reading order."""
    return [(r, i) for r in rows for i, c in enumerate(r.cells) if c.row == r.index and not is_blank(c.text)]


def _pairs(seq: list[tuple[Row, int]], st: ReadState) -> list[tuple[Row, Cell, Cell]]:
    """label -> value pairs among unclaimed cells: a short non-numeric cell and the cell right of it."""
    out = []
    i = 0
    while i < len(seq):
        row, pos = seq[i]
        cell = row.cells[pos]
        right = row.cells[pos + 1] if pos + 1 < len(row.cells) else None
        if right is not None and is_blank(right.text):
            right = _past_blank(row, pos, st) or right
        label_like = len(cell.text.strip()) <= MAX_LABEL_CHARS and parse_decimal(cell.text)[0] is None
        if _heading(row, pos, st) or not label_like or right is None or is_blank(right.text):
            i += 1
            continue
        out.append((row, cell, right))
        i += 2 if i + 1 < len(seq) and seq[i + 1][0] is row and row.cells[seq[i + 1][1]] is right else 1
    return out


def fill_by_position(rows: list[Row], st: ReadState) -> None:
    fields = st.decl.grid_fields()
    found = {k for k, f in st.grid.items() if f.source is not None}
    seq = _sequence(rows, st)
    index = {id(rows_cell): n for n, (r, p) in enumerate(seq) for rows_cell in (r.cells[p],)}
    claimed = {id(c) for lv in st.grid_cells.values() for c in lv}
    bounds = [-1] + [n for n, f in enumerate(fields) if f.key in found] + [len(fields)]
    for lo, hi in zip(bounds, bounds[1:]):
        missing = fields[lo + 1:hi]
        if not missing:
            continue
        start = index.get(id(st.grid_cells[fields[lo].key][1]), -1) if lo >= 0 else -1
        end = index.get(id(st.grid_cells[fields[hi].key][0]), len(seq)) if hi < len(fields) else len(seq)
        between = [(r, p) for n, (r, p) in enumerate(seq) if start < n < end and id(r.cells[p]) not in claimed]
        pairs = _pairs(between, st)
        if len(pairs) != len(missing) and all(f.type in _NUMERIC for f in missing):
            # amounts are missing: a pair whose value is no number is a header (项目 | 预算数), not one of them
            pairs = [p for p in pairs if parse_decimal(p[2].text)[0] is not None]
        if len(pairs) != len(missing):
            continue
        for fd, (row, label, value) in zip(missing, pairs):
            _take(fd, row, label, value, st)


def _take(fd: FieldDecl, row: Row, label: Cell, value: Cell, st: ReadState) -> None:
    unit = _grid_unit(fd, label, value, row, st) if fd.type == "money" else None
    st.grid[fd.key] = read_value(row.table, value, fd.type, POSITION_QUALITY, unit)
    st.grid_cells[fd.key] = (label, value)
