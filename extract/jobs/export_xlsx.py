"""The store export as a workbook a finance office can print and sum: a sheet per list section, headers in
the form's printed labels, amounts as numbers (yuan, ``#,##0.00``), values below the review threshold
coloured, reviewed values marked, print setup on every sheet, and a legend sheet."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from extract.review import REVIEW_THRESHOLD
from extract.labels import DPT, field_label, form_label, leaf_label
from extract.xlsx_style import INT_FORMAT, LOW_FILL, MONEY_FORMAT, REVIEWED_FILL, finish_sheet, mark

META = {"source": ("来源文件", "Source file"), "sha256": ("文件 SHA-256", "File SHA-256"),
        "form_index": ("表序号", "Form no."), "form": ("表", "Form"), "department": ("部门名称", "Department"),
        "list": ("清单", "List"), "index": ("序位（0 起）", "Position (from 0)"),
        "overall_goals": ("总体绩效目标", "Overall goals"), "confidence": ("置信度", "Confidence"),
        "checks_failed": ("未通过的校验", "Checks failed"), "reviewed": ("已审核字段", "Reviewed fields")}
SHEETS = (("department", None, ("部门", "departments")), ("task", "key_tasks", ("重点任务", "key tasks")),
          ("task", "other_tasks", ("其他任务", "other tasks")), ("indicator", None, ("绩效指标", "indicators")))


def column_label(kind: str, col: str, col_kind: str | None, lang: str) -> str:
    """The header of a column: its printed label, with the unit for an amount (基本支出（元）)."""
    en = lang == "en"
    if col in META:
        return META[col][1 if en else 0]
    label = field_label(DPT, col, lang) if kind == "department" else leaf_label(DPT, col, lang)
    if col_kind == "money":
        label += " (yuan)" if en else "（元）"
    return label


def _number(v: Any) -> Any:
    if v is None:
        return None
    try:
        return float(Decimal(str(v)))
    except (InvalidOperation, ValueError):
        return v


def write_store_xlsx(rows: dict[str, list[dict[str, Any]]], path: Path, lang: str = "zh") -> Path:
    from openpyxl import Workbook

    from extract.jobs.export_store import _cell, _columns, _kinds

    en = lang == "en"
    wb = Workbook()
    wb.remove(wb.active)
    for kind, list_key, titles in SHEETS:
        items = [r for r in rows[kind] if list_key is None or r.get("list") == list_key]
        ws = wb.create_sheet(titles[1 if en else 0])
        cols = [c for c in _columns(items or rows[kind]) if c not in ("list", "sha256")]
        kinds = _kinds(rows[kind])
        ws.append([column_label(kind, c, kinds.get(c), lang) if lang != "keys" else c for c in cols])
        for r in items:
            meta = r.get("_meta", {})
            values = []
            for c in cols:
                v = r.get(c)
                if kinds.get(c) == "money":
                    v = _number(v)
                elif c == "form":
                    v = form_label(v, lang) if lang != "keys" else v
                values.append(_cell(v))
            ws.append(values)
            for k, c in enumerate(cols, 1):
                cell = ws.cell(row=ws.max_row, column=k)
                if kinds.get(c) == "money":
                    cell.number_format = MONEY_FORMAT
                elif kinds.get(c) == "int" or c in ("form_index", "index"):
                    cell.number_format = INT_FORMAT
                elif c == "confidence":
                    cell.number_format = "0.00"
                if c in meta.get("conf", {}):
                    mark(cell, meta["conf"][c], c in meta.get("reviewed", ()), REVIEW_THRESHOLD)
        finish_sheet(ws)
    legend = wb.create_sheet("说明" if not en else "legend")
    legend.append(["颜色" if not en else "Colour", "含义" if not en else "Meaning"])
    legend.append(["", f"置信度低于 {REVIEW_THRESHOLD}，尚未审核" if not en else
                   f"confidence below {REVIEW_THRESHOLD}, not reviewed"])
    legend.append(["", "已由审核人接受或更正" if not en else "accepted or corrected by a reviewer"])
    legend.append(["", "金额单位为元（数据中一律为元，表上印的万元已换算）" if not en else
                   "amounts in yuan (万元 as printed converted to yuan)"])
    legend["A2"].fill, legend["A3"].fill = LOW_FILL, REVIEWED_FILL
    finish_sheet(legend, landscape=False)
    wb.save(path)
    return path
