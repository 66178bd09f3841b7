"""Store leases and guards: concurrent batches share the work, expired and dead leases come back, a worker
killed by the system is retried once, a deleted/replaced/damaged/full store stops with a one-line error."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.jobs import store
from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.sqlite_store import SqliteStore
from extract.jobs.store_base import JobStore, StoreCorruptError, StoreFullError, StoreGoneError, make_owner
from jobs_docs import ROOT, simple_table_pdf

TESTS = str(Path(__file__).parent)
SLOW = "jobs_extractors:slow_extract"


def _env(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([TESTS, os.environ.get("PYTHONPATH", "")]), **extra}


def _docs(folder: Path, n: int, names: list[str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    base = simple_table_pdf(folder / "base.tmp", [["部门名称", "东莞市应急管理局"], ["基本支出", "4,393.85"]]).read_bytes()
    (folder / "base.tmp").unlink()
    names = names or [f"doc-{i:03d}.pdf" for i in range(n)]
    out = []
    for i, name in enumerate(names):
        (folder / name).write_bytes(base + f"\n%copy-{i}\n".encode())
        out.append(folder / name)
    return out


def _result() -> dict:
    return {"status": "ok", "source": {"page_count": 1}, "pages": [{"page": 1, "width": 10, "height": 10}]}


BACKENDS = {"sqlite": lambda tmp_path: SqliteStore(tmp_path / "s.db")}
"""Every JobStore backend runs the contract tests below (a PostgreSQL store adds its factory here)."""
try:  # a real throwaway PostgreSQL server (tests/pg_server.py) when the package and psycopg are installed
    import psycopg  # noqa: F401
    from pg_server import new_pg_store, pg_bindir

    if pg_bindir() is not None:
        BACKENDS["postgresql"] = new_pg_store
except ImportError:
    pass


@pytest.fixture(params=sorted(BACKENDS))
def new_store(request, tmp_path):
    made = []

    def make() -> JobStore:
        made.append(BACKENDS[request.param](tmp_path))
        return made[-1]

    yield make
    for st in made:
        st.close()


def test_claims_never_overlap_and_expired_or_dead_leases_come_back(new_store):
    st = new_store()
    assert isinstance(st, JobStore)
    st.register_files([(f"{i}.pdf", f"sha{i}") for i in range(6)])
    a, b = make_owner(), make_owner()
    got_a = st.claim(a, 4, lease_s=60)
    got_b = st.claim(b, 4, lease_s=60)
    assert [d.path for d in got_a] == ["0.pdf", "1.pdf", "2.pdf", "3.pdf"]
    assert [d.path for d in got_b] == ["4.pdf", "5.pdf"]  # only what a did not hold
    assert st.claim(b, 4) == [] and st.leased_elsewhere(b) == 4
    assert st.save_result(got_a[0].id, _result(), 0.1)
    assert not st.save_result(got_a[0].id, _result(), 0.1)  # never written twice
    st.renew(a, [d.id for d in got_a[1:]], lease_s=-1)  # a's leases expire
    assert [d.path for d in st.claim(b, 9)] == ["1.pdf", "2.pdf", "3.pdf"]
    st.release(b)
    # an owner on this host whose process is gone loses its leases at once, without waiting for the expiry
    dead = subprocess.run([sys.executable, "-c", "from extract.jobs.store_base import make_owner; print(make_owner())"],
                          capture_output=True, text=True, check=True, env=_env()).stdout.strip()
    assert len(st.claim(dead, 9, lease_s=600)) == 5
    assert st.leased_elsewhere(a) == 0 and len(st.claim(a, 9)) == 5
    st.release(a, [got_a[1].id])
    assert [d.path for d in st.claim(b, 9)] == ["1.pdf"]  # released: free at once
    assert st.status_counts() == {"pending": 5, "done": 1, "failed": 0}


def test_requeue_once_then_failed_with_the_reason(new_store):
    st = new_store()
    st.register_files([("a.pdf", "aa"), ("copy-of-a.pdf", "aa")])
    assert st.known_paths() == {"a.pdf", "copy-of-a.pdf"} and st.status_counts()["pending"] == 1
    owner = make_owner()
    (doc,) = st.claim(owner, 1)
    assert st.requeue(doc.id, "worker crashed: SIGKILL", 1.0)
    assert st.leased_elsewhere("someone-else") == 0  # back in the queue, leased to no one
    (again,) = st.claim(owner, 1)
    assert again.id == doc.id
    assert not st.requeue(again.id, "worker crashed: SIGKILL", 1.0)
    assert st.save_failure(again.id, "worker crashed: SIGKILL (twice)", 1.0)
    assert not st.save_failure(again.id, "again", 1.0) and not st.requeue(again.id, "again", 1.0)
    assert st.failures() == [("a.pdf", "worker crashed: SIGKILL (twice)")]
    assert st.reset_failed() == 1 and len(st.claim(owner, 1)) == 1  # --retry-failed starts the count again


def test_any_byte_name_round_trips(new_store):
    st = new_store()
    name = os.fsdecode(b"/in/bad-\xff\xfe-\n.pdf")  # not UTF-8, and a newline
    st.register_files([(name, "aa"), ("/in/ok.pdf", "bb")])
    assert st.known_paths() == {name, "/in/ok.pdf"}
    docs = {d.sha256: d for d in st.claim(make_owner(), 2)}
    assert docs["aa"].path == name  # the exact bytes: the worker opens the right file
    st.save_failure(docs["aa"].id, "boom", 0.1)
    assert st.failures() == [("/in/bad-\\xff\\xfe-\\n.pdf", "boom")]  # shown escaped, one line


def test_sqlite_keeps_the_reason_while_a_document_waits_for_its_retry(tmp_path):
    st = SqliteStore(tmp_path / "s.db")
    st.register_files([("a.pdf", "aa")])
    (doc,) = st.claim(make_owner(), 1)
    st.requeue(doc.id, "worker crashed: SIGKILL", 1.0)
    row = st.con.execute("SELECT status, error, lease_owner, requeues FROM documents").fetchone()
    assert tuple(row) == ("pending", "worker crashed: SIGKILL; retried", None, 1)
    st.close()


def test_a_deleted_or_replaced_store_refuses_to_commit(tmp_path):
    path = tmp_path / "s.db"
    st = SqliteStore(path)
    st.register_files([("a.pdf", "aa"), ("b.pdf", "bb")])
    a, b = st.claim(make_owner(), 2)
    for p in tmp_path.glob("s.db*"):
        p.unlink()
    with pytest.raises(StoreGoneError, match="was deleted"):
        st.save_result(a.id, _result(), 0.1)
    with pytest.raises(StoreGoneError):
        st.summary()
    st.close()

    st = SqliteStore(path)
    st.register_files([("a.pdf", "aa")])
    shutil.copy(path, tmp_path / "other.db")
    os.replace(tmp_path / "other.db", path)
    with pytest.raises(StoreGoneError, match="replaced"):
        st.register_files([("b.pdf", "bb")])
    st.close()


def test_damaged_and_full_stores_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    with pytest.raises(StoreCorruptError) as err:
        SqliteStore(bad)
    assert "\n" not in str(err.value) and "--store" in str(err.value)

    st = SqliteStore(tmp_path / "full.db")
    st.register_files([(f"{i}.pdf", f"sha{i}") for i in range(3)])
    pages = st.con.execute("PRAGMA page_count").fetchone()[0]
    st.con.execute(f"PRAGMA max_page_count = {pages + 1}")  # SQLite's own "database or disk is full"
    (doc,) = st.claim(make_owner(), 1)
    big = {**_result(), "issues": [{"stage": "x", "message": "x" * 200_000, "severity": "warning"}]}
    with pytest.raises(StoreFullError) as err:
        st.save_result(doc.id, big, 0.1)
    assert "\n" not in str(err.value) and "run the same command again" in str(err.value)
    assert st.status_counts()["done"] == 0  # nothing half-written
    st.close()


def test_a_worker_killed_by_the_system_is_retried_once(tmp_path, monkeypatch):
    _docs(tmp_path / "in", 0, ["good.pdf", "killonce.pdf", "sigkill.pdf"])
    db = tmp_path / "r.db"
    monkeypatch.setenv("PYTHONPATH", _env()["PYTHONPATH"])  # the spawned workers import the test extractor
    summary = run_batch(db, [str(tmp_path / "in")], JobOptions(workers=1, timeout_s=30, extractor=SLOW))
    assert (summary["done"], summary["failed"]) == (2, 1)
    con = store.connect(db)
    rows = {Path(p).name: (s, e, a) for p, s, e, a in con.execute("SELECT path, status, error, attempts FROM documents")}
    con.close()
    assert rows["killonce.pdf"] == ("done", None, 1)
    assert rows["sigkill.pdf"][0] == "failed" and rows["sigkill.pdf"][1].startswith("worker crashed: SIGKILL")
    assert rows["sigkill.pdf"][1].endswith("(twice)")


def _batch(folder: Path, db: Path, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "extract.jobs", "batch", str(folder), "--store", str(db), "--workers",
            str(workers), "--no-progress", "--extractor", SLOW]


def test_two_concurrent_batches_share_the_work(tmp_path):
    _docs(tmp_path / "in", 16)
    db, log = tmp_path / "r.db", tmp_path / "computed.log"
    env = _env(EXTRACT_LOG=str(log), EXTRACT_SLEEP="0.4")
    SqliteStore(db).close()
    procs = [subprocess.Popen(_batch(tmp_path / "in", db), env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-1500:] for o in outs]
    computed = [line.split()[1] for line in log.read_text().splitlines()]
    assert len(computed) == 16 and len(set(computed)) == 16  # each document computed once, by one batch
    assert len({line.split()[0] for line in log.read_text().splitlines()}) >= 2  # both batches worked
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM documents WHERE status = 'done' AND attempts = 1").fetchone()[0] == 16
    con.close()


def test_deleting_the_store_mid_batch_stops_with_an_error(tmp_path):
    _docs(tmp_path / "in", 8)
    db = tmp_path / "r.db"
    proc = subprocess.Popen(_batch(tmp_path / "in", db), env=_env(EXTRACT_SLEEP="0.5"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            con = sqlite3.connect(db, timeout=5)
            if con.execute("SELECT COUNT(*) FROM documents WHERE status = 'done'").fetchone()[0] >= 1:
                con.close()
                break
            con.close()
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    for p in tmp_path.glob("r.db*"):
        p.unlink()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, err[-1500:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "was deleted" in lines[0] and "done" not in lines[0]
