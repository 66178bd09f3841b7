"""Store and input discovery: one document per content, all-or-nothing results, inputs resolved."""
from __future__ import annotations

import subprocess
import sys

import pytest

from extract.jobs import store
from extract.jobs.discover import discover_inputs, file_sha256
from jobs_docs import ROOT, simple_table_pdf


def _result(n_cells: int, broken: bool = False) -> dict:
    cells = [{"row": i, "col": 0, "text": f"v{i}", "confidence": 0.5, "page": 1, "bbox": [0, i, 10, i + 1]}
             for i in range(n_cells)]
    if broken:
        del cells[-1]["bbox"]  # the last write of the document fails
    return {"status": "ok", "source": {"page_count": 1}, "pages": [{"page": 1, "width": 10, "height": 10}],
            "tables": [{"id": "t1", "pages": [1], "n_rows": n_cells, "n_cols": 1, "cells": cells}],
            "documents": [{"form": "f", "pages": [1], "confidence": 0.5, "checks": [],
                           "data": {"a": {"value": "1", "confidence": 0.4, "raw": "1",
                                          "source": {"table": "t1", "cells": [[0, 0]], "page": 1}}}}]}


def test_a_failed_write_leaves_nothing_and_the_document_pending(tmp_path):
    con = store.connect(tmp_path / "s.db")
    assert store.register_files(con, [("a.pdf", "aa"), ("b.pdf", "bb"), ("copy-of-a.pdf", "aa")]) == 2
    assert store.register_files(con, [("a.pdf", "aa")]) == 0
    doc_a, doc_b = store.pending_documents(con)
    with pytest.raises(KeyError):
        store.save_result(con, doc_a.id, _result(50, broken=True), 1.0)
    assert con.execute("SELECT status FROM documents WHERE id = ?", (doc_a.id,)).fetchone()[0] == "pending"
    for table in store.RESULT_TABLES:
        assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert store.save_result(con, doc_a.id, _result(50), 1.0)
    assert not store.save_result(con, doc_a.id, _result(50), 1.0)  # never written twice
    assert store.save_failure(con, doc_b.id, "boom", 0.1)
    s = store.summary(con)
    assert (s["documents"], s["files"], s["done"], s["failed"]) == (2, 3, 1, 1)
    assert con.execute("SELECT COUNT(*) FROM cells").fetchone()[0] == 50
    assert s["fields_below_threshold"] == 1 and s["cells_below_threshold"] == 50
    assert store.reset_failed(con) == 1 and [d.id for d in store.pending_documents(con)] == [doc_b.id]
    con.close()


def test_discover_folders_globs_and_files(tmp_path):
    (tmp_path / "a" / "deep").mkdir(parents=True)
    pdf = simple_table_pdf(tmp_path / "a" / "deep" / "x.pdf", [["甲", "1"]])
    (tmp_path / "a" / "notes.txt").write_text("not a document")
    (tmp_path / "a" / "scan.PNG").write_bytes(b"\x89PNG")
    found, unmatched = discover_inputs([str(tmp_path / "a"), str(tmp_path / "a" / "**" / "*.pdf"),
                                        str(tmp_path / "missing.pdf")])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/deep/x.pdf", "a/scan.PNG"]
    assert unmatched == [str(tmp_path / "missing.pdf")]
    assert len(file_sha256(pdf)) == 64


def test_batch_refuses_inputs_that_match_nothing(tmp_path):
    done = subprocess.run([sys.executable, "-m", "extract.jobs", "batch", str(tmp_path / "nope*.pdf"), "--store",
                           str(tmp_path / "s.db"), "--no-progress"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "no input files match" in done.stderr


GAP = {"stage": "completeness", "page": 2, "severity": "warning", "kind": "seq_gap", "document": 0,
       "bbox": [40.0, 300.0, 560.0, 330.0], "fields": ["key_tasks"], "message": "row missing between 2 and 4?"}


def test_an_issue_keeps_where_it_points_and_an_old_store_gains_the_columns(tmp_path):
    """The store kept an issue's stage, page, message and severity only: a completeness gap lost its page
    region, form and sections, so the service and review could not say where to look. A store made before
    (issues with five columns) gains the columns when opened, and its old rows read as before."""
    import sqlite3

    old = tmp_path / "old.db"
    raw = sqlite3.connect(old)
    raw.executescript(store.SCHEMA.replace(",\n  bbox TEXT, document INTEGER, fields TEXT, kind TEXT\n", "\n"))
    raw.execute("INSERT INTO documents (id, sha256, path, status, added_at) VALUES (1, 'x', 'x.pdf', 'done', 0)")
    raw.execute("INSERT INTO issues VALUES (1, 'load', 1, 'an old warning', 'warning')")
    raw.commit()
    assert [r[1] for r in raw.execute("PRAGMA table_info(issues)")][-1] == "severity"
    raw.close()
    con = store.connect(old)
    assert {"bbox", "document", "fields", "kind"} <= {r[1] for r in con.execute("PRAGMA table_info(issues)")}
    assert store.register_files(con, [("a.pdf", "aa")]) == 1
    (doc,) = store.pending_documents(con)
    assert store.save_result(con, doc.id, {**_result(2), "issues": [GAP]}, 1.0)
    from extract.serve.results import result_json

    got = result_json(con, doc.id)["issues"]
    assert got == [{**GAP}]
    assert result_json(con, 1)["issues"] == [{"stage": "load", "page": 1, "message": "an old warning",
                                               "severity": "warning", "bbox": None, "document": None, "fields": [],
                                               "kind": None}]
    con.close()
