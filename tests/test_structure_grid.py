"""Table regions and grids from rulings: clean, doubled, broken, misaligned and noisy lines."""
from __future__ import annotations

import pytest
from structure_drawing import Drawn, draw_table, h, page, text_span, v

from extract.structure.build import build_page_tables
from extract.structure.grid import find_table_regions, rulings_to_grid

COLS = [50.0, 150.0, 250.0, 350.0]
ROWS = [100.0, 120.0, 140.0, 160.0]


def _grid_of(rulings):
    regions = find_table_regions(rulings, page())
    assert len(regions) == 1
    return regions[0], rulings_to_grid(rulings, regions[0])


def _close(a, b, tol=1.0):
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


def test_simple_3x3_grid_and_text():
    texts = {(r, c): f"r{r}c{c}" for r in range(3) for c in range(3)}
    d = draw_table(COLS, ROWS, texts=texts)
    region, grid = _grid_of(d.rulings)
    assert _close(grid.row_edges, ROWS) and _close(grid.col_edges, COLS)
    assert region.bbox == pytest.approx((50.0, 100.0, 350.0, 160.0), abs=0.5)
    built = build_page_tables(page(), d.spans, d.rulings)
    (t,) = built.tables
    assert (t.n_rows, t.n_cols, t.structure, t.pages) == (3, 3, "ruled", (1,))
    assert [(c.row, c.col) for c in t.cells] == [(r, c) for r in range(3) for c in range(3)]
    assert {(c.row, c.col): c.text for c in t.cells} == texts
    assert all(c.confidence == 1.0 for c in t.cells)


def test_double_lines_are_one_edge():
    d = draw_table(COLS, ROWS)
    # outer border drawn twice, 2pt apart; one inner column line doubled 1.5pt apart
    d.rulings += [h(98.0, 48.0, 352.0), h(162.0, 48.0, 352.0), v(48.0, 98.0, 162.0), v(352.0, 98.0, 162.0),
                  v(151.5, 100.0, 160.0)]
    _, grid = _grid_of(d.rulings)
    assert grid.n_rows == 3 and grid.n_cols == 3
    assert _close(grid.row_edges, ROWS, 1.5) and _close(grid.col_edges, COLS, 1.5)


def test_broken_lines_with_gaps():
    rulings = []
    for y in ROWS:  # every horizontal line broken into 4 pieces with 2pt gaps
        rulings += [h(y, 50, 120), h(y, 122, 200), h(y, 202, 300), h(y, 302, 350)]
    for x in COLS:
        rulings += [v(x, 100, 129), v(x, 131, 160)]
    _, grid = _grid_of(rulings)
    assert _close(grid.row_edges, ROWS) and _close(grid.col_edges, COLS)


def test_misaligned_segments_up_to_2pt():
    rulings = []
    for i, y in enumerate(ROWS):
        for k in range(3):  # each cell's top edge drawn on its own, off by up to 2pt
            dy = (-2.0, 0.0, 2.0)[(i + k) % 3]
            rulings.append(h(y + dy, COLS[k], COLS[k + 1]))
    for j, x in enumerate(COLS):
        for r in range(3):
            rulings.append(v(x + (1.5 if (j + r) % 2 else -1.0), ROWS[r], ROWS[r + 1]))
    _, grid = _grid_of(rulings)
    assert grid.n_rows == 3 and grid.n_cols == 3
    assert _close(grid.row_edges, ROWS, 2.0) and _close(grid.col_edges, COLS, 2.0)


def test_noise_segments_do_not_add_rows_or_columns():
    d = draw_table(COLS, ROWS)
    noise = [
        h(115.0, 60.0, 110.0),        # text underline inside a cell, touches nothing
        h(130.0, 44.0, 56.0),         # seal stroke crossing the left border
        v(200.0, 145.0, 152.0),       # short vertical stroke inside a cell, touches nothing
        v(300.0, 95.0, 104.0),        # short stroke crossing the top border
        h(150.0, 140.0, 160.0),       # stroke crossing an inner column line
    ]
    _, grid = _grid_of(d.rulings + [r.model_copy(update={"source": "raster"}) for r in noise])
    assert _close(grid.row_edges, ROWS) and _close(grid.col_edges, COLS)


def test_raster_skew_residue_tolerated():
    rulings = []
    for y in ROWS:  # a line 1pt thick, tilted: its box is taller than a vector line's
        rulings.append(h(y, 50, 350, source="raster").model_copy(update={"bbox": (50, y - 0.5, 350, y + 0.9)}))
    for x in COLS:
        rulings.append(v(x, 100, 160, source="raster").model_copy(update={"bbox": (x - 0.7, 99, x + 0.6, 161)}))
    _, grid = _grid_of(rulings)
    assert grid.n_rows == 3 and grid.n_cols == 3


def test_two_tables_and_a_paragraph():
    top = draw_table(COLS, ROWS, texts={(0, 0): "A1", (2, 2): "A9"})
    bottom = draw_table([50.0, 200.0, 350.0], [300.0, 320.0, 340.0], texts={(1, 1): "B4"})
    para = Drawn(spans=[text_span("A paragraph between the tables.", 50, 220),
                        text_span("Title line", 50, 60)])
    d = top + bottom + para
    regions = find_table_regions(d.rulings, page())
    assert [r.bbox[1] for r in regions] == pytest.approx([100.0, 300.0], abs=0.5)
    built = build_page_tables(page(), d.spans, d.rulings, id_prefix="p1t")
    assert [t.id for t in built.tables] == ["p1t1", "p1t2"]
    assert [(t.n_rows, t.n_cols) for t in built.tables] == [(3, 3), (2, 2)]
    assert built.tables[0].cell_at(2, 2).text == "A9"
    assert built.tables[1].cell_at(1, 1).text == "B4"
    assert [s.text for s in built.outside_spans] == ["Title line", "A paragraph between the tables."]


def test_frame_around_the_page_is_not_a_table():
    d = draw_table(COLS, ROWS)
    frame = [h(20, 20, 575), h(820, 20, 575), v(20, 20, 820), v(575, 20, 820)]
    spans = [text_span("Heading", 60, 40)]
    built = build_page_tables(page(), spans, d.rulings + frame)
    assert len(built.tables) == 1 and built.tables[0].n_rows == 3
    assert [s.text for s in built.outside_spans] == ["Heading"]


def test_unruled_top_border_adds_an_open_edge():
    # continuation page: vertical lines start 20pt above the first horizontal line
    d = draw_table(COLS, ROWS, texts={(0, 1): "cont"}, open_top={0, 1, 2})
    region, grid = _grid_of(d.rulings)
    assert _close(grid.row_edges, ROWS)
    (t,) = build_page_tables(page(), d.spans, d.rulings).tables
    assert t.open_top_cols == (0, 1, 2) and t.open_bottom_cols == ()
    assert t.cell_at(0, 1).text == "cont"


def test_lines_without_a_grid_are_no_table():
    rulings = [h(100, 50, 500), h(700, 50, 500), v(300, 300, 400)]
    assert find_table_regions(rulings, page()) == []
    built = build_page_tables(page(), [text_span("x", 60, 90)], rulings)
    assert built.tables == () and [s.text for s in built.outside_spans] == ["x"]


def test_mostly_empty_grid_gets_a_lower_table_confidence():
    cols = [50.0 + 40 * i for i in range(6)]
    rows = [100.0 + 20 * i for i in range(6)]
    empty = draw_table(cols, rows, texts={(0, 0): "axis"})
    full = draw_table(cols, rows, texts={(r, k): f"{r}{k}" for r in range(5) for k in range(5)})
    (t_empty,) = build_page_tables(page(), empty.spans, empty.rulings).tables
    (t_full,) = build_page_tables(page(), full.spans, full.rulings).tables
    assert t_full.confidence == 1.0
    assert t_empty.confidence < 0.6
    assert len(t_empty.cells) == 25  # still every cell: confidence never drops data


def test_title_strokes_joined_to_a_table_line_are_not_a_row():
    # raster rulings: a stroke of a large title character above the table touches a column line that
    # the finder extended upwards through the title
    d = draw_table(COLS, ROWS, texts={(0, 0): "a"})
    strokes = [h(80.0, 180.0, 260.0, source="raster"), v(250.0, 70.0, 100.0, source="raster")]
    _, grid = _grid_of(d.rulings + strokes)
    assert _close(grid.row_edges, ROWS) and _close(grid.col_edges, COLS)


def test_raster_strokes_through_text_are_not_rulings():
    from extract.structure.strokes import cut_text_strokes

    d = draw_table(COLS, [100.0, 130.0, 160.0, 200.0], texts={(0, 1): "二级指标名称"})
    # a paragraph of three lines in the bottom-left cell
    para = [text_span("第一行文字内容文字", 55, 162 + 12 * i) for i in range(3)]
    raster = [r.model_copy(update={"source": "raster"}) for r in d.rulings]
    strokes = [h(108.0, 150.0, 250.0, source="raster"),   # blur joined the strokes of 二级指标 across the cell
               v(100.0, 160.0, 200.0, source="raster")]   # a vertical run through the paragraph
    kept = cut_text_strokes(raster + strokes, d.spans + para)
    assert len(kept) == len(raster)  # the strokes went, every real line stayed
    built = build_page_tables(page(), d.spans + para, raster + strokes)
    (t,) = built.tables
    assert (t.n_rows, t.n_cols) == (3, 3) and t.cell_at(0, 1).text == "二级指标名称"
    # vector lines are taken as drawn
    vec = cut_text_strokes(d.rulings + [h(108.0, 150.0, 250.0)], d.spans)
    assert len(vec) == len(d.rulings) + 1



def test_heading_stroke_joined_to_a_column_line_does_not_link_two_tables():
    from extract.structure.strokes import cut_text_strokes

    top = draw_table(COLS, ROWS, texts={(0, 0): "a"})
    bottom = draw_table(COLS, [200.0, 220.0, 240.0], texts={(0, 0): "b"})
    heading = text_span("绩效指标", 135, 175)  # x 135..175, y 175..185, between the tables
    rulings = [r.model_copy(update={"source": "raster"}) for r in top.rulings + bottom.rulings]
    # the finder joined a vertical stroke of the heading with the column line at x=150 below it
    rulings.append(v(150.0, 160.0, 240.0, source="raster"))
    spans = top.spans + bottom.spans + [heading]
    cut = cut_text_strokes(rulings, spans)
    assert not any(r.orientation == "v" and r.bbox[1] < 185 < r.bbox[3] for r in cut)
    built = build_page_tables(page(), spans, rulings)
    assert [(t.n_rows, t.n_cols) for t in built.tables] == [(3, 3), (2, 3)]
    assert [s.text for s in built.outside_spans] == ["绩效指标"]


def test_two_column_lines_extended_by_title_strokes_are_not_an_open_edge():
    cols = [50.0, 100.0, 150.0, 200.0, 250.0, 300.0]
    d = draw_table(cols, ROWS, texts={(0, 0): "a"})
    title = text_span("揭阳市二〇二三年部门整体预算绩效目标表", 103, 70)  # x 103..293, y 70..80
    # the raster finder ran two of the six column lines up through the title, bridging a 20pt gap
    rulings = [r.model_copy(update={"source": "raster"}) for r in d.rulings]
    rulings += [v(150.0, 71.0, 100.0, source="raster"), v(250.0, 72.0, 100.0, source="raster")]
    built = build_page_tables(page(), d.spans + [title], rulings)
    (t,) = built.tables
    assert (t.n_rows, t.n_cols) == (3, 5) and t.bbox[1] == pytest.approx(100.0, abs=0.5)
    assert [s.text for s in built.outside_spans] == [title.text]


def test_double_border_four_points_apart_adds_no_thin_row():
    d = draw_table(COLS, ROWS, texts={(0, 0): "top", (2, 2): "end"})
    d.rulings += [h(96.0, 46.0, 354.0), h(164.0, 46.0, 354.0), v(46.0, 96.0, 164.0), v(354.0, 96.0, 164.0),
                  h(124.0, 50.0, 350.0)]  # and one inner row line drawn double, 4pt apart
    _, grid = _grid_of(d.rulings)
    assert grid.n_rows == 3 and grid.n_cols == 3
    # the outer frame, 4pt out, touches no inner line: it is a frame around the table, not a row
    assert grid.row_edges[0] == pytest.approx(100.0, abs=0.5) and grid.col_edges[-1] == pytest.approx(350.0, abs=0.5)
    assert grid.row_edges[1] == pytest.approx(122.0, abs=0.5)
    (t,) = build_page_tables(page(), d.spans, d.rulings).tables
    assert t.cell_at(0, 0).text == "top" and t.cell_at(2, 2).text == "end"


def test_double_border_touching_the_grid_keeps_the_outer_line():
    d = draw_table(COLS, ROWS, texts={(0, 0): "top"})
    # outer border 4pt out, joined to the table by the column lines running on to it
    d.rulings += [h(96.0, 46.0, 354.0), v(150.0, 96.0, 100.0), v(250.0, 96.0, 100.0), v(46.0, 96.0, 160.0)]
    _, grid = _grid_of(d.rulings)
    assert grid.n_rows == 3 and grid.n_cols == 3
    assert grid.row_edges[0] == pytest.approx(96.0, abs=0.5) and grid.col_edges[0] == pytest.approx(46.0, abs=0.5)


def test_raster_column_line_under_a_run_crossing_two_cells_is_kept():
    d = draw_table(COLS, ROWS, texts={(0, 0): "left"})
    # the text layer ran two cells' texts into one span; the column line at x=150 passes its space
    run = text_span("一二三四五六七八九 十一二", 60, 124)  # 9 CJK (60..150), space (150..155), 3 CJK
    rulings = [r.model_copy(update={"source": "raster"}) for r in d.rulings]
    (t,) = build_page_tables(page(), d.spans + [run], rulings).tables
    assert (t.n_rows, t.n_cols) == (3, 3) and all(c.col_span == 1 for c in t.cells)
    assert t.cell_at(1, 0).text == "一二三四五六七八九" and t.cell_at(1, 1).text == "十一二"
