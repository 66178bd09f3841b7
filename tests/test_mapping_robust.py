"""map_documents never raises on odd tables: random grids of form labels, numbers and blanks, random merges."""
from __future__ import annotations

import random

from extract.mapping import map_documents
from extract.mapping.labels import INDICATOR_COLUMNS, KV_FIELDS, KV_GROUPS, SECTIONS, TASK_COLUMNS
from extract.types import Cell, Table, TextSpan

WORDS = [v for vocab in (SECTIONS, KV_FIELDS, KV_GROUPS, TASK_COLUMNS, INDICATOR_COLUMNS)
         for variants in vocab.values() for v in variants]
WORDS += ["", "", "", "1", "2", "3", "4,393.85", "≥90%", "约650-714家", "有效提高", "<=", "%", "（万元）", "-", "7*24",
          "目标1：甲。目标2：乙", "填报要求：略", "项目名称", "收入总计", "预算金额(万元)", "拟投入的资金(元)"]


def _random_table(rng: random.Random, tid: str, page: int) -> Table:
    n_rows, n_cols = rng.randint(1, 12), rng.randint(1, 8)
    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            rs = rng.choice([1, 1, 1, 2, 3]) if r + 1 < n_rows else 1
            cs = rng.choice([1, 1, 1, 2]) if c + 1 < n_cols else 1
            rs, cs = min(rs, n_rows - r), min(cs, n_cols - c)
            if any((r + i, c + j) in taken for i in range(rs) for j in range(cs)):
                rs = cs = 1
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            cells.append(Cell(row=r, col=c, row_span=rs, col_span=cs, text=rng.choice(WORDS), page=page,
                              confidence=rng.random(), bbox=(c * 60.0, r * 20.0, (c + cs) * 60.0, (r + rs) * 20.0)))
    return Table(id=tid, pages=(page,), n_rows=n_rows, n_cols=n_cols, cells=tuple(cells))


def test_random_tables_do_not_break_mapping():
    rng = random.Random(20240501)
    found = 0
    for trial in range(150):
        tables = [_random_table(rng, f"t{trial}_{k}", 1 + k // 2) for k in range(rng.randint(1, 4))]
        lines = {1: [TextSpan(text="某市部门整体预算绩效目标表", bbox=(0, -40, 300, -20))]}
        for form in ("auto", "department_performance_targets"):
            for doc in map_documents(tables, lines, form=form):
                found += 1
                assert 0.0 <= doc.confidence <= 1.0
                assert all(c.rule for c in doc.checks)
    assert found > 0  # the label soup does make some forms, and they come out well-formed
