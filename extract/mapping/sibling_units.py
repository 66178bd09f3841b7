"""A money field printed with no unit takes the unit its sibling amounts state, when they all agree.

A form prints 年度资金总额（合计） beside 其中：财政拨款（万元） and 其他资金（万元）: the author put a remark in
the first label's brackets and left the unit out. Read alone it would be 元 at a low confidence
(``fields.UNKNOWN_UNIT_QUALITY``); the amounts of one grid part are in one unit on every form we know, so
the stated unit of the others is taken, at ``INFERRED_QUALITY`` (inferred, not printed). Amounts whose
siblings disagree, or that have no sibling with a unit, are left as read.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from extract.mapping.fields import INFERRED_QUALITY
from extract.mapping.match import match_field
from extract.mapping.values import read_value

if TYPE_CHECKING:
    from extract.mapping.generic import ReadState

# A field told only by its place (``generic.POSITION_QUALITY``) keeps that quality when re-read.
PLACE_QUALITY = 0.6


def infer_sibling_units(st: ReadState) -> None:
    fields = [f for f in st.decl.grid_fields() if f.type == "money"]
    read = {f.key: st.grid[f.key] for f in fields if f.key in st.grid and st.grid[f.key].source is not None}
    units = {getattr(fl, "raw_unit", None) for fl in read.values()} - {None}
    if len(units) != 1:
        return
    unit = units.pop()
    for f in fields:
        fl = read.get(f.key)
        if fl is None or getattr(fl, "raw_unit", None) is not None or f.key not in st.grid_cells:
            continue
        label, value = st.grid_cells[f.key]
        row = next((r for r in st.grid_rows if any(c is value for c in r.cells)), None)
        if row is None:
            continue
        m = match_field(label.text, st.decl.grid_fields())
        quality = m.quality if m is not None and m.field.key == f.key else PLACE_QUALITY
        st.grid[f.key] = read_value(row.table, value, "money", quality * INFERRED_QUALITY, unit)
