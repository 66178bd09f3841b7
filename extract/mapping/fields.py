"""Cells -> Field/Money values: confidence = cell confidence x label match x parse quality."""
from __future__ import annotations

from typing import Any, Iterable

from extract.mapping.coerce import collapse_ws, count_value, is_blank, money_unit, money_value
from extract.mapping.decl import FieldDecl
from extract.mapping.rows import Row
from extract.types import Cell, Table
from models.fields import Field, Money, Source

# A value read from a column whose role was inferred (no header above it) is less certain.
INFERRED_QUALITY = 0.9
# A money value whose unit the form does not state anywhere: read as 元, flagged by lower confidence.
UNKNOWN_UNIT_QUALITY = 0.7
# One cell under two columns of different roles (三级指标 and a target; a task's 名称 and 内容): a ruling between
# them was lost, or the row is not what the columns say. What it holds belongs to both and to neither
# (measured on scans: '理赔额达标率≥85%' under two indicator columns; a '绩效指' label read as a task).
SHARED_CELL_QUALITY = 0.5


def clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def source_of(table: Table, cell: Cell) -> Source:
    return Source(table=table.id, cells=[(cell.row, cell.col)], page=cell.page)


def raw_of(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    text = cell.text.strip()
    return text or None


def text_field(table: Table, cell: Cell | None, quality: float = 1.0) -> Field[str]:
    """The cell's text (whitespace collapsed) as a Field; blank -> value None with its source kept."""
    if cell is None:
        return Field[str]()
    value = None if is_blank(cell.text) else collapse_ws(cell.text)
    return Field[str](value=value, raw=raw_of(cell), confidence=clamp(cell.confidence * quality),
                      source=source_of(table, cell))


def value_field(table: Table, cell: Cell | None, value: str | None, quality: float = 1.0) -> Field[str]:
    """A derived text value (comparator, bound, unit) sourced from ``cell``."""
    if cell is None:
        return Field[str](value=value, confidence=clamp(quality) if value is not None else 0.0)
    return Field[str](value=value, raw=raw_of(cell), confidence=clamp(cell.confidence * quality),
                      source=source_of(table, cell))


def count_field(table: Table, cell: Cell | None, quality: float = 1.0) -> Field[int]:
    if cell is None:
        return Field[int]()
    value, parse_q = count_value(cell.text)
    return Field[int](value=value, raw=raw_of(cell), confidence=clamp(cell.confidence * quality * parse_q),
                      source=source_of(table, cell))


def money_field(table: Table, cell: Cell | None, unit: str | None, quality: float = 1.0) -> Money:
    """Printed amount in ``unit`` (万元 or 元; None: not stated, read as 元 with lower confidence)."""
    if cell is None:
        return Money()
    unit = money_unit(cell.text, unit)
    value, parse_q = money_value(cell.text, unit)
    if unit is None and value is not None:
        parse_q *= UNKNOWN_UNIT_QUALITY
    raw_unit = unit if unit in ("万元", "元") else None
    return Money(value=value, raw=raw_of(cell), raw_unit=raw_unit,
                 confidence=clamp(cell.confidence * quality * parse_q), source=source_of(table, cell))


# A field the form's layout has no place for (no 三级指标解释 column, no 资金主管部门 label...) is known to
# be empty: its None is as sure as the header that told us so. A field the form should print but whose
# label was never found stays at 0.0, so it can't pass for a confident blank.
UNPRINTED_CONFIDENCE = 0.95
def _optional_keys() -> frozenset[str]:
    from extract.mapping.decl_load import load_form
    from extract.mapping.labels import DEPARTMENT_FORM

    return load_form(DEPARTMENT_FORM).optional_keys()


OPTIONAL_KEYS = _optional_keys()  # the department form's optional fields, from its declaration


def join_text(a: Field[Any], b: Field[Any]) -> Field[Any]:
    """A text field cut by a page break: ``b``'s text after ``a``'s, both cells as its source, the lower
    confidence of the two."""
    cells = (a.source.cells if a.source else []) + (b.source.cells if b.source else [])
    first = a.source or b.source
    src = first.model_copy(update={"cells": cells}) if first is not None else None
    return a.model_copy(update={"value": f"{a.value or ''}{b.value}", "source": src,
                                "confidence": min(a.confidence, b.confidence)})


def run_in_labels(rows: Iterable[Row], fields: Iterable[FieldDecl]) -> frozenset[str]:
    """Optional grid fields whose label is printed run into other text (``669.84本级使用 资金``: a value and
    the next label read as one cell) in one of ``rows``: the form prints them, so their blank is no
    confident one."""
    from extract.mapping.labels import label_key

    cells = {id(c): c for r in rows for c in r.cells}  # a merged cell is in every row it spans
    keys = [k for k in (label_key(c.text) for c in cells.values()) if k]
    out = set()
    for f in fields:
        labels = [label_key(v) for v in f.labels]
        if f.optional and any(len(v) >= RUN_IN_MIN_CHARS and v in k and v != k for v in labels for k in keys):
            out.add(f.key.split(".")[-1])
    return frozenset(out)


# A label this long found inside another cell's text is that label (三个字 such as 单位数 are parts of others).
RUN_IN_MIN_CHARS = 4


def settle_unprinted(data: Any, key: str = "", optional: frozenset[str] = OPTIONAL_KEYS) -> Any:
    """Give source-less empty leaves whose key names an optional column ``UNPRINTED_CONFIDENCE``."""
    if isinstance(data, dict):
        if "value" in data and "confidence" in data:
            if data["value"] is None and data.get("source") is None and key in optional:
                return {**data, "confidence": UNPRINTED_CONFIDENCE}
            return data
        return {k: settle_unprinted(v, k, optional) for k, v in data.items()}
    if isinstance(data, list):
        return [settle_unprinted(v, key, optional) for v in data]
    return data
