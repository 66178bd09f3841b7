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
    assert wb.sheetnames == ["departments", "tasks", "indicators"]
    head, *rows = list(wb["departments"].values)
    dept = dict(zip(head, rows[0]))
    assert len(rows) == 1
    assert dept["budget.basic_expenditure"] == right != truth["budget"]["basic_expenditure"]  # truth = as printed
    assert dept["reviewed"] == "budget.basic_expenditure"
    assert dept["department"] == truth["department"]
    assert dept["checks_failed"] in ("", None)  # the correction cleared the sum check
    assert wb["tasks"].max_row - 1 == n_tasks and n_tasks == len(truth["key_tasks"]) + len(truth["other_tasks"])
    assert wb["indicators"].max_row - 1 == n_indicators > 0


def test_csv_jsonl_parquet_hold_the_same_rows(reviewed_store, tmp_path):
    from extract.jobs.export_store import export_store

    db, right, _, n_tasks, n_indicators = reviewed_store
    paths = export_store(db, tmp_path / "out.csv")
    assert [p.name for p in paths] == ["out.csv", "out-tasks.csv", "out-indicators.csv"]
    with paths[0].open(encoding="utf-8-sig") as fh:
        dept = list(csv.DictReader(fh))
    assert dept[0]["budget.basic_expenditure"] == right and dept[0]["reviewed"] == "budget.basic_expenditure"
    lines = [json.loads(x) for x in (export_store(db, tmp_path / "out.jsonl")[0]).read_text().splitlines()]
    kinds = [x["record"] for x in lines]
    assert kinds.count("department") == 1 and kinds.count("task") == n_tasks
    assert kinds.count("indicator") == n_indicators
    tables = [pq.read_table(p) for p in export_store(db, tmp_path / "out.parquet")]
    assert [t.num_rows for t in tables] == [1, n_tasks, n_indicators]
    assert tables[0].column("budget.basic_expenditure").to_pylist() == [right]
    with pytest.raises(ValueError, match="unknown export format"):
        export_store(db, tmp_path / "out.txt")
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1
