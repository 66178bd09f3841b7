"""The Ray engine on a real two-node cluster: a head and a worker node, each its own ``ray start`` process on
loopback with token auth. The worker node is killed (SIGKILL to its whole process group) while it holds a
document: nothing is lost, nothing is duplicated, the document it held runs again on the head, and the store
equals the local engine's."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from extract.jobs import store
from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from jobs_docs import ROOT, generate_forms
from ray_cluster import RayCluster, running_on
from test_jobs_batch import EXTRACTOR, snapshot

pytest.importorskip("ray", reason="the Ray engine needs the jobs extra: pip install 'extract[jobs]'")
TESTS = str(Path(__file__).parent)
TRACED = "ray_cluster:traced_extract"


@pytest.fixture
def cluster():
    root = Path(tempfile.mkdtemp(prefix="xray-", dir="/tmp"))  # Ray's socket paths must stay under 108 bytes
    c = RayCluster(root, cpus_per_node=1, trace_pause=1.0, pythonpath=[TESTS, str(ROOT)])
    try:
        c.start_head()
        c.add_worker()
        c.wait_for_nodes(2)
        yield c
    finally:
        c.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_worker_node_killed_mid_run_loses_and_duplicates_nothing(cluster, tmp_path):
    pdfs = generate_forms(tmp_path / "in", 6)
    reference = tmp_path / "local.db"
    run_batch(reference, [str(p) for p in pdfs], JobOptions(workers=1, extractor=EXTRACTOR))

    trace = cluster.trace
    db = tmp_path / "ray.db"
    worker = cluster.nodes[1]
    cmd = [sys.executable, "-m", "extract.jobs", "batch", str(tmp_path / "in"), "--store", str(db),
           "--engine", "ray", "--ray-address", cluster.address, "--timeout", "120", "--no-progress",
           "--extractor", TRACED]
    batch = subprocess.Popen(cmd, cwd=ROOT, env=cluster.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 180
    while not running_on(trace, worker.ip) and batch.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    held = running_on(trace, worker.ip)
    if not held:
        err = batch.stderr.read()[-3000:] if batch.poll() is not None else ""
        raise AssertionError(f"the worker node never took a document: {err} {sorted(p.name for p in trace.iterdir())}")
    worker.kill()
    held = running_on(trace, worker.ip)  # what it held when it died
    assert held
    _, err = batch.communicate(timeout=300)
    assert batch.returncode == 0, err[-3000:]

    con = store.connect(db)
    rows = [tuple(r) for r in con.execute("SELECT path, status, attempts FROM documents")]
    con.close()
    assert sorted(Path(r[0]).name for r in rows) == sorted(p.name for p in pdfs)  # 0 lost
    assert all(r[1] == "done" and r[2] == 1 for r in rows), rows  # 0 failed, each written once
    for name in held:  # what the dead node held ran again, to the end, on the head
        assert list(trace.glob(f"{name}.{cluster.nodes[0].ip}.*.end")), (name, sorted(p.name for p in trace.iterdir()))
    assert snapshot(db) == snapshot(reference)
