"""Mixed evidence: cells whose text-layer characters are garbled are re-read by OCR from the page image;
the clean cells keep their text-layer reading. (The PDF is clean and one cell's text is garbled after
reading, as an unmapped CID font would give it: reportlab cannot write such a font.)"""
from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extract import ExtractOptions, extract_file
from extract.document import open_document
from extract.mixed import garbled_cells, reread_garbled_cells
from extract.ocr.rapid import RapidOcrEngine
from extract.scan import choose_dpi
from extract.text import looks_garbled

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
ROWS = [("部门名称", "东莞市应急管理局"), ("财政拨款", "8,864.78"), ("其他资金", "0.00")]


def _make_pdf(path):
    pdfmetrics.registerFont(TTFont("wqy", FONT, subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=(420, 300))
    x0, x1, x2, top, h = 40, 160, 380, 260, 40
    for i in range(len(ROWS) + 1):
        c.line(x0, top - i * h, x2, top - i * h)
    for x in (x0, x1, x2):
        c.line(x, top, x, top - len(ROWS) * h)
    c.setFont("wqy", 12)
    for i, (label, value) in enumerate(ROWS):
        c.drawString(x0 + 6, top - i * h - 26, label)
        c.drawString(x1 + 6, top - i * h - 26, value)
    c.save()


def test_looks_garbled():
    assert looks_garbled("\ue001\ue002") and looks_garbled("(cid:12)(cid:40)") and looks_garbled("8,8\ufffd4")
    assert not looks_garbled("东莞市 8,864.78 ≥90%")


def test_only_garbled_cells_are_ocrd(tmp_path):
    pdf = tmp_path / "mixed.pdf"
    _make_pdf(pdf)
    (table,) = extract_file(pdf, ExtractOptions(form="none")).tables
    broken = table.cell_at(1, 1).model_copy(update={"text": "\ue001\ue002\ue003\ue004"})
    table = table.model_copy(update={"cells": tuple(broken if (c.row, c.col) == (1, 1) else c for c in table.cells)})
    assert [c.text for _, c in garbled_cells([table], 1)] == ["\ue001\ue002\ue003\ue004"]
    with open_document(pdf) as doc:
        page = next(doc.iter_pages())
        dpi = choose_dpi(page.info)
        (fixed,), n = reread_garbled_cells([table], 1, page.render(dpi), dpi, RapidOcrEngine())
    assert n == 1
    cell = fixed.cell_at(1, 1)
    assert cell.text.replace(" ", "") == "8,864.78"
    assert 0 < cell.confidence < 1.0  # OCR'd text is less sure than a clean text layer
    assert fixed.cell_at(0, 1).text == "东莞市应急管理局" and fixed.cell_at(0, 1).confidence == 1.0
    assert fixed.confidence <= cell.confidence


def test_second_opinion_lowers_only_cells_whose_readings_disagree(tmp_path):
    from extract.mixed import second_opinion

    pdf = tmp_path / "clean.pdf"
    _make_pdf(pdf)
    (table,) = extract_file(pdf, ExtractOptions(form="none")).tables
    misread = table.cell_at(1, 1).model_copy(update={"text": "8,864.18"})  # what a page-level OCR slip looks like
    table = table.model_copy(update={"cells": tuple(misread if (c.row, c.col) == (1, 1) else c for c in table.cells)})
    with open_document(pdf) as doc:
        page = next(doc.iter_pages())
        dpi = choose_dpi(page.info)
        (checked,), n = second_opinion([table], 1, page.render(dpi), dpi, RapidOcrEngine())
    assert n == 1
    assert checked.cell_at(1, 1).confidence <= 0.5 and checked.cell_at(1, 1).text == "8,864.18"
    assert all(checked.cell_at(r, k).confidence == 1.0 for r, k in [(0, 0), (0, 1), (2, 1)])
