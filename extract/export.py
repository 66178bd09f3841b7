"""Writers for a Result: CSV, XLSX, HTML and Markdown. Plain functions, not methods on the data types."""
from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import Any, Iterable

from extract.names import atomic_path, atomic_write_text
from extract.types import Result, Table
from extract.review import iter_fields

FORMATS = ("json", "csv", "xlsx", "html", "md")


def table_to_rows(table: Table, fill_merged: bool = True) -> list[list[str]]:
    """Dense rows of text. A merged cell's text is repeated over its span, or only at its top-left."""
    rows = [[""] * table.n_cols for _ in range(table.n_rows)]
    for c in table.cells:
        for r in range(c.row, min(c.row + c.row_span, table.n_rows)):
            for k in range(c.col, min(c.col + c.col_span, table.n_cols)):
                if fill_merged or (r == c.row and k == c.col):
                    rows[r][k] = c.text
    return rows


def write_json(result: Result, path: Path) -> Path:
    return atomic_write_text(path, result_to_json(result))


def result_to_json(result: Result) -> str:
    return result.model_dump_json(indent=1, exclude={"timings"})


def write_csv(result: Result, out_dir: Path, stem: str, fill_merged: bool = False) -> list[Path]:
    paths = []
    for t in result.tables:
        p = out_dir / f"{stem}.{t.id}.csv"
        with atomic_path(p) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel and CJK
            csv.writer(fh).writerows(table_to_rows(t, fill_merged))
        paths.append(p)
    return paths


def table_to_html(table: Table) -> str:
    by_pos = {(c.row, c.col): c for c in table.cells}
    covered = {
        (r, k)
        for c in table.cells
        for r in range(c.row, c.row + c.row_span)
        for k in range(c.col, c.col + c.col_span)
        if (r, k) != (c.row, c.col)
    }
    out = [f'<table id="{table.id}" data-pages="{",".join(map(str, table.pages))}">']
    for r in range(table.n_rows):
        out.append("<tr>")
        for k in range(table.n_cols):
            if (r, k) in covered:
                continue
            c = by_pos.get((r, k))
            if c is None:
                out.append("<td></td>")
                continue
            attrs = ""
            if c.row_span > 1:
                attrs += f' rowspan="{c.row_span}"'
            if c.col_span > 1:
                attrs += f' colspan="{c.col_span}"'
            attrs += f' data-confidence="{c.confidence:.3f}"'
            out.append(f"<td{attrs}>{html.escape(c.text)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def write_html(result: Result, path: Path) -> Path:
    body = "\n".join(f"<h2>{t.id} (pages {', '.join(map(str, t.pages))})</h2>\n{table_to_html(t)}" for t in result.tables)
    doc = (
        '<!doctype html><html><head><meta charset="utf-8"><title>'
        + html.escape(Path(result.source.path).name)
        + "</title><style>table{border-collapse:collapse;margin:1em 0}td{border:1px solid #999;padding:2px 4px;"
        "vertical-align:top}</style></head><body>\n"
        + body
        + "\n</body></html>\n"
    )
    atomic_write_text(path, doc)
    return path


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def table_to_markdown(table: Table, fill_merged: bool = False) -> str:
    """A merged cell's text once, at its top-left (``fill_merged`` repeats it over the span)."""
    rows = table_to_rows(table, fill_merged=fill_merged)
    if not rows:
        return ""
    lines = ["| " + " | ".join(_md_escape(x) for x in rows[0]) + " |", "|" + "---|" * table.n_cols]
    lines += ["| " + " | ".join(_md_escape(x) for x in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def write_markdown(result: Result, path: Path, fill_merged: bool = False) -> Path:
    parts = [f"# {Path(result.source.path).name}"]
    for t in result.tables:
        parts += [f"## {t.id} (pages {', '.join(map(str, t.pages))})", table_to_markdown(t, fill_merged)]
    for d in result.documents:
        parts += [f"## form {d.form} (pages {', '.join(map(str, d.pages))})", form_to_markdown(d.data, d.form)]
    atomic_write_text(path, "\n\n".join(parts) + "\n")
    return path


# (path, Field dict) for every leaf Field of a form's data: the one walker, extract.review.iter_fields
flatten_form = iter_fields


def form_to_markdown(data: dict[str, Any], form: str | None = None, lang: str = "zh") -> str:
    """One row per field: its printed label, its path, value and confidence."""
    from extract.labels import field_label

    head = ["字段", "路径", "值", "置信度"] if lang != "en" else ["label", "field", "value", "confidence"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for path, f in flatten_form(data):
        v = "" if f.get("value") is None else str(f["value"])
        if "raw_unit" in f and v:
            v += " 元" if lang != "en" else " yuan"
        lines.append(f"| {_md_escape(field_label(form, path, lang))} | {path} | {_md_escape(v)} | "
                     f"{f.get('confidence', 0):.2f} |")
    return "\n".join(lines)


def write_xlsx(result: Result, path: Path) -> Path:
    """A sheet per table laid out as printed (merged cells, borders, widths, wrap; numbers as numbers in
    their printed format; doubtful cells coloured) and a sheet per form (printed labels, amounts in yuan)."""
    from extract.extras import require

    require("openpyxl", "writing .xlsx", "export")
    from openpyxl import Workbook

    from extract.review import REVIEW_THRESHOLD
    from extract.labels import field_label
    from extract.xlsx_style import INT_FORMAT, MONEY_FORMAT, finish_sheet, mark, printed_number

    wb = Workbook()
    wb.remove(wb.active)
    for t in result.tables:
        ws = wb.create_sheet(title=t.id[:31])
        for c in t.cells:
            number = printed_number(c.text)
            cell = ws.cell(row=c.row + 1, column=c.col + 1, value=float(number[0]) if number else c.text)
            if number:
                cell.number_format = number[1]
            mark(cell, c.confidence, False, REVIEW_THRESHOLD)
            if c.row_span > 1 or c.col_span > 1:
                ws.merge_cells(start_row=c.row + 1, start_column=c.col + 1,
                               end_row=c.row + c.row_span, end_column=c.col + c.col_span)
        finish_sheet(ws, header_rows=0)
    for i, d in enumerate(result.documents, 1):
        ws = wb.create_sheet(title=f"form{i}")
        ws.append(["字段", "路径", "值", "原文", "置信度", "表", "单元格", "页"])
        for fpath, f in flatten_form(d.data):
            src = f.get("source") or {}
            value = f.get("value")
            money = "raw_unit" in f and value is not None
            ws.append([field_label(d.form, fpath) + ("（元）" if "raw_unit" in f else ""), fpath,
                       float(value) if money and value is not None else value, f.get("raw"), f.get("confidence"), src.get("table"),
                       str(src.get("cells") or ""), src.get("page")])
            row = ws.max_row
            if money:
                ws.cell(row=row, column=3).number_format = MONEY_FORMAT
            elif isinstance(value, int):
                ws.cell(row=row, column=3).number_format = INT_FORMAT
            ws.cell(row=row, column=5).number_format = "0.00"
            mark(ws.cell(row=row, column=3), f.get("confidence"), False, REVIEW_THRESHOLD)
        finish_sheet(ws)
    if not wb.worksheets:
        wb.create_sheet(title="empty")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def write_outputs(result: Result, out_json: Path, formats: Iterable[str], fill_merged: bool = False) -> list[Path]:
    """Write the JSON to out_json and the other formats beside it (same stem)."""
    out_json.parent.mkdir(parents=True, exist_ok=True)
    stem = out_json.name[: -len(".json")] if out_json.name.endswith(".json") else out_json.name
    written = [write_json(result, out_json)]
    base = out_json.parent
    for fmt in formats:
        if fmt == "csv":
            written += write_csv(result, base, stem, fill_merged)
        elif fmt == "xlsx":
            written.append(write_xlsx(result, base / f"{stem}.xlsx"))
        elif fmt == "html":
            written.append(write_html(result, base / f"{stem}.html"))
        elif fmt == "md":
            written.append(write_markdown(result, base / f"{stem}.md", fill_merged))
    return written
