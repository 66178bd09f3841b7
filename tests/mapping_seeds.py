"""Test-side converter: a seed form as tab-separated text -> Table cells and page lines.

Seed text conventions (/work/shared/seeds): a line with tabs is a table row, an empty line ends a table,
any other line is printed text outside the tables (markdown ``#`` marks dropped); a literal
backslash-n in a cell is a line break. A blank cell before the first non-blank cell of a row is the
continuation of a vertically merged cell: it extends the cell above (or, at the top of a table, the
first cell below it). ``<p>`` paragraphs become lines of one cell.
Geometry: every seed line is 20 pt high at ``y0 + 20 * line``; column k spans x 50+100k .. 150+100k.
"""
from __future__ import annotations

import re
from pathlib import Path

from extract.types import Cell, Table, TextSpan

SEEDS = Path("/work/shared/seeds")
DONGGUAN = SEEDS / "dongguan-2024-department-performance-targets.txt"
JIEYANG = SEEDS / "jieyang-2023-department-performance-targets.txt"
LINE_H = 20.0
COL_W = 100.0


def seed_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _cell_text(text: str) -> str:
    text = re.sub(r"</p>\s*<p>", "\n", text)
    return text.replace("<p>", "").replace("</p>", "").replace("\\n", "\n")


def _table(rows: list[tuple[int, list[str]]], tid: str, page: int, y0: float) -> Table:
    n_cols = max(len(r) for _, r in rows)
    top = rows[0][0]
    # cells as mutable [row, col, row_span, text]; open[col] = the cell a leading blank extends
    cells: list[list] = []
    open_: dict[int, list] = {}
    pending: dict[int, int] = {}  # col -> first row of blanks at the table top waiting for a cell below
    for r, (_, texts) in enumerate(rows):
        texts = texts + [""] * (n_cols - len(texts))
        lead = next((i for i, t in enumerate(texts) if t.strip()), n_cols)
        for c, t in enumerate(texts):
            if c < lead and c in open_:
                open_[c][2] += 1
                continue
            if c < lead and not t.strip():
                pending.setdefault(c, r)
                continue
            start = pending.pop(c, r)
            cell = [start, c, r - start + 1, t]
            cells.append(cell)
            open_[c] = cell
    for c, r in pending.items():  # blanks at the top with nothing below: plain empty cells
        cells.append([r, c, len(rows) - r, ""])
    out = []
    for r, c, span, t in cells:
        y = y0 + LINE_H * (top + r)
        x = 50 + COL_W * c
        out.append(Cell(row=r, col=c, row_span=span, text=_cell_text(t), page=page,
                        bbox=(x, y, x + COL_W, y + LINE_H * span)))
    bbox = (50.0, y0 + LINE_H * top, 50 + COL_W * n_cols, y0 + LINE_H * (top + len(rows)))
    return Table(id=tid, pages=(page,), n_rows=len(rows), n_cols=n_cols, cells=tuple(out), bbox=bbox)


def seed_to_tables(lines: list[str], *, page: int = 1, y0: float = 40.0, prefix: str = "t",
                   first_id: int = 1) -> tuple[list[Table], dict[int, list[TextSpan]]]:
    """Tables and text lines of one seed (or any text in the same conventions) on ``page``."""
    tables: list[Table] = []
    spans: list[TextSpan] = []
    current: list[tuple[int, list[str]]] = []

    def flush() -> None:
        if current:
            tables.append(_table(list(current), f"{prefix}{first_id + len(tables)}", page, y0))
            current.clear()

    for i, line in enumerate(lines):
        if "\t" in line:
            current.append((i, line.split("\t")))
            continue
        flush()
        text = line.lstrip("#").strip()
        if text:
            y = y0 + LINE_H * i
            spans.append(TextSpan(text=text, bbox=(50.0, y + 2, 50.0 + 12 * len(text), y + 16)))
    flush()
    return tables, {page: spans}


def jieyang_lines() -> list[str]:
    """The Jieyang seed with the 一级指标 label its text lost: "产出指标" over the first indicator rows."""
    lines = seed_lines(JIEYANG)
    i = next(k for k, ln in enumerate(lines) if ln.startswith("\t数量指标\t"))
    lines[i] = "产出指标" + lines[i]
    return lines
