"""A ruled box of text is a frame, not a table; numbered paragraphs are prose, not a two-column table.

Caught on the ICDAR 2013 tuning half: boxed text and chart legends came out as one-column "tables", and
numbered paragraphs ("33." "34.") and steps ("1." "2.") as two-column ones.
"""
from __future__ import annotations

from extract.pipeline import tables_from_evidence
from extract.structure.unruled import find_unruled_tables
from extract.types import PageInfo, Ruling

from tests.test_unruled import right, span

PAGE = PageInfo(page=1, width=595.0, height=842.0)


def _box(x0, y0, x1, y1):
    return [Ruling(orientation="h", bbox=(x0, y0, x1, y0 + 0.5)), Ruling(orientation="h", bbox=(x0, y1, x1, y1 + 0.5)),
            Ruling(orientation="v", bbox=(x0, y0, x0 + 0.5, y1)), Ruling(orientation="v", bbox=(x1, y0, x1 + 0.5, y1))]


PROSE = ["Box 4: the European stability mechanism was agreed on",
         "10 May 2010 by the finance ministers of the euro area and",
         "is based on a special purpose vehicle that raises funds",
         "for members whose financing is threatened by markets"]


def test_a_ruled_box_of_text_is_no_table_and_its_lines_are_kept():
    spans = [span(t, 80, 110 + 14 * i) for i, t in enumerate(PROSE)]
    tables, lines = tables_from_evidence(PAGE, spans, _box(72, 100, 420, 170))
    assert tables == []
    assert [s.text for s in lines] == PROSE


def test_a_ruled_frame_around_an_unruled_body_gives_the_body():
    rows = [("Country", "2009", "2010"), ("Greece", "1,250", "1,310"), ("Spain", "2,040", "2,115"),
            ("Italy", "3,300", "3,410"), ("France", "4,020", "4,150")]
    spans = []
    for i, (name, a, b) in enumerate(rows):
        y = 110 + 16 * i
        spans += [span(name, 80, y), right(a, 260, y), right(b, 340, y)]
    tables, _ = tables_from_evidence(PAGE, spans, _box(72, 100, 400, 200))
    assert len(tables) == 1 and tables[0].n_cols == 3 and tables[0].n_rows == 5


def test_numbered_paragraphs_are_not_a_table():
    items = [("33.", "Two recent studies of the sector have found that the cost of"),
             ("", "capital fell after the reform was announced by the ministry"),
             ("34.", "Even acknowledging the limits of the data it seems that the"),
             ("", "effect was large and lasted for more than two full years")]
    spans = []
    for i, (n, text) in enumerate(items):
        y = 100 + 14 * i
        if n:
            spans.append(span(n, 72, y))
        spans.append(span(text, 100, y))
    assert find_unruled_tables(PAGE, spans, [], []) == []


def test_a_short_numbered_list_with_values_is_still_a_table():
    spans = []
    for i, (n, name, v) in enumerate([("1.", "Counter", "1,204"), ("2.", "Telephone", "3,410"),
                                      ("3.", "Web portal", "9,020"), ("4.", "Email", "2,311")]):
        y = 100 + 14 * i
        spans += [span(n, 72, y), span(name, 100, y), right(v, 300, y)]
    tables = find_unruled_tables(PAGE, spans, [], [])
    assert len(tables) == 1 and tables[0].n_cols == 3


def test_header_lines_half_a_line_apart_do_not_chain_into_one_line():
    from extract.structure.unruled_lines import spans_to_words, words_to_lines

    # three header words stepping down by half a line each: the first and last are a whole line apart
    spans = [span("Total", 72, 100), span("Domestic", 150, 105), span("Imported", 230, 110)]
    lines = words_to_lines(spans_to_words(spans, []))
    assert len(lines) == 2


def test_a_raster_frame_is_left_to_the_reread():
    from extract.structure.frames import drop_frames
    from extract.types import Cell, Table

    cells = tuple(Cell(row=r, col=0, text=f"line {r}", bbox=(0, r * 20, 300, r * 20 + 20)) for r in range(4))
    box = Table(id="t", pages=(1,), n_rows=4, n_cols=1, cells=cells, bbox=(0, 0, 300, 80))
    assert drop_frames([box], [], [], vector=True)[0] == []
    assert drop_frames([box], [], [], vector=False)[0] == [box]
