"""What scans do to labels, and how the generic reader still reads them.

- a header label worded past recognition: told by its place between matched columns (``by_position``);
- two header labels run together in one cell over two columns, a ruling lost (``joined_headers``);
- a grid label run into its value in one cell (``label_run_into_value``).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from extract.mapping.coerce import collapse_ws
from extract.mapping.decl import FieldDecl, RowsPart
from extract.mapping.fields import SHARED_CELL_QUALITY
from extract.mapping.match import exact_keys, is_exact_key, match_field, names_exactly
from extract.mapping.values import read_value
from extract.types import Cell

if TYPE_CHECKING:
    from extract.mapping.generic import ReadState
    from extract.mapping.rows import Row

# Characters a label may carry in front of a declared one (具体 in 具体实施单位) when it runs into its value.
LABEL_QUALIFIER_CHARS = 3
# A column whose label was found run together with its neighbour's in one header cell.
JOINED_QUALITY = 0.8
MAX_HEADER_ROWS = 2  # as generic.MAX_HEADER_ROWS: a cell merged down further is a section label


def joined_headers(filled: list[Cell], free: list[FieldDecl]) -> list[tuple[Cell, list[FieldDecl]]]:
    """Header cells over two columns whose text is two column labels run together (科目编码 and
    支出功能分类名称 read as one cell where a scan lost the ruling between them): the split of the text into
    two labels of different columns that match best."""
    from extract.mapping.labels import label_key

    out = []
    for cell in filled:
        text = label_key(cell.text)
        if cell.col_span != 2 or len(text) < 6:
            continue
        best: tuple[float, list[FieldDecl]] | None = None
        for i in range(3, len(text) - 2):
            left = match_field(text[:i], free)
            if left is None:  # the split needs both halves named
                continue
            right = match_field(text[i:], [c for c in free if c is not left.field])
            if right is not None and (best is None or left.quality + right.quality > best[0]):
                best = (left.quality + right.quality, [left.field, right.field])
        if best is not None:
            out.append((cell, best[1]))
    return out


def by_position(filled: list[Cell], by_key: dict[str, Cell], part: RowsPart, free: list[FieldDecl]
                 ) -> list[tuple[str, Cell]]:
    """Header cells no label matched, told by their place: between two matched columns, as many unmatched
    cells as declared columns left between those two take them in order (基本经费 between 合计 and 项目支出)."""
    order = {c.key: i for i, c in enumerate(part.printed)}
    at = {id(c): k for k, c in by_key.items()}
    out: list[tuple[str, Cell]] = []
    run: list[Cell] = []
    left = -1
    for cell in [*filled, None]:
        key = at.get(id(cell)) if cell is not None else None
        if cell is not None and key is None:
            if cell.row_span <= MAX_HEADER_ROWS:
                run.append(cell)
            continue
        right = order[key] if key is not None else len(part.printed)
        between = [c for c in free if left < order[c.key] < right]
        if run and len(between) == len(run):
            out += [(c.key, x) for c, x in zip(between, run)]
        run, left = [], right
    return out


def label_run_into_value(row: Row, cell: Cell, st: ReadState) -> None:
    """A cell that opens with a field's label and goes on with its value (实施单位某某中心: a scan lost the
    ruling between them): the rest is the value, as doubtful as any cell serving two roles."""
    text = collapse_ws(cell.text)
    for fd in st.decl.grid_fields():
        if fd.key in st.grid and st.grid[fd.key].source is not None:
            continue
        for label in sorted(fd.labels, key=len, reverse=True):
            chars = [ch for ch in label if not ch.isspace()]
            if len(chars) < 3:
                continue
            # the label may carry a short qualifier in front (具体实施单位)
            m = re.match(rf".{{0,{LABEL_QUALIFIER_CHARS}}}?" + r"\s*".join(map(re.escape, chars)) + r"\s*[:：]?\s*",
                         text)
            rest = text[m.end():] if m else ""
            if m and len(rest) >= 2 and match_field(rest, st.decl.grid_fields()) is None:
                value = cell.model_copy(update={"text": rest})
                st.grid[fd.key] = read_value(row.table, value, fd.type, SHARED_CELL_QUALITY, st.note_unit)
                st.grid_cells[fd.key] = (cell, cell)
                return


# An amount run into a label in one cell: the number, then (or after) a text that holds a character other
# than digits and separators. An ordinal (1.公务用车购置费, 2、运行费) is no amount: the number must not end in
# a separator that the text goes on from.
# OCR may cut a long number with a space (297.84000 0): a space between digits stays inside it.
_AMOUNT = r"[-−]?\d(?:[\d,，]|\s(?=\d))*(?:\.(?:\d|\s(?=\d))+)?"
_LEADING_AMOUNT_RE = re.compile(rf"^\s*({_AMOUNT})\s*(?![\d.,，、．])(\S.*)$", re.S)
_TRAILING_AMOUNT_RE = re.compile(rf"^(.*?\D)\s*({_AMOUNT})\s*$", re.S)
# A column whose value was cut out of a cell it shared with its neighbour: a ruling was lost, the cut is
# where the text turns from digits to words; surer than a shared cell (SHARED_CELL_QUALITY), less than a
# cell of its own. Prior, not tuned; the form's sums raise it where they hold.
SPLIT_CELL_QUALITY = 0.8
_AMOUNT_TYPES = ("money", "int", "decimal", "percent")


def _split_text(text: str, amount_first: bool) -> tuple[str, str] | None:
    """(amount, label) of a cell holding both, the amount on the given side; None if it is not so."""
    m = (_LEADING_AMOUNT_RE if amount_first else _TRAILING_AMOUNT_RE).match(text)
    if m is None:
        return None
    amount, label = (m.group(1), m.group(2)) if amount_first else (m.group(2), m.group(1))
    label = label.strip()
    if not any(ch.isalpha() for ch in label) or sum(ch.isdigit() for ch in amount) < 2:
        return None  # a label is words (一、教育支出); one digit is an ordinal or a stray mark
    return amount, label


def split_shared_cells(cells: dict[str, Cell | None], roles: dict[str, int], types: dict[str, str]
                       ) -> tuple[dict[str, Cell | None], set[str]]:
    """Cells one item row's amount column and the label column next to it share (a scan lost the ruling
    between them: ``1735.91一、一般公共服务支出`` under 预算数 and 支出项目): the amount goes to the amount
    column, the words to the label column, each a cell of its own. Returns the cells and the keys so cut."""
    out = dict(cells)
    cut: set[str] = set()
    keys = sorted((k for k in cells if k in roles), key=lambda k: roles[k])
    for left, right in zip(keys, keys[1:]):
        cell = cells[left]
        if cell is None or cells[right] is not cell or left in cut or right in cut:
            continue
        lt, rt = types.get(left, "text"), types.get(right, "text")
        if (lt in _AMOUNT_TYPES) == (rt in _AMOUNT_TYPES) or "text" not in (lt, rt):
            continue
        amount_first = lt in _AMOUNT_TYPES
        parts = _split_text(cell.text, amount_first)
        if parts is None:
            continue
        amount_key, label_key_ = (left, right) if amount_first else (right, left)
        out[amount_key] = cell.model_copy(update={"text": parts[0]})
        out[label_key_] = cell.model_copy(update={"text": parts[1]})
        cut.update((left, right))
    return out, cut


def split_half_named(filled: list[Cell], free: list[FieldDecl], done: list[Cell]) -> tuple[list[Cell], set[int]]:
    """Header cells over two columns that open (or end) with one column's label exactly and go on with
    words no label names (预算数支出类别 where a scan lost the ruling between 预算数 and 支出类别): cut in two
    at that label, one cell per column, so the worded-past-recognition half is told by its place
    (``by_position``). The cell as a whole must name no column exactly (预算数 over two sub-columns is a
    group heading). Returns the cells and the ids of the halves (read with ``JOINED_QUALITY``)."""
    from extract.mapping.labels import label_key

    out: list[Cell] = []
    halves: set[int] = set()
    exact = exact_keys(free)  # a match of quality 1.0 is an exact synonym (names_exactly)
    for cell in filled:
        text = "".join(cell.text.split())  # cut the printed text: a unit in brackets stays with its half
        if cell.col_span != 2 or cell in done or len(text) < 4 or names_exactly(cell.text, free):
            out.append(cell)
            continue
        cut = next((i for i in range(2, len(text) - 1)
                    if any(is_exact_key(label_key(part), exact) for part in (text[:i], text[i:]))), None)
        if cut is None:
            out.append(cell)
            continue
        x0, y0, x1, y1 = cell.bbox
        mid = (x0 + x1) / 2
        left = cell.model_copy(update={"text": text[:cut], "col_span": 1, "bbox": (x0, y0, mid, y1)})
        right = cell.model_copy(update={"text": text[cut:], "col": cell.col + 1, "col_span": 1, "bbox": (mid, y0, x1, y1)})
        out += [left, right]
        halves.update((id(left), id(right)))
    return out, halves
