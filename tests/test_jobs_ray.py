"""The Ray engine on a real local Ray cluster, joined by address from the command line: same store content as
the local engine, failures isolated."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.store import connect
from extract.jobs.store import summary as summary_of
from jobs_docs import ROOT, generate_forms
from test_jobs_batch import EXTRACTOR, snapshot

pytest.importorskip("ray", reason="the Ray engine needs the jobs extra: pip install 'extract[jobs]'")


@pytest.mark.slow
def test_ray_batch_matches_local_and_isolates_failures(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    pdfs = generate_forms(folder, 3)
    bad = folder / "raise-me.pdf"
    bad.write_bytes(pdfs[0].read_bytes() + b"%bad")
    hung = folder / "hang-me.pdf"
    hung.write_bytes(pdfs[0].read_bytes() + b"%hang")
    # Ray workers start from the raylet's environment: make the test extractor importable there
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    options = JobOptions(workers=1, timeout_s=15, extractor=EXTRACTOR)

    local_db, ray_db = tmp_path / "local.db", tmp_path / "ray.db"
    run_batch(local_db, [str(p) for p in pdfs], options)

    import ray

    ray.init(num_cpus=1, include_dashboard=False)  # a real local cluster; the batch joins it by address
    try:
        address = ray.get_runtime_context().gcs_address
        done = subprocess.run([sys.executable, "-m", "extract.jobs", "batch", str(folder), "--store", str(ray_db),
                               "--engine", "ray", "--ray-address", address, "--timeout", "15", "--no-progress",
                               "--extractor", EXTRACTOR], cwd=ROOT, capture_output=True, text=True)
    finally:
        ray.shutdown()
    assert done.returncode == 1, done.stderr[-3000:]  # two documents failed (each stored with its reason)
    con = connect(ray_db)
    summary = summary_of(con)
    con.close()

    assert (summary["documents"], summary["done"], summary["failed"]) == (5, 3, 2)
    con = connect(ray_db)
    errors = {Path(p).name: e for p, e in con.execute("SELECT path, error FROM documents WHERE status = 'failed'")}
    con.close()
    assert "ValueError: cannot read raise-me.pdf" in errors["raise-me.pdf"]
    assert errors["hang-me.pdf"] == "timed out after 15 s"
    ours, theirs = snapshot(ray_db), snapshot(local_db)
    done = {row[0] for row in theirs["documents"]}
    ours["documents"] = [row for row in ours["documents"] if row[0] in done]
    assert ours == theirs and theirs["fields"]
