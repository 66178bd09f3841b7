"""Sections of 部门整体预算绩效目标表 told by place and content where their labels are unreadable: a scan of a
narrow label column reads 部门名称 as 部称, 总体绩效目标 as 领酸. The table's other labels, a task list's
header row and a goal's sentence still say which section a row opens."""
from __future__ import annotations

import re

from extract.mapping.dpt_sections import task_header
from extract.mapping.labels import SECTIONS, match_label
from extract.mapping.rows import Row
from extract.types import Cell, Table


def sections_in(table: Table) -> set[str]:
    """The form's sections, 部门名称 apart, whose labels a table's first-column cells carry: the table's
    own evidence of being this form when its anchor (部称, a stacked 部门名称 read as one blend) is not."""
    first_col = min((c.col for c in table.cells), default=0)
    found = set()
    for c in table.cells:
        m = match_label(c.text, SECTIONS) if c.col == first_col and c.text.strip() else None
        if m is not None and m.key != "department":
            found.add(m.key)
    return found


# A task list's header is told by its column labels alone when at least this many of them name a column
# (名称 + 主要实施内容 + 拟投入的资金): the label cell beside it may be read past recognition.
MIN_STRONG_TASK_COLUMNS = 2


def section_by_content(row: Row, first: Cell, current: str, later: list[str]) -> str | None:
    """The section a row opens, told by what follows its unreadable label cell: a task list's header row
    opens the next task list (a second one while in the first is 其他任务's); one long sentence beside the
    label while the label grid is read opens the goals."""
    rest = first.col + first.col_span
    header = task_header(row, rest)
    if header is not None and header.strong >= MIN_STRONG_TASK_COLUMNS:
        tasks = [s for s in ("key_tasks", "other_tasks") if s in later]
        return tasks[0] if tasks else None
    own = [c for c in row.cells if c.col >= rest and c.row == row.index and c.text.strip()]
    if (current in ("department", "basic_info", "budget") and "goals" in later and len(own) == 1
            and len(own[0].text.strip()) > MAX_GOAL_LABEL_CHARS and not any(ch.isdigit() for ch in own[0].text[:2])):
        return "goals"
    return None


# A label grid's values are names and amounts; a sentence longer than a label (match.MAX_LABEL_CHARS)
# beside an unread label is a goal.
MAX_GOAL_LABEL_CHARS = 30


def repeats_first_row(row: Row, first: Row) -> bool:
    """A row on a later page that holds nothing but texts of the form's first row: the header row a
    browser or a spreadsheet prints again at the top of each page (部门名称 | 东莞市应急管理局), its label
    cell run into the label column's merged cell. No task or indicator row."""
    own = [re.sub(r"\s+", "", c.text) for c in row.cells if c.row == row.index and c.text.strip()]
    head = {re.sub(r"\s+", "", c.text) for c in first.cells if c.text.strip()}
    return bool(own) and row.page > first.page and all(t in head for t in own)
