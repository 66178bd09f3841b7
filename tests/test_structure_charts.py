"""A chart drawn in vector graphics is no table: its gridlines and tick labels are not read as one.

Caught on the ICDAR 2013 tuning half (us-023, us-028, eu-011, eu-012): bar and line charts came out as
ruled or unruled "tables" of axis labels. A real table beside the chart, with a shaded header, a coloured
header cell holding its label and a diagonal header line (斜线表头), must stay whole.
"""
from __future__ import annotations

import pytest

from extract.layout.rulings import page_graphics
from extract.structure import charts

reportlab = pytest.importorskip("reportlab")

ROWS = [("Region", "2022", "2023"), ("North", "1,250", "1,310"), ("South", "2,040", "2,115"),
        ("East", "3,300", "3,410"), ("West", "4,020", "4,150")]
TICKS = ["100", "80", "60", "40", "20", "0"]
BARS = [35, 62, 48, 90, 71, 55]


def _page(path):
    from reportlab.lib.colors import Color, HexColor
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), pagesize=(595, 842))
    # the table: 5 rows x 3 columns at the top, header shaded light grey, one header cell in a saturated
    # colour with its label inside, a diagonal line across the corner cell
    x0, top, widths, h = 72, 780, (150, 100, 100), 20
    xs = [x0, x0 + widths[0], x0 + widths[0] + widths[1], x0 + sum(widths)]
    c.setFillColor(Color(0.9, 0.9, 0.9))
    c.rect(xs[0], top - h, xs[3] - xs[0], h, stroke=0, fill=1)
    c.setFillColor(HexColor("#4F81BD"))
    c.rect(xs[2], top - h, xs[3] - xs[2], h, stroke=0, fill=1)
    c.setFillColor(Color(0, 0, 0))
    c.setLineWidth(0.5)
    for i in range(len(ROWS) + 1):
        c.line(xs[0], top - i * h, xs[3], top - i * h)
    for x in xs:
        c.line(x, top, x, top - len(ROWS) * h)
    c.line(xs[0], top, xs[1], top - h)  # 斜线表头
    c.setFont("Helvetica", 10)
    for r, row in enumerate(ROWS):
        for k, text in enumerate(row):
            c.drawString(xs[k] + 6, top - r * h - 14, text)
    # the chart below: axes, gridlines, six bars in a chart palette, tick labels left and under the bars
    cx, cy, cw, ch = 120, 300, 360, 250
    c.setStrokeColor(Color(0.7, 0.7, 0.7))
    for i in range(len(TICKS)):
        y = cy + ch - i * ch / (len(TICKS) - 1)
        c.line(cx, y, cx + cw, y)
        c.drawRightString(cx - 6, y - 3, TICKS[i])
    c.setStrokeColor(Color(0, 0, 0))
    c.line(cx, cy, cx, cy + ch)
    step = cw / len(BARS)
    for i, v in enumerate(BARS):
        c.setFillColor(HexColor("#4F81BD") if i % 2 == 0 else HexColor("#C0504D"))
        c.rect(cx + i * step + 12, cy, step - 24, ch * v / 100, stroke=0, fill=1)
        c.setFillColor(Color(0, 0, 0))
        c.drawCentredString(cx + i * step + step / 2, cy - 14, f"Q{i + 1}")
    c.drawString(cx, cy - 40, "Figure 1. Quarterly sales, in thousands")
    c.save()


def _read(path):
    from extract import extract_file
    from extract.options import ExtractOptions

    return extract_file(path, ExtractOptions(form="none"))


def test_chart_marks_are_its_bars_not_the_tables_shading(tmp_path):
    import pypdfium2 as pdfium

    from extract.geometry import PageFrame

    _page(tmp_path / "p.pdf")
    pdf = pdfium.PdfDocument(str(tmp_path / "p.pdf"))
    page = pdf[0]
    _, marks = page_graphics(page, PageFrame(page.get_cropbox(), page.get_rotation(), page.get_mediabox()))
    kinds = sorted(m.kind for m in marks)
    # six bars and the saturated header cell (told apart later by the label inside it), one long diagonal
    assert kinds.count("bar") == 7 and kinds.count("diagonal") == 1
    assert all(m.bbox[1] > 250 for m in marks if m.kind == "bar" and m.bbox[3] - m.bbox[1] > 30)
    page.close()
    pdf.close()


def test_a_bar_chart_gives_no_table_and_the_table_beside_it_stays_whole(tmp_path):
    _page(tmp_path / "p.pdf")
    result = _read(tmp_path / "p.pdf")
    assert len(result.tables) == 1, [(t.bbox, t.n_rows, t.n_cols) for t in result.tables]
    (table,) = result.tables
    grid = [[(c.text if c else "") for c in row] for row in table.dense()]
    assert grid == [list(r) for r in ROWS]
    assert "Q3" not in {c.text for c in table.cells}


def test_without_the_chart_rule_the_chart_is_read_as_a_table(tmp_path, monkeypatch):
    """The rule above is what keeps the chart out (so the test cannot pass by the chart going unnoticed)."""
    monkeypatch.setattr(charts, "CHART_MARKS", 10 ** 6)
    _page(tmp_path / "p.pdf")
    result = _read(tmp_path / "p.pdf")
    assert len(result.tables) >= 2
