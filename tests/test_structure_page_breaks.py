"""Tables broken by a page break, as office suites print them (regressions from the independent XLSX route)."""
from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import extract
from extract.document import open_document
from extract.options import ExtractOptions

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
W, H = 595.0, 842.0
COLS = [50.0, 120.0, 300.0, 450.0]


@pytest.fixture(scope="module", autouse=True)
def _cjk_font():
    if "zh" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("zh", FONT, subfontIndex=0))


def _grid(c, top: float, rows: list[list[str]], label_rows: int, label: str | None, label_y: float) -> None:
    """A ruled table: column 0 one label cell over every row (no inner rulings), columns 1-2 one row each."""
    rh = 20.0
    bottom = top + rh * len(rows)
    c.setLineWidth(0.5)
    for x in COLS:
        c.line(x, H - top, x, H - bottom)
    c.line(COLS[0], H - top, COLS[-1], H - top)
    c.line(COLS[0], H - bottom, COLS[-1], H - bottom)
    for r in range(1, len(rows)):
        c.line(COLS[1], H - top - r * rh, COLS[-1], H - top - r * rh)
    c.setFont("zh", 10)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(COLS[k + 1] + 4, H - top - r * rh - 14, text)
    if label is not None:
        c.drawString(COLS[0] + 4, H - label_y, label)


def _pdf(path, pages) -> str:
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for draw in pages:
        draw(c)
        c.showPage()
    c.save()
    return str(path)


def test_label_text_drawn_off_the_page_is_not_read_and_does_not_split_the_table(tmp_path):
    """LibreOffice draws a merged cell cut by a page break on both pages, at its full height: on the next
    page the label's text lands above the top edge of the paper (y < 0). It is not printed; read as a line
    above the table, it kept the two parts apart (xlsx-seed-dongguan-2024: '效益指标' read as '产出指标')."""
    rows1 = [[f"任务{i}", f"{i}00.00"] for i in range(1, 6)]
    rows2 = [[f"任务{i}", f"{i}00.00"] for i in range(6, 9)]
    path = _pdf(tmp_path / "cut.pdf", [
        lambda c: _grid(c, 700.0, rows1, 5, "重点任务", 760.0),
        lambda c: _grid(c, 60.0, rows2, 3, "重点任务", -30.0),  # the same label, off the top of page 2
    ])
    with open_document(path) as doc:
        pages = list(doc.iter_pages())
    assert [s.text for s in pages[0].spans if s.text == "重点任务"] == ["重点任务"]
    assert all(s.bbox[3] > 0 for s in pages[1].spans) and "重点任务" not in [s.text for s in pages[1].spans]
    res = extract.extract_file(path, ExtractOptions(form="none"))
    (t,) = res.tables
    assert (t.pages, t.n_rows) == ((1, 2), 8)
    label = t.cell_at(0, 0)
    assert (label.text, label.row_span) == ("重点任务", 8)
    assert [t.cell_at(r, 1).text for r in range(8)] == [f"任务{i}" for i in range(1, 9)]


# --- stitching on lines_by_page, with constructed tables ------------------------------------------------

from structure_drawing import draw_table, page, text_span  # noqa: E402

from extract.structure.build import build_page_tables  # noqa: E402
from extract.structure.stitch import stitch_tables  # noqa: E402

T_COLS = [50.0, 150.0, 300.0, 450.0]


def _rows(n: int, top: float, height: float = 20.0) -> list[float]:
    return [top + height * i for i in range(n + 1)]


def _tables(n: int, drawn):
    return list(build_page_tables(page(n), drawn.spans, drawn.rulings, id_prefix=f"p{n}t").tables)


def _data(first: int, count: int) -> dict:
    return {(i, k): f"{first + i}-{k}" for i in range(count) for k in range(3)}


def test_two_page_print_heads_and_print_titles_do_not_keep_a_continuation_apart():
    """A browser prints its title, date, URL and page number on every page, a spreadsheet its print-title
    rows; with two pages no line reaches the running-mark share, and each read as a heading between the
    parts (html-flat-0-000, xlsx-cols-0-002)."""
    body = {(r + 1, k): t for (r, k), t in _data(1, 4).items()}
    p1 = draw_table(T_COLS, _rows(5, top=120), texts={(0, 0): "部门名称", (0, 1): "甲局", **body})
    p2 = draw_table(T_COLS, _rows(3, top=120), texts=_data(5, 3))
    parts = _tables(1, p1) + _tables(2, p2)

    def heads(p):
        return [text_span("部门整体支出绩效目标表", 200, 15), text_span("12/1/26, 11:53 PM", 24, 15),
                text_span("东莞市部门整体支出绩效目标表", 200, 60), text_span("(2024年)", 270, 90),
                text_span("file:///tmp/form.html", 24, 818), text_span(f"第 {p} 页，共 2 页", 270, 830)]
    (t,) = stitch_tables(parts, lines_by_page={1: heads(1), 2: heads(2)})
    assert (t.pages, t.n_rows) == ((1, 2), 8)
    assert [t.cell_at(r, 0).text for r in range(8)] == ["部门名称"] + [f"{i}-0" for i in range(1, 8)]
    # the same lines, but moved on page 2: a heading of the next part, not a page head
    moved = {1: heads(1), 2: [text_span("东莞市部门整体支出绩效目标表", 200, 70)]}
    assert len(stitch_tables(parts, lines_by_page=moved)) == 2


def test_next_form_under_the_same_print_title_is_not_a_continuation():
    """Two one-page forms of one template: the title repeated at the same place on both pages is not a
    page head when the next part starts like the first table under it (another department's form)."""
    def form(dept):
        return draw_table(T_COLS, _rows(3, top=120), texts={(0, 0): "部门名称", (0, 1): dept, (1, 0): "x",
                                                             (2, 0): "y"})
    parts = _tables(1, form("甲局")) + _tables(2, form("乙局"))
    lines = {p: [text_span("部门整体预算绩效目标表", 200, 60)] for p in (1, 2)}
    assert [t.pages for t in stitch_tables(parts, lines_by_page=lines)] == [(1,), (2,)]


def test_label_text_overflowing_the_table_edge_at_the_break_is_not_a_heading():
    """LibreOffice draws a merged label cut by the break at its full height: on the next page part of its
    text lands above the table, in the page head (xlsx-flat-0-003: '绩效指' + '标' over the label column)."""
    p1 = draw_table(T_COLS, _rows(4, top=700), [(1, 0, 3, 1, "绩效指标")],
                    texts={(0, 0): "其他", (0, 1): "-", (1, 1): "产出", (2, 1): "效益", (3, 1): "成本"})
    p2 = draw_table(T_COLS, _rows(2, top=120), [(0, 0, 2, 1, "")], open_top={0},
                    texts={(0, 1): "满意度", (1, 1): "可持续"})
    parts = _tables(1, p1) + _tables(2, p2)
    over = {1: [], 2: [text_span("绩效指", 55, 25), text_span("标", 60, 36)]}
    (t,) = stitch_tables(parts, lines_by_page=over)
    label = t.cell_at(5, 0)
    assert (label.row, label.row_span, label.text) == (1, 5, "绩效指标")
    # a line there that is not the label's text is a heading
    other = {1: [], 2: [text_span("附表二", 55, 25)]}
    assert len(stitch_tables(parts, lines_by_page=other)) == 2


def _open_bottom(drawn, y: float):
    """The drawing without its bottom line at ``y``: a row the page break cut (the browser draws no border
    there), its column lines running down to the page edge."""
    drawn.rulings = [r for r in drawn.rulings if not (r.orientation == "h" and abs((r.bbox[1] + r.bbox[3]) / 2 - y) < 1)]
    return drawn


def test_row_cut_by_the_break_under_a_repeated_header_is_one_row():
    """Chromium repeats the thead on the next page and goes on with the rest of the cut row: each cell's
    text continues, the bottom border on the first page is not drawn. It was joined cell by cell into
    two-row cells over an extra row (html-seed-dongguan-2024: task 6 read twice)."""
    head = {(0, 0): "名称", (0, 1): "内容", (0, 2): "金额"}
    rows1 = _rows(3, top=740)
    p1 = _open_bottom(draw_table(T_COLS, rows1, texts={**head, (1, 0): "甲", (1, 1): "甲内容", (1, 2): "1.00",
                                                         (2, 0): "重点领域隐患", (2, 1): "完成排查整治",
                                                         (2, 2): "2.00"}), rows1[-1])
    p2 = draw_table(T_COLS, _rows(3, top=60), texts={**head, (1, 0): "排查整治工作", (1, 1): "工作。",
                                                      (2, 0): "乙", (2, 1): "乙内容", (2, 2): "3.00"})
    parts = _tables(1, p1) + _tables(2, p2)
    assert parts[0].open_bottom_cols == (0, 1, 2)
    (t,) = stitch_tables(parts)
    assert t.n_rows == 4
    assert [t.cell_at(r, 0).text for r in range(4)] == ["名称", "甲", "重点领域隐患排查整治工作", "乙"]
    assert [c.row_span for c in t.cells] == [1] * len(t.cells)
    assert t.cell_at(2, 2).text == "2.00"
