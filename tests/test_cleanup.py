"""Page clean-up on a rendered table page: orientation, skew, lighting, red seals (real RapidOCR)."""
from __future__ import annotations

import numpy as np
import pytest
from scan_pages import ROW_H, stamp_red_seal, ocr_engine, table_image

from extract.cleanup import (clean_page, detect_orientation, estimate_skew, level_page, normalize_illumination,
                             remove_red_seals, rotate_quarter, to_grey)
from extract.layout.raster import find_raster_rulings

DPI = 150.0


@pytest.fixture(scope="module")
def page():
    return table_image(DPI)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_orientation_of_a_turned_page_is_undone(page, turn):
    _, rgb = page
    turned = rotate_quarter(to_grey(rgb), turn)
    rotation, line_h = detect_orientation(turned, ocr_engine())
    assert (turn + rotation) % 360 == 0
    assert line_h and 10 < line_h < 80


def test_upright_page_is_left_alone(page):
    assert detect_orientation(to_grey(page[1]), ocr_engine())[0] == 0


@pytest.mark.parametrize("angle", [2.5, -2.5, 4.5])
def test_deskew_within_a_third_of_a_degree(page, angle):
    tilted = level_page(to_grey(page[1]), angle)
    assert abs(estimate_skew(tilted) + angle) <= 0.3


def test_uneven_yellow_lighting_goes_to_white_paper(page):
    _, rgb = page
    h, w = rgb.shape[:2]
    shade = np.linspace(0.55, 1.0, w, dtype=np.float32)[None, :, None] * np.array([1.0, 0.93, 0.75], np.float32)
    aged = (rgb.astype(np.float32) * shade).astype(np.uint8)
    flat = normalize_illumination(aged)
    paper = flat[20:60, 20:w - 20]  # top margin: paper only, dark end to light end
    assert paper.min() > 200 and np.ptp(paper.reshape(-1, 3).mean(axis=0)) < 12
    ink = to_grey(flat)[to_grey(rgb) < 80]
    assert np.median(ink) < 110  # print stays dark


def _h_rulings(rulings):
    return sorted((r for r in rulings if r.orientation == "h"), key=lambda r: r.bbox[1])


def test_seal_over_grid_keeps_rulings_continuous(page):
    tp, rgb = page
    px = DPI / 72
    # a stamp centred on a grid crossing, its ring and star over rulings and text
    centre = (int(tp.col_edges[2] * px), int(tp.row_edges[3] * px))
    sealed = stamp_red_seal(rgb, centre, int(1.6 * ROW_H * px))
    grey = remove_red_seals(normalize_illumination(sealed))
    rulings = find_raster_rulings(grey, DPI)
    h, v = _h_rulings(rulings), [r for r in rulings if r.orientation == "v"]
    assert len(h) == len(tp.row_edges) and len(v) == len(tp.col_edges)
    for r, y in zip(h, tp.row_edges):
        assert abs((r.bbox[1] + r.bbox[3]) / 2 - y) < 2
        assert r.bbox[0] < tp.col_edges[0] + 2 and r.bbox[2] > tp.col_edges[-1] - 2  # one piece, edge to edge
    # the seal itself is gone: where the ring lies on bare paper, the cleaned page is paper again
    radius = int(1.6 * ROW_H * px)
    ring = [(int(centre[1] + radius * np.sin(a)), int(centre[0] + radius * np.cos(a)))
            for a in np.linspace(0, 2 * np.pi, 360, endpoint=False)]
    bare = [(y, x) for y, x in ring if to_grey(rgb)[y - 2:y + 3, x - 2:x + 3].min() > 240]
    assert len(bare) > 100
    assert all(to_grey(sealed)[y, x] < 200 for y, x in bare)  # the stamp is there before removal
    assert sum(grey[y, x] > 200 for y, x in bare) >= 0.98 * len(bare)


def test_clean_page_turns_and_levels(page):
    _, rgb = page
    scanned = rotate_quarter(level_page(rgb, -2.0), 180)
    clean = clean_page(scanned, ocr_engine())
    assert clean.rotation == 180
    assert abs(clean.skew - 2.0) <= 0.3
    assert clean.image.ndim == 2 and clean.image.shape == to_grey(rgb).shape


def test_the_read_page_settles_upside_down_and_an_upright_read_costs_nothing(page):
    from extract.cleanup import reads_better_turned

    engine = ocr_engine()

    class Counting:
        crops = 0

        def recognize_crops(self, images):
            Counting.crops += len(images)
            return engine.recognize_crops(images)

    grey = to_grey(page[1])
    upright = engine.recognize(grey)
    assert not reads_better_turned(grey, upright, Counting())
    assert Counting.crops == 0  # read this well, nothing is read again
    down = rotate_quarter(grey, 180)
    assert reads_better_turned(down, engine.recognize(down), Counting())
    assert Counting.crops > 0
