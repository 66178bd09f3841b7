"""End to end on born-digital documents: every field of every form against the corpus ground truth."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.generate import generate
from corpus.truth import flatten_fields, flatten_values, values_equal
from extract import extract_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("born_digital")
    generate(out, n=8, seed=11)
    return out


def _compare(truth_path: Path) -> tuple[int, list[tuple]]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pdf = truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf"))
    result = extract_file(pdf)
    assert result.status == "ok", result.issues
    assert len(result.documents) == len(truth["forms"]), "one form document per form in the PDF"
    total, wrong = 0, []
    for form, doc in zip(truth["forms"], result.documents):
        assert list(doc.pages) == list(form["pages"])
        pred = flatten_fields(doc.data)
        for path, value in flatten_values(form["data"]).items():
            total += 1
            got = pred.get(path, (None, None))[0]
            if not values_equal(got, value):
                wrong.append((pdf.name, path, value, got))
    return total, wrong


def test_seed_documents_exact(corpus_dir):
    for name in ("seed-dongguan-2024", "seed-jieyang-2023"):
        total, wrong = _compare(corpus_dir / f"{name}.truth.json")
        assert total > 100
        assert wrong == []


def test_generated_documents_field_accuracy(corpus_dir):
    total, wrong = 0, []
    for tp in sorted(corpus_dir.glob("gen-*.truth.json")):
        n, w = _compare(tp)
        total += n
        wrong += w
    assert total > 500
    assert 1 - len(wrong) / total >= 0.99, wrong[:10]


def test_tables_keep_merged_cells(corpus_dir):
    truth = json.loads((corpus_dir / "seed-dongguan-2024.truth.json").read_text(encoding="utf-8"))
    result = extract_file(corpus_dir / "seed-dongguan-2024.pdf")
    want = {(c["row_span"], c["col_span"], c["text"].replace(" ", ""))
            for t in truth["tables"] for c in t["cells"] if c["row_span"] > 1 or c["col_span"] > 1}
    got = {(c.row_span, c.col_span, c.text.replace(" ", ""))
           for t in result.tables for c in t.cells if c.row_span > 1 or c.col_span > 1}
    assert len(want) > 10
    assert len(want & got) / len(want) >= 0.98


def test_cli_writes_contract_json_and_survives_bad_inputs(corpus_dir, tmp_path):
    good = corpus_dir / "seed-jieyang-2023.pdf"
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all" * 10)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "run", str(empty), str(good), str(junk),
                           "-o", str(out), "-q"], capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    err_lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert any(ln.startswith(str(empty)) for ln in err_lines) and any(ln.startswith(str(junk)) for ln in err_lines)
    data = json.loads((out / "seed-jieyang-2023.json").read_text(encoding="utf-8"))
    assert set(data) >= {"source", "pages", "tables", "documents"}
    assert data["source"]["page_count"] >= 1 and len(data["source"]["sha256"]) == 64
    form = data["documents"][0]
    assert form["form"] == "department_performance_targets"
    assert form["data"]["budget"]["project_expenditure"]["value"] == "5655807.50"
    assert form["data"]["budget"]["project_expenditure"]["raw_unit"] == "万元"
    cell = data["tables"][0]["cells"][0]
    assert set(cell) >= {"row", "col", "row_span", "col_span", "text", "confidence", "page", "bbox"}
    # the good file's result is complete although its neighbours failed
    assert (out / "empty.json").exists() and json.loads((out / "empty.json").read_text())["status"] == "failed"


def test_cli_single_input_json_path(corpus_dir, tmp_path):
    target = tmp_path / "one.json"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "run", str(corpus_dir / "seed-dongguan-2024.pdf"),
                           "-o", str(target), "--format", "json,md", "-q"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text())["documents"][0]["data"]["year"]["value"] == 2024
    assert (tmp_path / "one.md").exists()
