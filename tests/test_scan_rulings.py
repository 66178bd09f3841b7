"""Raster rulings and table regions from page images: faded, broken, and next to a big title."""
from __future__ import annotations

import numpy as np
from scan_pages import layout_model, table_image

from corpus.scan import Profile, fade_and_break_rulings, ruling_mask, ruling_masks
from extract.cleanup import normalize_illumination, remove_red_seals
from extract.layout.raster import find_raster_rulings
from extract.layout.regions import combine_regions, rulings_to_regions
from extract.types import Ruling, TableRegion

DPI = 150.0


def _worn(rgb, fade, breaks, seed=1):
    p = Profile(dpi=(DPI, DPI), skew_deg=0, blur_sigma=(0, 0), noise_sigma=(0, 0), jpeg_quality=(90, 90),
                seal_prob=0, fade=(fade, fade), breaks_per_100pt=breaks, break_pt=(4.0, 12.0),
                lighting=(0, 0), yellow=(0, 0))
    return fade_and_break_rulings(rgb, ruling_masks(rgb, DPI), DPI, p, np.random.default_rng(seed))


def _check_full_grid(rulings, tp):
    h = sorted((r for r in rulings if r.orientation == "h"), key=lambda r: r.bbox[1])
    v = sorted((r for r in rulings if r.orientation == "v"), key=lambda r: r.bbox[0])
    assert len(h) == len(tp.row_edges) and len(v) == len(tp.col_edges)
    assert all(abs((r.bbox[1] + r.bbox[3]) / 2 - y) < 1.5 for r, y in zip(h, tp.row_edges))
    assert all(abs((r.bbox[0] + r.bbox[2]) / 2 - x) < 1.5 for r, x in zip(v, tp.col_edges))
    for r in h:  # each joined into one ruling across the table despite the breaks
        assert r.bbox[0] <= tp.col_edges[0] + 2 and r.bbox[2] >= tp.col_edges[-1] - 2
    for r in v:
        assert r.bbox[1] <= tp.row_edges[0] + 2 and r.bbox[3] >= tp.row_edges[-1] - 2
    assert all(r.source == "raster" for r in rulings)


def test_clean_grid_found_in_points():
    tp, rgb = table_image(DPI)
    _check_full_grid(find_raster_rulings(remove_red_seals(rgb), DPI), tp)


def test_faded_broken_grid_is_joined():
    tp, rgb = table_image(DPI)
    worn = _worn(rgb, fade=0.65, breaks=2.0)
    grey = remove_red_seals(normalize_illumination(worn))
    # the breaks are real: the worn rulings have gaps of paper
    mask = ruling_mask(rgb, DPI)
    assert (grey[mask] > 235).mean() > 0.03
    _check_full_grid(find_raster_rulings(grey, DPI), tp)


def test_regions_from_rulings_and_model_leave_the_title_out():
    tp, rgb = table_image(DPI)
    rulings = find_raster_rulings(remove_red_seals(rgb), DPI)
    ruled = rulings_to_regions(rulings, page=1)
    model = layout_model().find_tables(rgb, DPI, page=1)
    assert model, "the CDLA model sees the table"
    regions = combine_regions(model, ruled)
    assert len(regions) == 1
    r = regions[0]
    assert r.detector.startswith("rulings+") and r.score == 1.0
    assert r.bbox[1] > 100  # the title (at y ~ 75-95pt) is outside
    assert abs(r.bbox[1] - tp.row_edges[0]) < 3 and abs(r.bbox[3] - tp.row_edges[-1]) < 3


def test_model_only_region_kept_for_an_unruled_table():
    model = [TableRegion(page=1, bbox=(50, 400, 500, 600), score=0.7, detector="cdla")]
    ruled = rulings_to_regions([Ruling(orientation="h", bbox=(60, 100, 500, 101), source="raster")], page=1)
    assert ruled == []
    assert combine_regions(model, ruled) == model


def test_a_scanners_shadow_band_at_the_page_edge_is_no_ruling():
    # regression (harsh scans): the edge of a grey band along the paper's edge was read as a vertical ruling
    # and, met by one row line that ran on into the band, widened the table by an empty column, so the form's
    # start row ("部门名称" in the first cell) was missed and two forms ran together
    tp, rgb = table_image(DPI)
    page = rgb.copy()
    px = DPI / 72.0
    band = int(8 * px)
    page[:, :band] = 200  # a shadow band along the left edge, its edge a long straight dark-to-light step
    page[:, band:band + 2] = 120
    y = int(tp.row_edges[2] * px)
    page[y - 1:y + 1, band:int(tp.col_edges[0] * px)] = 0  # one row line running on into the band
    rulings = find_raster_rulings(remove_red_seals(normalize_illumination(page)), DPI)
    _check_full_grid(rulings, tp)
    assert all(r.bbox[0] > 18 for r in rulings if r.orientation == "v")
