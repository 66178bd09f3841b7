"""A ruled table whose side border is lost in the scan keeps its last column (issue 10, thin grey rulings).

The border of a 0.5 pt grey ruling can vanish in binarisation while the row rulings, drawn over many
pixels, survive to the end of the table; trimming every row ruling back to its last crossing column line
then dropped the whole last column (indep_noisy html-flat-0-000: 5 columns read as 4).
"""
from __future__ import annotations

import cv2
import numpy as np

from extract.layout.raster import find_raster_rulings
from extract.structure.grid import find_table_regions, rulings_to_grid
from extract.types import PageInfo

DPI = 200.0
PX = DPI / 72.0


def _page(right_border: bool, text_below: bool = False) -> np.ndarray:
    img = np.full((1400, 1200), 245, np.uint8)
    x0, x1, x2, x3 = 100, 400, 700, 1000  # columns; the right border is at x3
    ys = [200 + 60 * i for i in range(8)]
    for y in ys:
        cv2.line(img, (x0, y), (x3, y), 60, 2)
    for x in (x0, x1, x2) + ((x3,) if right_border else ()):
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 60, 2)
    if text_below:  # a line of text right under the table, in line with the column rulings
        for x in (x0, x1, x2):
            for dy in range(0, 40, 8):
                cv2.line(img, (x, ys[-1] + 30 + dy), (x, ys[-1] + 33 + dy), 60, 2)
    return img


def _cols(img: np.ndarray) -> list[float]:
    rulings = find_raster_rulings(img, DPI)
    page = PageInfo(page=1, width=1200 / PX, height=1400 / PX)
    (region,) = find_table_regions(rulings, page)
    return [round(x * PX) for x in rulings_to_grid(rulings, region).col_edges]


def test_lost_side_border_keeps_the_last_column():
    whole = _cols(_page(right_border=True))
    assert len(whole) == 4 and abs(whole[-1] - 1000) <= 4
    cols = _cols(_page(right_border=False))
    assert len(cols) == 4 and abs(cols[-1] - 1000) <= 6, cols


def test_column_rulings_running_into_text_below_are_still_cut_back():
    rulings = find_raster_rulings(_page(right_border=True, text_below=True), DPI)
    bottom = max(r.bbox[3] for r in rulings if r.orientation == "v") * PX
    assert bottom <= 200 + 60 * 7 + 10, bottom
