"""The ICDAR 2013 adjacency-relation metric on tiny hand-made truths and results with known P/R."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.icdar2013 import (DATA_DIR, DocScore, GridCell, ScoredTable, adjacency_relations,
                                  load_ground_truth, match_tables, normalize_text, read_structure_xml,
                                  score_against_alternatives, score_document, summarize)


def grid(rows: list[list[str]], page: int = 1, bbox=(0.0, 0.0, 100.0, 100.0)) -> ScoredTable:
    cells = tuple(GridCell(r, c, t) for r, row in enumerate(rows) for c, t in enumerate(row))
    return ScoredTable(page, bbox, cells)


def test_normalize_keeps_alphanumerics_only():
    assert normalize_text(" Total (n)\n3,375 ") == "totaln3375"
    assert normalize_text("合计：万元") == "合计万元"


def test_relations_of_a_full_grid():
    rel = adjacency_relations(grid([["a", "b"], ["c", "d"]]).cells)
    assert rel == {("a", "b", "h"): 1, ("c", "d", "h"): 1, ("a", "c", "v"): 1, ("b", "d", "v"): 1}


def test_empty_cells_are_skipped_to_the_nearest_neighbour():
    rel = adjacency_relations(grid([["a", "", "b"], ["", "", ""], ["c", "-", "d"]]).cells)
    # "-" normalises to nothing, so it is empty too
    assert rel == {("a", "b", "h"): 1, ("c", "d", "h"): 1, ("a", "c", "v"): 1, ("b", "d", "v"): 1}


def test_a_spanning_cell_relates_to_each_cell_under_it():
    cells = (GridCell(0, 0, "stub", row_span=2), GridCell(0, 1, "Expenditure", col_span=2),
             GridCell(1, 1, "Basic"), GridCell(1, 2, "Project"))
    rel = adjacency_relations(cells)
    assert rel[("expenditure", "basic", "v")] == 1 and rel[("expenditure", "project", "v")] == 1
    assert rel[("stub", "expenditure", "h")] == 1 and rel[("stub", "basic", "h")] == 1
    assert rel[("basic", "project", "h")] == 1
    assert sum(rel.values()) == 5


def test_half_right_gives_half_precision_and_recall():
    truth = [grid([["a", "b"], ["c", "d"]])]
    result = [grid([["a", "b"], ["c", "x"]])]
    s = score_document(truth, result)
    assert (s.correct, s.n_result, s.n_truth) == (2, 4, 4)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.5) and s.f1 == pytest.approx(0.5)


def test_extra_tables_count_against_precision_and_pages_must_match():
    truth = [grid([["a", "b"], ["c", "d"]])]
    extra = grid([["p", "q"]], bbox=(0, 200, 100, 220))
    s = score_document(truth, [grid([["a", "b"], ["c", "d"]]), extra])
    assert (s.correct, s.n_result) == (4, 5)
    other_page = score_document(truth, [grid([["a", "b"], ["c", "d"]], page=2)])
    assert other_page.correct == 0 and other_page.recall == 0.0


def test_matching_is_one_to_one_by_overlap():
    truth = [grid([["a"]], bbox=(0, 0, 10, 10)), grid([["b"]], bbox=(0, 50, 10, 60))]
    result = [grid([["x"]], bbox=(0, 45, 10, 70)), grid([["y"]], bbox=(0, 0, 10, 8))]
    assert sorted(match_tables(truth, result)) == [(0, 1), (1, 0)]


def test_micro_and_document_averages_differ_as_defined():
    scores = [DocScore(9, 10, 10), DocScore(0, 0, 90)]
    s = summarize(scores)
    assert s["doc_f1"] == pytest.approx(0.45)
    assert s["micro_precision"] == pytest.approx(0.9) and s["micro_recall"] == pytest.approx(0.09)


def test_structure_xml_flips_to_top_left_and_fills_missing_end(tmp_path: Path):
    xml = tmp_path / "x-str.xml"
    xml.write_text("""<?xml version="1.0" encoding="UTF-8"?><document><table id="1">
      <region id="1" page="1"><cell id="1" start-col="1" start-row="0" end-col="2">
        <bounding-box x1="100" x2="200" y1="700" y2="712"/><content>Head</content></cell>
      <cell id="2" start-col="0" start-row="1"><bounding-box x1="50" x2="90" y1="680" y2="690"/>
        <content>A</content></cell></region></table></document>""")
    (t,) = read_structure_xml(xml, [800.0])
    assert t.page == 1
    assert t.bbox == pytest.approx((50, 88, 200, 120))
    head = t.cells[0]
    assert (head.row, head.col, head.row_span, head.col_span, head.text) == (0, 1, 1, 2, "Head")


@pytest.mark.skipif(not DATA_DIR.exists(), reason="ICDAR 2013 data not present")
def test_alternative_truth_is_loaded_and_the_better_one_scores():
    pdf = DATA_DIR / "competition-dataset-eu" / "eu-009a.pdf"
    alternatives = load_ground_truth(pdf)
    assert len(alternatives) == 2
    exact_second = [ScoredTable(t.page, t.bbox, t.cells) for t in alternatives[1]]
    assert score_against_alternatives(alternatives, exact_second).f1 == pytest.approx(1.0)
