"""The layout model vetoes "tables" it sees as a page header or a footer, unless it also sees a table
there; a "figure" vetoes nothing (CDLA calls shaded tables figures)."""
from __future__ import annotations

from extract.layout.regions import layout_veto, vetoed_by_layout
from extract.types import Cell, Table, TextSpan


def _table(bbox, tid="t1"):
    cell = Cell(row=0, col=0, text="140", bbox=bbox)
    return Table(id=tid, pages=(1,), n_rows=2, n_cols=2, cells=(cell,), bbox=bbox, structure="unruled")


def test_a_table_inside_a_page_header_is_vetoed_and_its_text_kept():
    layout = [("header", (100.0, 100.0, 400.0, 300.0), 0.9), ("text", (100.0, 320.0, 400.0, 400.0), 0.9)]
    chart = _table((110.0, 120.0, 300.0, 280.0))
    body = _table((100.0, 500.0, 400.0, 600.0), "t2")
    label = TextSpan(text="140", bbox=(120.0, 130.0, 140.0, 140.0))
    tables, lines = layout_veto([chart, body], [], [label], layout)
    assert [t.id for t in tables] == ["t2"]
    assert [s.text for s in lines] == ["140"]


def test_a_table_the_model_also_sees_as_a_table_stays():
    layout = [("header", (100.0, 100.0, 400.0, 300.0), 0.9), ("table", (105.0, 110.0, 305.0, 290.0), 0.6)]
    assert not vetoed_by_layout((110.0, 120.0, 300.0, 280.0), layout)


def test_a_weak_guess_or_a_figure_vetoes_nothing():
    assert not vetoed_by_layout((110.0, 120.0, 300.0, 280.0), [("header", (100.0, 100.0, 400.0, 300.0), 0.3)])
    assert not vetoed_by_layout((110.0, 120.0, 300.0, 280.0), [("figure", (100.0, 100.0, 400.0, 300.0), 0.9)])
