"""Review images repeat the reader's turn: for every quarter turn and a skew, the upright image of a turned,
crooked scan matches the page as printed (so boxes in the reader's frame land on the printed cells)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from extract.cleanup import level_page
from extract.review_app import images
from scan_pages import make_table_pdf, render_pdf


@pytest.fixture(scope="module")
def printed():
    return render_pdf(make_table_pdf().pdf, images.REVIEW_DPI)


@pytest.mark.parametrize("quarter", [0, 90, 180, 270])
def test_upright_image_of_a_turned_crooked_scan_matches_the_print(printed, tmp_path, quarter):
    skew = 1.5
    scan = level_page(np.ascontiguousarray(np.rot90(printed, k=-(quarter // 90))), skew)  # turned clockwise, crooked
    path = tmp_path / f"scan{quarter}.png"
    Image.fromarray(scan).save(path, dpi=(images.REVIEW_DPI, images.REVIEW_DPI))
    # what the reader stores: the turn back (clockwise) and the levelling angle
    upright = np.asarray(images.render_upright(str(path), 1, (360 - quarter) % 360, -skew, True).convert("L"))
    truth = np.asarray(Image.fromarray(printed).convert("L"))
    assert upright.shape == truth.shape
    ink = truth < 128
    assert (upright[ink] < 160).mean() > 0.6  # the printed strokes are where they were printed
    raw = np.asarray(images.render_upright(str(path), 1, (360 - quarter) % 360, -skew, False).convert("L"))
    if quarter in (90, 270):
        assert raw.shape != truth.shape  # the untransformed scan would not even have the page's shape
    else:
        assert (raw[ink] < 160).mean() < 0.5 * (upright[ink] < 160).mean()
