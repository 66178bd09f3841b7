"""Exports and review labels read each form's declaration: a store holding a project form and a department
form exports both, each with its own sheets, files and printed labels; no form name is written in the code."""
from __future__ import annotations

import csv
import json
import random

from openpyxl import load_workbook

from corpus.forms.generate import generate
from extract.jobs.batch import run_batch
from extract.jobs.export_store import export_store
from extract.jobs.runner import JobOptions
from extract.labels import field_label, form_label, name_label
from jobs_docs import misprinted_dongguan

PROJECT = "project_performance_targets"


def _store(tmp_path):
    folder = tmp_path / "in"
    truth = generate(folder, [PROJECT], 1, "seen", random.Random(5))[0]
    misprinted_dongguan(folder)
    db = tmp_path / "r.db"
    run_batch(db, [str(folder)], JobOptions(workers=1))
    return db, truth


def test_labels_come_from_the_declaration():
    assert form_label(PROJECT) == "项目支出绩效目标表" and form_label(PROJECT, "en") == "Project performance targets"
    assert field_label(PROJECT, "project_name") == "项目名称"
    assert field_label(PROJECT, "funds.total", "en") == "Total"
    assert field_label(PROJECT, "indicators[2].level3") == "Indicators 3 · 三级指标"
    assert name_label(PROJECT, "indicators[].target") == "Indicators · 指标值"
    # the department form's reviewer words come from its declaration's display block
    dpt = "department_performance_targets"
    assert field_label(dpt, "key_tasks[2].amount") == "重点任务 3 · 金额"
    assert field_label(dpt, "key_tasks[2].amount", "en") == "Key task 3 · Amount"
    assert field_label("no_such_form", "a.b") == "a.b"  # unknown: the path as it is


def test_a_store_of_two_forms_exports_each_by_its_declaration(tmp_path):
    db, truth = _store(tmp_path)
    paths = export_store(db, tmp_path / "out.csv")
    names = sorted(p.name for p in paths)
    dpt = "department_performance_targets"
    assert names == sorted([f"out-{dpt}.csv", f"out-{dpt}-tasks.csv", f"out-{dpt}-indicators.csv",
                            f"out-{PROJECT}.csv", f"out-{PROJECT}-indicators.csv"]), names
    with (tmp_path / f"out-{PROJECT}.csv").open(encoding="utf-8-sig") as fh:
        project = list(csv.DictReader(fh))
    data = truth["forms"][0]["data"] if "forms" in truth else json.loads(
        next((tmp_path / "in").glob("*.truth.json")).read_text())["forms"][0]["data"]
    assert len(project) == 1 and project[0]["项目名称"] == data["project_name"]
    assert project[0]["表"] == PROJECT
    with (tmp_path / f"out-{PROJECT}-indicators.csv").open(encoding="utf-8-sig") as fh:
        items = list(csv.DictReader(fh))
    assert len(items) == len(data["indicators"]) and all(r["项目名称"] == data["project_name"] for r in items)
    assert [r["三级指标"] for r in items] == [i["level3"] for i in data["indicators"]]

    wb = load_workbook(export_store(db, tmp_path / "out.xlsx")[0])
    assert wb.sheetnames == ["部门", "重点任务", "其他任务", "绩效指标", "项目支出绩效目标表", "Indicators", "说明"]
    head = [c.value for c in wb["项目支出绩效目标表"][1]]
    assert "项目名称" in head and "年度资金总额（元）" in head
    jsonl = [json.loads(x) for x in export_store(db, tmp_path / "out.jsonl")[0].read_text().splitlines()]
    assert {x["record"] for x in jsonl} == {"department", "task", "indicator", "form", "indicators"}
