"""A harsh scan of a known table page (150 dpi, upside down, crooked, seal, worn rulings, JPEG q40) reads
back to the printed cells through read_scanned_page + the shared structure stage (real models)."""
from __future__ import annotations

import numpy as np
from scan_pages import layout_model, make_table_pdf, ocr_engine, render_pdf

from corpus.scan import PROFILES, degrade_page
from extract.scan import read_scanned_page
from extract.structure.build import build_page_tables
from extract.types import PageInfo

DPI = 150.0


def test_harsh_upside_down_scan_reads_like_the_original():
    tp = make_table_pdf()
    profile = PROFILES["harsh"].model_copy(update={"upside_down_prob": 1.0, "seal_prob": 1.0,
                                                   "jpeg_quality": (40, 40), "skew_deg": 2.5})
    scan, _jpeg, record = degrade_page(render_pdf(tp.pdf, DPI), DPI, profile, np.random.default_rng(3))
    assert record["upside_down"] and record["seal"] and abs(record["skew"]) > 0.5
    info = PageInfo(page=1, width=595.28, height=841.89, kind="scanned")
    page = read_scanned_page(scan, info, DPI, ocr_engine(), layout_model())
    assert page.info.rotation == 180
    assert abs(page.skew + record["skew"]) <= 0.3
    built = build_page_tables(page.info, page.spans, page.rulings, id_prefix="t")
    assert len(built.tables) == 1
    table = built.tables[0]
    assert (table.n_rows, table.n_cols) == (len(tp.rows), len(tp.rows[0]))
    got = {(c.row, c.col): c.text for c in table.cells}
    truth = {(r, k): text for r, row in enumerate(tp.rows) for k, text in enumerate(row)}
    right = sum(got.get(key, "") == text for key, text in truth.items())
    assert right >= 0.9 * len(truth), {k: (got.get(k), v) for k, v in truth.items() if got.get(k) != v}
    # the cell boxes come back in the upright page's points, where they were printed
    first = table.cell_at(0, 0)
    assert abs(first.bbox[0] - tp.col_edges[0]) < 4 and abs(first.bbox[1] - tp.row_edges[0]) < 4
