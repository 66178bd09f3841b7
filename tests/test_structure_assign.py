"""Text into cells: spans split at cell edges, line order, confidence from span and geometry."""
from __future__ import annotations

import pytest
from structure_drawing import draw_table, page, text_span

from extract.structure.assign import assign_text, route_spans, split_span
from extract.structure.build import build_page_tables
from extract.types import Cell, TextSpan

COLS = [50.0, 150.0, 250.0, 350.0]
ROWS = [100.0, 120.0, 140.0, 160.0]


def _cells(cols=COLS, rows=ROWS):
    return [Cell(row=r, col=k, bbox=(cols[k], rows[r], cols[k + 1], rows[r + 1]))
            for r in range(len(rows) - 1) for k in range(len(cols) - 1)]


def test_span_crossing_a_column_edge_is_split_by_char_boxes():
    # "部门名称东莞市" starts at x=100: 5 CJK chars (10pt each) before x=150, 2 after
    span = text_span("部门名称东莞市", 100, 105)
    cells = assign_text(_cells(), [span])
    assert cells[0].text == "部门名称东" and cells[1].text == "莞市"
    assert cells[1].spans[0].bbox[0] == pytest.approx(150.0)
    assert cells[0].spans[0].char_boxes == span.char_boxes[:5]


def test_span_crossing_two_edges_without_char_boxes_is_split_proportionally():
    # OCR-like: no char boxes; 12 CJK chars over 120..360 -> 20pt each: 120..150 | 150..250 | 250..360
    span = TextSpan(text="一二三四五六七八九十百千", bbox=(110.0, 104.0, 350.0, 116.0), source="ocr", confidence=0.9)
    cells = assign_text(_cells(), [span])
    assert [c.text for c in cells[:3]] == ["一二", "三四五六七", "八九十百千"]
    assert all(c.confidence == pytest.approx(0.9) for c in cells[:3])


def test_mixed_width_text_split_proportionally():
    # "AB中文" : A,B weigh 1/2, 中,文 weigh 1 -> widths 10,10,20,20 from x=130; edge at 150 after "AB"
    span = TextSpan(text="AB中文", bbox=(130.0, 104.0, 190.0, 116.0))
    assert [p.text for p in split_span(span, [150.0])] == ["AB", "中文"]
    assert split_span(span, [130.2]) == [span]  # a cut at the very end changes nothing


def test_split_drops_spaces_at_the_cut():
    span = text_span("12 34", 130, 104)  # 5 half-width chars from 130: '1','2' [130,140) ' ' [140,145)
    pieces = split_span(span, [142.0])
    assert [p.text for p in pieces] == ["12", "34"]


def test_lines_top_to_bottom_left_to_right():
    spans = [text_span("second", 55, 118 - 10), text_span("first", 55, 101),
             text_span("right", 100, 101), text_span("x", 60, 124)]
    cells = _cells(rows=[100.0, 122.0, 140.0])
    out = assign_text(cells, spans)
    assert out[0].text == "first right second"
    assert out[3].text == "x"


def test_cjk_lines_join_without_space():
    spans = [text_span("资金主管", 155, 102), text_span("部门", 155, 110)]
    out = assign_text(_cells(rows=[100.0, 125.0]), spans)
    assert out[1].text == "资金主管部门"


def test_confidence_from_spans_and_geometry():
    inside = text_span("ok", 60, 104, confidence=0.8, source="ocr")
    # an OCR box sticking out of the bottom of its cell: 60% of its height inside
    low = TextSpan(text="低", bbox=(160.0, 134.0, 170.0, 144.0), source="ocr", confidence=0.95)
    cells = assign_text(_cells(), [inside, low])
    assert cells[0].confidence == pytest.approx(0.8)
    assert cells[4].text == "低" and cells[4].confidence == pytest.approx(0.95 * 0.6)
    assert cells[2].text == "" and cells[2].confidence == 1.0
    assert all(0.0 <= c.confidence <= 1.0 for c in cells)


def test_spans_outside_every_cell_are_returned():
    title = text_span("揭阳市2023年市直部门整体预算绩效目标表", 60, 60)
    per_cell, outside = route_spans(_cells(), [title, text_span("in", 60, 104)])
    assert outside == [title]
    assert [p.text for p in per_cell[0]] == ["in"]


def test_no_split_at_a_merged_cell_interior():
    d = draw_table(COLS, ROWS, [(0, 0, 1, 3, "")])
    d.spans.append(text_span("东莞市部门整体预算绩效目标表", 60, 104))  # crosses x=150 and x=250 inside one cell
    (t,) = build_page_tables(page(), d.spans, d.rulings).tables
    assert t.cell_at(0, 0).text == "东莞市部门整体预算绩效目标表"
    assert len(t.cell_at(0, 0).spans) == 1


def test_many_spans_are_routed_quickly():
    import time

    cols = [40.0 + 50 * i for i in range(11)]
    rows = [40.0 + 15 * i for i in range(51)]
    texts = {(r, k): f"{r}-{k}" for r in range(50) for k in range(10)}
    d = draw_table(cols, rows, texts=texts)
    t0 = time.perf_counter()
    (t,) = build_page_tables(page(), d.spans, d.rulings).tables
    elapsed = time.perf_counter() - t0
    assert (t.n_rows, t.n_cols) == (50, 10)
    assert {(c.row, c.col): c.text for c in t.cells} == texts
    assert elapsed < 1.0


def test_run_merged_across_two_rows_is_regrouped_by_character():
    # a text layer run whose characters lie in two rows: "上行" in row 0, "下行" in row 1
    boxes = ((60.0, 105.0, 70.0, 115.0), (70.0, 105.0, 80.0, 115.0), (85.0, 124.0, 95.0, 134.0), (95.0, 124.0, 105.0, 134.0))
    span = TextSpan(text="上行下行", bbox=(60.0, 105.0, 105.0, 134.0), char_boxes=boxes)
    cells = assign_text(_cells(), [span])
    assert cells[0].text == "上行" and cells[3].text == "下行"
    assert cells[3].spans[0].bbox == (85.0, 124.0, 105.0, 134.0)
