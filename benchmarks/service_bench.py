"""Service benchmarks (issue 15): the HTTP API under 8 clients, the hot folder under kills, the Ray engine on
a two-node loopback cluster with a worker node killed, and store commits per second (SQLite, PostgreSQL).

    python -m benchmarks.service_bench [--out OUT] [--docs 200] [--ray-docs 200] [--only http,watch,ray,store]

Documents: copies of 20 generated forms with a unique trailer (``jobs_bench.make_corpus``), so each is a
distinct document extracted for real. The reference for "identical results" is ``batch`` on the same files:
the two stores' ``content_snapshot`` (everything written, keyed by content) must be equal.
Results: ``OUT/service_bench.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.jobs_bench import make_corpus
from extract.jobs import store

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
sys.path.insert(0, str(TESTS))  # the test helpers: real Ray cluster, throwaway PostgreSQL server

EXTRACTOR = "extract:extract_file"


def env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS), os.environ.get("PYTHONPATH", "")])}


def snapshot(location) -> dict:
    con = store.connect(location)
    try:
        return store.content_snapshot(con)
    finally:
        con.close()


def batch_reference(docs: Path, work: Path, workers: int = 2) -> tuple[Path, float]:
    db = work / "batch.db"
    if not db.exists():
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "extract.jobs", "batch", str(docs), "--store", str(db), "--workers",
                        str(workers), "--no-progress"], cwd=ROOT, env=env(), check=True, capture_output=True)
        (work / "batch.seconds").write_text(f"{time.perf_counter() - t0:.2f}")
    return db, float((work / "batch.seconds").read_text())


def pctl(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


# --- HTTP ---------------------------------------------------------------------------------------------
def bench_http(docs: Path, work: Path, clients: int = 8, workers: int = 2) -> dict:
    from extract.serve.client import Client
    from test_serve import free_port

    db = work / "http.db"
    for p in (db, work / "uploads"):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "extract.jobs", "serve", "--store", str(db), "--port", str(port),
                             "--workers", str(workers), "--max-jobs", "10000"], cwd=ROOT, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    api = Client(base)
    deadline = time.time() + 60
    while True:
        try:
            api._call("GET", "/health")
            break
        except OSError:
            assert time.time() < deadline and proc.poll() is None, "service did not start"
            time.sleep(0.2)
    files = sorted(docs.glob("*.pdf"))
    share = [files[i::clients] for i in range(clients)]
    status_ms: list[float] = []
    finished: dict[str, dict] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def client(mine: list[Path]) -> None:
        c = Client(base, timeout=60)
        try:
            ids = {c.submit(p)["id"]: p.name for p in mine}
            open_ids = set(ids)
            while open_ids:
                for job_id in sorted(open_ids):
                    t0 = time.perf_counter()
                    job = c.job(job_id)
                    with lock:
                        status_ms.append((time.perf_counter() - t0) * 1000)
                    if job["state"] in ("done", "failed", "cancelled"):
                        open_ids.discard(job_id)
                        with lock:
                            finished[ids[job_id]] = job
                time.sleep(0.25)
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(repr(exc))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(s,)) for s in share]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    ref, batch_s = batch_reference(docs, work, workers)
    con = sqlite3.connect(db)
    rows, distinct, max_attempts, done = con.execute(
        "SELECT COUNT(*), COUNT(DISTINCT sha256), MAX(attempts), SUM(status = 'done') FROM documents").fetchone()
    con.close()
    return {"documents": len(files), "clients": clients, "workers": workers, "errors": errors,
            "completed": len(finished), "done": done, "rows": rows, "distinct_sha256": distinct,
            "max_attempts": max_attempts, "identical_to_batch": snapshot(db) == snapshot(ref),
            "seconds": round(seconds, 1), "batch_seconds": batch_s, "api_vs_batch_time": round(seconds / batch_s, 3),
            "status_calls": len(status_ms), "status_p50_ms": round(pctl(status_ms, 0.5), 1),
            "status_p95_ms": round(pctl(status_ms, 0.95), 1), "status_max_ms": round(max(status_ms), 1)}


# --- hot folder ---------------------------------------------------------------------------------------
def bench_watch(docs: Path, work: Path, bursts: int = 5, workers: int = 2) -> dict:
    hot, out, db = work / "hot", work / "hot-out", work / "watch.db"
    for p in (hot, out):
        shutil.rmtree(p, ignore_errors=True)
    db.unlink(missing_ok=True)
    hot.mkdir()
    files = sorted(docs.glob("*.pdf"))
    cmd = [sys.executable, "-m", "extract.jobs", "watch", str(hot), "--store", str(db), "--out", str(out),
           "--settle", "1", "--workers", str(workers)]

    def outputs() -> int:
        return sum(1 for p in out.rglob("*") if p.name.endswith((".json", ".error.txt"))) if out.exists() else 0

    def start():
        return subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    t0 = time.perf_counter()
    proc, kills, per_burst = start(), [], -(-len(files) // bursts)
    for b in range(bursts):
        for p in files[b * per_burst:(b + 1) * per_burst]:  # each dropped by a closing rename
            tmp = hot / (p.name + ".part")
            tmp.write_bytes(p.read_bytes())
            tmp.rename(hot / p.name)
        if b in (1, 3):  # kill -9 twice, mid-burst, then restart
            target = outputs() + per_burst // 2
            while outputs() < target and proc.poll() is None:
                time.sleep(0.1)
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            kills.append(outputs())
            proc = start()
        time.sleep(2)
    while outputs() < len(files) and proc.poll() is None and time.perf_counter() - t0 < 3600:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    seconds = time.perf_counter() - t0
    lines = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines()]
    con = sqlite3.connect(db)
    rows, attempts, done = con.execute("SELECT COUNT(*), MAX(attempts), SUM(status = 'done') FROM documents").fetchone()
    con.close()
    ref, _ = batch_reference(docs, work, workers)
    files_seen = [x["file"] for x in lines]
    return {"files": len(files), "bursts": bursts, "killed_after_outputs": kills, "outputs": outputs(),
            "status_lines": len(lines), "distinct_files_in_status": len(set(files_seen)), "rows": rows,
            "done": done, "max_attempts": attempts, "identical_to_batch": snapshot(db) == snapshot(ref),
            "seconds": round(seconds, 1)}


# --- Ray ----------------------------------------------------------------------------------------------
def _ray_run(cluster, docs: Path, db: Path, kill_after: int | None = None) -> dict:
    db.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "extract.jobs", "batch", str(docs), "--store", str(db), "--engine", "ray",
           "--ray-address", cluster.address, "--no-progress", "--timeout", "300"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=cluster.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed_at = None
    if kill_after is not None:
        while proc.poll() is None:
            try:
                con = sqlite3.connect(db, timeout=5)
                n = con.execute("SELECT COUNT(*) FROM documents WHERE status != 'pending'").fetchone()[0]
                con.close()
            except sqlite3.OperationalError:
                n = 0
            if n >= kill_after:
                cluster.nodes[-1].kill()
                killed_at = n
                break
            time.sleep(0.2)
    _, err = proc.communicate(timeout=3600)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, err[-2000:]
    con = sqlite3.connect(db)
    rows, distinct, attempts, done = con.execute(
        "SELECT COUNT(*), COUNT(DISTINCT sha256), MAX(attempts), SUM(status = 'done') FROM documents").fetchone()
    con.close()
    return {"seconds": round(seconds, 1), "rows": rows, "distinct_sha256": distinct, "max_attempts": attempts,
            "done": done, "killed_worker_after": killed_at}


def bench_ray(docs: Path, work: Path) -> dict:
    from ray_cluster import RayCluster

    work.mkdir(parents=True, exist_ok=True)
    n = len(list(docs.glob("*.pdf")))
    out: dict = {"documents": n}
    for label, nodes, kill in (("one_node", 1, None), ("two_nodes", 2, None), ("two_nodes_worker_killed", 2, n // 3)):
        root = Path(tempfile.mkdtemp(prefix="xrb-", dir="/tmp"))
        cluster = RayCluster(root, cpus_per_node=1, pythonpath=[str(ROOT), str(TESTS)])
        try:
            cluster.start_head()
            for _ in range(nodes - 1):
                cluster.add_worker()
            cluster.wait_for_nodes(nodes)
            out[label] = _ray_run(cluster, docs, work / f"ray-{label}.db", kill)
        finally:
            cluster.stop()
            shutil.rmtree(root, ignore_errors=True)
    ref, _ = batch_reference(docs, work)
    out["two_nodes_worker_killed"]["identical_to_batch"] = snapshot(work / "ray-two_nodes_worker_killed.db") == \
        snapshot(ref)
    out["throughput_ratio_two_vs_one"] = round(out["one_node"]["seconds"] / out["two_nodes"]["seconds"], 3)
    return out


# --- store commits ------------------------------------------------------------------------------------
def _commit_rate(st, n: int) -> float:
    from test_jobs_store import _result

    st.register_files([(f"{i}.pdf", f"{i:064d}") for i in range(n)])
    docs = st.claim("bench", n)
    result = _result(60)  # 60 cells, one form field: a small born-digital page
    t0 = time.perf_counter()
    for d in docs:
        st.save_result(d.id, result, 0.1)
    return n / (time.perf_counter() - t0)


def bench_store(work: Path, n: int = 500) -> dict:
    from extract.jobs.pg_store import PgStore
    from extract.jobs.sqlite_store import SqliteStore
    from pg_server import start_server

    db = work / "commits.db"
    db.unlink(missing_ok=True)
    sq = SqliteStore(db)
    sqlite_rate = _commit_rate(sq, n)
    sq.close()
    server = start_server()
    try:
        url = server.create_database("bench")
        server_fsync = "off (throwaway test server: -c fsync=off)"
        pg = PgStore(url)
        pg_rate = _commit_rate(pg, n)
        pg.close()
    finally:
        server.stop()
    return {"commits": n, "result_cells": 60, "sqlite_commits_per_s": round(sqlite_rate, 1),
            "postgresql_commits_per_s": round(pg_rate, 1), "postgresql_fsync": server_fsync,
            "sqlite_synchronous": "NORMAL (WAL)"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "service_bench")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--ray-docs", type=int, default=200)
    ap.add_argument("--only", default="store,http,watch,ray")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / "work"
    work.mkdir(exist_ok=True)
    docs = make_corpus(args.out, 20, args.docs)
    report_path = args.out / "service_bench.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    report["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    for part in args.only.split(","):
        print(f"[service_bench] {part} ...", flush=True)
        if part == "store":
            report["store"] = bench_store(work)
        elif part == "http":
            report["http"] = bench_http(docs, work)
        elif part == "watch":
            report["watch"] = bench_watch(docs, work)
        elif part == "ray":
            ray_docs = docs if args.ray_docs == args.docs else make_corpus(args.out, 20, args.ray_docs)
            report["ray"] = bench_ray(ray_docs, work / f"ray-{args.ray_docs}")
        report_path.write_text(json.dumps(report, indent=1))
        print(json.dumps(report[part], indent=1), flush=True)


if __name__ == "__main__":
    main()
