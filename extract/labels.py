"""What a reviewer sees for a field: the label the form prints, and amounts in the form's printed unit.

``field_label(form, path, lang)`` is the ONE place the review app and the exports turn a field path into
words. It sits with the stages (beside ``extract.export``) so that the exports and the review app (a top
layer) read one table; ``extract.review_app.labels`` re-exports it. The department form's table lives here
for now; when forms become declarations under ``extract/mapping/`` with a label per field, this function
should read the declaration instead.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from extract.review import field_name

DPT = "department_performance_targets"

# (zh, en) per field name (list positions removed, see extract.review.field_name)
_DPT_LABELS: dict[str, tuple[str, str]] = {
    "title": ("标题", "Title"),
    "region": ("地区", "Region"),
    "year": ("年度", "Year"),
    "department": ("部门名称", "Department"),
    "competent_department": ("资金主管部门", "Competent department"),
    "staff_count": ("财政供养人员数", "Staff funded"),
    "subordinate_units": ("下属二级单位数", "Subordinate units"),
    "budget.basic_expenditure": ("基本支出", "Basic expenditure"),
    "budget.project_expenditure": ("项目支出", "Project expenditure"),
    "budget.fiscal_appropriation": ("财政拨款", "Fiscal appropriation"),
    "budget.other_funds": ("其他资金", "Other funds"),
    "budget.special_funds": ("财政专项资金", "Special funds"),
    "budget.other_development_expenditure": ("其他事业发展性支出", "Other development expenditure"),
    "budget.municipal_funds": ("市本级使用资金", "Municipal funds"),
    "budget.transfer_funds": ("拟用于对下转移支付资金", "Transfer funds"),
    "overall_goals[]": ("总体绩效目标", "Overall goal"),
    "key_tasks[]": ("重点任务", "Key task"),
    "other_tasks[]": ("其他任务", "Other task"),
    "indicators[]": ("绩效指标", "Indicator"),
    "[].seq": ("序号", "No."),
    "[].name": ("任务名称", "Name"),
    "[].content": ("主要实施内容", "Content"),
    "[].amount": ("金额", "Amount"),
    "[].expected_outcome": ("期望达到的目标", "Expected outcome"),
    "[].level1": ("一级指标", "Level 1"),
    "[].level2": ("二级指标", "Level 2"),
    "[].level3": ("三级指标", "Level 3"),
    "[].explanation": ("三级指标解释", "Explanation"),
    "[].comparator": ("符号", "Comparator"),
    "[].annual_target": ("年度指标值", "Annual target"),
    "[].period_target": ("实施周期指标值", "Period target"),
    "[].unit": ("计量单位", "Unit"),
    "[].value_min": ("下限", "Minimum"),
    "[].value_max": ("上限", "Maximum"),
}
_FORM_NAMES = {DPT: ("部门整体预算绩效目标表", "Department performance targets")}
_CELL = ("表格单元", "Table cell")
_LIST = re.compile(r"^([a-z_]+)\[(\d+)\](?:\.(.+))?$")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def form_label(form: str | None, lang: str = "zh") -> str:
    return _pick(_FORM_NAMES[form], lang) if form in _FORM_NAMES else (form or "")


def field_label(form: str | None, path: str, lang: str = "zh") -> str:
    """The printed label of ``path`` on ``form``: 部门名称, 基本支出, 重点任务 3 · 金额 (en: Key task 3 · Amount).

    A path the table does not know is returned as it is (never an error: new forms still show something).
    """
    if form != DPT:
        return path
    if path in _DPT_LABELS:
        return _pick(_DPT_LABELS[path], lang)
    m = _LIST.match(path)
    if m and f"{m.group(1)}[]" in _DPT_LABELS:
        head = f"{_pick(_DPT_LABELS[m.group(1) + '[]'], lang)} {int(m.group(2)) + 1}"
        if not m.group(3):
            return head
        leaf = _DPT_LABELS.get(f"[].{m.group(3)}")
        return f"{head} · {_pick(leaf, lang) if leaf else m.group(3)}"
    return _pick(_DPT_LABELS[field_name(path)], lang) if field_name(path) in _DPT_LABELS else path


def name_label(form: str | None, name: str, lang: str = "zh") -> str:
    """A field name of the filter list (``key_tasks[].amount``) in words: 重点任务 · 金额."""
    if name == "cell":
        return _pick(_CELL, lang)
    if form != DPT:
        return name
    head, _, leaf = name.partition("[]")
    if f"{head}[]" not in _DPT_LABELS:
        return field_label(form, name, lang)
    words = _pick(_DPT_LABELS[f"{head}[]"], lang)
    leaf_pair = _DPT_LABELS.get(f"[]{leaf}") if leaf else None
    return f"{words} · {_pick(leaf_pair, lang)}" if leaf_pair else words


def cell_label(table: str, row: int, col: int, lang: str = "zh") -> str:
    return f"表 {table[1:] if table.startswith('t') else table} · 第 {row + 1} 行第 {col + 1} 列" if lang != "en" \
        else f"Table {table} · row {row + 1}, column {col + 1}"


UNIT_SCALE = {"万元": Decimal(10000), "元": Decimal(1)}


def to_printed_unit(yuan: str | None, unit: str | None) -> str | None:
    """A yuan decimal string shown in the form's printed unit: ('43938500.00', '万元') -> '4,393.85'."""
    if yuan is None:
        return None
    try:
        amount = Decimal(yuan) / UNIT_SCALE.get(unit or "元", Decimal(1))
    except (InvalidOperation, ArithmeticError):
        return yuan
    exponent = amount.normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # NaN, Infinity: not an amount, shown as given
        return yuan
    places = min(6, max(2, -exponent))
    return f"{amount:,.{places}f}"


def leaf_label(form: str | None, leaf: str, lang: str = "zh") -> str:
    """The printed column label of a field inside a list item (``amount`` -> 金额), the path where unknown."""
    pair = _DPT_LABELS.get(f"[].{leaf}") if form == DPT else None
    return _pick(pair, lang) if pair else leaf


_ORDER = {k: i for i, k in enumerate(_DPT_LABELS)}


def field_order(path: str) -> int:
    """Position of a field (or a list item's field, ``amount``) in the form's printed order; unknown last."""
    return _ORDER.get(path, _ORDER.get(f"[].{path}", len(_ORDER)))
