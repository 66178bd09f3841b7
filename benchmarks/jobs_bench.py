"""Bulk-job benchmark: documents per minute with 1 and 2 workers, kill -9 resume on >=200 documents, RSS
over a 1,000-document run.

    python -m benchmarks.jobs_bench [--out out/jobs_bench] [--docs 1000] [--kill-docs 200] [--speed-docs 40]

Documents: ``python -m corpus generate`` makes ``--base`` distinct forms; the larger sets are copies of them
with a unique trailer after ``%%EOF`` (distinct sha256, so each copy is a distinct document that is
extracted again; readers ignore bytes after ``%%EOF``). Results go to ``OUT/jobs_bench.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from extract.jobs import store

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(out: Path, base: int, n: int) -> Path:
    """``n`` distinct PDFs in ``out/docs-<n>``, copies of ``base`` generated forms."""
    src = out / f"base-{base}"
    if not list(src.glob("*.pdf")):
        subprocess.run([sys.executable, "-m", "corpus", "generate", "--out", str(src), "--n", str(base),
                        "--seed", "11"], check=True, cwd=ROOT)
    pdfs = sorted(src.glob("*.pdf"))
    dest = out / f"docs-{n}"
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        target = dest / f"doc-{i:05d}.pdf"
        if not target.exists():
            target.write_bytes(pdfs[i % len(pdfs)].read_bytes() + f"\n%bench-copy-{i}\n".encode())
    return dest


def batch_cmd(inputs: Path, db: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "extract.jobs", "batch", str(inputs), "--store", str(db),
            "--workers", str(workers), "--no-progress"]


def finished(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=5)
        n = con.execute("SELECT COUNT(*) FROM documents WHERE status != 'pending'").fetchone()[0]
        con.close()
        return n
    except sqlite3.Error:
        return 0


def fresh(db: Path) -> Path:
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    return db


def speed(docs: Path, out: Path, workers: int) -> dict:
    db = fresh(out / f"speed-{workers}.db")
    t0 = time.perf_counter()
    subprocess.run(batch_cmd(docs, db, workers), check=True, cwd=ROOT, capture_output=True)
    seconds = time.perf_counter() - t0
    con = store.connect(db)
    s = store.summary(con)
    con.close()
    return {"workers": workers, "documents": s["documents"], "pages": s["pages"], "failed": s["failed"],
            "seconds": round(seconds, 1), "docs_per_minute": round(60 * s["documents"] / seconds, 1),
            "pages_per_minute": round(60 * s["pages"] / seconds, 1)}


def kill_resume(docs: Path, out: Path, n: int, workers: int = 2) -> dict:
    reference = fresh(out / "kill-reference.db")
    subprocess.run(batch_cmd(docs, reference, workers), check=True, cwd=ROOT, capture_output=True)
    db = fresh(out / "kill-resumed.db")
    kills = []
    for fraction in (1 / 3, 2 / 3):
        proc = subprocess.Popen(batch_cmd(docs, db, workers), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        while finished(db) < int(n * fraction) and proc.poll() is None:
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills.append(finished(db))
    subprocess.run(batch_cmd(docs, db, workers), check=True, cwd=ROOT, capture_output=True)
    con = store.connect(db)
    rows, distinct = con.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM documents").fetchone()
    done = con.execute("SELECT COUNT(*) FROM documents WHERE status = 'done'").fetchone()[0]
    attempts = con.execute("SELECT MAX(attempts) FROM documents").fetchone()[0]
    ours = store.content_snapshot(con)
    con.close()
    con = store.connect(reference)
    theirs = store.content_snapshot(con)
    con.close()
    return {"documents": n, "killed_after_finished": kills, "rows": rows, "distinct_sha256": distinct,
            "done": done, "max_attempts": attempts, "identical_to_uninterrupted": ours == theirs}


def tree_rss(pid: int) -> tuple[int, int]:
    """RSS in KiB of a process and of all its descendants."""
    def rss(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def children(p: int) -> list[int]:
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            return []
        return [int(k) for k in kids] + [g for k in kids for g in children(int(k))]

    return rss(pid), sum(rss(c) for c in children(pid))


def memory(docs: Path, out: Path, n: int, workers: int = 2) -> dict:
    db = fresh(out / "memory.db")
    proc = subprocess.Popen(batch_cmd(docs, db, workers), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    samples = []
    t0 = time.perf_counter()
    while proc.poll() is None:
        parent, kids = tree_rss(proc.pid)
        if parent:
            samples.append({"t": round(time.perf_counter() - t0, 1), "done": finished(db),
                            "parent_kib": parent, "workers_kib": kids})
        time.sleep(1.0)
    seconds = time.perf_counter() - t0
    warm = [s for s in samples if s["done"] >= min(20, n // 10)] or samples
    last = [s for s in samples if n * 0.9 <= s["done"] < n] or samples[-2:-1] or samples  # before shutdown
    mib = lambda k: round(k / 1024, 1)  # noqa: E731
    return {"documents": n, "workers": workers, "seconds": round(seconds, 1), "exit_code": proc.returncode,
            "docs_per_minute": round(60 * n / seconds, 1),
            "parent_rss_mib_start": mib(warm[0]["parent_kib"]), "parent_rss_mib_end": mib(last[-1]["parent_kib"]),
            "parent_rss_mib_max": mib(max(s["parent_kib"] for s in samples)),
            "workers_rss_mib_start": mib(warm[0]["workers_kib"]), "workers_rss_mib_end": mib(last[-1]["workers_kib"]),
            "workers_rss_mib_max": mib(max(s["workers_kib"] for s in samples)),
            "samples": samples}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "jobs_bench")
    ap.add_argument("--base", type=int, default=40, help="distinct generated forms")
    ap.add_argument("--speed-docs", type=int, default=40)
    ap.add_argument("--kill-docs", type=int, default=200)
    ap.add_argument("--docs", type=int, default=1000, help="documents in the memory run")
    ap.add_argument("--skip", default="", help="comma list of parts to skip: speed,kill,memory")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform()}}
    if "speed" not in skip:
        docs = make_corpus(args.out, args.base, args.speed_docs)
        report["speed"] = [speed(docs, args.out, w) for w in (1, 2)]
        print(json.dumps(report["speed"]), flush=True)
    if "kill" not in skip:
        report["kill_resume"] = kill_resume(make_corpus(args.out, args.base, args.kill_docs), args.out, args.kill_docs)
        print(json.dumps(report["kill_resume"]), flush=True)
    if "memory" not in skip:
        report["memory"] = memory(make_corpus(args.out, args.base, args.docs), args.out, args.docs)
        print(json.dumps({k: v for k, v in report["memory"].items() if k != "samples"}), flush=True)
    (args.out / "jobs_bench.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
