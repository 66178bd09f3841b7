"""Exports from a store: one row per department, task and indicator; corrections applied and marked."""
from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.store import connect
from extract.review_app.decisions import decide
from jobs_docs import ROOT, misprinted_dongguan


@pytest.fixture(scope="module")
def reviewed_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    pdf, right = misprinted_dongguan(folder / "in")
    db = folder / "r.db"
    run_batch(db, [str(pdf)], JobOptions(workers=1))
    con = connect(db)
    fid, version = con.execute("SELECT id, version FROM fields WHERE path = 'budget.basic_expenditure'").fetchone()
    decide(con, f"f{fid}", "correct", right, "tester", version)
    truth = json.loads((folder / "in" / "dongguan-misprint.truth.json").read_text())["forms"][0]["data"]
    n_tasks = con.execute("SELECT COUNT(*) FROM fields WHERE path LIKE 'key_tasks[%].name' "
                          "OR path LIKE 'other_tasks[%].name'").fetchone()[0]
    n_indicators = con.execute("SELECT COUNT(*) FROM fields WHERE path LIKE 'indicators[%].level3'").fetchone()[0]
    con.close()
    return db, right, truth, n_tasks, n_indicators


def test_xlsx_has_corrected_values_and_reviewed_column(reviewed_store, tmp_path):
    db, right, truth, n_tasks, n_indicators = reviewed_store
    out = tmp_path / "out.xlsx"
    done = subprocess.run([sys.executable, "-m", "extract.jobs", "export", "--store", str(db), "--to", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["部门", "重点任务", "其他任务", "绩效指标", "说明"]  # a sheet per list section
    head, *rows = list(wb["部门"].values)
    dept = dict(zip(head, rows[0]))
    assert len(rows) == 1
    assert dept["基本支出（元）"] == float(right) != float(truth["budget"]["basic_expenditure"])  # truth = as printed
    assert dept["已审核字段"] == "budget.basic_expenditure"
    assert dept["部门名称"] == truth["department"]
    assert dept["未通过的校验"] in ("", None)  # the correction cleared the sum check
    assert wb["重点任务"].max_row - 1 + wb["其他任务"].max_row - 1 == n_tasks
    assert n_tasks == len(truth["key_tasks"]) + len(truth["other_tasks"])
    assert wb["绩效指标"].max_row - 1 == n_indicators > 0


def test_xlsx_amounts_are_numbers_that_add_up_to_the_forms_totals(reviewed_store, tmp_path):
    from extract.jobs.export_store import export_store

    db, right, truth, _, _ = reviewed_store
    wb = load_workbook(export_store(db, tmp_path / "out.xlsx")[0])
    ws = wb["部门"]
    col = {c.value: c.column for c in ws[1]}
    cell = lambda name: ws.cell(row=2, column=col[name])  # noqa: E731
    amounts = {n: cell(n) for n in col if n.endswith("（元）")}
    assert amounts and all(isinstance(c.value, (int, float)) for c in amounts.values() if c.value is not None)
    assert all(c.number_format == "#,##0.00" for c in amounts.values())
    spend = cell("基本支出（元）").value + cell("项目支出（元）").value
    income = cell("财政拨款（元）").value + cell("其他资金（元）").value
    dev = (cell("财政专项资金（元）").value or 0) + (cell("其他事业发展性支出（元）").value or 0)
    assert round(spend, 2) == round(income, 2) or round(spend + dev, 2) == round(income, 2)  # Excel's SUM agrees
    tasks = [r[0].value for sheet in ("重点任务", "其他任务") for r in wb[sheet].iter_rows(
        min_row=2, min_col={c.value: c.column for c in wb[sheet][1]}["金额（元）"],
        max_col={c.value: c.column for c in wb[sheet][1]}["金额（元）"])]
    assert tasks and all(isinstance(v, (int, float)) for v in tasks)
    printed = sum(float(t["amount"]) for t in truth["key_tasks"] + truth["other_tasks"] if t.get("amount"))
    assert round(sum(tasks), 2) == round(printed, 2)
    assert ws.freeze_panes == "A2" and ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    assert ws.cell(row=2, column=col["基本支出（元）"]).fill.fgColor.rgb.endswith("E2EFDA")  # reviewed: marked


def test_html_report_has_histogram_and_checks(reviewed_store, tmp_path):
    from extract.jobs.export_store import export_store

    db = reviewed_store[0]
    page = export_store(db, tmp_path / "report.html")[0].read_text(encoding="utf-8")
    assert "<svg" in page and "字段置信度分布" in page and "expenditure_equals_income" in page
    assert page.count("<rect") >= 20  # two histograms of ten bars


def test_csv_jsonl_parquet_hold_the_same_rows(reviewed_store, tmp_path):
    from extract.jobs.export_store import export_store

    db, right, _, n_tasks, n_indicators = reviewed_store
    paths = export_store(db, tmp_path / "out.csv")
    assert [p.name for p in paths] == ["out.csv", "out-tasks.csv", "out-indicators.csv"]
    with paths[0].open(encoding="utf-8-sig") as fh:
        dept = list(csv.DictReader(fh))
    assert dept[0]["基本支出（元）"] == right and dept[0]["已审核字段"] == "budget.basic_expenditure"
    with export_store(db, tmp_path / "keys.csv", lang="keys")[0].open(encoding="utf-8-sig") as fh:
        assert next(csv.DictReader(fh))["budget.basic_expenditure"] == right
    lines = [json.loads(x) for x in (export_store(db, tmp_path / "out.jsonl")[0]).read_text().splitlines()]
    kinds = [x["record"] for x in lines]
    assert kinds.count("department") == 1 and kinds.count("task") == n_tasks
    assert kinds.count("indicator") == n_indicators
    tables = [pq.read_table(p) for p in export_store(db, tmp_path / "out.parquet")]
    assert [t.num_rows for t in tables] == [1, n_tasks, n_indicators]
    from decimal import Decimal

    assert tables[0].column("budget.basic_expenditure").to_pylist() == [Decimal(right)]  # decimal(20, 2)
    assert str(tables[0].schema.field("budget.basic_expenditure").type) == "decimal128(20, 2)"
    with pytest.raises(ValueError, match="unknown export format"):
        export_store(db, tmp_path / "out.txt")
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1
