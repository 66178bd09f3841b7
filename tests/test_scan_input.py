"""Bad page images give one clear error before any pixel is read."""
from __future__ import annotations

import io

import numpy as np
import pytest
from scan_pages import ocr_engine

from extract.scan import ScanInputError, check_page_image, read_scanned_page
from extract.types import PageInfo

INFO = PageInfo(page=1, width=595, height=842, kind="scanned")


def _huge_view(h, w):
    """A 'page' of h x w x 3 that takes no memory (every pixel is the same byte)."""
    return np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), shape=(h, w, 3), strides=(0, 0, 0))


@pytest.mark.parametrize("image, words", [
    (np.zeros((0, 0, 3), np.uint8), "empty"),
    (np.zeros((100, 0), np.uint8), "empty"),
    (np.zeros((10, 10, 3), np.uint8), "too small"),
    (np.zeros((100, 100, 2), np.uint8), "shape"),
    (np.zeros(100, np.uint8), "shape"),
    (np.zeros((100, 100, 3), np.float64), "uint8"),
    ("page.png", "numpy array"),
    (_huge_view(20_000, 20_000), "over the limit"),
])
def test_bad_arrays_are_refused_with_a_reason(image, words):
    with pytest.raises(ScanInputError, match=words):
        read_scanned_page(image, INFO, 200.0, ocr_engine(), None)


def test_refusal_of_a_huge_page_reads_no_pixels():
    huge = _huge_view(20_000, 20_000)
    with pytest.raises(ScanInputError, match="400,000,000 pixels"):
        check_page_image(huge)


def test_grey_and_rgba_pages_are_accepted():
    assert check_page_image(np.full((64, 48), 200, np.uint8)).shape == (64, 48, 3)
    assert check_page_image(np.full((64, 48, 4), 200, np.uint8)).shape == (64, 48, 3)


def test_bad_dpi_is_refused():
    with pytest.raises(ScanInputError, match="dpi"):
        read_scanned_page(np.full((64, 64, 3), 255, np.uint8), INFO, 0, ocr_engine(), None)


def test_blank_page_reads_to_nothing():
    page = read_scanned_page(np.full((400, 300, 3), 250, np.uint8), INFO, 100.0, ocr_engine(), None)
    assert page.spans == [] and page.rulings == [] and page.regions == []
    assert page.info.kind == "scanned" and page.info.rotation == 0


@pytest.mark.parametrize("maker", ["truncated_png", "bomb_png", "zero_byte"])
def test_bad_image_files_give_an_input_error(tmp_path, maker):
    """File-level problems are the loader's (extract.document.InputError); scans must hit them, not crash."""
    from PIL import Image

    from extract.document import InputError, open_document

    path = tmp_path / "page.png"
    if maker == "zero_byte":
        path.write_bytes(b"")
    elif maker == "truncated_png":
        buf = io.BytesIO()
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300, 3), np.uint8)).save(buf, "PNG")
        path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    else:  # a header claiming 20000 x 20000 pixels, tiny on disk
        buf = io.BytesIO()
        Image.new("1", (20_000, 20_000)).save(buf, "PNG")
        path.write_bytes(buf.getvalue())
    with pytest.raises(InputError):
        with open_document(path) as doc:
            for page in doc.iter_pages():
                page.render(200.0)
