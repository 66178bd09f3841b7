"""Merged cells from missing rulings: horizontal, vertical, nested (budget form), half-drawn edges."""
from __future__ import annotations

from structure_drawing import draw_table, h, page, spans_of, texts_of, v

from extract.structure.build import build_page_tables
from extract.structure.merged import find_merged_cells
from extract.types import Grid

COLS = [50.0, 150.0, 250.0, 350.0]
ROWS = [100.0, 120.0, 140.0, 160.0]


def _table(d):
    (t,) = build_page_tables(page(), d.spans, d.rulings).tables
    return t


def test_horizontal_merge():
    d = draw_table(COLS, ROWS, [(0, 0, 1, 3, "Title across"), (1, 1, 1, 2, "wide")])
    t = _table(d)
    assert (t.n_rows, t.n_cols) == (3, 3)
    assert spans_of(t) == {(0, 0): (1, 3), (1, 0): (1, 1), (1, 1): (1, 2),
                           (2, 0): (1, 1), (2, 1): (1, 1), (2, 2): (1, 1)}
    assert texts_of(t)[(0, 0)] == "Title across" and texts_of(t)[(1, 1)] == "wide"
    assert t.cell_at(1, 2).text == "wide"


def test_vertical_merge():
    d = draw_table(COLS, ROWS, [(0, 0, 3, 1, "label"), (1, 2, 2, 1, "tall")])
    t = _table(d)
    assert spans_of(t) == {(0, 0): (3, 1), (0, 1): (1, 1), (0, 2): (1, 1), (1, 1): (1, 1),
                           (1, 2): (2, 1), (2, 1): (1, 1)}
    assert t.cell_at(2, 0).text == "label" and t.cell_at(2, 2).text == "tall"


def test_merged_region_is_always_a_rectangle():
    # an L-shaped opening: the edge right of (0,0) and below (0,0) are missing, but (1,1) is closed off
    rulings = [h(100, 50, 250), h(140, 50, 250), h(120, 150, 250),
               v(50, 100, 140), v(250, 100, 140), v(150, 120, 140)]
    grid = Grid(row_edges=(100, 120, 140), col_edges=(50, 150, 250))
    cells = find_merged_cells(grid, rulings)
    covered = sorted((r, k) for c in cells for r in range(c.row, c.row + c.row_span)
                     for k in range(c.col, c.col + c.col_span))
    assert covered == [(0, 0), (0, 1), (1, 0), (1, 1)]  # every grid cell once, no overlap
    assert (cells[0].row_span, cells[0].col_span) == (1, 2)


def test_budget_form_nested_merges():
    """Label column merged over rows; 一级/二级指标 merged vertically inside the indicator block."""
    cols = [40.0, 110.0, 180.0, 260.0, 380.0, 470.0]
    rows = [100.0 + 20 * i for i in range(14)]
    cells = [
        (0, 0, 1, 1, "部门名称"), (0, 1, 1, 4, "东莞市应急管理局"),
        (1, 0, 1, 1, "基本信息"),
        (2, 0, 3, 1, "预算整体情况"),
        (5, 0, 1, 1, "总体绩效目标"), (5, 1, 1, 4, "目标1"),
        (6, 0, 7, 1, "绩效指标"),
        (7, 1, 4, 1, "产出指标"), (7, 2, 2, 1, "数量指标"), (9, 2, 2, 1, "质量指标"),
        (11, 1, 2, 1, "效益指标"), (11, 2, 1, 1, "经济效益指标"), (12, 2, 1, 1, "社会效益指标"),
    ]
    texts = {(1, 1): "财政供养人员数", (1, 2): "124", (1, 3): "下属二级单位数", (1, 4): "3",
             (2, 1): "部门预算支出", (3, 1): "基本支出", (3, 2): "4,393.85",
             (6, 1): "一级指标", (6, 2): "二级指标", (6, 3): "三级指标", (6, 4): "指标值",
             (7, 3): "参加考试人数", (8, 3): "宣传推广工作完成率", (8, 4): "100%", (9, 3): "检查质量"}
    t = _table(draw_table(cols, rows, cells, texts=texts))
    assert (t.n_rows, t.n_cols) == (13, 5)
    sp = spans_of(t)
    for r, c, rs, cs, text in cells:
        assert sp[(r, c)] == (rs, cs), (r, c, text)
        assert t.cell_at(r, c).text == text
    assert t.cell_at(12, 0).text == "绩效指标" and t.cell_at(10, 1).text == "产出指标"
    assert t.cell_at(8, 2).text == "数量指标" and t.cell_at(10, 2).text == "质量指标"
    assert t.cell_at(8, 4).text == "100%" and t.cell_at(1, 2).text == "124"
    # every grid position is covered exactly once
    dense = t.dense()
    assert all(cell is not None for row in dense for cell in row)
    assert len(t.cells) == len({(c.row, c.col) for c in t.cells})


def test_half_drawn_edge_lowers_confidence_only():
    rulings = [h(y, 50, 250) for y in (100, 120, 140)] + [v(50, 100, 140), v(250, 100, 140)]
    rulings += [v(150, 100, 109), v(150, 120, 140)]  # the edge in row 0 drawn along 45%
    grid = Grid(row_edges=(100, 120, 140), col_edges=(50, 150, 250))
    cells = find_merged_cells(grid, rulings)
    first = cells[0]
    assert (first.row, first.col, first.col_span) == (0, 0, 2)
    assert 0.5 <= first.confidence < 0.7
    assert all(c.confidence == 1.0 for c in cells[1:])
