"""Section readers of 部门整体预算绩效目标表: label/value grid, goals, task lists.

Each reader takes the rows of one section (already attributed by the form module) and returns typed
values; the label/value grid reads "label cell, value cell to its right" and "label above, value below".
"""
from __future__ import annotations

from typing import Any
from dataclasses import dataclass, field

from extract.mapping.coerce import collapse_ws, count_value, is_blank, money_value, split_goals
from extract.mapping.fields import (
    INFERRED_QUALITY, SHARED_CELL_QUALITY, clamp, count_field, join_text, money_field, source_of, text_field,
)
from extract.mapping.header_align import POSITION_QUALITY, align_header, is_amount, list_end
from extract.mapping.decl_load import load_form
from extract.mapping.labels import DEPARTMENT_FORM, KV_FIELDS, KV_GROUPS, SECTIONS, TASK_DECLS, label_unit, match_label
from extract.mapping.rows import Row, XSpans, align_by_x, header_spans
from extract.mapping.units import column_units
from extract.types import Cell, Table
from models.budget import Task
from models.fields import Field, Money, Source

# A label is short; a longer text between two grid fields is a value (as position.MAX_LABEL_CHARS).
MAX_POSITION_LABEL = 12
DECL = load_form(DEPARTMENT_FORM)
COUNT_KEYS = ("staff_count", "subordinate_units")
TEXT_KEYS = ("department", "competent_department")
MONEY_KEYS = ("basic_expenditure", "project_expenditure", "fiscal_appropriation", "other_funds",
              "special_funds", "other_development_expenditure", "municipal_funds", "transfer_funds")


def is_label(text: str) -> bool:
    """True when ``text`` is any label of the form (a field, a group heading, a section)."""
    return any(match_label(text, v) for v in (KV_FIELDS, KV_GROUPS, SECTIONS))


# ------------------------------------------------------------------ label / value grid

@dataclass
class KvResult:
    fields: dict[str, Field[Any]] = field(default_factory=dict)
    units: dict[tuple[str, int], str] = field(default_factory=dict)  # (table id, column) -> 万元|元
    cells: dict[str, tuple[Cell, Cell]] = field(default_factory=dict)  # key -> (label, value) cells
    rows: list[tuple[Row, int, str | None]] = field(default_factory=list)  # grid rows, first column, unit


def _value_cell(row: Row, pos: int) -> Cell | None:
    """The value of the label at ``row.cells[pos]``: the filled cell to its right, else a filled cell
    below it (header row with values under it), else the blank cell to its right (a blank value)."""
    label = row.cells[pos]
    right = row.cells[pos + 1] if pos + 1 < len(row.cells) else None
    if right is not None and is_label(right.text):
        right = None
    if right is not None and not is_blank(right.text):
        return right
    below = row.table.cell_at(label.row + label.row_span, label.col)
    if below is not None and below is not label and not is_blank(below.text) and not is_label(below.text):
        return below
    return right


def _is_field_label(text: str) -> bool:
    m = match_label(text, KV_GROUPS)
    return not (m and m.key == "amount_header") and match_label(text, KV_FIELDS) is not None


def _record_units(row: Row, result: KvResult) -> None:
    units = column_units(row.cells, row.table.n_cols, _is_field_label)  # shared with every form (units.py)
    result.units.update({(row.table.id, col): u for col, u in units.items()})


def _money_unit(table: Table, label: Cell, value: Cell, units: dict[tuple[str, int], str],
                section_unit: str | None) -> str | None:
    return units.get((table.id, value.col)) or label_unit(label.text) or section_unit


def read_kv_row(row: Row, start: int, result: KvResult, section_unit: str | None = None) -> None:
    """Read every ``label -> value`` pair of ``row.cells[start:]`` into ``result``."""
    _record_units(row, result)
    result.rows.append((row, start, section_unit))
    cells = row.cells
    for pos in range(start, len(cells)):
        m = match_label(cells[pos].text, KV_FIELDS)
        if m is not None and m.quality < 1.0 and m.key in result.fields:
            # a weak match to a field read already: the label may be a neighbour's (主管部门名称 is as near
            # 部门名称 as 主管部门); the fields not read yet decide
            m = match_label(cells[pos].text, {k: v for k, v in KV_FIELDS.items() if k not in result.fields})
        if m is None or (m.key in result.fields and result.fields[m.key].source is not None):
            continue
        group = match_label(cells[pos].text, KV_GROUPS)
        if group is not None and group.quality >= m.quality:
            continue  # 事业发展性支出 heads a block; it is not 其他事业发展性支出 misread
        _take(row, m.key, cells[pos], _value_cell(row, pos), m.quality, result, section_unit)


def _take(row: Row, key: str, label: Cell, value: Cell | None, quality: float, result: KvResult,
          section_unit: str | None) -> None:
    table = row.table
    if value is None:
        result.fields[key] = Money() if key in MONEY_KEYS else Field()
        return
    result.cells[key] = (label, value)
    if key in MONEY_KEYS:
        unit = _money_unit(table, label, value, result.units, section_unit)
        result.fields[key] = money_field(table, value, unit, quality)
    elif key in COUNT_KEYS:
        result.fields[key] = count_field(table, value, quality)
    else:
        result.fields[key] = text_field(table, value, quality)


def fill_by_position(result: KvResult) -> None:
    """Grid fields worded past recognition (其他收入 for 其他资金), told by their place: each run of declared
    fields not found, between two found ones, takes the label -> value pairs left between those two fields'
    cells in reading order, when the counts agree (as :mod:`extract.mapping.position` for declared forms)."""
    keys = list(KV_FIELDS)
    seq = [(row, pos, unit) for row, start, unit in result.rows for pos in range(start, len(row.cells))
           if row.cells[pos].row == row.index and not is_blank(row.cells[pos].text)]
    where = {id(row.cells[pos]): n for n, (row, pos, _) in enumerate(seq)}
    claimed = {id(c) for pair in result.cells.values() for c in pair}
    found = [n for n, k in enumerate(keys) if k in result.cells]
    for lo, hi in zip([-1] + found, found + [len(keys)]):
        missing = [k for k in keys[lo + 1:hi] if result.fields.get(k, Field()).source is None]
        if not missing:
            continue
        start = where.get(id(result.cells[keys[lo]][1]), -1) if lo >= 0 else -1
        end = where.get(id(result.cells[keys[hi]][0]), len(seq)) if hi < len(keys) else len(seq)
        pairs = _free_pairs([x for n, x in enumerate(seq) if start < n < end and id(x[0].cells[x[1]]) not in claimed])
        if len(pairs) != len(missing):  # the optional fields (a block some cities leave out) not printed
            missing = [k for k in missing if k not in OPTIONAL_GRID]
        if pairs and len(pairs) == len(missing):
            for key, (row, pos, unit) in zip(missing, pairs):
                _take(row, key, row.cells[pos], row.cells[pos + 1], POSITION_QUALITY, result, unit)


OPTIONAL_GRID = frozenset(f.key.split(".")[-1] for f in DECL.grid_fields() if f.optional)


def _free_pairs(seq: list[tuple[Row, int, str | None]]) -> list[tuple[Row, int, str | None]]:
    """Unclaimed label -> value pairs: a short label-like cell no vocabulary names, a filled cell right of it."""
    out: list[tuple[Row, int, str | None]] = []
    for row, pos, unit in seq:
        cell = row.cells[pos]
        right = row.cells[pos + 1] if pos + 1 < len(row.cells) else None
        text = cell.text.strip()
        if (len(text) > MAX_POSITION_LABEL or is_amount(text) or label_unit(text) or is_label(text)
                or cell.row != row.index or right is None or is_blank(right.text) or is_label(right.text)
                or label_unit(right.text) or cell.row_span > right.row_span):
            continue
        if out and out[-1][0] is row and out[-1][1] + 1 == pos:
            continue  # the value of the pair before
        out.append((row, pos, unit))
    return out


# ------------------------------------------------------------------ goals

def read_goals(parts: list[tuple[Table, Cell]]) -> list[Field[str]]:
    """总体绩效目标: the value cells in order, split into numbered goals; each sourced from its cell."""
    goals: list[Field[str]] = []
    pending: list[tuple[Table, Cell]] = []
    for table, cell in parts:
        if not is_blank(cell.text):
            pending.append((table, cell))
    if not pending:
        return goals
    text = "\n".join(c.text for _, c in pending)
    offsets, pos = [], 0
    for table, cell in pending:
        offsets.append((pos, table, cell))
        pos += len(cell.text) + 1
    if len(pending) > 1 and len(split_goals(text)) == 1:  # unnumbered goals, one per cell
        return [Field[str](value=collapse_ws(c.text), raw=c.text.strip(), confidence=clamp(c.confidence),
                           source=source_of(t, c)) for t, c in pending]
    cursor = 0
    for goal in split_goals(text):
        found = text.find(goal.split(" ")[0], cursor)
        cursor = max(found, cursor)
        table, cell = next((t, c) for off, t, c in reversed(offsets) if off <= cursor)
        goals.append(Field[str](value=goal, raw=goal, confidence=clamp(cell.confidence),
                                source=source_of(table, cell)))
    return goals


# ------------------------------------------------------------------ tasks

@dataclass(frozen=True)
class TaskHeader:
    table_id: str
    n_cols: int
    roles: dict[int, str]  # column -> seq|name|content|amount|expected_outcome
    quality: dict[str, float]
    unit: str | None
    spans: XSpans = ()  # header cells' x ranges, to read a continuation on the next page
    unexplained: int = 0  # filled header cells that took no column: an optional column may be among them
    strong: int = 0  # header cells whose label names a column


def task_header(row: Row, start_col: int) -> TaskHeader | None:
    """A task header row (名称 + 主要实施内容/拟投入的资金 ...), or None; its columns aligned by label,
    place and the type of the values under them (:mod:`~extract.mapping.header_align`)."""
    cells = [c for c in row.cells if c.col >= start_col and c.row == row.index]
    found = align_header(cells, TASK_DECLS, row.table, row.index, list_end([c for c in row.cells if c.col < start_col], row.index))
    if found is None or "name" not in found.roles or len(found.roles) < 2:
        return None
    roles = {cell.col: key for key, cell in found.roles.items()}
    amount = found.roles.get("amount")
    return TaskHeader(row.table.id, row.table.n_cols, roles, found.quality,
                      label_unit(amount.text) if amount is not None else None, header_spans(found.roles),
                      found.unexplained, found.strong)


def _task_by_header(row: Row, header: TaskHeader, cells: dict[str, Cell | None] | None = None,
                    factor: float = 1.0) -> Task | None:
    table = row.table
    if cells is None:
        cells = {role: row.at(col) for col, role in header.roles.items()}
    if all(c is None or is_blank(c.text) for c in cells.values()):
        return None
    q = {k: v * factor for k, v in header.quality.items()}
    outcome = text_field(table, cells.get("expected_outcome"), q.get("expected_outcome", factor))
    return Task(
        seq=count_field(table, cells.get("seq"), q.get("seq", factor)),
        name=text_field(table, cells.get("name"), q.get("name", factor)),
        content=text_field(table, cells.get("content"), q.get("content", factor)),
        amount=money_field(table, cells.get("amount"), header.unit, q.get("amount", factor)),
        expected_outcome=outcome if "expected_outcome" in header.roles.values() or not header.unexplained
        else absent_field(row),
    )


def absent_field(row: Row) -> Field[str]:
    """An optional column the header may print under a label no match or place told: its value is not
    known to be blank, so it is no confident blank (its source names the row it is missing from)."""
    return Field[str](confidence=0.0, source=Source(table=row.table.id, page=row.page))


def _task_inferred(row: Row, start_col: int, unit: str | None) -> Task | None:
    """A task row with no header to read it by: 序号 first when it is an integer, the amount last."""
    table = row.table
    cells = [c for c in row.cells if c.col >= start_col]
    if all(is_blank(c.text) for c in cells):
        return None
    seq_cell = None
    if cells and count_value(cells[0].text)[0] is not None and len(cells[0].text.strip()) <= 4:
        seq_cell, cells = cells[0], cells[1:]
    amount_cell = None
    for i in range(len(cells) - 1, -1, -1):
        if is_blank(cells[i].text):
            continue
        if money_value(cells[i].text, unit)[1] == 1.0:
            amount_cell, cells = cells[i], cells[:i]
        break
    texts = [c for c in cells if not is_blank(c.text)]
    name_cell = texts[0] if texts else None
    content_cell = texts[1] if len(texts) > 1 else None
    return Task(
        seq=count_field(table, seq_cell, INFERRED_QUALITY),
        name=text_field(table, name_cell, INFERRED_QUALITY),
        content=text_field(table, content_cell, INFERRED_QUALITY),
        amount=money_field(table, amount_cell, unit, INFERRED_QUALITY),
        expected_outcome=Field[str](),
    )


@dataclass
class TaskList:
    tasks: list[Task] = field(default_factory=list)


def read_task_row(row: Row, start_col: int, header: TaskHeader | None, last: TaskHeader | None,
                  out: TaskList) -> None:
    """One data row of a task section, read by this table's header, else by position."""
    aligned = None
    if last is not None and (header is None or header.table_id != row.table.id):
        aligned = align_by_x([c for c in row.cells if c.col >= start_col], last.spans)
    if header is not None and header.table_id == row.table.id:
        task = _task_by_header(row, header)
    elif aligned and "name" in aligned and last is not None:
        task = _task_by_header(row, last, {r: aligned.get(r) for r in last.roles.values()}, INFERRED_QUALITY)
    else:
        task = _task_inferred(row, start_col, last.unit if last else None)
    if task is not None and out.tasks and _continues_task(out.tasks[-1], task, row):
        out.tasks[-1] = _join_tasks(out.tasks[-1], task)
    elif task is not None:
        out.tasks.append(_doubt_shared_cell(task))


_TASK_TEXTS = ("name", "content", "expected_outcome")


def _continues_task(prev: Task, task: Task, row: Row) -> bool:
    """``task`` is the rest of ``prev`` cut by a page break (a row printed on two pages): the first task
    on a later page, with no 序号 and no amount, and a text column left blank where ``prev``'s holds text
    (a cut row goes on only in the cells whose text did not fit; a new task fills its name and content)."""
    page = prev.name.source.page if prev.name.source is not None else None
    if page is None or row.page <= page or task.seq.value is not None or task.amount.value is not None:
        return False
    texts = [(getattr(prev, k).value, getattr(task, k).value) for k in _TASK_TEXTS]
    return any(p and not t for p, t in texts) and any(t for _, t in texts)


def _join_tasks(prev: Task, rest: Task) -> Task:
    return prev.model_copy(update={k: join_text(getattr(prev, k), getattr(rest, k))
                                   for k in _TASK_TEXTS if getattr(rest, k).value})


def _doubt_shared_cell(task: Task) -> Task:
    name, content = task.name, task.content
    if name.value is None or content.value is None or name.source is None or name.source != content.source:
        return task
    return task.model_copy(update={k: f.model_copy(update={"confidence": round(f.confidence * SHARED_CELL_QUALITY, 4)})
                                   for k, f in (("name", name), ("content", content))})


def number_tasks(tasks: list[Task]) -> list[Task]:
    """Tasks without a printed 序号 get their 1-based order (confidence of their name cell)."""
    out = []
    for i, task in enumerate(tasks, start=1):
        if task.seq.source is None and task.seq.value is None:
            conf = task.name.confidence if task.name.source else 1.0
            task = task.model_copy(update={"seq": Field[int](value=i, confidence=conf)})
        out.append(task)
    return out

