"""Exporters: merged cells survive into CSV (filled or not), XLSX merges, HTML spans and Markdown."""
import csv

from openpyxl import load_workbook

from extract.export import table_to_html, table_to_rows, write_outputs
from extract.options import parse_page_ranges
from extract.types import Cell, FormDocument, Result, SourceInfo, Table

import pytest


def _table() -> Table:
    cells = (
        Cell(row=0, col=0, row_span=2, text="预算整体情况", bbox=(0, 0, 10, 20)),
        Cell(row=0, col=1, text="基本支出", bbox=(10, 0, 20, 10)),
        Cell(row=0, col=2, text="4,393.85", bbox=(20, 0, 30, 10)),
        Cell(row=1, col=1, col_span=2, text="合计", bbox=(10, 10, 30, 20), confidence=0.5),
    )
    return Table(id="t1", pages=(1,), n_rows=2, n_cols=3, cells=cells)


def _result() -> Result:
    form = FormDocument(form="department_performance_targets", pages=(1,), confidence=0.9,
                        data={"department": {"value": "东莞市应急管理局", "confidence": 0.99, "raw": "东莞市应急管理局",
                                             "source": {"table": "t1", "cells": [[0, 1]], "page": 1}}})
    return Result(source=SourceInfo(path="a.pdf", sha256="0" * 64, page_count=1), tables=(_table(),),
                  documents=(form,))


def test_rows_fill_merged_or_not():
    assert table_to_rows(_table(), fill_merged=True)[1] == ["预算整体情况", "合计", "合计"]
    assert table_to_rows(_table(), fill_merged=False)[1] == ["", "合计", ""]


def test_html_has_spans_and_skips_covered_positions():
    h = table_to_html(_table())
    assert 'rowspan="2"' in h and 'colspan="2"' in h
    assert h.count("<td") == 4


def test_write_all_formats(tmp_path):
    out = tmp_path / "a.json"
    written = write_outputs(_result(), out, ["csv", "xlsx", "html", "md"], fill_merged=False)
    names = sorted(p.name for p in written)
    assert names == ["a.html", "a.json", "a.md", "a.t1.csv", "a.xlsx"]
    with (tmp_path / "a.t1.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["预算整体情况", "基本支出", "4,393.85"] and rows[1] == ["", "合计", ""]
    wb = load_workbook(tmp_path / "a.xlsx")
    merges = sorted(str(r) for r in wb["t1"].merged_cells.ranges)
    assert merges == ["A1:A2", "B2:C2"]
    assert wb["form1"]["A2"].value == "部门名称" and wb["form1"]["B2"].value == "department"
    assert wb["form1"]["C2"].value == "东莞市应急管理局"
    sheet = wb["t1"]
    assert sheet["C1"].value == 4393.85 and sheet["C1"].number_format == "#,##0"".00"  # a number, as printed
    assert sheet["B2"].fill.fgColor.rgb.endswith("F8CBAD")  # confidence 0.5: coloured for review
    assert sheet["A1"].border.left.style == "thin" and sheet.page_setup.orientation == "landscape"
    assert "| 部门名称 | department | 东莞市应急管理局 | 0.99 |" in (tmp_path / "a.md").read_text(encoding="utf-8")


def test_csv_and_markdown_state_a_merged_paragraph_once_by_default(tmp_path):
    out = tmp_path / "a.json"
    write_outputs(_result(), out, ["csv", "md"])
    with (tmp_path / "a.t1.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows] == ["预算整体情况", ""]
    md = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert md.count("预算整体情况") == 1 and md.count("合计") == 1


def test_page_ranges():
    assert parse_page_ranges("1-3,7") == (1, 2, 3, 7)
    for bad in ("", "0", "3-1", "a"):
        with pytest.raises(ValueError):
            parse_page_ranges(bad)
