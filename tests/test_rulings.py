"""Vector rulings from real PDFs (reportlab-made, read back through pypdfium2), and merging."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from extract.geometry import PageFrame
from extract.layout.rulings import merge_rulings, vector_rulings
from extract.types import Ruling

W, H = 600.0, 800.0


def _rulings(path, merge=True) -> list[Ruling]:
    pdf = pdfium.PdfDocument(str(path))
    page = pdf[0]
    try:
        found = vector_rulings(page, PageFrame(page.get_cropbox(), page.get_rotation(), page.get_mediabox()))
    finally:
        page.close()
        pdf.close()
    return merge_rulings(found) if merge else found


def _pos(r: Ruling) -> float:
    x0, y0, x1, y1 = r.bbox
    return (y0 + y1) / 2 if r.orientation == "h" else (x0 + x1) / 2


def _span(r: Ruling) -> tuple[float, float]:
    x0, y0, x1, y1 = r.bbox
    return (x0, x1) if r.orientation == "h" else (y0, y1)


def _draw(tmp_path, draw, name="p.pdf", pagesize=(W, H)):
    path = tmp_path / name
    c = canvas.Canvas(str(path), pagesize=pagesize)
    draw(c)
    c.showPage()
    c.save()
    return path


def test_lines_and_rect_kinds(tmp_path):
    def draw(c):
        c.setLineWidth(1)
        c.line(100, 700, 500, 700)                    # h line at top-left y=100
        c.line(50, 100, 50, 300)                      # v line x=50, y 500..700
        c.rect(100, 500, 200, 100)                    # stroked rect -> 4 edges
        c.rect(100, 400, 300, 1.2, stroke=0, fill=1)  # thin filled rect -> 1 ruling
        c.setFillColorRGB(0.8, 0.8, 0.8)
        c.rect(100, 200, 300, 50, stroke=0, fill=1)   # grey shading -> its 4 edges as hairlines
        c.setFillColorRGB(1, 1, 1)
        c.rect(100, 120, 300, 50, stroke=0, fill=1)   # white fill -> invisible
        c.setFillColorRGB(0.9, 0.9, 1)
        c.rect(0, 0, W, H, stroke=0, fill=0)           # (no-op: neither filled nor stroked)
        c.rect(10, 10, W - 20, H - 20, stroke=0, fill=1)  # page background -> nothing
        c.setFillColorRGB(0, 0, 0)
        c.line(300, 150, 400, 100)                    # diagonal -> nothing
        c.setStrokeColorRGB(1, 1, 1)
        c.line(100, 50, 500, 50)                      # white -> invisible
    rulings = _rulings(_draw(tmp_path, draw), merge=False)
    h = sorted((round(_pos(r), 1), _span(r)) for r in rulings if r.orientation == "h")
    v = sorted((round(_pos(r), 1), _span(r)) for r in rulings if r.orientation == "v")
    assert h == [(100.0, (100.0, 500.0)), (200.0, (100.0, 300.0)), (300.0, (100.0, 300.0)),
                 (399.4, (100.0, 400.0)), (550.0, (100.0, 400.0)), (600.0, (100.0, 400.0))]
    assert v == [(50.0, (500.0, 700.0)), (100.0, (200.0, 300.0)), (100.0, (550.0, 600.0)),
                 (300.0, (200.0, 300.0)), (400.0, (550.0, 600.0))]
    thin = next(r for r in rulings if abs(_pos(r) - 399.4) < 0.1)
    assert thin.bbox[3] - thin.bbox[1] == pytest.approx(1.2, abs=0.01)


def test_grid_of_cell_rects_merges_to_table_lines(tmp_path):
    def draw(c):
        for row in range(3):
            for col in range(4):
                c.rect(100 + col * 80, 600 - row * 30, 80, 30)
    merged = _rulings(_draw(tmp_path, draw))
    h = [r for r in merged if r.orientation == "h"]
    v = [r for r in merged if r.orientation == "v"]
    assert [round(_pos(r), 1) for r in h] == [170.0, 200.0, 230.0, 260.0]
    assert [round(_pos(r), 1) for r in v] == [100.0, 180.0, 260.0, 340.0, 420.0]
    assert all(_span(r) == pytest.approx((100.0, 420.0)) for r in h)
    assert all(_span(r) == pytest.approx((170.0, 260.0)) for r in v)


def test_double_lines_gaps_and_misalignment(tmp_path):
    def draw(c):
        c.setLineWidth(0.5)
        c.line(100, 700, 500, 700)
        c.line(100, 698.5, 500, 698.5)   # double line, 1.5pt below -> one ruling
        c.line(100, 600, 200, 600)
        c.line(202.5, 600, 300, 600)     # 2.5pt gap -> bridged
        c.line(100, 500, 200, 500)
        c.line(210, 500, 300, 500)       # 10pt gap -> kept apart
        c.line(100, 400, 200, 400)
        c.line(200, 401, 300, 401)       # 1pt misaligned -> joined
    merged = _rulings(_draw(tmp_path, draw))
    spans = sorted((round(_pos(r), 2), _span(r)) for r in merged if r.orientation == "h")
    assert spans == [(100.75, (100.0, 500.0)), (200.0, (100.0, 300.0)), (300.0, (100.0, 200.0)),
                     (300.0, (210.0, 300.0)), (399.5, (100.0, 300.0))]
    double = next(r for r in merged if round(_pos(r)) == 101)
    assert double.bbox[1] == pytest.approx(99.75) and double.bbox[3] == pytest.approx(101.75)


def test_form_xobject_lines_are_transformed(tmp_path):
    def draw(c):
        c.beginForm("grid")
        c.line(0, 0, 100, 0)
        c.line(0, 0, 0, 50)
        c.endForm()
        c.saveState()
        c.translate(200, 300)
        c.scale(2, 2)
        c.doForm("grid")
        c.restoreState()
    rulings = _rulings(_draw(tmp_path, draw), merge=False)
    got = sorted((r.orientation, round(_pos(r), 1), _span(r)) for r in rulings)
    assert got == [("h", 500.0, (200.0, 400.0)), ("v", 200.0, (400.0, 500.0))]
    assert rulings[0].bbox[3] - rulings[0].bbox[1] == pytest.approx(2.0)  # 1pt stroke scaled x2


def test_rotated_page_and_cropbox(tmp_path):
    # user space 800 wide x 600 tall, /Rotate 90: displayed 600 x 800
    def draw(c):
        c.setPageRotation(90)
        c.line(100, 500, 300, 500)     # user h line 100pt below the top -> displayed vertical 100pt from the right
    path = _draw(tmp_path, draw, pagesize=(600, 800))
    rulings = _rulings(path, merge=False)
    assert [(r.orientation, round(_pos(r), 1), _span(r)) for r in rulings] == [("v", 500.0, (100.0, 300.0))]
    page = pdfium.PdfDocument(str(path))[0]
    ink = page.render(scale=1).to_numpy()[:, :, 0] < 128  # pdfium's own rotation agrees
    ys, xs = ink.nonzero()
    assert ink.shape == (800, 600) and abs(xs.mean() - 500) < 1 and (ys.min(), ys.max()) == (100, 299)

    def cropped(c):
        c.setCropBox((50, 100, 550, 700))
        c.line(100, 600, 600, 600)     # runs past the crop box's right edge
        c.line(100, 750, 300, 750)     # above the crop box: gone
    rulings = _rulings(_draw(tmp_path, cropped, name="crop.pdf"), merge=False)
    assert [(r.orientation, round(_pos(r), 1), _span(r)) for r in rulings] == [("h", 100.0, (50.0, 500.0))]


def test_merge_keeps_orientations_apart_and_is_sorted():
    rs = [Ruling(orientation="v", bbox=(10, 0, 11, 50)), Ruling(orientation="h", bbox=(0, 20, 50, 21)),
          Ruling(orientation="h", bbox=(0, 5, 50, 6)), Ruling(orientation="v", bbox=(10.5, 52, 11.5, 80))]
    merged = merge_rulings(rs)
    assert [r.orientation for r in merged] == ["h", "h", "v"]
    assert merged[0].bbox[1] == 5 and merged[2].bbox == (10, 0, 11.5, 80)
    assert merge_rulings([]) == []


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rulings_land_where_pdfium_draws_them(tmp_path, rotation):
    """For every /Rotate and an offset crop box, each ruling sits on the ink of pdfium's own render."""
    def draw(c):
        c.setPageRotation(rotation)
        c.setCropBox((20, 30, 520, 700))  # reaches past the media box when reportlab swaps it
        c.setLineWidth(2)
        c.line(100, 500, 300, 500)
        c.line(400, 200, 400, 500)
    path = _draw(tmp_path, draw, name=f"r{rotation}.pdf")
    rulings = _rulings(path)
    page = pdfium.PdfDocument(str(path))[0]
    ink = page.render(scale=1).to_numpy()[:, :, 0] < 128
    assert len(rulings) == 2
    for r in rulings:
        x0, y0, x1, y1 = (round(v) for v in r.bbox)
        assert ink[y0:y1 + 1, x0:x1 + 1].mean() > 0.4, (rotation, r)
    assert ink.sum() == pytest.approx(sum((r.bbox[2] - r.bbox[0]) * (r.bbox[3] - r.bbox[1]) for r in rulings), rel=0.1)


def test_charts_and_curves_give_no_rulings_but_rounded_boxes_do(tmp_path):
    def draw(c):
        p = c.beginPath()  # a chart line with a flat stretch in the middle
        p.moveTo(100, 600)
        for x, y in ((120, 640), (140, 650), (200, 650), (220, 700)):
            p.lineTo(x, y)
        c.drawPath(p, stroke=1, fill=0)
        c.circle(400, 600, 20, stroke=1, fill=0)  # Béziers: control polygon is axis-aligned
        c.roundRect(100, 300, 200, 100, 10, stroke=1, fill=0)
    rulings = _rulings(_draw(tmp_path, draw), merge=False)
    got = sorted((r.orientation, round(_pos(r), 1), _span(r)) for r in rulings)
    assert got == [("h", 400.0, (110.0, 290.0)), ("h", 500.0, (110.0, 290.0)),
                   ("v", 100.0, (410.0, 490.0)), ("v", 300.0, (410.0, 490.0))]
