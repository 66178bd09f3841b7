"""Bulk jobs on the local engine: isolation of bad documents, duplicates, retry, kill -9 and Ctrl-C resume."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.jobs import store
from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from jobs_docs import ROOT, generate_forms, simple_table_pdf

EXTRACTOR = "jobs_extractors:faulty_extract"  # the real extract_file, plus faults named in the file name
TESTS = str(Path(__file__).parent)


def snapshot(path: Path) -> dict:
    con = store.connect(path)
    try:
        return store.content_snapshot(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def forms_dir(tmp_path_factory) -> Path:
    return generate_forms(tmp_path_factory.mktemp("forms"), 20)[0].parent


def faulty_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    good = simple_table_pdf(folder / "good.pdf", [["部门名称", "东莞市应急管理局"], ["基本支出", "4,393.85"]])
    out = [good]
    for fault in ("crash", "hang", "hog", "raise"):
        path = folder / f"{fault}.pdf"
        path.write_bytes(good.read_bytes() + fault.encode())  # distinct bytes, so a distinct document
        out.append(path)
    (folder / "copy-of-good.pdf").write_bytes(good.read_bytes())
    return out


def test_bad_documents_fail_with_reason_and_the_job_goes_on(tmp_path):
    faulty_files(tmp_path / "in")
    db = tmp_path / "r.db"
    options = JobOptions(workers=2, timeout_s=8, memory_mb=1536, extractor=EXTRACTOR)
    summary = run_batch(db, [str(tmp_path / "in")], options)
    assert summary["files"] == 6 and summary["documents"] == 5  # the copy is the same document
    con = store.connect(db)
    status = {Path(p).stem: (s, e) for p, s, e in con.execute(
        "SELECT f.path, d.status, d.error FROM files f JOIN documents d USING (sha256)")}
    assert status["copy-of-good"] == status["good"]
    assert status["good"][0] == "done"
    assert status["crash"] == ("failed", "worker crashed: SIGABRT")
    assert status["hang"] == ("failed", "timed out after 8 s")
    assert status["hog"] == ("failed", "out of memory (limit 1536 MiB)")
    assert status["raise"][0] == "failed" and "ValueError: cannot read raise.pdf" in status["raise"][1]
    assert con.execute("SELECT COUNT(*) FROM tables WHERE doc_id IN "
                       "(SELECT id FROM documents WHERE status = 'failed')").fetchone()[0] == 0

    # --retry-failed runs the failed ones again (with the faults gone, they pass)
    for i, fault in enumerate(("crash", "hang", "hog", "raise")):
        path = tmp_path / "in" / f"{fault}.pdf"
        fixed = path.rename(path.with_name(f"fixed-{i}.pdf"))
        con.execute("UPDATE documents SET path = ? WHERE path = ?", (str(fixed), str(path)))
    summary = run_batch(db, [], options, retry_failed=True)
    assert (summary["done"], summary["failed"], summary["pending"]) == (5, 0, 0)
    con.close()


def _batch_cmd(inputs: Path, db: Path, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "extract.jobs", "batch", str(inputs), "--store", str(db), "--workers",
            str(workers), "--no-progress", "--extractor", EXTRACTOR]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([TESTS, os.environ.get("PYTHONPATH", "")])}


def _finished(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(db, timeout=5)
        n = con.execute("SELECT COUNT(*) FROM documents WHERE status != 'pending'").fetchone()[0]
        con.close()
        return n
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _run_until(cmd: list[str], db: Path, finished_at_least: int, sig: int) -> int:
    """Start a batch, wait until at least N documents are finished, send it a signal; return its exit code."""
    proc = subprocess.Popen(cmd, env=_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while _finished(db) < finished_at_least and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"the batch ended before it could be stopped: {proc.stderr.read()[-2000:]}"
    workers = _children(proc.pid)
    proc.send_signal(sig)
    code = proc.wait(30)
    time.sleep(0.5)
    for pid in workers:  # no worker outlives a killed parent
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    return code


def test_kill_9_twice_then_resume_gives_the_same_store_as_one_run(forms_dir, tmp_path):
    reference = tmp_path / "reference.db"
    subprocess.run(_batch_cmd(forms_dir, reference, 2), env=_env(), cwd=ROOT, check=True, capture_output=True)

    db = tmp_path / "killed.db"
    assert _run_until(_batch_cmd(forms_dir, db, 2), db, 4, signal.SIGKILL) == -signal.SIGKILL
    first = _finished(db)
    assert 4 <= first < 20
    assert _run_until(_batch_cmd(forms_dir, db, 2), db, first + 3, signal.SIGKILL) == -signal.SIGKILL
    assert _finished(db) < 20
    done = subprocess.run(_batch_cmd(forms_dir, db, 2), env=_env(), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]

    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents").fetchone() == (20, 20)
    assert con.execute("SELECT COUNT(*) FROM documents WHERE status != 'done' OR attempts != 1").fetchone()[0] == 0
    con.close()
    assert snapshot(db) == snapshot(reference)


def test_ctrl_c_stops_cleanly_and_the_same_command_finishes(forms_dir, tmp_path):
    db = tmp_path / "interrupted.db"
    assert _run_until(_batch_cmd(forms_dir, db, 1), db, 2, signal.SIGINT) == 130
    assert _finished(db) < 20
    done = subprocess.run(_batch_cmd(forms_dir, db, 1), env=_env(), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "20 documents (20 done, 0 failed, 0 pending)" in " ".join(done.stderr.split())
