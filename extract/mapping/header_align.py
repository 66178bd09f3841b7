"""A list's header row -> its columns, by label similarity, by place in the declared order, and by the
type of the values under each header cell.

The filled header cells, left to right, are aligned with the declared columns, in declared order (an
order-preserving alignment, as of two sequences): a cell takes the column its label names (similarity of
:mod:`~extract.mapping.match`, exact synonym first); a cell whose label names nothing can still take a
column left free between two aligned neighbours when the values printed under it are of that column's
type (amounts under the money column, small integers under 序号, symbols under 对比符号). Such a column
is told by its place, less sure than a label (``POSITION_QUALITY``).

A row is a header when most of its filled cells read as column labels, even weakly, and none holds an
amount: a header row is never read as data.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from extract.mapping.coerce import count_value, is_blank, normalise_comparator, parse_decimal
from extract.mapping.decl import FieldDecl
from extract.mapping.labels import label_key
from extract.mapping.match import (
    AMBIGUITY_MARGIN, AMBIGUOUS_QUALITY, MATCH_MIN, MAX_LABEL_CHARS, MAX_QUALIFIER_CHARS, similarity,
)
from extract.types import Cell, Table

# A label this similar to a column's reads as a header cell, though too weakly to name the column by
# itself: half of its characters shared, in order (工作任务 / 任务名称, 预期效果 / 预期目标). A priori.
WEAK_MATCH = 0.5
# A header row reads as labels in at least this share of its filled cells (as generic.HEADER_LABEL_SHARE).
HEADER_LABEL_SHARE = 0.5
# A column told by its place and the type of its values, not by its label (as generic.POSITION_QUALITY).
POSITION_QUALITY = 0.6
# Data rows looked at under a header cell to tell its values' type.
TYPE_ROWS = 6
# A header cell merged down over more rows than this is a section label beside the list, no column.
MAX_HEADER_ROWS = 2
# A row none of whose labels is strong is a header only when every one of at least this many cells is weak.
MIN_ALL_WEAK = 3
# 序号 values: integers this short.
SEQ_CHARS = 3

_STRONG, _PLACED, _TYPED = 1.0, 0.1, 0.5  # alignment scores: a label, a place, a place with a typed value
_OPTIONAL_PENALTY = 0.01  # below any difference of label similarity that matters (0.1 x score)


@dataclass(frozen=True)
class Aligned:
    roles: dict[str, Cell]  # column key -> header cell
    quality: dict[str, float]
    strong: int  # cells whose label names a column
    unexplained: int  # filled cells that took no column
    labelled: frozenset[str] = frozenset()  # columns whose header cell reads as their label, even weakly


def _label_scores(text: str, cols: Sequence[FieldDecl]) -> list[float]:
    key = label_key(text)
    if not key or len(key) > MAX_LABEL_CHARS:
        return [0.0] * len(cols)
    return list(_column_scores(key, tuple([c.labels for c in cols])))


@lru_cache(maxsize=16384)
def _column_scores(key: str, labels: tuple[tuple[str, ...], ...]) -> tuple[float, ...]:
    """Per column (given by its labels): the best similarity of ``key`` to one of them; kept, as the same
    header texts come again row after row and form after form."""
    return tuple(max((similarity(key, label_key(v)) for v in vs), default=0.0) for vs in labels)


def list_end(beside: Sequence[Cell], last_row: int) -> int | None:
    """The last row of the list a header row opens, when a section label beside it (a cell of the row
    left of the list's columns, merged down over the section) says where the section ends (年度重点工作
    任务 over its tasks); None when no such cell tells.

    Why: a section's rows end where its label does, and what follows (the next section's header and
    rows, 一级指标 ... under the same columns) is no value of this header's columns; typing a column by
    them told 资金安排 over two amounts and four indicator texts as no money column.
    """
    ends = [c.row + c.row_span - 1 for c in beside if c.row <= last_row]
    return min(ends) if ends else None


def section_labels(row_cells: Sequence[Cell]) -> list[Cell]:
    """The cells of a header row that are section labels by their height alone (merged over more rows
    than a header has), for a caller that does not know where its list's columns start."""
    return [c for c in row_cells if c.row_span > MAX_HEADER_ROWS]


def _values_under(table: Table, cell: Cell, last_row: int, end_row: int | None = None) -> list[str]:
    out = []
    stop = table.n_rows if end_row is None else min(table.n_rows, end_row + 1)
    for r in range(last_row + 1, min(stop, last_row + 1 + TYPE_ROWS)):
        c = table.cell_at(r, cell.col)
        if c is not None and c.row == r and not is_blank(c.text):
            out.append(c.text.strip())
    return out


def _type_fits(kind: str, values: list[str]) -> bool | None:
    """True when the values under a header cell are of the column's type, False when they are not,
    None when the type says nothing (a text column, no values)."""
    if not values:
        return None
    share = HEADER_LABEL_SHARE
    if kind == "money":
        return sum(parse_decimal(v)[0] is not None for v in values) > share * len(values)
    if kind == "int":
        return sum(count_value(v)[0] is not None and len(v) <= SEQ_CHARS for v in values) > share * len(values)
    if kind == "comparator":
        return sum(normalise_comparator(v) is not None for v in values) > share * len(values)
    if kind == "text":
        numeric = sum(parse_decimal(v)[0] is not None for v in values)
        return False if numeric == len(values) and all(len(v) <= SEQ_CHARS for v in values) else None
    return None


def is_amount(text: str) -> bool:
    return parse_decimal(text)[0] is not None and any(ch.isdigit() for ch in text)


def align_header(cells: Sequence[Cell], cols: Sequence[FieldDecl], table: Table, last_row: int,
                 end_row: int | None = None) -> Aligned | None:
    """The columns ``cells`` (one header row, left to right) name, or None when the row is no header;
    the values typing a column are those under it down to ``end_row`` (:func:`list_end`) at most."""
    filled = [c for c in cells if not is_blank(c.text)]
    if not filled or any(is_amount(c.text) for c in filled):
        return None
    scores = [_label_scores(c.text, cols) for c in filled]
    strong = sum(max(s) >= MATCH_MIN for s in scores)
    weak = sum(max(s) >= WEAK_MATCH for s in scores)
    if weak < HEADER_LABEL_SHARE * len(filled) or (strong == 0 and weak < max(MIN_ALL_WEAK, len(filled))):
        return None
    under = [_values_under(table, c, last_row, end_row) for c in filled]
    n, m = len(filled), len(cols)
    outbid = _outbid(scores)

    def gain(i: int, j: int) -> float | None:
        s = scores[i][j]
        if s >= MATCH_MIN:
            return _STRONG + s
        if (max(scores[i]) >= MATCH_MIN and not outbid[i]) or filled[i].row_span > MAX_HEADER_ROWS:
            return None  # a label naming another column, or a section label beside the list, takes none by place
        fits = _type_fits(cols[j].type, under[i])
        if fits is False:
            return None
        # told by place alike, a required column before an optional one (指标名称 is as near 三级指标 as
        # 三级指标解释, and a form without the explanation column still has its 三级指标)
        return (_TYPED if fits else _PLACED) + 0.1 * s - (_OPTIONAL_PENALTY if cols[j].optional else 0.0)

    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            g = gain(i - 1, j - 1)
            take = best[i - 1][j - 1] + g if g is not None else float("-inf")
            best[i][j] = max(best[i - 1][j], best[i][j - 1], take)
    roles: dict[str, Cell] = {}
    quality: dict[str, float] = {}
    labelled = set()
    i, j = n, m
    while i > 0 and j > 0:
        g = gain(i - 1, j - 1)
        if g is not None and abs(best[i][j] - (best[i - 1][j - 1] + g)) < 1e-9:
            roles[cols[j - 1].key] = filled[i - 1]
            quality[cols[j - 1].key] = _quality(scores[i - 1], j - 1, cols)
            if scores[i - 1][j - 1] >= WEAK_MATCH:
                labelled.add(cols[j - 1].key)
            i, j = i - 1, j - 1
        elif abs(best[i][j] - best[i - 1][j]) < 1e-9:
            i -= 1
        else:
            j -= 1
    roles = dict(sorted(roles.items(), key=lambda kv: [c.key for c in cols].index(kv[0])))
    taken = {id(c) for c in roles.values()}
    decl_of = {d.key: d for d in cols}
    run_in = sum(_runs_into_another(c, decl_of[k]) for k, c in roles.items())
    return Aligned(roles, quality, strong,
                   sum(id(c) not in taken and c.row_span <= MAX_HEADER_ROWS for c in filled) + run_in,
                   frozenset(labelled))


def _runs_into_another(cell: Cell, col: FieldDecl) -> bool:
    """A header cell that names its column only weakly and holds more text than that column's label and a
    qualifier (三级指标名称实施期目标: two header cells read as one): another column's label may be in it,
    so an optional column the row seems to lack is no sure blank."""
    key = label_key(cell.text)
    labels = [label_key(v) for v in col.labels]
    best = max(labels, key=lambda v: similarity(key, v), default="")
    return similarity(key, best) < MATCH_MIN and len(key) > len(best) + MAX_QUALIFIER_CHARS


def _outbid(scores: list[list[float]]) -> list[bool]:
    """Per header cell: the column its label names best is named better by another cell of the row.

    Why: a label that holds a column's word with a qualifier (中长期指标值 holds 指标值, a synonym of
    年度指标值) names that column only weakly-strong; beside the cell that names it exactly it is another
    column, told by its place like an unnamed one (实施周期指标值 between 三级指标 and 年度指标值).
    """
    out = []
    for i, row in enumerate(scores):
        j = max(range(len(row)), key=row.__getitem__) if row else 0
        out.append(bool(row) and row[j] >= MATCH_MIN
                   and any(k != i and other[j] > row[j] for k, other in enumerate(scores)))
    return out


def _quality(scores: list[float], j: int, cols: Sequence[FieldDecl]) -> float:
    s = scores[j]
    if s < MATCH_MIN:
        return POSITION_QUALITY
    if s == 1.0:
        return 1.0
    rivals = [x for k, x in enumerate(scores) if k != j and cols[k].labels != cols[j].labels]
    if rivals and max(rivals) >= s - AMBIGUITY_MARGIN:
        s *= AMBIGUOUS_QUALITY
    return round(s, 4)
