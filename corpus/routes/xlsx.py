"""XLSX route: the form authored as a workbook (openpyxl) and printed to PDF by LibreOffice Calc headless.

What the spreadsheet brings by its nature: real merged cells (the label column merged over a block, so it
continues on the next page), column widths in characters (narrow label columns wrap 部门名称 over two or
three lines; narrow amount columns break ``9,674`` / ``500.00``), row heights the author set, a
fit-to-width print scale, print titles (the title rows, or an indicator sheet's header, repeated on every
page), header and footer with page numbers, and rows that never split (Calc moves a row whole).
All documents of a batch go through one ``soffice`` call (LibreOffice starts in 2-5 s).
"""
from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from corpus.routes.grid import Grid, RouteDoc
from corpus.routes.measure import line_height, text_width, wrapped_lines
from corpus.routes.wording import number_format

# Calc's column width in points per XLSX width unit, measured on a printed test sheet (widths 5/10/20/40:
# 35.5/70/140/280 pt) with the workbook's default font (Calibri, substituted by DejaVu Sans here).
PT_PER_WIDTH_UNIT = 7.0
ROW_PAD_PT = 4.0
MAIN_WIDTHS = [(4.0, 5.8), (9, 13), (9, 13), (9, 15), (12, 20), (8, 12), (8, 12), (8, 14)]
IND_WIDTHS = {7: [(7, 10), (8, 12), (12, 20), (12, 22), (5, 7), (7, 10), (6, 8)],
              5: [(7, 10), (8, 12), (14, 24), (12, 18), (12, 18)]}
FOOTERS = ("第 &P 页，共 &N 页", "&P/&N", "- &P -", "第&P页")


def _widths(rng: random.Random, spec: list[tuple[float, float]]) -> list[float]:
    return [round(rng.uniform(a, b), 1) for a, b in spec]


def _cell_width(widths: list[float], col: int, span: int) -> float:
    return sum(widths[col:col + span]) * PT_PER_WIDTH_UNIT


def _heights(g: Grid, widths: list[float], family: str, size: float) -> list[float]:
    lh = line_height(family, size)
    need = [lh + ROW_PAD_PT] * g.n_rows
    for c in g.cells:
        if c.row_span == 1 and c.text:
            lines = wrapped_lines(c.text.strip() if c.role == "money" else c.text, _cell_width(widths, c.col, c.col_span),
                                  family, size)
            need[c.row] = max(need[c.row], lines * lh + ROW_PAD_PT)
    for c in g.cells:
        if c.row_span > 1 and c.text:
            want = wrapped_lines(c.text, _cell_width(widths, c.col, 1), family, size) * lh + ROW_PAD_PT
            have = sum(need[c.row:c.row + c.row_span])
            if want > have:
                need[c.row + c.row_span - 1] += want - have
    return [round(h + 0.5, 1) for h in need]


def _put_grid(ws, g: Grid, top: int, widths: list[float], doc: RouteDoc, rng: random.Random, numeric: bool) -> None:
    side = Side(style="thin", color="FF808080" if doc.grey_rules else "FF000000")
    border = Border(left=side, right=side, top=side, bottom=side)
    font = Font(name=doc.font, size=doc.font_size)
    bold = Font(name=doc.font, size=doc.font_size, bold=doc.extra.get("bold_headers", False))
    for r in range(g.n_rows):
        for c in range(g.n_cols):
            ws.cell(top + r, c + 1).border = border
    for r, h in enumerate(_heights(g, widths, doc.font, doc.font_size)):
        ws.row_dimensions[top + r].height = h
    for c in g.cells:
        cell = ws.cell(top + c.row, c.col + 1)
        value: object = c.text
        wrap, horiz = True, "center"
        if c.role in ("text",):
            horiz = "left"
        if c.role == "money":
            horiz = "right"
            fits = text_width(c.text.strip(), doc.font, doc.font_size) < _cell_width(widths, c.col, c.col_span) * 0.8
            if numeric and c.amount is not None and fits and c.text.strip():
                value = float(c.text.replace(",", ""))
                cell.number_format = number_format(doc.extra["money"])
            # else text, wrapped where too wide (9,674 / 500.00): Calc clips unwrapped text at a merged or
            # filled neighbour, which would lose digits, so amounts never overflow on this route
        if c.role == "count" and c.text:
            value = int(c.text)
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # a target printed "=100%" is text; openpyxl would write it as a formula
        cell.font = bold if c.role == "header" else font
        cell.alignment = Alignment(horizontal=horiz, vertical="center", wrap_text=wrap)
        if c.row_span > 1 or c.col_span > 1:
            ws.merge_cells(start_row=top + c.row, start_column=c.col + 1, end_row=top + c.row + c.row_span - 1,
                           end_column=c.col + c.col_span)


def _title_rows(ws, lines: list[tuple[str, float, str]], n_cols: int, family: str) -> int:
    for i, (text, size, align) in enumerate(lines, start=1):
        cell = ws.cell(i, 1, text)
        cell.font = Font(name=family, size=size, bold=size > 12)
        cell.alignment = Alignment(horizontal=align, vertical="center")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=n_cols)
        ws.row_dimensions[i].height = round(line_height(family, size) + 6, 1)
    return len(lines)


def _page_setup(ws, doc: RouteDoc, rng: random.Random, title_rows: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4 if doc.paper == "A4" else ws.PAPERSIZE_LETTER
    ws.page_setup.orientation = "landscape" if doc.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    m = round(rng.uniform(0.3, 0.75), 2)
    ws.page_margins.left = ws.page_margins.right = m
    ws.page_margins.top = ws.page_margins.bottom = round(rng.uniform(0.75, 1.0), 2)
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows and doc.extra.get("print_titles", True):
        ws.print_title_rows = f"1:{title_rows}"
    ws.oddFooter.center.text = doc.extra.get("footer", FOOTERS[0])
    if doc.extra.get("header_text"):
        ws.oddHeader.right.text = doc.extra["header_text"]
    ws.print_options.horizontalCentered = rng.random() < 0.5


def write_xlsx(doc: RouteDoc, path: Path, rng: random.Random) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = doc.extra.get("sheet_title", "绩效目标表")
    main = doc.grids[0]
    widths = _widths(rng, doc.extra.get("widths") or MAIN_WIDTHS)  # a form of its own gives its columns
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    lines = [(doc.titles[0], doc.font_size + rng.choice([4, 6, 8]), "center")]
    lines += [(t, doc.font_size + 1, "center") for t in doc.titles[1:]]
    if doc.note:
        lines.append((doc.note, doc.font_size, rng.choice(["left", "right"])))
    top = _title_rows(ws, lines, main.n_cols, doc.font)
    numeric = bool(doc.extra.get("numeric_money"))
    _put_grid(ws, main, top + 1, widths, doc, rng, numeric)
    _page_setup(ws, doc, rng, top)
    for g in doc.grids[1:]:
        iw = _widths(rng, doc.extra.get("ind_widths") or IND_WIDTHS[g.n_cols])
        if doc.extra.get("indicator_sheet", True):
            ws2 = wb.create_sheet("绩效指标")
            for i, w in enumerate(iw, start=1):
                ws2.column_dimensions[get_column_letter(i)].width = w
            t = _title_rows(ws2, [(g.caption, doc.font_size + 3, "center")], g.n_cols, doc.font)
            _put_grid(ws2, g, t + 1, iw, doc, rng, numeric)
            _page_setup(ws2, doc, rng, 0)
            ws2.print_title_rows = f"1:{t + 1}"  # caption and the header row on every page
        else:  # below the main table on the same sheet, its header not repeatable
            start = top + main.n_rows + 2
            cap = ws.cell(start, 1, g.caption)
            cap.font = Font(name=doc.font, size=doc.font_size + 2, bold=True)
            ws.merge_cells(start_row=start, start_column=1, end_row=start, end_column=main.n_cols)
            _put_grid(ws, g, start + 1, widths, doc, rng, numeric)  # on the main table's columns
    wb.save(path)


def convert(xlsx_paths: list[Path], out_dir: Path, timeout: float = 600.0) -> list[Path]:
    """Print every workbook to ``out_dir/<stem>.pdf`` in one LibreOffice run (own profile, so runs
    beside another soffice do not collide)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, xlsx_paths)],
                       check=True, capture_output=True, timeout=timeout)
    pdfs = [out_dir / f"{p.stem}.pdf" for p in xlsx_paths]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice printed no PDF for {', '.join(missing)}")
    return pdfs


def choices(rng: random.Random) -> dict:
    """Per-document authoring choices of this route (recorded in the truth's render info)."""
    return {"footer": rng.choice(FOOTERS), "header_text": rng.choice(["", "&D", "&A", "附件"]),
            "print_titles": rng.random() < 0.7, "numeric_money": rng.random() < 0.5,
            "indicator_sheet": rng.random() < 0.7, "bold_headers": rng.random() < 0.5}
