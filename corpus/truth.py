"""Ground truth for generated and transcribed documents, and the helpers that compare against it.

A truth file (``<doc_id>.truth.json``) is a :class:`DocTruth`: the forms the document holds (plain values,
no confidences) and every ruled table with its cells and spans. Predictions follow the result contract
(every leaf a Field dict); :func:`flatten_values` and :func:`flatten_fields` turn either shape into the
same ``path -> value`` map so a benchmark can compare field by field with :func:`values_equal`.

Value rules shared with the mapping stage:
- money is a decimal string in yuan quantised to 2 places (4,393.85 万元 -> "43938500.00"); blank -> None;
- ``value_min``/``value_max`` are decimal strings without trailing zeros;
- ``level1``/``level2`` are filled down on every indicator row.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

FORM_NAME = "department_performance_targets"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BudgetTruth(_Model):
    basic_expenditure: str | None = None
    project_expenditure: str | None = None
    fiscal_appropriation: str | None = None
    other_funds: str | None = None
    special_funds: str | None = None
    other_development_expenditure: str | None = None
    municipal_funds: str | None = None
    transfer_funds: str | None = None


class TaskTruth(_Model):
    seq: int | None = None
    name: str | None = None
    content: str | None = None
    amount: str | None = None
    expected_outcome: str | None = None


class IndicatorTruth(_Model):
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    explanation: str | None = None
    comparator: str | None = None
    annual_target: str | None = None
    period_target: str | None = None
    unit: str | None = None
    value_min: str | None = None
    value_max: str | None = None


class FormTruth(_Model):
    title: str | None = None
    region: str | None = None
    year: int | None = None
    department: str | None = None
    competent_department: str | None = None
    staff_count: int | None = None
    subordinate_units: int | None = None
    budget: BudgetTruth = BudgetTruth()
    overall_goals: list[str] = []
    key_tasks: list[TaskTruth] = []
    other_tasks: list[TaskTruth] = []
    indicators: list[IndicatorTruth] = []


class CellTruth(_Model):
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    text: str = ""
    page: int = 1
    bbox: tuple[float, float, float, float] | None = None  # PDF points, top-left origin, part on ``page``


class TableTruth(_Model):
    pages: list[int]
    n_rows: int
    n_cols: int
    cells: list[CellTruth]


class FormInstance(_Model):
    form: str = FORM_NAME
    pages: list[int]
    data: FormTruth


class RenderInfo(BaseModel):
    """How the document was drawn (for slicing benchmark figures); extra keys allowed."""

    model_config = ConfigDict(extra="allow")

    font: str = ""
    font_size: float = 10.0
    style: str = ""
    page_size: str = "A4"
    kangxi: bool = False


class DocTruth(_Model):
    doc_id: str
    forms: list[FormInstance] = []
    tables: list[TableTruth] = []
    render: RenderInfo = RenderInfo()


# ---------------------------------------------------------------- flattening

_FIELD_KEYS = {"value", "confidence", "raw", "source", "raw_unit"}


def _is_field(obj: Any) -> bool:
    return isinstance(obj, dict) and "value" in obj and set(obj) <= _FIELD_KEYS


def _walk(obj: Any, path: str, out: dict[str, tuple[Any, float | None]]) -> None:
    if isinstance(obj, BaseModel):
        obj = obj.model_dump()
    if _is_field(obj):
        value, conf = obj["value"], obj.get("confidence")
        if isinstance(value, (list, dict)):  # a Field holding a list: expand it, same confidence
            sub: dict[str, tuple[Any, float | None]] = {}
            _walk(value, path, sub)
            out.update({k: (v, conf) for k, (v, _) in sub.items()})
        else:
            out[path] = (value, conf)
    elif isinstance(obj, dict):
        for key, val in obj.items():
            _walk(val, f"{path}.{key}" if path else str(key), out)
    elif isinstance(obj, (list, tuple)):
        for i, val in enumerate(obj):
            _walk(val, f"{path}[{i}]", out)
    else:
        out[path] = (obj, None)


def flatten_fields(data: Any) -> dict[str, tuple[Any, float | None]]:
    """``path -> (value, confidence)``; confidence is None for plain (truth) values."""
    out: dict[str, tuple[Any, float | None]] = {}
    _walk(data, "", out)
    return out


def flatten_values(data: Any) -> dict[str, Any]:
    """``path -> value`` for truth data (plain values) or prediction data (Field dicts at the leaves).

    Paths look like ``title``, ``budget.basic_expenditure``, ``key_tasks[0].amount``, ``overall_goals[1]``.
    """
    return {k: v for k, (v, _) in flatten_fields(data).items()}


# ---------------------------------------------------------------- comparing

_WS = re.compile(r"\s+")
_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "【": "[", "】": "]", "；": ";"})


def _as_decimal(v: Any) -> Decimal | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, Decimal)):
        return Decimal(str(v))
    if isinstance(v, str) and re.fullmatch(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*", v):
        try:
            return Decimal(v.strip())
        except InvalidOperation:
            return None
    return None


def normalize_text(v: Any) -> str:
    """Text as compared: every whitespace removed, full-width brackets/colon/comma folded to half-width."""
    return _WS.sub("", str(v)).translate(_FOLD)


def values_equal(a: Any, b: Any) -> bool:
    """Numeric strings compare as decimals; text ignores whitespace and bracket/colon/comma width; None == ''."""
    a_blank = a is None or (isinstance(a, str) and not a.strip())
    b_blank = b is None or (isinstance(b, str) and not b.strip())
    if a_blank or b_blank:
        return a_blank and b_blank
    da, db = _as_decimal(a), _as_decimal(b)
    if da is not None and db is not None:
        return da == db
    return normalize_text(a) == normalize_text(b)


# ---------------------------------------------------------------- money helpers (shared by seeds and generator)

CENT = Decimal("0.01")


def yuan(printed: str | Decimal | int | None, unit: str = "元") -> str | None:
    """Printed amount -> yuan decimal string quantised to 2 places (None for blank)."""
    if printed is None or (isinstance(printed, str) and not printed.strip()):
        return None
    amount = Decimal(str(printed).replace(",", "").strip())
    if unit == "万元":
        amount *= 10000
    return str(amount.quantize(CENT))


def plain_decimal(v: Decimal | int | str) -> str:
    """Decimal string without trailing zeros or exponent (``90``, ``7.5``)."""
    d = Decimal(str(v))
    s = format(d.normalize(), "f")
    return s
