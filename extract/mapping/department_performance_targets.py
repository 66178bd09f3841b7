"""Form ``department_performance_targets`` (部门整体预算绩效目标表): find each instance, read it.

An instance starts at a row whose first cell is the 部门名称 label and runs to the next such row. Its rows
come from the table holding that label and from later tables that carry the form's own labels (a 绩效指标
table printed apart, a task list continued on the next page); tables without them (收支总表 ...) and
anything after a remark (填报要求) or a foreign heading (项目名称 ...) are left out. The title and year are
the nearest title line above the 部门名称 row, and a ``(2024年)`` line between them.
"""
from __future__ import annotations

from typing import Any

import re
from dataclasses import dataclass, field, replace

from extract.mapping.dpt_indicators import (
    IndicatorState, indicator_header, looks_like_indicator_row, read_indicator_row,
)
from extract.mapping.dpt_sections import (
    KvResult, TaskHeader, TaskList, fill_by_position, number_tasks, read_goals, read_kv_row, read_task_row, task_header,
)
from extract.mapping.decl_load import load_form
from extract.mapping.dpt_place import repeats_first_row, section_by_content, sections_in
from extract.mapping.labels import DEPARTMENT_FORM, SECTIONS, is_note, label_unit, match_label
from extract.mapping.units import note_unit
from extract.mapping.rows import Line, Row
from extract.types import Cell, Table
from models.budget import Budget, DepartmentPerformanceTargets
from models.fields import Field, Source

_DECL = load_form(DEPARTMENT_FORM)
DECL_GRID = tuple(_DECL.grid_fields())
TITLE_RE = re.compile(_DECL.recognise.titles[0])  # 部门整体预算绩效目标表; not 项目支出绩效目标表
YEAR_RE = re.compile(r"((?:19|20|21)\d{2})\s*年")
YEAR_LINE_RE = re.compile(r"[(（]?\s*((?:19|20|21)\d{2})\s*年度?\s*[)）]?")
# A line this short that holds a year (编制年度：2024年) gives the year when the title has none.
YEAR_LINE_MAX = 20
REGION_RE = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:市|州|盟|县|区))")
FOREIGN_HEADINGS = tuple(_DECL.vocabulary["foreign_headings"])
# A table more than this many pages after the form's last row is not its continuation.
MAX_PAGE_GAP = 1
# Sections that, besides 部门名称, make a label grid this form when no title line says so.
MIN_SECTIONS_WITHOUT_TITLE = 2


def first_label(row: Row) -> str | None:
    m = match_label(row.cells[0].text, SECTIONS) if row.cells else None
    return m.key if m else None


def is_start(row: Row) -> bool:
    first = row.cells[0] if row.cells else None
    # an indicator header whose label cell also holds 部门名称 (a page's repeated header row run into the
    # 绩效指标 label) heads the indicators: a department row's value is a name, not 一级指标 | 二级指标
    return (first is not None and first.row == row.index and first_label(row) == "department"
            and indicator_header(row) is None)


def _titled_start(rows: list[Row], i: int, lines_by_page: dict[int, list[Line]] | None) -> bool:
    """The first row of a table under the form's title whose first label resembles 部门名称 even weakly
    (预算部门, 填报单位): the form starts there though its anchor is worded past recognition."""
    from extract.mapping.header_align import WEAK_MATCH
    from extract.mapping.labels import label_key
    from extract.mapping.match import similarity

    row = rows[i]
    first = row.cells[0] if len(row.cells) > 1 else None
    key = label_key(first.text) if first is not None else ""
    if (first is None or first.row != row.index or row.index != min(c.row for c in row.table.cells)
            or not key or len(key) > MAX_ANCHOR_CHARS or _is_foreign(row) or lines_by_page is None):
        return False
    if max(similarity(key, label_key(v)) for v in SECTIONS["department"]) < WEAK_MATCH \
            and len(sections_in(row.table)) < MIN_SECTIONS_WITHOUT_TITLE:
        return False
    return _find_title(_title_candidates(row, rows[i - 1] if i else None, lines_by_page)) is not None


# A label is short; a longer first cell is a value.
MAX_ANCHOR_CHARS = 10


def _is_foreign(row: Row) -> bool:
    text = re.sub(r"\s+", "", row.cells[0].text) if row.cells else ""
    filled = [c for c in row.cells if c.text.strip()]
    return any(text.startswith(h) for h in FOREIGN_HEADINGS) and len(filled) <= 3


def _belongs(rows: list[Row]) -> bool:
    """A later table joins the form when it carries one of the form's section labels or indicator rows,
    or when it opens with a blank first cell: the rest of a merged label cut by a page break."""
    first = rows[0].cells
    if first and not first[0].text.strip() and any(c.text.strip() for c in first):
        return True
    return any(first_label(r) not in (None, "department") or indicator_header(r) or looks_like_indicator_row(r)
               for r in rows)


def _dept_text(row: Row) -> str:
    return re.sub(r"\s+", "", row.cells[1].text) if len(row.cells) > 1 else ""


def _repeated(rows: list[Row], prev: int, i: int, lines_by_page: dict[int, list[Line]] | None) -> bool:
    """The 部门名称 row at ``i`` repeats the one at ``prev`` on a later page (a header row printed again on
    each page): the same department, the first row of its table, and no title above it but a running
    header (a line printed on the first page too, as a browser prints the document's title on each page)."""
    a, b = rows[prev], rows[i]
    if b.table is a.table or b.page <= a.page or _dept_text(a) != _dept_text(b) or not _dept_text(a):
        return False
    if b.index != min(r.index for r in rows if r.table is b.table):
        return False
    found = _find_title(_title_candidates(b, rows[i - 1], lines_by_page or {}))
    return found is None or found[0].text in {ln.text for ln in (lines_by_page or {}).get(a.page, [])}


def split_instances(rows: list[Row], lines_by_page: dict[int, list[Line]] | None = None
                    ) -> list[tuple[Row | None, list[Row]]]:
    """(the row before it in reading order, the rows of the instance) for each form instance; a 部门名称
    row repeated at the top of a page continues its instance (and is no row of it)."""
    candidates = [i for i, r in enumerate(rows) if is_start(r) or _titled_start(rows, i, lines_by_page)]
    starts: list[int] = []
    for i in candidates:
        if not (starts and _repeated(rows, starts[-1], i, lines_by_page)):
            starts.append(i)
    repeats = set(candidates) - set(starts)
    rows = [r for i, r in enumerate(rows) if i not in repeats]
    starts = [s - sum(k < s for k in repeats) for s in starts]
    out = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        out.append((rows[s - 1] if s > 0 else None, _instance_rows(rows[s:end])))
    return out


def _instance_rows(rows: list[Row]) -> list[Row]:
    first_table = rows[0].table
    kept: list[Row] = []
    by_table: dict[str, list[Row]] = {}
    order: list[Table] = []
    for r in rows:
        if r.table.id not in by_table:
            by_table[r.table.id] = []
            order.append(r.table)
        by_table[r.table.id].append(r)
    for table in order:
        trows = by_table[table.id]
        if table is not first_table:
            if not kept or min(r.page for r in trows) - max(r.page for r in kept) > MAX_PAGE_GAP:
                break
            if not _belongs(trows):
                continue
        for r in trows:
            if _is_foreign(r) or (r.cells and is_note(r.cells[0].text) and len(r.cells) == 1):
                return kept
            kept.append(r)
    return kept


# ------------------------------------------------------------------ title, region, year

def _line_field(line: Line, value: object) -> Field[Any]:
    return Field(value=value, raw=line.text, confidence=line.confidence, source=Source(page=line.page))


def _title_candidates(start: Row, prev_row: Row | None, lines_by_page: dict[int, list[Line]]) -> list[Line]:
    """Lines above the start row on its page (below the previous form), and table rows above it."""
    page, top = start.page, start.top
    floor = prev_row.bottom if prev_row is not None and prev_row.page == page else -1.0
    lines = [ln for ln in lines_by_page.get(page, []) if floor - 1 <= ln.top and ln.bottom <= top + 1]
    for idx in range(max(0, start.index - 3), start.index):
        cell = start.table.cell_at(idx, 0)
        if cell is not None and cell.row == idx and (prev_row is None or prev_row.table is not start.table
                                                     or prev_row.index < idx):
            lines.append(Line(cell.text.strip(), cell.page, cell.bbox[1], cell.bbox[3], cell.confidence))
    return sorted(lines, key=lambda ln: ln.top)


def _find_title(lines: list[Line]) -> tuple[Line, list[Line]] | None:
    """The title line nearest the table (two adjacent lines joined when the title wraps), and the lines
    between it and the table."""
    for i in range(len(lines) - 1, -1, -1):
        if TITLE_RE.search(lines[i].text):
            return lines[i], lines[i + 1:]
    for i in range(len(lines) - 2, -1, -1):
        a, b = lines[i], lines[i + 1]
        if b.top - a.bottom < (a.bottom - a.top) and TITLE_RE.search(a.text + b.text):
            return Line(a.text + b.text, a.page, a.top, b.bottom, min(a.confidence, b.confidence)), lines[i + 2:]
    return None


def _year_after(lines: list[Line]) -> Field[Any] | None:
    for ln in lines:
        text = ln.text.strip()
        m = YEAR_LINE_RE.fullmatch(text) or (YEAR_RE.search(text) if len(text) <= YEAR_LINE_MAX else None)
        if m:
            return _line_field(ln, int(m.group(1)))
    return None


def read_title(start: Row, prev_row: Row | None,
               lines_by_page: dict[int, list[Line]]) -> tuple[dict[str, Field[Any]], str | None]:
    """Title, region and year fields from the lines above the form; and a stated ``单位：万元``."""
    lines = _title_candidates(start, prev_row, lines_by_page)
    units = [u for ln in lines if (u := note_unit(ln.text))]
    found = _find_title(lines)
    if found is None:
        return {}, (units[-1] if units else None)
    title, after = found
    text = re.sub(r"\s+", "", title.text) if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", title.text) \
        else title.text.strip()
    out: dict[str, Field[Any]] = {"title": _line_field(title, text)}
    region = REGION_RE.search(re.sub(r"^[\u4e00-\u9fff]{2,3}省|\d{4}\s*年度?", " ", text))
    if region:
        out["region"] = _line_field(title, region.group(1))
    year = YEAR_RE.search(text)
    year_field = _line_field(title, int(year.group(1))) if year else _year_after(after)
    if year_field is not None:
        out["year"] = year_field
    return out, (units[-1] if units else None)


# ------------------------------------------------------------------ sections

@dataclass
class FormState:
    kv: KvResult = field(default_factory=KvResult)
    goals: list[tuple[Table, Cell]] = field(default_factory=list)
    key_tasks: TaskList = field(default_factory=TaskList)
    other_tasks: TaskList = field(default_factory=TaskList)
    task_headers: dict[str, TaskHeader] = field(default_factory=dict)  # section -> header
    indicators: IndicatorState = field(default_factory=IndicatorState)
    sections: set[str] = field(default_factory=set)
    section_units: dict[str, str | None] = field(default_factory=dict)
    pages: set[int] = field(default_factory=set)
    default_unit: str | None = None


def _row_section(row: Row, current: str | None, state: FormState) -> tuple[str | None, int]:
    """(section, first content column) of ``row``; a section label cell is skipped, 部门名称 kept."""
    key = first_label(row)
    first = row.cells[0]
    if key == "department" and first.row != row.index:
        key = None  # a label cell merged down from a row above opened its section there, not here
    own = [c for c in row.cells if c.text.strip() and c.row == row.index]
    if (not first.text.strip() or first.row != row.index) and len(own) == 1:
        # a section label alone on its row behind a blank cell or the label cell of the section above (a
        # scan's grid missed the ruling that closed that label): it starts its section, it is no row of that one
        m = match_label(own[0].text, SECTIONS)
        if m is not None and m.key != "department":
            key, first = m.key, own[0]
    if key is None and current is not None and first.row == row.index:
        key = _next_section_by_place(row, first, current, state)
    header = indicator_header(row, state.indicators.header)
    if header is not None:
        state.indicators.header = header
        return "indicator_header", first.col
    if key == "department":
        return "department", first.col
    if key is not None:
        state.section_units.setdefault(key, label_unit(first.text))
        return key, first.col + first.col_span
    return current, first.col


SECTION_ORDER = tuple(SECTIONS)
# A section label is short; a longer first cell is a value.
MAX_SECTION_CHARS = 10


def _next_section_by_place(row: Row, first: Cell, current: str, state: FormState) -> str | None:
    """A first-column label no list names (年度总体目标), read as the section it resembles most, even weakly,
    among those the form declares after the current one and not seen yet: sections come in their order."""
    from extract.mapping.header_align import WEAK_MATCH
    from extract.mapping.labels import label_key
    from extract.mapping.match import similarity

    key = label_key(first.text)
    if not key or len(key) > MAX_SECTION_CHARS or any(ch.isdigit() for ch in key) or current not in SECTION_ORDER:
        return None
    header = state.task_headers.get(current) if current in ("key_tasks", "other_tasks") else None
    if header is not None and (header.table_id != row.table.id or first.col >= min(header.roles)):
        # under a task header the first column holds the tasks themselves; a cell left of every task
        # column (the section label column, 其他工作任务 beside its own header) is no task
        return None
    later = [s for s in SECTION_ORDER[SECTION_ORDER.index(current) + 1:] if s not in state.sections]
    scored = sorted(((max(similarity(key, label_key(v)) for v in SECTIONS[s]), s) for s in later), reverse=True)
    if scored and scored[0][0] >= WEAK_MATCH:
        return scored[0][1]
    return section_by_content(row, first, current, later)


def _read_tasks(section: str, row: Row, start_col: int, state: FormState) -> None:
    read = state.task_headers.get(section)
    header = task_header(row, start_col)
    if header is not None and read is not None and read.table_id == row.table.id and header.strong < len(header.roles):
        header = None  # under this table's header, only the header repeated is one: short texts (内容) are data
    if header is not None and header.unit is None and state.default_unit is not None:
        header = replace(header, unit=state.default_unit)
    if header is not None:
        state.task_headers[section] = header
        state.task_headers["last"] = header
        return
    own = state.task_headers.get(section)
    last = own or state.task_headers.get("last")
    out = state.key_tasks if section == "key_tasks" else state.other_tasks
    read_task_row(row, start_col, own, last, out)


def read_rows(rows: list[Row], default_unit: str | None = None) -> FormState:
    """Read the rows of one instance; ``default_unit`` (a ``单位：万元`` line) covers amounts whose
    header, label and section state no unit."""
    state = FormState(default_unit=default_unit)
    section: str | None = None
    for row in rows:
        if not any(c.row == row.index for c in row.cells):
            continue  # every cell merged down from the row above: a row cut by a page break, nothing new
        if row is not rows[0] and repeats_first_row(row, rows[0]):
            continue
        section, start_col = _row_section(row, section, state)
        if section is None and row is rows[0]:
            section, start_col = "department", row.cells[0].col  # an anchor worded otherwise: told by place
        state.pages.update(c.page for c in row.cells if c.row == row.index)
        if section is None:
            continue
        state.sections.add(section)
        if section in ("department", "basic_info", "budget"):
            start = next((i for i, c in enumerate(row.cells) if c.col >= start_col), len(row.cells))
            read_kv_row(row, start, state.kv, state.section_units.get(section) or default_unit)
        elif section == "goals":
            state.goals.extend((row.table, c) for c in row.cells if c.col >= start_col and c.row == row.index)
        elif section in ("key_tasks", "other_tasks"):
            _read_tasks(section, row, start_col, state)
        elif section == "indicator_header":
            section = "indicators"
        elif section == "indicators":
            read_indicator_row(row, state.indicators)
    return state


def build_model(state: FormState, title: dict[str, Field[Any]]) -> DepartmentPerformanceTargets:
    fill_by_position(state.kv)
    kv = state.kv.fields
    budget = Budget(**{k: v for k, v in kv.items() if k in Budget.model_fields})
    top = {k: v for k, v in kv.items() if k in DepartmentPerformanceTargets.model_fields}
    return DepartmentPerformanceTargets(
        **title, **top, budget=budget,
        overall_goals=read_goals(state.goals),
        key_tasks=number_tasks(state.key_tasks.tasks),
        other_tasks=number_tasks(state.other_tasks.tasks),
        indicators=state.indicators.items,
    )


def is_this_form(state: FormState, title: dict[str, Field[Any]]) -> bool:
    """Auto detection: a title naming the form, or enough of its sections besides 部门名称."""
    if "title" in title:
        return True
    known = state.sections & {"basic_info", "budget", "goals", "key_tasks", "other_tasks", "indicators"}
    return len(known) >= MIN_SECTIONS_WITHOUT_TITLE
