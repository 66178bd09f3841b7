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
