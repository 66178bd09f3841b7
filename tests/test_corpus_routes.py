"""The independent corpus routes print what they claim: wrapped labels, page breaks inside the table,
repeated headers, page numbers, fit-to-page, and truth that matches the printed text layer."""
from __future__ import annotations

import re
import shutil

import pytest

from corpus.routes.build import Plan, make_doc, print_docs, print_routes
from corpus.routes.forms import _truth as forms_route_truth
from corpus.routes.grid import GCell, Grid, RouteDoc, auto_layout_widths, route_table_truth, table_truth
from corpus.routes.locate import PageText, read_pages
from corpus.routes.styles import HELD_OUT, TUNE
from corpus.routes.wording import LABELS
from corpus.truth import DocTruth, flatten_values

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (scripts/setup.sh "
                                   "installs it: apt-get install libreoffice-calc)")
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium (scripts/setup.sh "
                                    "installs it: apt-get install chromium)")


def squash(text: str) -> str:
    return "".join(text.split())


def wrapped(label: str, pages: list[PageText]) -> bool:
    """Some text-layer line is a proper first part of ``label``: the label was broken over lines."""
    key = squash(label)
    return any(0 < len(s) < len(key) and key.startswith(s) for p in pages for s in map(squash, p.lines))


def truth_on_pages(truth: DocTruth, pages: list[PageText]) -> list[str]:
    """Cells (one row high, with text) whose first characters are not on the page the truth gives."""
    bad = []
    for t in truth.tables:
        for c in t.cells:
            key = squash(c.text.split("\n")[0])[:5]
            if c.row_span == 1 and key and key not in pages[c.page - 1].chars:
                bad.append(f"r{c.row}c{c.col} p{c.page}: {c.text[:20]!r}")
    return bad


def long_goals(doc, form, n: int):
    """Give the form ``n`` long goals (the goals row grows; with enough of them it is taller than a page)."""
    goals = [f"目标{i + 1}：" + "持续推进重点领域工作，提升公共服务水平，" * 5 + "推动各项工作高质量发展。" for i in range(n)]
    cell = next(c for c in doc.grids[0].cells if c.text == "\n".join(form.overall_goals))
    cell.text = "\n".join(goals)
    return form.model_copy(update={"overall_goals": goals})


@pytest.fixture(scope="module")
def xlsx_doc(tmp_path_factory):
    doc, form = make_doc(Plan("test-xlsx", "xlsx", "cols", "tune"), seed=3)
    form = long_goals(doc, form, 6)  # the table runs onto a second page
    doc.font_size = 12.0
    doc.landscape = False
    doc.extra.update(print_titles=True, indicator_sheet=True, footer="第 &P 页，共 &N 页")
    out = tmp_path_factory.mktemp("xlsx")
    truth = print_docs(out, [(doc, form)], seed=3)[0]
    return doc, truth, read_pages(out / "test-xlsx.pdf"), out


@pytest.fixture(scope="module")
def html_doc(tmp_path_factory):
    doc, form = make_doc(Plan("test-html", "html", "flat", "tune"), seed=1, style={"indicators_separate": True})
    form = long_goals(doc, form, 24)  # a row taller than a page: the browser must break it
    doc.font_size = 12.0
    doc.landscape = False
    doc.extra.update(chrome_header_footer=False, footer='"第 " counter(page) " 页 共 " counter(pages) " 页"',
                     table_width="100%")
    out = tmp_path_factory.mktemp("html")
    truth = print_docs(out, [(doc, form)], seed=1)[0]
    return doc, truth, read_pages(out / "test-html.pdf"), out


def test_splits_share_no_wording_and_no_combination():
    assert not TUNE & HELD_OUT and {f for _, f in TUNE} == {f for _, f in HELD_OUT} | {f for _, f in TUNE}
    for key, (canonical, tune, held) in LABELS.items():
        assert not set(tune) & set(held), key
        assert canonical not in tune and canonical not in held, key


@needs_soffice
def test_xlsx_route_prints_a_spreadsheet_form(xlsx_doc):
    doc, truth, pages, out = xlsx_doc
    assert (out / "src" / "test-xlsx.xlsx").exists()
    n = len(pages)
    assert n >= 2
    main = truth.tables[0]
    assert len(set(main.pages) | set(truth.tables[1].pages)) >= 2  # a page break inside the tables
    labels = doc.extra["labels"]
    assert wrapped(labels["key_tasks"], pages)  # 3-4 characters a line in the label column
    for i, p in enumerate(pages, start=1):  # title rows repeated (print titles), page numbers in the footer
        assert squash(doc.titles[0]) in p.chars or squash(doc.grids[1].caption) in p.chars
        assert f"第{i}页，共{n}页" in p.chars
    ind = truth.tables[1]
    if len(ind.pages) > 1:  # the indicator sheet's header row repeated on its next page
        head = squash(labels["level1"])
        assert all(head in pages[p - 1].chars for p in ind.pages)
    assert truth_on_pages(truth, pages) == []


@needs_soffice
def test_xlsx_route_fits_the_sheet_to_the_page_width(xlsx_doc):
    doc, truth, pages, out = xlsx_doc
    from openpyxl import load_workbook

    from corpus.routes.xlsx import PT_PER_WIDTH_UNIT

    ws = load_workbook(out / "src" / "test-xlsx.xlsx").worksheets[0]
    authored = sum(ws.column_dimensions[c].width for c in "ABCDEFGH") * PT_PER_WIDTH_UNIT
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(out / "test-xlsx.pdf")
    width = pdf[0].get_size()[0]
    assert authored > width - 2 * 0.3 * 72  # wider than the printable width, so Calc scaled it down
    tp = pdf[0].get_textpage()
    assert max(tp.get_charbox(i)[2] for i in range(tp.count_chars())) < width  # nothing cut at the right
    pdf.close()


@needs_chromium
def test_html_route_prints_a_browser_form(html_doc):
    doc, truth, pages, out = html_doc
    n = len(pages)
    assert n >= 2
    labels = doc.extra["labels"]
    assert wrapped(labels["key_tasks"], pages)
    for i, p in enumerate(pages, start=1):
        assert f"第{i}页共{n}页" in p.chars
    ind = truth.tables[1]
    if len(ind.pages) > 1:  # <thead> repeated on each page of the indicator table
        head = squash(labels["level1"])
        assert all(head in pages[p - 1].chars for p in ind.pages)
    assert truth_on_pages(truth, pages) == []


@needs_chromium
def test_html_route_breaks_a_row_across_the_page(html_doc):
    """A cell begins on one page and ends on the next: Chromium splits a table row at the page break."""
    doc, truth, pages, out = html_doc
    broken = []
    for t in truth.tables:
        for c in t.cells:
            s = squash(c.text)
            if len(s) < 5 or c.page >= len(pages) or s in pages[c.page - 1].chars:
                continue
            here = [squash(x) for x in pages[c.page - 1].lines]
            there = [squash(x) for x in pages[c.page].lines]
            if any(2 < len(x) < len(s) and s.startswith(x) for x in here) and \
                    any(0 < len(x) < len(s) and s.endswith(x) for x in there):
                broken.append(s)
    assert broken, "no row broken by the page break"


@needs_soffice
@needs_chromium
def test_field_truth_is_printed(xlsx_doc, html_doc):
    """Every text field of the truth, and every amount as the route printed it, is in the text layer."""
    for doc, truth, pages, _ in (xlsx_doc, html_doc):
        text = "".join(p.chars for p in pages)
        values = flatten_values(truth.forms[0].data)
        for path, v in values.items():
            if isinstance(v, str) and not re.fullmatch(r"[\d.]+", v) and not path.endswith("comparator"):
                assert squash(v)[:6] in text, (doc.doc_id, path, v)
        money = [c.text for t in truth.tables for c in t.cells if re.fullmatch(r"[\d,.]+", c.text.strip() or "x")]
        assert money and all(squash(m) in text or squash(m)[:5] in text for m in money)


@needs_soffice
def test_bitonal_scans_are_ccitt_g4_tiff_and_pdf(xlsx_doc, tmp_path):
    import numpy as np
    from PIL import Image

    from corpus.scan import PROFILES, scan_document

    _, truth, pages, out = xlsx_doc
    p = PROFILES["bitonal"]
    rng = np.random.default_rng(0)
    tif = scan_document(out / "test-xlsx.pdf", tmp_path, p, rng, as_tiff=True)
    with Image.open(tmp_path / tif["file"]) as im:
        assert im.mode == "1" and im.info.get("compression") == "group4" and im.n_frames == len(pages)
    pdf = scan_document(out / "test-xlsx.pdf", tmp_path / "pdf", p, rng, as_tiff=False) if (tmp_path / "pdf").mkdir() \
        is None else None
    raw = (tmp_path / "pdf" / pdf["file"]).read_bytes()
    assert raw.count(b"/CCITTFaxDecode") == len(pages)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(tmp_path / "pdf" / pdf["file"])
    src = pdfium.PdfDocument(out / "test-xlsx.pdf")
    assert [round(pg.get_size()[0]) for pg in doc] == [round(pg.get_size()[0]) for pg in src]  # same page size
    doc.close()
    src.close()
    assert (tmp_path / "test-xlsx.truth.json").exists()


def test_noisy_profile_has_the_ranges_issue_10_names():
    from corpus.scan import PROFILES

    p = PROFILES["noisy"]
    assert p.noise_sigma == (6.0, 14.0) and p.jpeg_quality == (35, 90) and p.dpi == (150, 300)


def spanned_grid() -> Grid:
    """Three grid columns; the middle one only spanning cells cross (each also crossing a sized column)."""
    g = Grid(3)
    g.cells += [GCell(0, 0, "名称", role="text"), GCell(0, 1, "甲乙丙丁戊", col_span=2, role="text"),
                GCell(1, 0, "项目支出合计", col_span=2, role="text"), GCell(1, 2, "12.00", role="money")]
    g.n_rows = 2
    return g


def test_auto_layout_gives_a_spanned_only_column_no_width():
    g = spanned_grid()
    assert auto_layout_widths(g) == [True, False, True]
    assert table_truth(g, [1, 1], auto_layout=True).n_cols == 2  # a browser prints two columns
    assert table_truth(g, [1, 1]).n_cols == 3  # a spreadsheet's own column widths keep all three
    g.cells.append(GCell(2, 1, "x", role="text"))  # a cell alone in the middle column gives it width
    g.n_rows = 3
    assert auto_layout_widths(g) == [True, True, True]
    g.n_cols = 2  # a grid whose n_cols undercounts its spans (the separate indicator table's) still has 3
    assert table_truth(g, [1, 1, 1], auto_layout=True).n_cols == 3


def vertical_rulings(pdf) -> list[float]:
    """Distinct x of the vertical rulings on page 1 (within 1 pt: one ruling)."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        xs = sorted(r["x0"] for r in page.rects + page.lines if r["bottom"] - r["top"] > r["x1"] - r["x0"])
    out: list[float] = []
    for x in xs:
        if not out or x - out[-1] > 1.0:
            out.append(x)
    return out


@needs_chromium
@pytest.mark.parametrize("width", ["100%", "auto"])
def test_html_auto_layout_collapses_spanned_only_columns(tmp_path, width):
    """Chromium prints the spanned-only column with no width: the truth's columns are the rulings' gaps."""
    g = spanned_grid()
    doc = RouteDoc(doc_id="cols", route="html", titles=["表"], note="", grids=[g], font="AR PL UMing CN",
                   font_size=10.0, extra={"chrome_header_footer": False, "footer": '"1"', "label_em": 3.0,
                                          "table_width": width, "padding": "2px 4px"})
    print_routes(tmp_path, [doc])
    truth = table_truth(g, [1, 1], auto_layout=True)
    assert len(vertical_rulings(tmp_path / "cols.pdf")) - 1 == truth.n_cols == 2
    # the other forms' builder writes the same column truth for a browser-printed grid (shared route_table_truth)
    doc.extra["split"] = "tune"
    forms_truth = forms_route_truth(doc, "", {}, tmp_path / "cols.pdf")
    assert [t["n_cols"] for t in forms_truth["tables"]] == [2]


def test_route_table_truth_sizes_columns_by_the_route():
    """Both builders ask :func:`route_table_truth`: auto layout for the browser, a sheet's widths for the xlsx."""
    g = spanned_grid()
    assert route_table_truth("html", g, [1, 1]).n_cols == 2
    assert route_table_truth("xlsx", g, [1, 1]).n_cols == 3
