"""The PostgreSQL store on a real server (started here, Unix socket only): the store, batch, kill -9 and
review checks of the SQLite store, run against PostgreSQL, plus what only many machines need (leases taken
concurrently with SKIP LOCKED, two reviewers on one item)."""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg", reason="the PostgreSQL store needs the pg extra: pip install 'extract[pg]'")

from extract.jobs import store  # noqa: E402
from extract.jobs.batch import run_batch  # noqa: E402
from extract.jobs.pg_store import PgStore, pg_connection  # noqa: E402
from extract.jobs.runner import JobOptions  # noqa: E402
from extract.review_app.decisions import decide  # noqa: E402
from extract.review_app.queue import ReviewError, review_queue  # noqa: E402
from jobs_docs import ROOT, generate_forms, misprinted_dongguan  # noqa: E402
from pg_server import pg_bindir, start_server  # noqa: E402
from test_jobs_batch import EXTRACTOR, _children, _env, faulty_files, snapshot  # noqa: E402
from test_jobs_store import _result  # noqa: E402

if pg_bindir() is None:
    pytest.skip("PostgreSQL is not installed (scripts/setup.sh installs the Debian package)", allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    srv = start_server()
    yield srv
    srv.stop(keep_log="/tmp/pg_test_last.log")


@pytest.fixture
def url(server) -> str:
    return server.create_database(f"t_{uuid.uuid4().hex[:10]}")


def pg_snapshot(url: str) -> dict:
    st = PgStore(url)
    try:
        return st.content_snapshot()
    finally:
        st.close()


def test_a_failed_write_leaves_nothing_and_the_document_pending(url):
    st = PgStore(url)
    assert st.register_files([("a.pdf", "aa"), ("b.pdf", "bb"), ("copy-of-a.pdf", "aa")]) == 2
    assert st.register_files([("a.pdf", "aa")]) == 0
    doc_a, doc_b = st.claim("me", 10)
    with pytest.raises(KeyError):
        st.save_result(doc_a.id, _result(50, broken=True), 1.0)
    assert st.status_counts()["pending"] == 2
    for table in store.RESULT_TABLES:
        assert st.con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert st.save_result(doc_a.id, _result(50), 1.0)
    assert not st.save_result(doc_a.id, _result(50), 1.0)  # never written twice
    assert st.save_failure(doc_b.id, "boom", 0.1)
    s = st.summary()
    assert (s["documents"], s["files"], s["done"], s["failed"]) == (2, 3, 1, 1)
    assert s["fields_below_threshold"] == 1 and s["cells_below_threshold"] == 50
    assert st.reset_failed() == 1 and [d.id for d in st.claim("me", 10)] == [doc_b.id]
    st.close()


def test_concurrent_claims_share_the_queue_and_concurrent_finishers_write_once(url):
    st = PgStore(url)
    st.register_files([(f"{i}.pdf", f"{i:04d}") for i in range(60)])
    st.close()
    taken: dict[str, list[int]] = {}
    written: list[bool] = []

    def runner(name: str) -> None:
        mine = PgStore(url)
        taken[name] = []
        while docs := mine.claim(name, 2):
            taken[name] += [d.id for d in docs]
            for d in docs:  # two finishers race for every document: only one write may land
                written.append(mine.save_result(d.id, _result(3), 0.1))
                written.append(mine.save_failure(d.id, "late", 0.1))
        mine.close()

    threads = [threading.Thread(target=runner, args=(f"host{i}:1:1:x",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    ids = [i for got in taken.values() for i in got]
    assert sorted(ids) == list(range(1, 61)) and len(set(ids)) == 60  # every document once, no overlap
    assert sum(written) == 60
    st = PgStore(url)
    assert st.summary()["done"] == 60 and st.con.execute("SELECT COUNT(*) FROM cells").fetchone()[0] == 180
    st.close()


def test_bad_documents_fail_with_reason_on_postgresql_as_on_sqlite(url, tmp_path):
    faulty_files(tmp_path / "in")
    options = JobOptions(workers=2, timeout_s=8, memory_mb=1536, extractor=EXTRACTOR)
    run_batch(url, [str(tmp_path / "in")], options)
    run_batch(tmp_path / "r.db", [str(tmp_path / "in")], options)
    con = store.connect(url)
    ours = {Path(p).stem: (s, e) for p, s, e in con.execute(
        "SELECT f.path, d.status, d.error FROM files f JOIN documents d USING (sha256)")}
    con.close()
    con = store.connect(tmp_path / "r.db")
    theirs = {Path(p).stem: (s, e) for p, s, e in con.execute(
        "SELECT f.path, d.status, d.error FROM files f JOIN documents d USING (sha256)")}
    con.close()
    assert ours["good"][0] == "done" and ours["hang"] == ("failed", "timed out after 8 s")
    assert ours == theirs
    assert pg_snapshot(url) == snapshot(tmp_path / "r.db")


def _finished(url: str) -> int:
    try:
        with psycopg.connect(url) as con:
            return con.execute("SELECT COUNT(*) FROM documents WHERE status != 'pending'").fetchone()[0]
    except (psycopg.errors.UndefinedTable, psycopg.OperationalError):
        return 0


def _kill_after(cmd: list[str], url: str, finished_at_least: int) -> None:
    proc = subprocess.Popen(cmd, env=_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 180
    while _finished(url) < finished_at_least and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"the batch ended before it could be stopped: {proc.stderr.read()[-2000:]}"
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    time.sleep(0.5)
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def test_kill_9_twice_then_resume_gives_the_same_store_as_one_run(url, tmp_path):
    forms = generate_forms(tmp_path / "forms", 8)[0].parent
    reference = tmp_path / "reference.db"
    run_batch(reference, [str(forms)], JobOptions(workers=2, extractor=EXTRACTOR))
    cmd = [sys.executable, "-m", "extract.jobs", "batch", str(forms), "--store", url, "--workers", "2",
           "--no-progress", "--extractor", EXTRACTOR]
    _kill_after(cmd, url, 2)
    first = _finished(url)
    assert 2 <= first < 8
    _kill_after(cmd, url, first + 2)
    done = subprocess.run(cmd, env=_env(), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "8 documents (8 done, 0 failed, 0 pending)" in " ".join(done.stderr.split())
    with psycopg.connect(url) as con:
        assert con.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents").fetchone() == (8, 8)
        assert con.execute("SELECT COUNT(*) FROM documents WHERE status != 'done' OR attempts != 1").fetchone()[0] == 0
    assert pg_snapshot(url) == snapshot(reference)


def test_review_correction_and_two_reviewers_on_one_item(url, tmp_path):
    pdf, right = misprinted_dongguan(tmp_path / "in")
    assert run_batch(url, [str(pdf)], JobOptions(workers=1))["forms"] == 1
    con = pg_connection(url)
    basic = next(i for i in review_queue(con) if i["key"] == "budget.basic_expenditure")
    wan = f"{float(right) / 10000:,.2f}万元"
    out = decide(con, basic["id"], "correct", wan, "alice", basic["version"])
    assert out["item"]["value"] == right and out["item"]["reviewed"]
    assert "expenditure_equals_income" in [c["rule"] for c in out["checks_flipped"] if c["passed"]]
    assert out["neighbours"] and all(n["confidence"] > n["confidence_before"] for n in out["neighbours"])
    with pytest.raises(ReviewError) as stale:  # a decision on the version before alice's
        decide(con, basic["id"], "accept", None, "bob", basic["version"])
    assert stale.value.status == 409
    rows = [tuple(r) for r in con.execute("SELECT action, value_after, reviewer FROM decisions")]
    assert rows == [("correct", f'"{right}"', "alice")]

    # two reviewers at once on one item, each with its own connection: exactly one decision lands
    item = next(i for i in review_queue(con) if i["key"] != "budget.basic_expenditure")
    results: list = []
    barrier = threading.Barrier(2)

    def reviewer(name: str) -> None:
        st = PgStore(url)
        barrier.wait()
        try:
            results.append(st.decide(item["id"], "accept", None, name, item["version"])["item"]["version"])
        except ReviewError as exc:
            results.append(exc.status)
        st.close()

    threads = [threading.Thread(target=reviewer, args=(n,)) for n in ("carol", "dave")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results, key=str) == sorted([item["version"] + 1, 409], key=str)
    assert con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 2
    con.close()


def test_review_app_and_export_cli_take_a_postgresql_url(url, tmp_path):
    """`extract review --store URL` and `extract export --store URL`: the web app logs a reviewer in and serves
    the queue from PostgreSQL, and the export reads the same store (a Path would have folded the URL's //)."""
    from review_client import PASSWORD, Client, Running

    pdf, _ = misprinted_dongguan(tmp_path / "in")
    assert run_batch(url, [str(pdf)], JobOptions(workers=1))["forms"] == 1
    add = subprocess.run([sys.executable, "-m", "extract.cli", "review", "--store", url, "--add-user", "alice",
                          "--password-stdin"], input=PASSWORD + "\n", cwd=ROOT, env=_env(), capture_output=True,
                         text=True, timeout=120)
    assert add.returncode == 0 and "reviewer alice added" in add.stderr, add.stderr[-2000:]
    app = Running(url)  # type: ignore[arg-type]
    try:
        alice = Client(app.port, "alice")
        basic = alice.item("budget.basic_expenditure")  # the misprinted amount is queued, with its crop
        assert basic["label"]["zh"] == "基本支出" and basic["unit"] == "万元"
        assert alice.get(f"/api/crop/{basic['id']}.png")[0] == 200
    finally:
        app.stop()
    out = tmp_path / "forms.csv"
    done = subprocess.run([sys.executable, "-m", "extract.cli", "export", "--store", url, "--to", str(out)],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 1 and rows[0]["部门名称"] == "东莞市应急管理局", rows  # one department, from PostgreSQL
    assert rows[0]["基本支出（元）"] == "44938500.00"


def test_an_old_postgresql_store_gains_the_issue_columns_and_keeps_where_an_issue_points(url):
    from extract.serve.results import result_json
    from test_jobs_store import GAP

    st = PgStore(url)
    st.con.execute("ALTER TABLE issues DROP COLUMN bbox, DROP COLUMN document, DROP COLUMN fields, DROP COLUMN kind")
    st.close()
    bare = pg_connection(url, create=False)
    assert "kind" not in {r[0] for r in bare.execute("SELECT column_name FROM information_schema.columns "
                                                     "WHERE table_name = 'issues' AND table_schema = current_schema()")}
    bare.close()
    st = PgStore(url)  # opened by this version: the columns come back, once, under the schema lock
    cols = {r[0] for r in st.con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_name = 'issues' AND table_schema = current_schema()")}
    assert {"bbox", "document", "fields", "kind"} <= cols
    assert st.register_files([("a.pdf", "aa")]) == 1
    (doc,) = st.claim("me", 10)
    assert st.save_result(doc.id, {**_result(2), "issues": [GAP]}, 1.0)
    assert result_json(st.con, doc.id)["issues"] == [GAP]
    st.close()
