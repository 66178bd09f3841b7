"""Tables across pages: repeated headers dropped, cut cells joined, unrelated tables left apart."""
from __future__ import annotations

from structure_drawing import draw_table, page

from extract.structure.build import build_page_tables
from extract.structure.stitch import stitch_tables

COLS = [50.0, 150.0, 300.0, 450.0]
HEADER = {(0, 0): "序号", (0, 1): "名称", (0, 2): "金额"}


def _rows(n: int, top: float = 80.0, height: float = 20.0) -> list[float]:
    return [top + height * i for i in range(n + 1)]


def _page_tables(n: int, drawn, prefix: str | None = None):
    return list(build_page_tables(page(n), drawn.spans, drawn.rulings, id_prefix=prefix or f"p{n}t").tables)


def _data(first: int, count: int, row0: int = 1) -> dict:
    return {(row0 + i, k): f"{first + i}-{k}" for i in range(count) for k in range(3)}


def _by_pos(table) -> dict:
    return {(c.row, c.col): (c.row_span, c.col_span, c.text, c.page) for c in table.cells}


def test_two_pages_with_repeated_header():
    p1 = draw_table(COLS, _rows(4, top=500), texts={**HEADER, **_data(1, 3)})
    p2 = draw_table(COLS, _rows(3), texts={**HEADER, **_data(4, 2)})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert (t.id, t.pages, t.n_rows, t.n_cols) == ("t1", (1, 2), 6, 3)
    assert [t.cell_at(r, 0).text for r in range(6)] == ["序号", "1-0", "2-0", "3-0", "4-0", "5-0"]
    assert t.cell_at(4, 2).page == 2 and t.cell_at(3, 2).page == 1
    assert t.cell_at(4, 2).bbox[1] == 100.0  # page-2 cells keep their own bbox
    assert len(t.cells) == 18 and sum(c.text == "序号" for c in t.cells) == 1


def test_three_pages_with_header_and_label_cut_by_page_breaks():
    head = {(0, 0): "一级指标", (0, 1): "二级指标", (0, 2): "指标值"}
    # page 1: header + 产出指标 over rows 1-3, cut by the break
    p1 = draw_table(COLS, _rows(4, top=600), [(1, 0, 3, 1, "产出指标")],
                    texts={**head, (1, 1): "数量指标", (1, 2): "1", (2, 1): "质量指标", (2, 2): "2",
                           (3, 1): "时效指标", (3, 2): "3"})
    # page 2: header repeated; 产出指标 goes on (empty) over rows 1-2; 效益指标 starts at row 3, cut again
    p2 = draw_table(COLS, _rows(5), [(1, 0, 2, 1, ""), (3, 0, 2, 1, "效益指标")],
                    texts={**head, (1, 1): "成本指标", (1, 2): "4", (2, 1): "其他", (2, 2): "5",
                           (3, 1): "经济效益", (3, 2): "6", (4, 1): "社会效益", (4, 2): "7"})
    # page 3: no header, no top ruling over the label column: 效益指标 continues over rows 0-1
    p3 = draw_table(COLS, _rows(3), [(0, 0, 2, 1, ""), (2, 0, 1, 1, "满意度指标")], open_top={0},
                    texts={(0, 1): "生态效益", (0, 2): "8", (1, 1): "可持续影响", (1, 2): "9",
                           (2, 1): "服务对象满意度", (2, 2): "10"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2) + _page_tables(3, p3))
    assert (t.pages, t.n_rows, t.n_cols) == ((1, 2, 3), 11, 3)
    got = _by_pos(t)
    assert got[(1, 0)] == (5, 1, "产出指标", 1)
    assert got[(6, 0)] == (4, 1, "效益指标", 2)
    assert got[(10, 0)] == (1, 1, "满意度指标", 3)
    assert [t.cell_at(r, 2).text for r in range(11)] == ["指标值"] + [str(i) for i in range(1, 11)]
    assert all(t.cell_at(r, 0).text == "产出指标" for r in range(1, 6))
    assert all(t.cell_at(r, 0).text == "效益指标" for r in range(6, 10))
    assert sum(c.text == "一级指标" for c in t.cells) == 1
    dense = t.dense()
    assert all(cell is not None for row in dense for cell in row)


def test_jieyang_block_header_repeated_mid_table():
    cols = [40.0, 120.0, 160.0, 260.0, 440.0, 540.0]
    block_head = {(1, 1): "序号", (1, 2): "名称", (1, 3): "主要实施内容", (1, 4): "拟投入金额(万元)"}
    rows1 = {(2 + i, k): t for i, (a, b) in enumerate([("1", "审查"), ("2", "运维"), ("3", "专项经费")])
             for k, t in ((1, a), (2, b), (3, f"内容{a}"), (4, f"{a}00"))}
    p1 = draw_table(cols, _rows(5, top=600), [(0, 1, 1, 4, "揭阳市应急管理局"), (1, 0, 4, 1, "年度重点工作任务")],
                    texts={(0, 0): "部门名称", **block_head, **rows1})
    head2 = {(0, k): t for (_, k), t in block_head.items()}
    p2 = draw_table(cols, _rows(4), [(0, 0, 2, 1, ""), (2, 0, 2, 1, "其他需完成任务")],
                    texts={**head2, (1, 1): "4", (1, 2): "编制项目", (1, 3): "内容4", (1, 4): "37",
                           (2, 1): "5", (2, 2): "救援力量", (3, 1): "6", (3, 2): "信息平台"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 8 and t.n_cols == 5
    label = t.cell_at(5, 0)
    assert (label.row, label.row_span, label.text, label.page) == (1, 5, "年度重点工作任务", 1)
    assert [t.cell_at(r, 1).text for r in range(1, 8)] == ["序号", "1", "2", "3", "4", "5", "6"]
    assert sum(c.text == "序号" for c in t.cells) == 1
    assert t.cell_at(6, 0).text == "其他需完成任务" and t.cell_at(6, 0).row_span == 2


def test_text_cell_split_by_the_break_is_joined_into_one_row():
    # as Chromium prints a row cut by the page break: no bottom border under its part on page 1
    p1 = draw_table(COLS, _rows(2, top=700), texts={**HEADER, (1, 0): "7", (1, 1): "长项目名称的", (1, 2): "100"},
                    open_bottom={0, 1, 2})
    p2 = draw_table(COLS, _rows(2), texts={(0, 1): "后半部分", (1, 0): "8", (1, 1): "下一项", (1, 2): "50"},
                    open_top={0, 1, 2})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 3
    assert [c.text for c in t.cells if c.row == 1] == ["7", "长项目名称的后半部分", "100"]
    assert all(c.row_span == 1 for c in t.cells)
    assert t.cell_at(2, 1).text == "下一项"


def test_a_row_ruled_off_above_the_break_is_not_joined_with_an_unruled_next_part():
    """Chromium paints no top border on a table's continuation: on page 2 a new row starts unruled, while
    page 1 drew the bottom of every cell that ended there. A ruled-off cell is no cut cell."""
    head = {(0, 0): "一级指标", (0, 1): "二级指标", (0, 2): "指标值"}
    p1 = draw_table(COLS, _rows(3, top=700), [(1, 0, 2, 1, "产出指标")],
                    texts={**head, (1, 1): "数量指标", (1, 2): "1", (2, 1): "成本指标", (2, 2): "2"})
    p2 = draw_table(COLS, _rows(2), [(0, 0, 2, 1, "效益指标")], open_top={0, 1, 2},
                    texts={(0, 1): "经济效益指标", (0, 2): "3", (1, 1): "社会效益指标", (1, 2): "4"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 5
    got = _by_pos(t)
    assert got[(1, 0)] == (2, 1, "产出指标", 1) and got[(3, 0)] == (2, 1, "效益指标", 2)
    assert got[(2, 1)][2] == "成本指标" and got[(3, 1)][2] == "经济效益指标"


def test_a_ruled_off_blank_part_above_the_break_joins_the_label_printed_below():
    """This corpus's renderer rules off a merged cell's part above the break and prints its text below."""
    head = {(0, 0): "二级指标", (0, 1): "三级指标", (0, 2): "指标值"}
    p1 = draw_table(COLS, _rows(2, top=700), texts={**head, (1, 0): "", (1, 1): "长效机制建设", (1, 2): "逐步提高"})
    p2 = draw_table(COLS, _rows(2), [(0, 0, 1, 1, "可持续影响指标")], open_top={0},
                    texts={(0, 1): "服务水平持续提升", (0, 2): "有效提高", (1, 0): "满意度指标", (1, 1): "群众满意度"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert _by_pos(t)[(1, 0)] == (2, 1, "可持续影响指标", 1) and t.n_rows == 4


def test_unrelated_tables_are_not_stitched():
    p1 = draw_table(COLS, _rows(3, top=600), texts=_data(1, 2, row0=0))
    p2 = draw_table([50.0, 250.0, 520.0], _rows(2), texts={(0, 0): "other", (0, 1): "table"})
    tables = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert [(t.id, t.pages, t.n_cols) for t in tables] == [("t1", (1,), 3), ("t2", (2,), 2)]


def test_only_the_bottom_table_continues_and_ids_follow_document_order():
    top = draw_table([50.0, 500.0], _rows(1), texts={(0, 0): "first"})
    bottom = draw_table(COLS, _rows(2, top=600), texts={**HEADER, (1, 0): "1"})
    p2 = draw_table(COLS, _rows(2), texts={**HEADER, (1, 0): "2"})
    p3 = draw_table([50.0, 500.0], _rows(1), texts={(0, 0): "last"})
    parts = _page_tables(1, top + bottom) + _page_tables(2, p2) + _page_tables(3, p3)
    tables = stitch_tables(list(reversed(parts)))
    assert [(t.id, t.pages) for t in tables] == [("t1", (1,)), ("t2", (1, 2)), ("t3", (3,))]
    assert tables[0].cells[0].text == "first" and tables[2].cells[0].text == "last"
    assert [tables[1].cell_at(r, 0).text for r in range(3)] == ["序号", "1", "2"]


def test_continuation_that_splits_a_column_is_stitched_on_the_union_of_edges():
    p1 = draw_table(COLS, _rows(2, top=600), texts={**HEADER, (1, 2): "wide"})
    p2 = draw_table([50.0, 150.0, 220.0, 300.0, 450.0], _rows(1), texts={(0, 1): "a", (0, 2): "b"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert (t.n_rows, t.n_cols) == (3, 4)
    name = t.cell_at(0, 2)
    assert (name.text, name.col, name.col_span) == ("名称", 1, 2)
    assert t.cell_at(2, 1).text == "a" and t.cell_at(2, 2).text == "b"
    assert t.cell_at(1, 3).text == "wide"


def test_label_printed_on_the_part_below_the_break():
    # the label cell's text is centred in the whole merged cell, which falls on page 2
    p1 = draw_table(COLS, _rows(3, top=600), [(1, 0, 2, 1, "")],
                    texts={**HEADER, (1, 1): "a", (1, 2): "1", (2, 1): "b", (2, 2): "2"})
    p2 = draw_table(COLS, _rows(3), [(0, 0, 2, 1, "可持续影响指标"), (2, 0, 1, 1, "满意度")],
                    texts={(0, 1): "c", (0, 2): "3", (1, 1): "d", (1, 2): "4", (2, 1): "e", (2, 2): "5"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 6
    label = t.cell_at(4, 0)
    assert (label.row, label.row_span, label.text, label.page) == (1, 4, "可持续影响指标", 1)
    assert t.cell_at(5, 0).text == "满意度"


def test_empty_single_row_cell_above_the_break_is_not_a_label():
    p1 = draw_table(COLS, _rows(2, top=600), texts={**HEADER, (1, 0): "9", (1, 1): "x"})
    p2 = draw_table(COLS, _rows(2), [(0, 2, 2, 1, "新块")], texts={(0, 0): "10", (1, 0): "11"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 4
    assert t.cell_at(1, 2).text == "" and t.cell_at(1, 2).row_span == 1
    assert (t.cell_at(2, 2).row, t.cell_at(2, 2).row_span, t.cell_at(2, 2).text) == (2, 2, "新块")


def test_blocks_with_other_column_splits_still_continue_when_the_rows_at_the_break_match():
    # page 1 splits x=200 in its top row only; page 2's lower block splits x=400: neither edge set
    # holds the other, but the last row of page 1 and the first row of page 2 have the same cells
    c1 = [40.0, 120.0, 200.0, 260.0, 540.0]
    p1 = draw_table(c1, _rows(3, top=600), [(1, 1, 1, 2, "项目A"), (2, 1, 1, 2, "项目B")],
                    texts={(0, 0): "部门", (0, 1): "甲", (0, 2): "乙", (0, 3): "丙", (1, 3): "1", (2, 3): "2"})
    c2 = [40.0, 120.0, 260.0, 400.0, 540.0]
    p2 = draw_table(c2, _rows(2), [(0, 2, 1, 2, "3")], texts={(0, 1): "项目C", (1, 1): "项目D", (1, 2): "x", (1, 3): "4"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert (t.pages, t.n_rows, t.n_cols) == ((1, 2), 5, 5)
    assert [t.cell_at(r, 1).text for r in range(1, 5)] == ["项目A", "项目B", "项目C", "项目D"]
    c = t.cell_at(3, 3)
    assert (c.text, c.col, c.col_span) == ("3", 3, 2)
    assert t.cell_at(4, 4).text == "4"
    # different cells at the break and different column sets: two tables
    p3 = draw_table([40.0, 300.0, 540.0], _rows(2), texts={(0, 0): "other"})
    assert len(stitch_tables(_page_tables(1, p1) + _page_tables(2, p3))) == 2


def test_block_header_in_the_last_row_repeated_on_the_next_page():
    # 其他需完成的任务 starts on the last row of page 1 with its block header; page 2 repeats the header
    # under an empty label continuation that spans it and the first data row
    block = {(1, 1): "名称", (1, 2): "目标内容"}
    p1 = draw_table(COLS, _rows(2, top=700), texts={(0, 0): "部门", (0, 1): "局", (1, 0): "其他需完成的任务", **block})
    p2 = draw_table(COLS, _rows(3), [(0, 0, 2, 1, "")],
                    texts={(0, 1): "名称", (0, 2): "目标内容", (1, 1): "法律顾问", (1, 2): "全面落实",
                           (2, 0): "绩效指标", (2, 1): "一级指标"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 4
    label = t.cell_at(2, 0)
    assert (label.row, label.row_span, label.text) == (1, 2, "其他需完成的任务")
    assert [t.cell_at(r, 1).text for r in range(4)] == ["局", "名称", "法律顾问", "一级指标"]


def test_same_last_and_first_rows_without_a_going_on_label_are_kept():
    # the row after the break repeats the texts of the last row but nothing marks it as a header
    p1 = draw_table(COLS, _rows(2, top=700), texts={**HEADER, (1, 0): "x", (1, 1): "100%", (1, 2): "100%"})
    p2 = draw_table(COLS, _rows(2), texts={(0, 1): "100%", (0, 2): "100%", (1, 0): "y"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 4
    assert [t.cell_at(r, 1).text for r in range(4)] == ["名称", "100%", "100%", ""]


def test_new_block_with_other_columns_continues_when_nothing_lies_between():
    from structure_drawing import text_span

    p1 = draw_table(COLS, _rows(2, top=700), texts={**HEADER, (1, 0): "1"})
    p2 = draw_table([50.0, 100.0, 200.0, 380.0, 450.0], _rows(2), texts={(0, 0): "绩效指标", (0, 1): "一级指标"})
    parts = _page_tables(1, p1) + _page_tables(2, p2)
    assert len(stitch_tables(parts)) == 2  # column structures differ: apart without more evidence
    quiet = {1: [text_span("标题", 60, 40), text_span("- 1 -", 280, 800)], 2: [text_span("2", 290, 810)]}
    (t,) = stitch_tables(parts, lines_by_page=quiet)
    assert (t.pages, t.n_rows, t.n_cols) == ((1, 2), 4, 6)
    assert t.cell_at(2, 0).text == "绩效指标" and t.cell_at(2, 0).page == 2
    heading = {1: [], 2: [text_span("绩效指标表", 60, 40)]}
    assert len(stitch_tables(parts, lines_by_page=heading)) == 2


def test_label_continuation_split_by_the_repeated_headers_bottom_line():
    head = {(0, 1): "一级指标", (0, 2): "指标值"}
    p1 = draw_table(COLS, _rows(2, top=700), texts={(0, 0): "其他", (0, 1): "-", (1, 0): "绩效指标", **{(1, 1): "一级指标", (1, 2): "指标值"}})
    # page 2: the label column is open at the top, and the header's bottom line runs across it
    p2 = draw_table(COLS, _rows(3), [(1, 0, 2, 1, "")], open_top={0},
                    texts={**head, (1, 1): "产出指标", (1, 2): "1", (2, 1): "效益指标", (2, 2): "2"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 4
    label = t.cell_at(3, 0)
    assert (label.row, label.row_span, label.text) == (1, 3, "绩效指标")
    assert [t.cell_at(r, 1).text for r in range(4)] == ["-", "一级指标", "产出指标", "效益指标"]


def test_part_that_is_only_a_header_at_the_page_bottom():
    p1 = draw_table(COLS, _rows(1, top=760), texts=HEADER)
    p2 = draw_table(COLS, _rows(3), texts={**HEADER, **_data(1, 2)})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 3 and t.cell_at(0, 0).page == 1
    assert [t.cell_at(r, 0).text for r in range(3)] == ["序号", "1-0", "2-0"]


def test_next_forms_title_keeps_identical_tables_apart():
    from structure_drawing import text_span

    def form(dept, top):
        return draw_table(COLS, _rows(2, top=top), texts={(0, 0): "部门名称", (0, 1): dept, (1, 0): "x"})

    parts = _page_tables(1, form("甲局", 600)) + _page_tables(2, form("乙局", 100))
    assert len(stitch_tables(parts)) == 1  # identical columns: nothing else tells them apart
    lines = {1: [text_span("部门整体预算绩效目标表", 60, 560), text_span("2024年部门预算", 60, 20)],
             2: [text_span("部门整体预算绩效目标表", 60, 60), text_span("2024年部门预算", 60, 20)],
             3: [text_span("2024年部门预算", 60, 20)]}
    tables = stitch_tables(parts, lines_by_page=lines)
    assert [t.pages for t in tables] == [(1,), (2,)]
    # a running head on every page does not keep a continuation apart
    head = {p: [text_span("2024年部门预算", 60, 20)] for p in (1, 2, 3)}
    assert [t.pages for t in stitch_tables(parts, lines_by_page=head)] == [(1, 2)]


def test_part_missing_its_outer_label_column_still_continues():
    cols = [50.0, 110.0, 200.0, 300.0, 450.0]
    p1 = draw_table(cols, _rows(3, top=600), [(1, 0, 2, 1, "绩效指标")],
                    texts={(0, 1): "一级指标", (0, 2): "二级指标", (0, 3): "指标值", (1, 1): "产出", (2, 1): "效益"})
    # page 2 as raster rulings found it: the short lines of the open label column are lost
    p2 = draw_table(cols[1:], _rows(2), texts={(0, 0): "一级指标", (0, 1): "二级指标", (0, 2): "指标值",
                                               (1, 0): "满意度"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert (t.n_rows, t.n_cols) == (4, 4)
    assert [t.cell_at(r, 1).text for r in range(4)] == ["一级指标", "产出", "效益", "满意度"]
    assert t.cell_at(3, 0) is not None
    other = draw_table([60.0, 180.0, 260.0], _rows(2), texts={(0, 0): "别的表"})
    assert len(stitch_tables(_page_tables(1, p1) + _page_tables(2, other))) == 2
    label = t.cell_at(3, 0)
    assert (label.text, label.row, label.row_span, label.confidence) == ("绩效指标", 1, 3, 0.5)
    assert len({id(c) for row in t.dense() for c in row if c is None}) == 0


def test_block_label_printed_below_the_break_under_a_repeated_block_header():
    block = {(1, 1): "名称", (1, 2): "目标内容"}
    p1 = draw_table(COLS, _rows(2, top=700), texts={(0, 0): "部门", (0, 1): "局", **block})  # label cell empty
    p2 = draw_table(COLS, _rows(3), [(0, 0, 2, 1, "其他需完成的任务")],
                    texts={(0, 1): "名称", (0, 2): "目标内容", (1, 1): "法律顾问", (2, 0): "绩效指标"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 4
    label = t.cell_at(2, 0)
    assert (label.row, label.row_span, label.text, label.page) == (1, 2, "其他需完成的任务", 1)
    assert sum(c.text == "名称" for c in t.cells) == 1


def test_label_printed_on_both_sides_of_the_break_is_one_cell():
    p1 = draw_table(COLS, _rows(3, top=600), [(1, 0, 2, 1, "产出指标")],
                    texts={**HEADER, (1, 1): "a", (2, 1): "b"})
    p2 = draw_table(COLS, _rows(3), [(0, 0, 2, 1, "产出指标")], texts={(0, 1): "c", (1, 1): "d", (2, 0): "效益指标"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    label = t.cell_at(4, 0)
    assert (label.row, label.row_span, label.text) == (1, 4, "产出指标")
    assert t.cell_at(5, 0).text == "效益指标"


def test_label_cut_with_its_text_under_the_repeated_header_joins_the_blank_above():
    # regression gen-0-0035: the last row of page 1 has an empty label cell of its own; page 2 repeats
    # the header and the label (2 rows) goes on under it with the text: one 3-row label cell
    p1 = draw_table(COLS, _rows(3, top=600), [(1, 0, 1, 1, "甲块")],
                    texts={**HEADER, (1, 1): "a", (1, 2): "1", (2, 1): "b", (2, 2): "2"})
    p2 = draw_table(COLS, _rows(3), [(1, 0, 2, 1, "乙块")],
                    texts={**HEADER, (1, 1): "c", (1, 2): "3", (2, 1): "d", (2, 2): "4"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 5
    label = t.cell_at(2, 0)
    assert (label.row, label.row_span, label.text) == (2, 3, "乙块")
    assert [t.cell_at(r, 1).text for r in range(1, 5)] == ["a", "b", "c", "d"]


def test_group_row_equal_to_its_first_row_at_the_next_page_top_is_data():
    # regression (routes tune seed 2, xlsx-flat-2-023): inside 效益指标 the group 生态效益指标 has
    # 环境质量改善 | 按计划完成 twice; the second lands at page 2's top under both labels going on (the
    # labels' texts printed above the break only). A data row of a nested group, not a repeated block header.
    cols = [50.0, 100.0, 170.0, 260.0, 360.0, 450.0]
    row = {"a": ("环境质量改善", "按计划完成", "按计划完成"), "b": ("森林防火", "持续", "持续")}

    def cells(r: int, key: str) -> dict:
        return {(r, 2 + k): t for k, t in enumerate(row[key])}

    p1 = draw_table(cols, _rows(4, top=600), [(1, 0, 3, 1, "效益指标"), (2, 1, 2, 1, "生态效益指标")],
                    texts={(0, 0): "一级指标", (0, 1): "二级指标", (0, 2): "三级指标", (0, 3): "年度", (0, 4): "中期",
                           (1, 1): "社会效益指标", (1, 2): "宣传效果", (1, 3): "改善", (1, 4): "改善",
                           **cells(2, "a"), **cells(3, "b")})
    p2 = draw_table(cols, _rows(2), [(0, 0, 2, 1, "")],
                    texts={**cells(0, "a"), (1, 1): "可持续影响指标", (1, 2): "制度体系完善"})
    (t,) = stitch_tables(_page_tables(1, p1) + _page_tables(2, p2))
    assert t.n_rows == 6
    assert [t.cell_at(r, 2).text for r in range(1, 6)] == ["宣传效果", "环境质量改善", "森林防火", "环境质量改善", "制度体系完善"]
    outer = t.cell_at(5, 0)
    assert (outer.row, outer.row_span, outer.text) == (1, 5, "效益指标")
