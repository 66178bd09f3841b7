"""The store export as a workbook a finance office can print and sum: a sheet per list section, headers in
the form's printed labels, amounts as numbers (yuan, ``#,##0.00``), values below the review threshold
coloured, reviewed values marked, print setup on every sheet, and a legend sheet."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from extract.review import REVIEW_THRESHOLD
from extract.labels import field_label, form_label, leaf_label, words_table
from extract.xlsx_style import INT_FORMAT, LOW_FILL, MONEY_FORMAT, REVIEWED_FILL, finish_sheet, mark

META = {"source": ("来源文件", "Source file"), "sha256": ("文件 SHA-256", "File SHA-256"),
        "form_index": ("表序号", "Form no."), "form": ("表", "Form"),
        "list": ("清单", "List"), "index": ("序位（0 起）", "Position (from 0)"), "confidence": ("置信度", "Confidence"),
        "checks_failed": ("未通过的校验", "Checks failed"), "reviewed": ("已审核字段", "Reviewed fields")}


def column_label(rows: list[dict[str, Any]], col: str, col_kind: str | None, lang: str) -> str:
    """The header of a column: its printed label (from the rows' form), with the unit for an amount (基本支出（元）)."""
    from extract.jobs.export_store import layout

    en = lang == "en"
    if col in META:
        return META[col][1 if en else 0]
    form = rows[0]["form"] if rows else None
    item_list = rows[0].get("_list") if rows else None
    if item_list is None or (form is not None and col == layout(form).anchor):
        label = field_label(form, col, lang)
    else:
        label = leaf_label(form, col, lang, str(item_list))
    if col_kind == "money":
        label += " (yuan)" if en else "（元）"
    return label


Sheet = tuple[str, list[dict[str, Any]], list[dict[str, Any]]]


def _sheets(rows: dict[str, list[dict[str, Any]]], lang: str) -> list[Sheet]:
    """(sheet title, rows, rows whose columns head it) in order: per form its instances, then a sheet per list
    (a group's lists apart; an empty list's sheet is headed like the others of its group)."""
    from extract.jobs.export_store import layout

    en = lang == "en"
    out: list[Sheet] = []
    forms = list(dict.fromkeys(r["form"] for items in rows.values() for r in items))
    for form in forms:
        lay = layout(form)
        table = words_table(form)
        own = [r for r in rows.get(lay.record, []) if r["form"] == form]
        out.append((lay.sheet[1 if en else 0], own, own))
        present = [r["_list"] for items in rows.values() for r in items if r["form"] == form and "_list" in r]
        for key in dict.fromkeys([k for g in lay.groups for k in g.keys] + present):  # declared lists, empty too
            group = lay.group_of(str(key))
            words = table.get(f"{key}[]", (str(key), str(key)))
            group_rows = [r for r in rows.get(group.record, []) if r["form"] == form]
            out.append((words[1 if en else 0], [r for r in group_rows if r.get("_list") == key], group_rows))
    titles: dict[str, int] = {}
    named = []
    for title, items, heads in out:  # Excel: 31 characters, unique
        base = title[:28] or "sheet"
        n = titles[base] = titles.get(base, 0) + 1
        named.append((base if n == 1 else f"{base} {n}", items, heads))
    return named


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
    for title, items, heads in _sheets(rows, lang):
        ws = wb.create_sheet(title)
        cols = [c for c in _columns(items or heads) if c not in ("list", "sha256")]
        kinds = _kinds(heads)
        ws.append([column_label(items or heads, c, kinds.get(c), lang) if lang != "keys" else c for c in cols])
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
