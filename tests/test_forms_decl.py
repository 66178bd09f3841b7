"""Form declarations: loading YAML/TOML with errors naming line and key; a user's own form from a file in
a temporary folder, no package edit, mapped from a generated PDF; the CLI's form options."""
from __future__ import annotations

import json
import textwrap
from decimal import Decimal

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from extract.mapping.decl_load import FormFileError, load_form, parse_form
from extract.mapping.forms import available_forms

USER_FORM = textwrap.dedent("""\
    # a form the package has never heard of
    name: training_plan
    title: 培训计划表
    recognise:
      titles: ['培训计划表']
    parts:
      - kind: grid
        fields:
          - {key: unit_name, label: 单位名称}
          - {key: budget, label: 培训经费, type: money}
          - {key: trainees, label: 参训人数, type: int}
      - kind: rows
        key: courses
        columns:
          - {key: name, label: 课程名称}
          - {key: hours, label: 学时, type: decimal}
          - {key: pass_rate, label: 合格率, type: percent}
    checks:
      - {name: pass_rate_range, rule: range, fields: ['courses[*].pass_rate'], min: 0, max: 100}
    """)


def test_error_names_line_and_key():
    bad = USER_FORM.replace("type: int", "type: integer")
    with pytest.raises(FormFileError) as exc:
        parse_form(bad, "my_form.yaml")
    msg = str(exc.value)
    assert msg.startswith("my_form.yaml:11: parts[0].fields[2].type:"), msg
    assert "\n" not in msg


def test_unknown_key_and_yaml_syntax_errors_name_their_line():
    with pytest.raises(FormFileError, match=r"^f.yaml:5: recognise.titel: Extra inputs"):
        parse_form(USER_FORM.replace("titles:", "titel:"), "f.yaml")
    with pytest.raises(FormFileError, match=r"^f.yaml:\d+: not YAML"):
        parse_form(USER_FORM.replace("name: training_plan", "name: [training_plan"), "f.yaml")
    with pytest.raises(FormFileError, match="checks\\[0\\]: .*needs 'fields'"):
        parse_form(USER_FORM.replace("fields: ['courses[*].pass_rate'], ", ""), "f.yaml")


def test_toml_form_reads_like_yaml(tmp_path):
    toml = textwrap.dedent("""\
        name = "tiny"
        title = "小表"
        [[parts]]
        kind = "grid"
        fields = [{key = "a", label = "甲项"}]
        """)
    (tmp_path / "tiny.toml").write_text(toml, encoding="utf-8")
    decl = load_form(tmp_path / "tiny.toml")
    assert decl.name == "tiny" and decl.grid_fields()[0].label == "甲项"
    assert "tiny" in available_forms([tmp_path])


def _user_document(path):
    from corpus.render import PageStyle, TableBlock, Title, render_document
    from corpus.sheet import Sheet

    sheet = Sheet()
    sheet.add_row([(0, 0.2, "单位名称"), (0.2, 1.0, "某市统计局")])
    sheet.add_row([(0, 0.2, "培训经费（万元）"), (0.2, 0.5, "12.50"), (0.5, 0.7, "参训人数"), (0.7, 1.0, "240")])
    sheet.add_row([(0, 0.4, "课程名称"), (0.4, 0.7, "学时"), (0.7, 1.0, "合格率")], "center", "header")
    courses = [("统计法规", "8", "98%"), ("数据采集", "12.5", "1"), ("质量控制", "6", "95%")]
    for c in courses:
        sheet.add_row([(0, 0.4, c[0]), (0.4, 0.7, c[1]), (0.7, 1.0, c[2])])
    render_document([Title("2025年培训计划表", 16.0), TableBlock(sheet, 10.0)], PageStyle(), path)
    return {"title": "2025年培训计划表", "year": 2025, "unit_name": "某市统计局", "budget": "125000.00",
            "trainees": 240, "courses": [{"name": "统计法规", "hours": "8", "pass_rate": "98"},
                                         {"name": "数据采集", "hours": "12.5", "pass_rate": "100"},
                                         {"name": "质量控制", "hours": "6", "pass_rate": "95"}]}


def test_users_own_form_in_a_yaml_file_maps_with_field_accuracy_one(tmp_path):
    pytest.importorskip("reportlab")
    from benchmarks.metrics.fields import accuracy, field_outcomes
    from extract import extract_file
    from extract.options import ExtractOptions

    form_file = tmp_path / "training_plan.yaml"
    form_file.write_text(USER_FORM, encoding="utf-8")
    truth = _user_document(tmp_path / "plan.pdf")
    result = extract_file(tmp_path / "plan.pdf", ExtractOptions(form=str(form_file)))
    (doc,) = result.documents
    assert doc.form == "training_plan"
    outcomes = field_outcomes(doc.data, truth)
    assert accuracy(outcomes) == 1.0, [o for o in outcomes if not o.correct]
    assert doc.data["courses"][1]["pass_rate"]["confidence"] < doc.data["courses"][0]["pass_rate"]["confidence"]
    assert [c.passed for c in doc.checks] == [True]
    # the same form found by auto detection once its folder is named
    auto = extract_file(tmp_path / "plan.pdf", ExtractOptions(forms_dirs=(str(tmp_path),)))
    assert [d.form for d in auto.documents] == ["training_plan"]
    assert Decimal(auto.documents[0].data["budget"]["value"]) == Decimal("125000")


def test_cli_lists_forms_and_fails_fast_on_an_unknown_one(tmp_path):
    from extract.cli import app

    (tmp_path / "training_plan.yaml").write_text(USER_FORM, encoding="utf-8")
    runner = CliRunner()
    listed = runner.invoke(app, ["forms", "--forms-dir", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    for text in ("project_performance_targets", "general_budget_expenditure", "department_income_expenditure",
                 "department_performance_targets", "training_plan", "courses[].pass_rate", "items[].code"):
        assert text in listed.output
    missing = tmp_path / "does-not-exist.pdf"
    bad = runner.invoke(app, ["run", str(missing), "--form", "no_such_form", "-o", str(tmp_path / "o.json")])
    assert bad.exit_code == 2
    assert "unknown form 'no_such_form'" in bad.output and "training_plan" not in bad.output
    assert "general_budget_expenditure" in bad.output and not (tmp_path / "o.json").exists()
    broken = tmp_path / "broken.yaml"
    broken.write_text(USER_FORM.replace("kind: rows", "kind: table"), encoding="utf-8")
    bad_file = runner.invoke(app, ["run", str(missing), "--form", str(broken)])
    assert bad_file.exit_code == 2 and "broken.yaml:" in bad_file.output


def test_declared_model_is_typed():
    from models.declared import model_for

    decl = parse_form(USER_FORM)
    model = model_for(decl)
    inst = model.model_validate({"budget": {"value": "100.00", "confidence": 1.0, "raw_unit": "元"},
                                 "courses": [{"hours": {"value": "8", "confidence": 0.9}}]})
    assert inst.courses[0].hours.value == "8" and inst.budget.decimal() == Decimal("100.00")
    with pytest.raises(ValidationError):
        model.model_validate({"budget": {"value": "abc", "confidence": 1.0}})
    assert json.loads(inst.model_dump_json())["trainees"]["value"] is None


def test_entry_point_objects_become_forms(tmp_path):
    from extract.mapping.forms import _from_entry_point

    path = tmp_path / "training_plan.yaml"
    path.write_text(USER_FORM, encoding="utf-8")
    decl = parse_form(USER_FORM)
    for obj in (str(path), tmp_path, decl, lambda: [decl]):
        (spec,) = _from_entry_point(obj, "entry point test")
        assert spec.name == "training_plan" and spec.origin == "entry point test"


def test_batch_export_and_review_know_a_users_forms_dir(tmp_path, monkeypatch):
    """`batch --forms-dir` maps with the user's form in its workers; `export --forms-dir` lays the store out
    by that declaration (a file per list, printed labels); export without it warns and still writes; a bad
    --form fails before any input is read."""
    pytest.importorskip("reportlab")
    from extract.cli import app
    from extract.mapping import forms as forms_mod

    monkeypatch.setattr(forms_mod, "_USED", {})  # use_forms is process-wide: keep other tests' registry clean
    forms_dir = tmp_path / "forms"
    forms_dir.mkdir()
    (forms_dir / "training_plan.yaml").write_text(USER_FORM, encoding="utf-8")
    _user_document(tmp_path / "plan.pdf")
    store = tmp_path / "s.db"
    runner = CliRunner()
    done = runner.invoke(app, ["batch", str(tmp_path / "plan.pdf"), "--store", str(store), "--forms-dir",
                               str(forms_dir), "--no-progress"])
    assert done.exit_code == 0, done.output
    assert "1 forms" in done.output
    import sqlite3

    con = sqlite3.connect(store)
    assert [r[0] for r in con.execute("SELECT form FROM forms")] == ["training_plan"]
    con.close()
    out = tmp_path / "out.csv"
    exported = runner.invoke(app, ["export", "--store", str(store), "--to", str(out), "--forms-dir", str(forms_dir)])
    assert exported.exit_code == 0, exported.output
    assert "not known here" not in exported.output
    courses = tmp_path / "out-courses.csv"
    assert courses.exists(), sorted(p.name for p in tmp_path.iterdir())
    text = courses.read_text(encoding="utf-8-sig")
    assert "课程名称" in text and "数据采集" in text
    monkeypatch.setattr(forms_mod, "_USED", {})  # a fresh process: the form is not known unless named
    bare = runner.invoke(app, ["export", "--store", str(store), "--to", str(tmp_path / "bare.jsonl")])
    assert bare.exit_code == 0 and "form training_plan is not known here" in bare.output
    broken = forms_dir / "broken.yaml"
    broken.write_text(USER_FORM.replace("kind: rows", "kind: table"), encoding="utf-8")
    refused = runner.invoke(app, ["batch", str(tmp_path / "plan.pdf"), "--store", str(tmp_path / "t.db"),
                                  "--forms-dir", str(forms_dir), "--no-progress"])
    assert refused.exit_code == 2 and "broken.yaml:" in refused.output
    assert not (tmp_path / "t.db").exists()


def test_the_hot_folder_and_the_service_take_a_forms_dir(tmp_path):
    """`watch --forms-dir` maps a dropped PDF of a user's form with it (a real watcher process, --once);
    `serve` with a broken form file refuses to start, exit 2, naming the file."""
    pytest.importorskip("reportlab")
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    forms_dir = tmp_path / "forms"
    forms_dir.mkdir()
    (forms_dir / "training_plan.yaml").write_text(USER_FORM, encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _user_document(inbox / "plan.pdf")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "extract.jobs", "watch", str(inbox), "--store", str(tmp_path / "s.db"),
                          "--out", str(out), "--once", "--settle", "0", "--forms-dir", str(forms_dir)],
                         cwd=root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((out / "plan.pdf.json").read_text(encoding="utf-8"))
    assert [d["form"] for d in result["documents"]] == ["training_plan"]
    assert result["documents"][0]["data"]["trainees"]["value"] == 240
    (forms_dir / "broken.yaml").write_text(USER_FORM.replace("kind: rows", "kind: table"), encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "extract.jobs", "serve", "--store", str(tmp_path / "t.db"),
                              "--port", "1", "--forms-dir", str(forms_dir)],
                             cwd=root, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "broken.yaml:" in refused.stdout + refused.stderr
