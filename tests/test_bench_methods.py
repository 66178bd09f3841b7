"""Peers' output made explicit (spans from their own cell boxes and borders), set loaders and the report."""
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.methods import UNAVAILABLE, registry
from benchmarks.methods.grid import boxes_to_table
from benchmarks.metrics.merged import merged_cell_hits
from benchmarks.metrics.teds import teds
from benchmarks.report import headline, markdown
from benchmarks.sets import SETS
from benchmarks.sets.ctdar import truth_cells
from benchmarks.sets.pubtabnet import truth_html
from corpus.truth import DocTruth

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, "-m", "corpus", "generate", "--out", str(out), "--n", "2"], cwd=REPO, check=True,
                   capture_output=True)
    return out


def test_boxes_to_table_reads_spans_from_box_extent():
    boxes = [((0, 0, 20, 10), "A"), ((0, 10, 10, 20), "B"), ((10, 10, 20, 20), "C"), ((0, 0, 20, 10), "A")]
    t = boxes_to_table(boxes, "t1", 1)
    assert (t.n_rows, t.n_cols) == (2, 2)
    assert [(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells] == [
        (0, 0, 1, 2, "A"), (1, 0, 1, 1, "B"), (1, 1, 1, 1, "C")]


@pytest.mark.parametrize("name", ["pdfplumber", "camelot-lattice"])
def test_pdf_peers_reproduce_some_merged_cells_of_a_generated_form(generated, name):
    pdf = sorted(generated.glob("*.pdf"))[0]
    truth = DocTruth.model_validate_json(pdf.with_suffix("").with_suffix(".truth.json").read_text())
    prediction = registry()[name].predict(str(pdf))
    assert prediction.tables and prediction.error is None
    hits = sum(merged_cell_hits([c for t in prediction.tables for c in t.cells], tt.cells)[0] for tt in truth.tables)
    assert hits >= 1  # without span recovery every merged cell would be missed


def test_img2table_reads_merged_cells_of_a_rendered_form(generated, tmp_path):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(generated / "seed-dongguan-2024.pdf"))
    page = pdf[0].render(scale=150 / 72).to_pil()
    pdf.close()
    page.crop((0, 0, page.width, int(page.height * 0.35))).save(tmp_path / "top.png")  # keeps OCR time short
    prediction = registry()["img2table"].predict(str(tmp_path / "top.png"))
    cells = [c for t in prediction.tables for c in t.cells]
    merged = [c for c in cells if c.col_span > 1 or c.row_span > 1]
    assert merged, "img2table repeats a merged cell's object; the adapter must turn that into a span"
    assert any("支出" in "".join(c.text.split()) for c in cells)


def test_paddleocr_is_listed_with_its_reason():
    assert "paddleocr" in UNAVAILABLE and "download" in UNAVAILABLE["paddleocr"]
    assert "paddleocr" not in registry()


def test_evaluation_sets_load():
    held, tune = SETS["icdar2013"].samples(), SETS["icdar2013-tune"].samples()
    assert len(held) + len(tune) == 67 and not {s.sample_id for s in held} & {s.sample_id for s in tune}
    assert len(SETS["ctdar2019-b2"].samples()) == 86
    ctdar = SETS["ctdar2019"].samples()
    assert len(ctdar) == 14 and all(Path(s.path).exists() for s in ctdar)
    xml = Path(ctdar[0].truth).read_text()
    assert len(truth_cells(ctdar[0].truth)) == xml.count("<cell ")
    pub = SETS["pubtabnet"].samples()
    assert len(pub) == 20
    html = truth_html(pub[0].truth)
    assert teds(html, html) == 1.0 and "<td" in html


def test_markdown_shows_a_dash_not_a_zero():
    record = {"quick": True, "commit": "abc", "dirty": False, "started": "now", "duration_s": 1,
              "machine": {"cpu": "cpu", "cores": 2, "python": "3.11"}, "checks": {},
              "sets": {"ctdar2019": {"docs": 2, "methods": {
                  "ours": {"figures": {"cell_f1": 0.0, "sec_per_page": 1.0}, "note": ""},
                  "pdfplumber": {"figures": None, "note": ""}}}}}
    text = markdown(record)
    assert "| ours | 0.000 |" in text
    assert "| pdfplumber | – | – |" in text
    short = headline(record)
    assert "| ours | 0.000 (1.00 s/p) |" in short and "| pdfplumber | – |" in short
