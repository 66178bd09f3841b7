"""The corpus generator: deterministic, self-consistent truth, PDFs whose text layer carries the truth."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from corpus.generate import generate
from corpus.truth import DocTruth, FormTruth, flatten_fields, flatten_values, normalize_text, values_equal
from extract.text import repair_text

N_DOCS = 14


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(out, n=N_DOCS, seed=7)
    return out


@pytest.fixture(scope="module")
def truths(corpus_dir) -> dict[str, DocTruth]:
    return {p.name.removesuffix(".truth.json"): DocTruth.model_validate_json(p.read_text("utf-8"))
            for p in sorted(corpus_dir.glob("*.truth.json"))}


def page_texts(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def norm(text: str) -> str:
    return normalize_text(repair_text(text)[0])


def test_generation_is_deterministic(tmp_path, corpus_dir):
    generate(tmp_path, n=N_DOCS, seed=7)
    for p in sorted(corpus_dir.iterdir()):
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name
    other = tmp_path / "other"
    generate(other, n=4, seed=8)
    assert (other / "gen-8-0000.truth.json").read_text() != (tmp_path / "gen-7-0000.truth.json").read_text()


def test_seeds_always_included_and_faithful(truths):
    dg = truths["seed-dongguan-2024"].forms[0].data
    assert dg.department == "东莞市应急管理局" and dg.year == 2024 and dg.staff_count == 124
    assert dg.budget.basic_expenditure == "43938500.00" and dg.budget.municipal_funds is None
    assert len(dg.key_tasks) == 8 and dg.key_tasks[0].amount == "9674500.00" and dg.other_tasks == []
    assert len(dg.indicators) == 26  # 27 printed rows, the bare 成本指标 row skipped
    assert dg.indicators[0].comparator == "≈" and dg.indicators[0].value_max == "27400"
    assert dg.indicators[-1].comparator == "≥" and dg.indicators[-1].unit == "%"
    jy = truths["seed-jieyang-2023"].forms[0].data
    assert jy.budget.project_expenditure == "5655807.50" and jy.subordinate_units is None
    assert [t.seq for t in jy.key_tasks + jy.other_tasks] == list(range(1, 11))
    assert [i.level1 for i in jy.indicators[:3]] == ["产出指标"] * 3
    assert jy.indicators[2].comparator == "≤" and jy.indicators[4].value_min is None


def _dec(v: str | None) -> Decimal:
    return Decimal(v) if v is not None else Decimal(0)


def check_identities(form: FormTruth, generated: bool) -> None:
    b = form.budget
    spent = _dec(b.basic_expenditure) + _dec(b.project_expenditure)
    if b.special_funds is not None:  # forms with 事业发展性支出 rows
        dev = _dec(b.special_funds) + _dec(b.other_development_expenditure)
        assert spent + dev == _dec(b.fiscal_appropriation) + _dec(b.other_funds)
        tasks = sum((_dec(t.amount) for t in form.key_tasks + form.other_tasks), Decimal(0))
        assert tasks <= _dec(b.project_expenditure) + dev
        if generated:
            assert _dec(b.municipal_funds) + _dec(b.transfer_funds) == dev
    else:
        tasks = sum((_dec(t.amount) for t in form.key_tasks + form.other_tasks), Decimal(0))
        assert tasks == _dec(b.project_expenditure)
        if generated:
            assert spent == _dec(b.fiscal_appropriation) + _dec(b.other_funds)


def test_money_identities_hold(truths):
    check_identities(truths["seed-dongguan-2024"].forms[0].data, generated=False)
    check_identities(truths["seed-jieyang-2023"].forms[0].data, generated=False)
    forms = [f.data for doc_id, t in truths.items() if doc_id.startswith("gen-") for f in t.forms]
    assert len(forms) >= N_DOCS - 2
    for form in forms:
        check_identities(form, generated=True)
        for v in flatten_values(form.budget).values():
            assert v is None or Decimal(v) == Decimal(v).quantize(Decimal("0.01")) and "." in v


def test_tables_tile_their_grid(truths):
    for doc_id, truth in truths.items():
        for table in truth.tables:
            covered = [[0] * table.n_cols for _ in range(table.n_rows)]
            for c in table.cells:
                for r in range(c.row, c.row + c.row_span):
                    for k in range(c.col, c.col + c.col_span):
                        covered[r][k] += 1
                assert c.page in table.pages
            assert all(v == 1 for row in covered for v in row), doc_id


def test_indicator_rows_follow_value_rules(truths):
    for truth in truths.values():
        for form in truth.forms:
            for ind in form.data.indicators:
                assert ind.level1 and ind.level2 and (ind.level3 or ind.annual_target)
                assert ind.comparator in (None, "=", "≥", "≤", "≈", ">", "<")
                for v in (ind.value_min, ind.value_max):
                    assert v is None or (v == v.rstrip("0") if "." in v else True)
                if ind.value_min is not None and ind.period_target is not None:
                    assert ind.value_min in ind.annual_target and ind.value_max in ind.annual_target


def test_text_layer_carries_truth(corpus_dir, truths):
    for doc_id, truth in truths.items():
        pages = [norm(t) for t in page_texts(corpus_dir / f"{doc_id}.pdf")]
        for table in truth.tables:
            for cell in table.cells:  # every non-empty cell's text is on its pages
                text = norm(cell.text)
                assert not text or any(text in pages[p - 1] for p in table.pages), (doc_id, cell.text)
        for form in truth.forms:
            body = "".join(pages[p - 1] for p in form.pages)
            data = form.data
            for label in ("部门名称", "基本信息", "预算整体情况", "总体绩效目标", "年度重点工作任务", "绩效指标"):
                assert label in body, (doc_id, label)
            texts = [data.title, data.department] + data.overall_goals + [t.name for t in data.key_tasks]
            texts += [i.level3 for i in data.indicators] + [i.annual_target for i in data.indicators]
            for t in texts:
                assert t is None or norm(t) in body, (doc_id, t)


def test_kangxi_documents_need_repair(corpus_dir, truths):
    kangxi = [d for d, t in truths.items() if t.render.kangxi]
    assert kangxi, "the sample should hold a document with Kangxi radicals"
    raw = "".join(page_texts(corpus_dir / f"{kangxi[0]}.pdf"))
    assert any(0x2F00 <= ord(ch) <= 0x2FD5 for ch in raw)
    plain = [d for d, t in truths.items() if not t.render.kangxi]
    assert not any(0x2F00 <= ord(ch) <= 0x2FD5 for ch in "".join(page_texts(corpus_dir / f"{plain[0]}.pdf")))


def test_jieyang_repeats_task_header_after_page_break(corpus_dir, truths):
    truth = truths["seed-jieyang-2023"]
    main = truth.tables[0]
    assert main.pages == [1, 2]
    headers = [c for c in main.cells if c.text == "拟投入金额(万元)"]
    assert len(headers) == 1  # the repeated header row is not a row of the table
    pages = [norm(t) for t in page_texts(corpus_dir / "seed-jieyang-2023.pdf")]
    assert [t.count("拟投入金额(万元)") for t in pages] == [1, 1, 0]
    first = next(c for c in truth.tables[1].cells if c.text == "产出指标")
    assert first.row_span == 4


def test_example_matches_seed(truths):
    example = Path(__file__).parents[1] / "corpus" / "examples" / "dongguan-2024.truth.json"
    data = json.loads(example.read_text("utf-8"))
    assert data["doc_id"] == "dongguan-2024"
    assert data["forms"][0]["data"] == truths["seed-dongguan-2024"].forms[0].data.model_dump()
    assert example.with_suffix("").with_suffix(".pdf").exists()


def test_flatten_values_and_fields():
    truth = {"title": "表", "budget": {"basic_expenditure": "100.00"}, "overall_goals": ["a", "b"],
             "key_tasks": [{"seq": 1, "amount": "5.00"}]}
    assert flatten_values(truth) == {"title": "表", "budget.basic_expenditure": "100.00", "overall_goals[0]": "a",
                                     "overall_goals[1]": "b", "key_tasks[0].seq": 1, "key_tasks[0].amount": "5.00"}
    pred = {"title": {"value": "表", "confidence": 0.9, "raw": "表", "source": {"table": "t1", "cells": [[0, 0]]}},
            "budget": {"basic_expenditure": {"value": "100", "confidence": 0.5, "raw_unit": "元"}},
            "overall_goals": {"value": ["a", "b"], "confidence": 0.7},
            "key_tasks": [{"seq": {"value": 1, "confidence": 1.0}, "amount": {"value": None, "confidence": 0.0}}]}
    fields = flatten_fields(pred)
    assert fields["overall_goals[1]"] == ("b", 0.7) and fields["budget.basic_expenditure"] == ("100", 0.5)
    values = flatten_values(pred)
    assert set(values) == set(flatten_values(truth))
    assert values_equal(values["budget.basic_expenditure"], truth["budget"]["basic_expenditure"])
    assert not values_equal(values["key_tasks[0].amount"], truth["key_tasks"][0]["amount"])


@pytest.mark.parametrize("a,b,equal", [
    ("43938500.00", "43938500", True), ("5655807.5", "5655807.50", True), ("100", "100.01", False),
    (None, None, True), (None, "", True), (None, "0", False), (2024, "2024", True),
    ("培训对象的满意度（%）", "培训对象的满意度 (%)", True), ("目标1：持续 深化", "目标1:持续深化", True),
    ("有效提高", "有效提升", False), ("7*24", "7×24", False),
])
def test_values_equal(a, b, equal):
    assert values_equal(a, b) is equal


def test_cell_boxes_hold_their_text(corpus_dir, truths):
    for doc_id in ("seed-jieyang-2023", "gen-7-0000", "gen-7-0001"):
        doc = pdfium.PdfDocument(corpus_dir / f"{doc_id}.pdf")
        for table in truths[doc_id].tables:
            for cell in (c for c in table.cells if c.row_span == 1 and c.text):
                page = doc[cell.page - 1]
                height = page.get_height()
                x0, y0, x1, y1 = cell.bbox
                inside = page.get_textpage().get_text_bounded(x0, height - y1, x1, height - y0)
                assert norm(cell.text) == norm(inside), (doc_id, cell.text, inside)
        doc.close()
