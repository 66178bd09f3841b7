"""Regression: double letters ("tt" in "emitted", "ll" in "will") were dropped as fake-bold overprints
(the duplicate test compared x offsets with the glyph *height*), which cost ICDAR 2013 text matches."""
from reportlab.pdfgen import canvas

from extract.document import open_document


def test_double_letters_survive_but_overprints_do_not(tmp_path):
    path = tmp_path / "letters.pdf"
    c = canvas.Canvas(str(path), pagesize=(400, 200))
    c.setFont("Helvetica", 14)
    c.drawString(20, 150, "Air toxics are emitted; it will correlate.")
    c.drawString(20, 100, "BOLD")
    c.drawString(20.3, 100, "BOLD")  # fake bold: the same word printed again 0.3 pt to the right
    c.save()
    with open_document(path) as doc:
        texts = [s.text for s in next(doc.iter_pages()).spans]
    assert "Air toxics are emitted; it will correlate." in texts
    assert "BOLD" in texts
