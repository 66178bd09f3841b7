"""An amount printed wider than its cell crosses the column line: it stays one number (issue 10)."""
from __future__ import annotations

from structure_drawing import draw_table, page, text_span

from extract.structure.assign import overflows_cell
from extract.structure.build import build_page_tables

COLS = [50.0, 150.0, 200.0, 300.0]
ROWS = [100.0, 120.0, 140.0]


def _table(extra):
    drawn = draw_table(COLS, ROWS, texts={(0, 0): "名称", (0, 1): "金额", (0, 2): "说明", (1, 0): "巨灾保险"})
    (t,) = build_page_tables(page(1), drawn.spans + extra, drawn.rulings).tables
    return t


def test_amount_overflowing_into_the_next_column_stays_whole():
    # '9,674,500.00' is 60 pt wide in a 50 pt cell: '9,674,500.' left of the line at x=200, '00' right of it
    (t) = _table([text_span("9,674,500.00", 152.0, 123.0)])
    assert t.cell_at(1, 1).text == "9,674,500.00"
    assert t.cell_at(1, 2).text == ""


def test_two_cells_texts_run_together_are_still_cut():
    t = _table([text_span("12.530.0", 180.0, 123.0)])  # '12.5' | '30.0': not one amount
    assert (t.cell_at(1, 1).text, t.cell_at(1, 2).text) == ("12.5", "30.0")
    t = _table([text_span("20232024", 180.0, 123.0)])  # '2023' | '2024': no decimal point, no separators
    assert (t.cell_at(1, 1).text, t.cell_at(1, 2).text) == ("2023", "2024")


def test_which_cuts_leave_a_piece_that_is_no_number():
    assert overflows_cell("9,674,500.00", ["9,674,500.", "00"])
    assert overflows_cell("5110.900000", ["5110.9", "00000"])
    assert overflows_cell("1,478,400.00", ["1,478,", "400.00"])
    assert not overflows_cell("12.5", ["1", "2.5"])
    assert not overflows_cell("合计12.50", ["合计", "12.50"])
    assert not overflows_cell("9,674,500.00", ["9,674,500.00"])
