"""Image inputs that state 96 dpi, or nothing, are read at their real scale (cTDaR pages: 794 x 1123 px A4)."""
from __future__ import annotations

import io

from PIL import Image

from extract.document import open_document
from extract.imagedpi import DEFAULT_IMAGE_DPI, image_dpi, paper_dpi


def test_an_a4_page_without_dpi_is_read_at_96_dpi():
    assert abs(image_dpi(None, 794, 1123) - 96.0) < 0.5
    assert abs(image_dpi(None, 1123, 794) - 96.0) < 0.5  # landscape


def test_a_letter_page_without_dpi_is_read_from_its_shape():
    assert abs(image_dpi(None, 1224, 1584) - 144.0) < 0.5


def test_a_stated_screen_default_on_a_fine_scan_is_not_believed():
    assert abs(image_dpi(96, 2480, 3508) - 300.0) < 0.5  # 96 dpi would make it a 36-inch page
    assert image_dpi(300, 2480, 3508) == 300.0
    assert image_dpi(96, 794, 1123) == 96.0


def test_a_crop_keeps_the_default():
    assert paper_dpi(486, 395) is None
    assert image_dpi(None, 486, 395) == DEFAULT_IMAGE_DPI


def test_an_image_page_is_sized_in_points_from_its_real_dpi(tmp_path):
    path = tmp_path / "page.png"
    buf = io.BytesIO()
    Image.new("RGB", (794, 1123), "white").save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    doc = open_document(path)
    try:
        page = next(iter(doc.iter_pages()))
        assert abs(page.info.width - 595.3) < 2 and abs(page.info.height - 841.9) < 2
    finally:
        doc.close()
