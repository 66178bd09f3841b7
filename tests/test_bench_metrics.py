"""Every benchmark metric on tiny inputs with answers worked out by hand, and TEDS against the reference."""
import json
from pathlib import Path
from types import SimpleNamespace as C

import pytest

from benchmarks.metrics.cells import Counts, cell_detection_counts, iou
from benchmarks.metrics.cer import cer, corpus_cer, levenshtein
from benchmarks.metrics.confidence import auroc, review_catch_rate
from benchmarks.metrics.fields import accuracy, field_outcomes, pair_documents
from benchmarks.metrics.merged import merged_cell_hits
from benchmarks.metrics.teds import cells_to_html, teds

FIXTURES = Path("/work/shared/evaldata/pubtabnet_examples/teds_fixtures")
if not FIXTURES.exists():
    FIXTURES = Path(__file__).resolve().parents[2] / "shared/evaldata/pubtabnet_examples/teds_fixtures"
REFERENCE = Path(__file__).resolve().parents[1] / "benchmarks/fixtures/teds_reference.json"

T2x2 = "<html><body><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table></body></html>"


def test_teds_identical_tree_is_one():
    assert teds(T2x2, T2x2) == 1.0
    assert teds(T2x2, T2x2, structure_only=True) == 1.0


def test_teds_one_wrong_character_costs_its_share():
    wrong = T2x2.replace(">d<", ">x<")
    # 6 nodes under <table> (2 tr + 4 td); one td renamed at cost 1 (1 of 1 token differs)
    assert teds(wrong, T2x2) == pytest.approx(1 - 1 / 6)
    assert teds(wrong, T2x2, structure_only=True) == 1.0


def test_teds_missing_row_and_span_change():
    one_row = "<table><tr><td>a</td><td>b</td></tr></table>"
    # deleting a tr and its two td: 3 of 6 nodes
    assert teds(one_row, T2x2) == pytest.approx(0.5)
    merged = "<table><tr><td colspan=\"2\">a</td></tr><tr><td>c</td><td>d</td></tr></table>"
    # rename td(a)->td colspan 2 costs 1, delete td(b) costs 1: 2 / 6
    assert teds(merged, T2x2) == pytest.approx(1 - 2 / 6)


def test_teds_no_table_is_zero():
    assert teds("<p>none</p>", T2x2) == 0.0
    assert teds("", T2x2) == 0.0


def test_teds_matches_pubtabnet_reference_on_fixture():
    gt = json.loads((FIXTURES / "sample_gt.json").read_text())
    pred = json.loads((FIXTURES / "sample_pred.json").read_text())
    ref = json.loads(REFERENCE.read_text())
    assert len(gt) == 20
    for name, item in gt.items():
        assert teds(pred.get(name, ""), item["html"]) == pytest.approx(ref["teds"][name], abs=1e-3), name
        assert teds(pred.get(name, ""), item["html"], structure_only=True) == pytest.approx(
            ref["teds_struct"][name], abs=1e-3), name


def test_cells_to_html_round_trips_spans():
    html = cells_to_html(2, [(0, 0, 1, 2, "a&b"), (1, 0, 1, 1, "c"), (1, 1, 1, 1, "d")])
    assert '<td colspan="2">a&amp;b</td>' in html
    assert teds(html, "<table><tr><td colspan=\"2\">a&amp;b</td></tr><tr><td>c</td><td>d</td></tr></table>") == 1.0


def test_levenshtein_and_cer():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein(["<b>", "a"], ["a"]) == 1
    assert cer("部门名称", "部门名称") == 0.0
    assert cer("部门名", "部门名称") == pytest.approx(0.25)
    assert cer("ａ b", "ab") == 0.0  # width folded, whitespace ignored
    assert cer("x", "") == 1.0
    assert corpus_cer([("ab", "ab"), ("", "cd")]) == pytest.approx(0.5)
    assert corpus_cer([]) is None


def test_iou_and_cell_detection():
    assert iou((0, 0, 2, 2), (1, 0, 3, 2)) == pytest.approx(2 / 6)
    true = [(0, 0, 10, 10), (10, 0, 20, 10)]
    pred = [(0, 0, 10, 9), (10, 0, 20, 10), (30, 30, 40, 40), (0, 0, 10, 10)]
    c = cell_detection_counts(pred, true)
    assert (c.matched, c.predicted, c.truth) == (2, 4, 2)  # one-to-one: the duplicate is a false positive
    assert c.precision == 0.5 and c.recall == 1.0 and c.f1 == pytest.approx(2 / 3)
    assert cell_detection_counts([(0, 0, 10, 5)], true).matched == 0  # IoU 0.5 < 0.6
    total = Counts(1, 2, 2) + Counts(1, 1, 2)
    assert total.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_merged_cell_hits():
    true = [C(row=0, col=0, row_span=2, col_span=1, text="产出指标"), C(row=0, col=1, row_span=1, col_span=1, text="x"),
            C(row=2, col=0, row_span=1, col_span=3, text="合计")]
    pred = [C(row=0, col=0, row_span=2, col_span=1, text="产出 指标"), C(row=2, col=0, row_span=1, col_span=2, text="合计")]
    assert merged_cell_hits(pred, true) == (1, 2)
    assert merged_cell_hits([], true) == (0, 2)


def _f(value, conf=0.9):
    return {"value": value, "confidence": conf, "raw": str(value), "source": None}


def test_field_outcomes_and_accuracy():
    truth = {"department": "东莞市财政局", "staff_count": 12, "budget": {"basic_expenditure": "100.00"},
             "overall_goals": ["目标一"]}
    pred = {"department": _f("东莞市财政局"), "staff_count": _f(13, 0.2),
            "budget": {"basic_expenditure": _f("100")}, "overall_goals": [_f("目标一"), _f("多余", 0.5)]}
    out = {o.path: o for o in field_outcomes(pred, truth)}
    assert out["department"].correct and out["budget.basic_expenditure"].correct
    assert not out["staff_count"].correct and out["staff_count"].confidence == 0.2
    assert not out["overall_goals[1]"].correct  # spurious item counts against
    assert accuracy(list(out.values())) == pytest.approx(3 / 5)
    assert accuracy(field_outcomes(None, truth)) == 0.0


def test_pair_documents_by_page_overlap():
    preds = [{"pages": [3, 4], "data": "B"}, {"pages": [1, 2], "data": "A"}]
    truth = [{"pages": [1, 2]}, {"pages": [3]}, {"pages": [5]}]
    pairs = pair_documents(preds, truth)
    assert [p["data"] if p else None for p, _ in pairs] == ["A", "B", None]


def test_review_catch_rate_and_auroc():
    items = [(0.1, True), (0.2, False), (0.3, True), (0.9, False), (0.95, False),
             (0.96, False), (0.97, False), (0.98, False), (0.99, False), (0.99, True)]
    assert review_catch_rate(items, 0.05) == pytest.approx(1 / 3)  # ceil(0.5) = 1 item reviewed
    assert review_catch_rate(items, 0.20) == pytest.approx(1 / 3)
    assert review_catch_rate([(0.5, False)], 0.1) is None
    # wrong {0.1, 0.3, 0.99} vs 7 right: 0.1 below all 7, 0.3 below 6, 0.99 ties one (0.5) => 13.5/21
    assert auroc(items) == pytest.approx(13.5 / 21)
    assert auroc([(0.1, True), (0.9, False)]) == 1.0
    assert auroc([(0.5, True), (0.5, False)]) == 0.5
    assert auroc([(0.5, False)]) is None


def test_ties_give_no_credit():
    flat = [(1.0, False)] * 9 + [(1.0, True)]
    assert review_catch_rate(flat, 0.10) == 0.0


def test_align_rows_skips_an_inserted_header_row():
    from benchmarks.metrics.align import align_rows, text_similarity

    assert text_similarity("部门 名称", "部门名称") == 1.0 and text_similarity("ab", "cd") == 0.0
    truth = ["名称 内容", "课题 调研", "宣传 经费"]
    pred = ["名称 内容", "名称 内容", "课题 调研", "宣传 经费"]  # a page header repeated
    pairs = align_rows(truth, pred)
    assert pairs[1] == 2 and pairs[2] == 3 and pairs[0] in (0, 1)
    assert align_rows(["x"], []) == {}


def test_ink_box_finds_content_inside_a_ruled_cell():
    import numpy as np

    from benchmarks.metrics.cells import ink_box

    gray = np.full((100, 200), 255, dtype=np.uint8)
    gray[0:2, :] = gray[98:100, :] = 0  # the cell's own rulings
    gray[:, 0:2] = gray[:, 198:200] = 0
    gray[40:60, 50:120] = 20  # its text
    assert ink_box(gray, (0, 0, 200, 100)) == (50.0, 40.0, 120.0, 60.0)
    gray[40:60, 50:120] = 255
    assert ink_box(gray, (0, 0, 200, 100)) is None  # an empty cell holds nothing to match
