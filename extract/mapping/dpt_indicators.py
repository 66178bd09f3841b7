"""绩效指标 rows -> Indicator models.

Columns are read by their header (一级指标 二级指标 三级指标 [三级指标解释] [对比符号] 指标值 or
实施周期指标值 + 年度指标值 [计量单位]); a table continued without its header is read by the last header
when it has the same number of columns. level1/level2 come from merged cells through the dense grid, and
are filled down from the previous row when a continuation cell is blank.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from extract.mapping.coerce import is_blank, normalise_comparator, parse_target
from extract.mapping.fields import SHARED_CELL_QUALITY, join_text, text_field, value_field
from extract.mapping.header_align import align_header, list_end, section_labels
from extract.mapping.labels import INDICATOR_COLUMNS, INDICATOR_DECLS, match_label
from extract.mapping.rows import Row, XSpans, align_by_x, header_spans
from extract.types import Cell, Table
from models.budget import Indicator
from models.fields import Field

# A level filled down from the row above through a blank (unmerged) cell.
FILL_DOWN_QUALITY = 0.95
# ... on a scan: there the blank may be a label OCR lost (faded, under a seal, a merged cell's ruling missed
# so its label went to the row above); measured on harsh scans, 1 of 5 filled-down levels was wrong.
OCR_FILL_DOWN_QUALITY = 0.8
_LEVEL_KEYS = ("level1", "level2", "level3")


@dataclass(frozen=True)
class IndicatorHeader:
    n_cols: int
    table_id: str
    roles: dict[str, int]  # role -> column
    quality: dict[str, float]
    spans: XSpans = ()  # header cells' x ranges, to read a continuation with another grid
    unexplained: int = 0  # filled header cells that took no column


def indicator_header(row: Row, previous: IndicatorHeader | None = None) -> IndicatorHeader | None:
    """An indicator header row (at least two of 一级/二级/三级指标), or the second row of a two-row header."""
    found = align_header(row.cells, INDICATOR_DECLS, row.table, row.index, list_end(section_labels(row.cells), row.index))
    # two levels named, even weakly (一级, 二级 for 一级指标, 二级指标); under this table's header, only a
    # header as strong as a repeated one: an indicator row's 效益指标 is as near 一级指标
    fresh = previous is None or previous.table_id != row.table.id
    if found is not None and sum(k in found.labelled for k in _LEVEL_KEYS) >= 2 and (found.strong >= 2 or fresh):
        return IndicatorHeader(row.table.n_cols, row.table.id, {k: c.col for k, c in found.roles.items()},
                               found.quality, header_spans(found.roles), found.unexplained)
    roles: dict[str, int] = {}
    quality: dict[str, float] = {}
    by_role: dict[str, Cell] = {}
    for cell in row.cells:
        m = match_label(cell.text, INDICATOR_COLUMNS)
        if m and m.key not in roles:
            roles[m.key] = cell.col
            quality[m.key] = m.quality
            by_role[m.key] = cell
    target_keys = {"period_target", "annual_target"}
    if previous and previous.table_id == row.table.id and roles and set(roles) <= target_keys | {"unit"}:
        if all(not is_blank(c.text) and match_label(c.text, INDICATOR_COLUMNS) for c in row.cells
               if c.col >= min(roles.values())):
            merged = {k: v for k, v in previous.roles.items() if k not in target_keys or k in roles}
            spans = tuple(sp for sp in previous.spans if sp[2] in merged) + header_spans(by_role)
            return IndicatorHeader(previous.n_cols, previous.table_id, {**merged, **roles},
                                   {**previous.quality, **quality}, spans)
    return None


def looks_like_indicator_row(row: Row) -> bool:
    """A row whose first cells read like indicator levels (产出指标, 数量指标 ...)."""
    texts = [c.text.strip() for c in row.cells[:3]]
    return any(t.endswith("指标") and len(t) <= 10 for t in texts)


@dataclass
class IndicatorState:
    header: IndicatorHeader | None = None
    level1: Field[str] | None = None
    level2: Field[str] | None = None
    items: list[Indicator] = field(default_factory=list)
    # level -> (table id, items) under a blank merged level cell whose label is printed on the next page
    pending: dict[str, tuple[str, list[int]]] = field(default_factory=dict)


def _opens_unlabelled_group(cell: Cell | None, row: Row) -> bool:
    """A blank level cell merged down from this row: a new group whose label the page break moved into the
    part of the cell on the next page (its text is centred in the whole merged cell)."""
    return cell is not None and cell.row == row.index and cell.row_span > 1 and is_blank(cell.text)


def _track_levels(row: Row, cells: dict[str, Cell | None], state: IndicatorState) -> None:
    """Before the row's levels are read: a group opened blank waits for its label; a label printed in the
    next table's first rows (the merged cell's continuation) is given back to that group's items."""
    for key in ("level1", "level2"):
        cell = cells.get(key)
        pend = state.pending.get(key)
        if pend is not None and cell is not None and not is_blank(cell.text):
            table_id, items = state.pending.pop(key)
            if row.table.id != table_id and row.index == min(c.row for c in row.table.cells):
                fld = text_field(row.table, cell, FILL_DOWN_QUALITY)
                for n in items:
                    state.items[n] = state.items[n].model_copy(update={key: fld})
        if _opens_unlabelled_group(cell, row):
            state.pending[key] = (row.table.id, [])
            setattr(state, key, None)


def _level(row: Row, header: IndicatorHeader, key: str, cell: Cell | None, last: Field[str] | None) -> Field[str]:
    if cell is not None and match_label(cell.text, INDICATOR_COLUMNS) is not None:
        cell = None  # the header cell itself (merged down over a row whose label was lost): no level
    fld = text_field(row.table, cell, header.quality.get(key, 1.0))
    if fld.value is None and last is not None and last.value is not None:
        factor = OCR_FILL_DOWN_QUALITY if _table_read_by_ocr(row.table) else FILL_DOWN_QUALITY
        return last.model_copy(update={"confidence": round(last.confidence * factor, 4)})
    if fld.value is not None and not _level_like(fld.value):
        # 一级/二级指标 come from a fixed national vocabulary, all "…指标": anything else is a misread
        # or a row of something else (measured: a heading of the next table read into the grid on scans)
        return fld.model_copy(update={"confidence": round(fld.confidence * UNKNOWN_LEVEL_QUALITY, 4)})
    return fld


UNKNOWN_LEVEL_QUALITY = 0.5


def _level_like(text: str) -> bool:
    return "".join(text.split()).endswith("指标")


def _foreign_row(cells: dict[str, Cell | None]) -> bool:
    """Both level cells hold text with no trace of 指标: a row of another table (收入/支出, 部门收支总表)
    run into the indicator grid, not an indicator."""
    texts = [c.text for c in (cells.get("level1"), cells.get("level2")) if c is not None and c.text.strip()]
    return len(texts) == 2 and not any("指" in t or "标" in t for t in texts)


def _row_cells(row: Row, header: IndicatorHeader) -> dict[str, Cell | None]:
    """role -> cell: by column in the header's grid, by x overlap on a continuation with another grid."""
    if row.table.id != header.table_id and row.table.n_cols != header.n_cols and header.spans:
        aligned = align_by_x(list(row.cells), header.spans)
        if aligned is not None:
            return {k: aligned.get(k) for k in header.roles}
    return {k: row.at(c) for k, c in header.roles.items()}


OCR_SYMBOL_QUALITY = 0.85
OCR_IMPLIED_QUALITY = 0.9
# What a faded or blurred ≥/≤ leaves when OCR'd: its underline lost (> <) or its strokes run together (=).
# Measured on harsh scans: 7 of 31 such readings were a ≥ in print, while no ≥/≤ read was wrong.
OCR_STROKE_LOSS = frozenset({">", "<", "="})
OCR_STROKE_LOSS_QUALITY = 0.6


def _read_by_ocr(cell: Cell | None) -> bool:
    return cell is not None and cell.read_by_ocr  # serialized evidence: the same after a JSON round trip


def _table_read_by_ocr(table: Table) -> bool:
    return any(_read_by_ocr(c) for c in table.cells)


def _targets(row: Row, header: IndicatorHeader, cells: dict[str, Cell | None]) -> dict[str, Field[str]]:
    table, q = row.table, header.quality
    annual, period = cells.get("annual_target"), cells.get("period_target")
    target_cell = annual if annual is not None and not is_blank(annual.text) else period
    target_text = target_cell.text if target_cell is not None else ""
    cmp_cell, unit_cell = cells.get("comparator"), cells.get("unit")
    printed_cmp = normalise_comparator(cmp_cell.text) if cmp_cell is not None else None
    tq = q.get("annual_target", 1.0)
    parsed = parse_target(target_text, unit_cell.text if unit_cell is not None else None, printed_cmp)
    comparator = printed_cmp or parsed.comparator
    vmin, vmax = parsed.value_min, parsed.value_max
    if "unit" in header.roles:
        unit_text = None if unit_cell is None or is_blank(unit_cell.text) else unit_cell.text.strip()
        unit_field = value_field(table, unit_cell, unit_text, q.get("unit", 1.0))
    else:
        unit_field = value_field(table, target_cell, parsed.unit, tq)
    cmp_source = cmp_cell if printed_cmp is not None else target_cell
    cmp_quality = q.get("comparator", tq)
    if _read_by_ocr(cmp_source):
        # OCR confuses ≥/≤/= with high scores (measured on harsh scans): a symbol read, or one implied
        # by its absence, is less sure than the score says
        cmp_quality *= OCR_SYMBOL_QUALITY if printed_cmp is not None else OCR_IMPLIED_QUALITY
        if comparator in OCR_STROKE_LOSS:
            cmp_quality *= OCR_STROKE_LOSS_QUALITY
    return {
        "comparator": value_field(table, cmp_source, comparator, cmp_quality),
        "value_min": value_field(table, target_cell, vmin, tq),
        "value_max": value_field(table, target_cell, vmax, tq),
        "unit": unit_field,
    }


def _target_text(table: Table, cell: Cell | None, quality: float) -> Field[str]:
    """A target as printed; OCR'd, one that opens with what a faded ≥/≤ leaves is as doubtful as that symbol."""
    fld = text_field(table, cell, quality)
    if fld.value and _read_by_ocr(cell) and fld.value.lstrip()[:1] in OCR_STROKE_LOSS:
        return fld.model_copy(update={"confidence": round(fld.confidence * OCR_STROKE_LOSS_QUALITY, 4)})
    return fld


def read_indicator_row(row: Row, state: IndicatorState) -> None:
    """One data row under ``state.header``; rows with no 三级指标 and no target only move the levels."""
    header = state.header
    if header is None:
        return
    table = row.table
    cells = _row_cells(row, header)
    if _foreign_row(cells):
        state.header = None  # the indicator grid ended; what follows belongs to another table
        return
    _track_levels(row, cells, state)
    state.level1 = _level(row, header, "level1", cells.get("level1"), state.level1)
    state.level2 = _level(row, header, "level2", cells.get("level2"), state.level2)
    level3 = text_field(table, cells.get("level3"), header.quality.get("level3", 1.0))
    annual = _target_text(table, cells.get("annual_target"), header.quality.get("annual_target", 1.0))
    period = _target_text(table, cells.get("period_target"), header.quality.get("period_target", 1.0))
    if level3.value is None and annual.value is None and period.value is None:
        return
    if "period_target" in header.roles and "annual_target" not in header.roles:
        annual, period = period, Field[str]()  # one value column, whatever its label says
    if level3.value is None and state.items and _cut_by_page(state.items[-1], row):
        state.items[-1] = _join_rest(state.items[-1], annual, period)
        return
    explanation = text_field(table, cells.get("explanation"), header.quality.get("explanation", 1.0))
    if header.unexplained:  # a header cell no label or place told may be the optional column
        from extract.mapping.dpt_sections import absent_field

        explanation = explanation if "explanation" in header.roles else absent_field(row)
        period = period if len({"period_target", "annual_target"} & set(header.roles)) == 2 else absent_field(row)
    item = Indicator(
        level1=state.level1, level2=state.level2, level3=level3, explanation=explanation,
        annual_target=annual, period_target=period, **_targets(row, header, cells),
    )
    for key, (_, waiting) in state.pending.items():
        waiting.append(len(state.items))
        if getattr(item, key).value is None:  # its label is not known yet: no confident blank
            item = item.model_copy(update={key: getattr(item, key).model_copy(update={"confidence": 0.0})})
    state.items.append(_doubt_shared_cells(item, cells))


_TEXT_ROLES = ("level3", "explanation", "annual_target", "period_target", "comparator", "unit")


def _cut_by_page(prev: Indicator, row: Row) -> bool:
    """A row with targets but no 三级指标, the first on a later page than the indicator before it: that
    indicator's row cut by the page break, its long target going on (an indicator always names itself)."""
    page = prev.level3.source.page if prev.level3.source is not None else None
    return page is not None and row.page > page


def _join_rest(prev: Indicator, annual: Field[str], period: Field[str]) -> Indicator:
    return prev.model_copy(update={key: join_text(getattr(prev, key), rest)
                                   for key, rest in (("annual_target", annual), ("period_target", period))
                                   if rest.value and getattr(prev, key).value})


def _doubt_shared_cells(item: Indicator, cells: dict[str, Cell | None]) -> Indicator:
    seen: dict[tuple[int, int], int] = {}
    for role in _TEXT_ROLES:
        c = cells.get(role)
        if c is not None and c.text.strip():
            seen[(c.row, c.col)] = seen.get((c.row, c.col), 0) + 1
    shared = [list(pos) for pos, n in seen.items() if n > 1]
    if not shared:
        return item
    update = {}
    for name, fld in item:
        src = fld.source
        if src is not None and any(list(cell) in shared for cell in src.cells) and name not in ("level1", "level2"):
            update[name] = fld.model_copy(update={"confidence": round(fld.confidence * SHARED_CELL_QUALITY, 4)})
    return item.model_copy(update=update)
