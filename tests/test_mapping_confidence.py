"""Field confidence: cell confidence x label match x parse quality, then moved by the checks."""
from __future__ import annotations

from extract.mapping import map_documents
from extract.mapping.checks import apply_checks
from extract.types import Check
from mapping_seeds import DONGGUAN, jieyang_lines, seed_lines, seed_to_tables


def _map(lines: list[str]):
    tables, spans = seed_to_tables(lines)
    (doc,) = map_documents(tables, spans)
    return doc


def _replace(lines: list[str], old: str, new: str) -> list[str]:
    assert sum(old in ln for ln in lines) == 1
    return [ln.replace(old, new) for ln in lines]


def test_corrupted_amount_gets_lower_confidence():
    clean = _map(seed_lines(DONGGUAN))
    bad = _map(_replace(seed_lines(DONGGUAN), "4,393.85", "4,893.85"))  # 基本支出 misread
    rules = {c.rule: c.passed for c in bad.checks}
    assert rules["expenditure_equals_income"] is False and rules["tasks_within_budget"] is True
    b, t = bad.data["budget"], bad.data["key_tasks"]
    corrupted = b["basic_expenditure"]["confidence"]
    assert corrupted <= 0.5 * clean.data["budget"]["basic_expenditure"]["confidence"]
    # untouched amounts outside the failed sum keep theirs
    assert all(corrupted < task["amount"]["confidence"] == 1.0 for task in t)
    assert corrupted < b["transfer_funds"]["confidence"] == 1.0
    assert bad.confidence < clean.confidence
    failed = next(c for c in bad.checks if c.rule == "expenditure_equals_income")
    assert "budget.basic_expenditure" in failed.fields and "8,864.78" in failed.detail


def test_task_sum_failure_lowers_the_summed_amounts():
    clean = _map(jieyang_lines())
    bad = _map(_replace(jieyang_lines(), "\t0.86075", "\t8.6075"))
    assert {c.rule: c.passed for c in bad.checks}["tasks_equal_project_expenditure"] is False
    got = bad.data["other_tasks"][5]["amount"]["confidence"]
    assert got < clean.data["other_tasks"][5]["amount"]["confidence"]
    assert got < bad.data["staff_count"]["confidence"]  # not part of the failed sum


def test_equality_vouches_for_a_term_of_a_failed_sum():
    """Jieyang with 基本支出/财政拨款 filled so that 基本+项目 = 财政拨款 + 其他资金 holds: when a task amount is
    then misread, 项目支出 is in the failed task sum but vouched for by the budget equality."""
    lines = _replace(jieyang_lines(), "\t基本支出\t\t财政拨款\t", "\t基本支出\t100\t财政拨款\t665.58075")
    lines = _replace(lines, "\t其他资金\t", "\t其他资金\t0")
    ok = _map(lines)
    assert {c.rule: c.passed for c in ok.checks}["expenditure_equals_income"] is True
    assert ok.data["budget"]["project_expenditure"]["confidence"] == 1.0
    bad = _map(_replace(lines, "\t143", "\t148"))
    rules = {c.rule: c.passed for c in bad.checks}
    assert rules["tasks_equal_project_expenditure"] is False and rules["expenditure_equals_income"] is True
    project = bad.data["budget"]["project_expenditure"]["confidence"]
    task = bad.data["key_tasks"][0]["amount"]["confidence"]
    assert task < project < 1.0


def test_cell_confidence_label_quality_and_parse_quality_multiply():
    lines = _replace(seed_lines(DONGGUAN), "财政供养人员数", "财政供养人贝数")  # fuzzy label
    lines = _replace(lines, "\t124\t", "\t1 24\t")  # stray space in the count
    tables, spans = seed_to_tables(lines)
    t0 = tables[0]
    cells = tuple(c.model_copy(update={"confidence": 0.9}) if (c.row, c.col) == (0, 1) else c for c in t0.cells)
    tables[0] = t0.model_copy(update={"cells": cells})
    (doc,) = map_documents(tables, spans)
    staff = doc.data["staff_count"]
    assert staff["value"] == 124 and staff["raw"] == "1 24"
    assert 0.5 < staff["confidence"] < 0.8  # label ~0.92 x fixed-up parse 0.8
    assert doc.data["department"]["confidence"] == 0.9  # the cell's own confidence
    assert doc.data["subordinate_units"]["confidence"] == 1.0


def test_apply_checks_paths_and_rules():
    data = {"year": {"value": 1900, "confidence": 0.8}, "budget": {"a": {"value": "1", "confidence": 0.6}},
            "key_tasks": [{"amount": {"value": "2", "confidence": 0.4}}]}
    checks = [
        Check(rule="year_plausible", passed=False, fields=("year",)),
        Check(rule="tasks_equal_project_expenditure", passed=True,
              fields=("budget.a", "key_tasks[0].amount", "nope[3].x")),
        Check(rule="tasks_within_budget", passed=True, fields=("year",)),  # an inequality: no raise
    ]
    out = apply_checks(data, checks)
    assert out["year"]["confidence"] == 0.4
    assert out["budget"]["a"]["confidence"] == 0.8  # 0.6 + 0.4 * 0.5
    assert out["key_tasks"][0]["amount"]["confidence"] == 0.7
    assert data["year"]["confidence"] == 0.8  # input untouched


def test_columns_the_form_does_not_print_are_confidently_empty():
    doc = _map(seed_lines(DONGGUAN))  # no 资金主管部门 label, no 三级指标解释 column
    cd, expl = doc.data["competent_department"], doc.data["indicators"][0]["explanation"]
    assert cd["value"] is None and cd["source"] is None and cd["confidence"] >= 0.9
    assert expl["value"] is None and expl["confidence"] >= 0.9
    # a field the form does print keeps its evidence: a blank cell with its source
    assert doc.data["budget"]["municipal_funds"]["value"] is None
    assert doc.data["budget"]["municipal_funds"]["source"] is not None


def test_missing_required_label_is_not_a_confident_blank():
    doc = _map(_replace(seed_lines(DONGGUAN), "财政供养人员数", "某某某某某某某"))
    staff = doc.data["staff_count"]
    # told by its place between 资金主管部门 and 下属二级单位数: read, but no surer than a place says
    assert staff["value"] == _map(seed_lines(DONGGUAN)).data["staff_count"]["value"]
    assert staff["confidence"] <= 0.6


def test_rows_of_another_table_run_into_the_indicator_grid_end_it():
    # regression (harsh scans): a 部门收支总表 under the form was read into the same grid and its rows
    # became indicators with confidence ~1.0
    base = seed_lines(DONGGUAN)
    n = len(_map(base).data["indicators"])
    doc = _map(base + ["\t收入\t预算数\t支出\t预算数\t合计", "\t\t\t一般公共预算拨款\t100\t100"])
    assert len(doc.data["indicators"]) == n


def test_level_label_outside_the_vocabulary_is_doubtful():
    doc = _map(_replace(seed_lines(DONGGUAN), "\t质量指标\t", "\t质量措施\t"))
    levels = {i["level2"]["value"]: i["level2"]["confidence"] for i in doc.data["indicators"]}
    assert levels["质量措施"] <= 0.5 and levels["数量指标"] == 1.0


def test_budget_blocks_a_form_variant_lacks_are_confident_blanks():
    b = _map(jieyang_lines()).data["budget"]  # no 事业发展性支出 / 按预算级次划分 blocks on this form
    for key in ("special_funds", "other_development_expenditure", "municipal_funds", "transfer_funds"):
        assert b[key]["value"] is None and b[key]["confidence"] >= 0.9
    assert b["basic_expenditure"]["source"] is not None  # printed, left blank: keeps its cell


def _map_as_ocr(lines: list[str]):
    """Map the lines as if every cell had been read by OCR."""
    from extract.types import TextSpan

    tables, spans = seed_to_tables(lines)
    ocr = [t.model_copy(update={"cells": tuple(
        c.model_copy(update={"spans": (TextSpan(text=c.text, bbox=c.bbox, source="ocr"),) if c.text else ()})
        for c in t.cells)}) for t in tables]
    (doc,) = map_documents(ocr, spans)
    return doc


def test_an_ocr_read_comparator_a_faded_ge_could_have_left_is_doubtful():
    # regression (harsh scans): PP-OCR reads a faded ≥ as > or = with scores near 1.0; those readings
    # ranked with the sure ones and escaped review
    base = seed_lines(DONGGUAN)
    row = next(ln for ln in base if "培训对象的满意度" in ln)

    def comparator(doc):
        (ind,) = [i for i in doc.data["indicators"] if i["level3"]["value"] and "培训对象的满意度" in i["level3"]["value"]]
        return ind["comparator"]

    sure = comparator(_map_as_ocr(base))
    assert sure["value"] == "≥" and sure["confidence"] >= 0.8
    for faded in ("=", ">"):
        doc = _map_as_ocr(_replace(base, row, row.replace("≥", faded)))
        got = comparator(doc)
        assert got["value"] == faded and got["confidence"] <= 0.65 * sure["confidence"]
        (ind,) = [i for i in doc.data["indicators"] if "培训对象的满意度" in (i["level3"]["value"] or "")]
        assert ind["annual_target"]["value"].startswith(faded) and ind["annual_target"]["confidence"] <= 0.65
    printed = comparator(_map(_replace(base, row, row.replace("≥", "="))))  # the text layer is not doubted
    assert printed["value"] == "=" and printed["confidence"] >= 0.9
