"""The money unit a form states: in a note line (``单位：万元``) or in a header or label (``预算数（万元）``).

One grammar serves every reader (the department form's and the generic declared one), so a wording read in
one form is read in all:

- a **note line** names the unit after ``单位``: an optional qualifier in front (金额单位, 货币单位, 资金单位,
  计量单位), then ``：``/``:``/``为``/``是`` or nothing, optional spaces, optional brackets around the whole
  (``（单位：万元）``), and the unit;
- a **header** states it in brackets after its words (``预算额（万元）``, ``金额【万元】``, ``预算数(单位:万元)``),
  after a slash (``金额/万元``), as a note inside it (``预算数 单位：万元``) or as its whole text (``万元``).

A unit is 万元 or 元 (the units ``Money.raw_unit`` carries, models/fields.py) and must not run on into a word:
``单位：元朗区`` names a place, ``编制单位：某局`` an author, neither is a unit.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from extract.mapping.coerce import collapse_ws
from extract.text import normalize_label
from extract.types import Cell

# A header or label is short; longer text is prose (a goal, a remark) whose "(元)" states no column's unit.
# The longest unit-stating cells in the born-digital and independent tune corpora are 10 characters
# (预算安排金额(万元), 291 cells counted); 24 leaves room for qualified ones (其中：一般公共预算财政拨款（万元）).
HEADER_MAX_CHARS = 24
# 人民币万元 / 万元人民币 (how some cities print it) name the same unit: the currency word is dropped.
_CURRENCY = r"(?:人民币)?"
# The unit itself, not followed by another CJK character (元旦, 元朗 are words, not units).
_UNIT = rf"{_CURRENCY}(?P<unit>万元|元){_CURRENCY}(?![\u4e00-\u9fff])"
# 单位 with what may stand between it and the unit: ：/:/为/是 or nothing (单位 万元), brackets allowed.
# OCR reads the colon as its look-alikes (∶ ratio sign, ; ；): they stand for it.
_NOTE_RE = re.compile(rf"单位\s*(?:[:：∶;；]|为|是)?\s*[(（]?\s*{_UNIT}")
# After normalize_label (widths and 【】〔〕［］ folded to (), whitespace gone): (万元), (单位:万元), /万元, or the
# whole text.
_HEADER_RES = tuple(re.compile(p) for p in (
    rf"\((?:[\u4e00-\u9fff]{{0,2}}单位(?::|为)?)?{_UNIT}\)", rf"/{_UNIT}$", rf"^{_UNIT}$",
    # a scan loses one of the two brackets (预算数（万元, 预算数万元)): the unit still ends the header
    rf"\((?:[\u4e00-\u9fff]{{0,2}}单位(?::|为)?)?{_UNIT}$", rf"(?<![单美日港欧]){_UNIT}\)$"))


def note_unit(text: str | None) -> str | None:
    """The unit a note line states: ``单位：万元``, ``金额单位：万元``, ``（单位：万元）``, ``单位:元`` -> 万元/元."""
    m = _NOTE_RE.search(text or "")
    return m.group("unit") if m else None


def header_unit(text: str | None) -> str | None:
    """The unit a header or label states: ``预算金额(万元)``, ``预算额（万元）``, ``金额/元`` -> 万元/元; a note
    written into the header (``预算数 单位：万元``) counts too."""
    if not text or len(collapse_ws(text)) > HEADER_MAX_CHARS:
        return None
    key = normalize_label(text)
    for rx in _HEADER_RES:
        if m := rx.search(key):
            return m.group("unit")
    return note_unit(text)


# A cell that is nothing but a note line, as a table's first row or a corner cell prints it: 单位：万元,
# （金额单位：人民币万元）; it states the unit of the whole table, not of its own column.
_NOTE_CELL_RE = re.compile(rf"[(（]?\s*[\u4e00-\u9fff]{{0,2}}{_NOTE_RE.pattern}\s*[)）]?")


def column_units(cells: Sequence[Cell], n_cols: int, is_label: Callable[[str], bool]) -> dict[int, str]:
    """The unit of each column's amounts as one row states it: a cell that is only a note line (单位：万元
    printed as the table's first row or in a corner) covers every column; a header cell stating a unit
    (预算数（万元）) covers its own columns unless ``is_label`` says it is a field's label (基本支出（万元）:
    its unit is the label's own)."""
    out: dict[int, str] = {}
    for c in cells:
        if m := _NOTE_CELL_RE.fullmatch(collapse_ws(c.text)):
            out.update(dict.fromkeys(range(n_cols), m.group("unit")))
    for c in cells:
        if not _NOTE_CELL_RE.fullmatch(collapse_ws(c.text)) and (u := header_unit(c.text)) and not is_label(c.text):
            out.update(dict.fromkeys(range(c.col, c.col + c.col_span), u))
    return out
