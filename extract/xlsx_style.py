"""Workbook styling shared by ``extract run --format xlsx`` and ``extract export --to out.xlsx``: numbers as
numbers with the printed number format, thin borders, widths from the content, wrapped long text, doubtful
values coloured, a frozen header and an A4 print setup that fits the columns on the page width."""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
LOW_FILL = PatternFill("solid", fgColor="F8CBAD")  # below the review threshold, not reviewed
REVIEWED_FILL = PatternFill("solid", fgColor="E2EFDA")  # a person accepted or corrected it
MONEY_FORMAT = "#,##0.00"
INT_FORMAT = "0"
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
PAGE_WIDTH_UNITS = 200
"""Column width units printed on one landscape A4 page before the text gets too small to read (at 100%
about 150 fit; up to 200 shrinks to ~75%)."""
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def printed_number(text: Any) -> tuple[Decimal, str] | None:
    """A table cell's text as a number with the format it was printed in ('4,393.85' -> (4393.85, '#,##0.00')),
    or None for anything else (text, percentages, codes with leading zeros)."""
    if not isinstance(text, str):
        return None
    t = text.strip()
    if not _NUMBER.match(t) or (len(t) > 1 and t.startswith("0") and not t.startswith("0.")):
        return None
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation:
        return None
    places = len(t.split(".")[1]) if "." in t else 0
    fmt = ("#,##0" if "," in t else "0") + ("." + "0" * places if places else "")
    return value, fmt


def display_width(value: Any) -> float:
    """Column width units a value needs (a CJK character is two)."""
    text = "" if value is None else (f"{value:,.2f}" if isinstance(value, (float, Decimal)) else str(value))
    line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) + 2


def _wrapped_lines(value: Any, width: float) -> int:
    if value is None or isinstance(value, (int, float, Decimal)):
        return 1
    return sum(max(1, math.ceil((display_width(line) - 2) / max(width - 1, 1))) for line in str(value).split("\n"))


def finish_sheet(ws: Any, header_rows: int = 1, widths: dict[int, float] | None = None, landscape: bool = True) -> None:
    """Borders on every used cell, widths, wrap, frozen header, autofilter and print setup."""
    measured: dict[int, float] = dict(widths or {})
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        for cell in row:
            cell.border = BORDER
            if cell.row <= header_rows:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            elif cell.alignment is None or not cell.alignment.wrap_text:
                cell.alignment = WRAP
            if widths is None or cell.column not in widths:
                measured[cell.column] = max(measured.get(cell.column, 6), min(MAX_WIDTH, display_width(cell.value)))
    for col, width in measured.items():
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, width)
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):  # wrapped lines, tall rows
        lines = max((_wrapped_lines(c.value, measured.get(c.column, 10)) for c in row), default=1)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(409, 15 * lines)
    if header_rows and ws.max_row > header_rows:
        ws.freeze_panes = ws.cell(row=header_rows + 1, column=1)
        ws.auto_filter.ref = f"A{header_rows}:{get_column_letter(ws.max_column)}{ws.max_row}"
        ws.print_title_rows = f"1:{header_rows}"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    total = sum(min(MAX_WIDTH, w) for w in measured.values())
    ws.page_setup.fitToWidth = max(1, math.ceil(total / PAGE_WIDTH_UNITS))
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"


def mark(cell: Any, confidence: float | None, reviewed: bool, threshold: float) -> None:
    if reviewed:
        cell.fill = REVIEWED_FILL
    elif confidence is None or confidence < threshold:
        cell.fill = LOW_FILL
