"""Fuzz: ~280 generated hostile inputs (file kinds, byte names, page trees, encryption, budgets, and 240
mutations of real PDFs and images) through ``extract run`` and ``extract batch``: no traceback, no hang, peak
memory under the budget, one output or one failure line per input, and the named oddities reported."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hostile_inputs import hostile_inputs
from jobs_docs import ROOT

BUDGET = ["--ocr", "never", "--timeout", "20", "--memory-mb", "2048"]
MEMORY_MB = 2048
MEASURE = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
           " print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
           " sys.exit(r.returncode)")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, list[tuple[Path, str]]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, hostile_inputs(folder, n_random=240, seed=14)


def _measured(args: list) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a command under a tiny parent that reports the peak RSS of everything it waited for."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, *args], cwd=ROOT, capture_output=True, timeout=600)
    seconds = time.perf_counter() - t0
    err = done.stderr.decode("utf-8", "replace")
    peak_kb = int(err.rsplit("MAXRSS_KB", 1)[1].split()[0])
    return done, seconds, peak_kb / 1024


def test_run_survives_every_hostile_input(hostile, tmp_path):
    folder, inputs = hostile
    assert len(inputs) >= 270
    out = tmp_path / "out"
    done, seconds, peak_mb = _measured([sys.executable, "-m", "extract.cli", "run", "-q", "-o", str(out), *BUDGET,
                                        "--", *[os.fsencode(p) for p, _ in inputs]])
    err = done.stderr.decode("utf-8")  # every message is printable UTF-8, whatever the names were
    assert "Traceback" not in err and done.returncode == 1, err[-3000:]
    assert seconds < 120 and peak_mb < MEMORY_MB, (seconds, peak_mb)
    outputs = sorted(os.listdir(out))
    assert len(outputs) == len(inputs)  # every input gave its JSON, failed or not
    assert all(len(os.fsencode(name)) <= 255 for name in outputs)
    lines = [line for line in err.splitlines() if line and not line.startswith("MAXRSS_KB")]
    assert len(lines) >= 100 and all(": " in line for line in lines)
    by_name = {line.split(": ", 1)[0].rsplit("/", 1)[-1]: line.split(": ", 1)[1] for line in lines}
    for name in ("fifo.pdf", "zero-link.pdf", "socket.pdf", "dir.pdf"):
        assert by_name[name].startswith("not a regular file"), name
    assert "--max-page-pixels" in by_name["bomb.png"] and "--max-pages" in by_name["too-many-pages.pdf"]
    assert "--max-file-mb" in by_name["sparse.pdf"]
    assert by_name["circular-tree.pdf"].startswith("no page could be read: page tree problem")

    def result(stem: str) -> dict:
        return json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))

    assert any("empty user password" in i["message"] for i in result("empty-password")["issues"])
    assert any("cross-reference" in i["message"] for i in result("broken-xref")["issues"])
    lying = result("lying-count")
    assert lying["status"] == "partial" and len(lying["pages"]) == 1
    assert any(i["message"].startswith("page-count mismatch") for i in lying["issues"])
    assert result("bad-\\xff\\xfe-name")["source"]["path"].endswith("bad-\\xff\\xfe-name.pdf")
    assert result("new\\nline")["status"] == "ok"
    long_out = [n for n in outputs if n.startswith("长")]
    assert len(long_out) == 1 and len(long_out[0].encode()) <= 255 - 30  # room left for .t1.csv and the like


def test_batch_survives_every_hostile_input(hostile, tmp_path):
    folder, inputs = hostile
    db = tmp_path / "hostile.db"
    done, seconds, peak_mb = _measured([sys.executable, "-m", "extract.cli", "batch", str(folder), "--store", str(db),
                                        "--workers", "1", "--no-progress", *BUDGET])
    err = done.stderr.decode("utf-8")
    # exit 1: some documents failed (each with its reason in the store), the batch itself did not
    assert "Traceback" not in err and done.returncode == 1, err[-3000:]
    assert seconds < 120 and peak_mb < MEMORY_MB + 512, (seconds, peak_mb)  # the parent adds its own
    con = sqlite3.connect(db)
    counts = dict(con.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())
    n_files = con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    raw = con.execute("SELECT path, path_raw FROM documents WHERE path_raw IS NOT NULL").fetchall()
    circular = con.execute("SELECT status, error FROM documents WHERE path LIKE '%circular-tree.pdf'").fetchone()
    con.close()
    kinds = {"fifo.pdf", "zero-link.pdf", "null-link.pdf", "socket.pdf", "dangling.pdf", "sparse.pdf"}
    skipped = [p for p, _ in inputs if p.name in kinds]
    regular = [p for p, _ in inputs if p.is_file() and p.name not in kinds]
    assert n_files == len(regular) and "pending" not in counts  # every regular file registered and finished
    assert f"{len(skipped)} skipped" in " ".join(err.split())
    assert counts.get("failed", 0) >= 100 and counts.get("done", 0) >= 50
    assert any(b"\xff\xfe" in r[1] for r in raw)  # the exact bytes of a name that is not UTF-8
    assert circular[0] == "failed" and "page tree problem" in circular[1]
