"""Fault benchmark for bulk runs (issue 14): hostile inputs and faults during a 200-document batch.

    python -m benchmarks.jobs_faults [--out out/jobs_faults] [--docs 200] [--kills 10] [--skip hostile,kills,...]

Parts, each compared with an uninterrupted reference run of the same documents:
- ``hostile``: ~280 generated hostile inputs (``tests/hostile_inputs.py``) through ``extract run`` and
  ``extract batch`` with the default pipeline (OCR on) and budgets: tracebacks, runs past the time budget,
  peak RSS against the memory budget, inputs left without a result.
- ``kills``: 10 kill -9s at random moments, of the batch's parent or of one of its workers; the parent is
  restarted after each parent kill.
- ``concurrent``: two batches started together on one store.
- ``deleted``: the store deleted mid-run, then the same command again.
- ``full``: the store on a 2 MiB tmpfs (``mount -t tmpfs``, needs root) that fills up, then remounted larger
  and the same command again.
Counts: results lost, duplicated (rows beyond the reference), computed twice (each computation is logged
by the extractor), exit codes and the stderr lines where the store could not be written.
Results go to ``OUT/jobs_faults.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.jobs_bench import finished, fresh, make_corpus
from extract.jobs import store

ROOT = Path(__file__).resolve().parents[1]
EXTRACTOR = "benchmarks.jobs_faults:logged_extract"


def logged_extract(path, options):
    """The real extractor, plus one line per computation in $FAULTS_LOG (so twice-computed work is counted)."""
    from extract import extract_file
    from extract.names import sha256_file

    log = os.environ.get("FAULTS_LOG")
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(fd, f"{os.getpid()} {sha256_file(path)}\n".encode())
        os.close(fd)
    return extract_file(path, options)


def batch_cmd(docs: Path, db: Path, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "extract.cli", "batch", str(docs), "--store", str(db), "--workers", str(workers),
            "--no-progress", "--extractor", EXTRACTOR]


def env(log: Path | None) -> dict:
    e = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if log:
        e["FAULTS_LOG"] = str(log)
    return e


def computations(log: Path) -> Counter:
    if not log.exists():
        return Counter()
    return Counter(line.split()[1] for line in log.read_text().splitlines() if line.strip())


def snapshot(db: Path) -> dict:
    con = store.connect(db)
    try:
        return store.content_snapshot(con)
    finally:
        con.close()


def compare(db: Path, reference: dict) -> dict:
    """Results lost and duplicated against the reference (multisets of rows, table by table)."""
    ours = snapshot(db)
    lost = dup = 0
    for table, rows in reference.items():
        want, have = Counter(rows), Counter(ours.get(table, ()))
        lost += sum((want - have).values())
        dup += sum((have - want).values())
    con = store.connect(db)
    done = {r[0] for r in con.execute("SELECT sha256 FROM documents WHERE status = 'done'")}
    writes = con.execute("SELECT COUNT(*) FROM documents WHERE attempts > 1").fetchone()[0]
    con.close()
    ref_done = {r[0] for r in reference["documents"] if r[1] == "done"}
    return {"documents_lost": len(ref_done - done), "rows_lost": lost, "rows_duplicated": dup,
            "documents_written_twice": writes, "identical_to_reference": ours == reference}


def stderr_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def children(pid: int) -> list[int]:
    """The batch's worker processes (not multiprocessing's resource tracker)."""
    try:
        kids = [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    out = []
    for k in kids:
        try:
            if b"spawn_main" in Path(f"/proc/{k}/cmdline").read_bytes():
                out.append(k)
        except OSError:
            pass
    return out


def part_kills(docs: Path, out: Path, n: int, reference: dict, n_kills: int, seed: int) -> dict:
    rng = random.Random(seed)
    db, log = fresh(out / "kills.db"), out / "kills.log"
    log.unlink(missing_ok=True)
    kills, proc, restarts = [], None, 0
    while len(kills) < n_kills:
        if proc is None or proc.poll() is not None:
            if proc is not None and proc.returncode == 0 and finished(db) >= n:
                break  # finished before all kills were spent
            proc = subprocess.Popen(batch_cmd(docs, db), cwd=ROOT, env=env(log), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            restarts += 1
        target = finished(db) + rng.randint(2, max(3, n // (n_kills + 2)))
        while finished(db) < target and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.uniform(0, 1.5))  # a random moment inside a document, not just after a commit
        if proc.poll() is not None:
            continue
        workers = children(proc.pid)
        who = "worker" if workers and rng.random() < 0.6 else "parent"
        pid = rng.choice(workers) if who == "worker" else proc.pid
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        kills.append({"who": who, "finished": finished(db)})
        if who == "parent":
            proc.wait()
    if proc is not None and proc.poll() is None:
        proc.wait()
    final = subprocess.run(batch_cmd(docs, db), cwd=ROOT, env=env(log), capture_output=True, text=True)
    counts = computations(log)
    con = store.connect(db)
    statuses = dict(con.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())
    failed = [tuple(r) for r in con.execute("SELECT path, error FROM documents WHERE status = 'failed'")]
    con.close()
    return {"documents": n, "kills": kills, "parent_kills": sum(k["who"] == "parent" for k in kills),
            "worker_kills": sum(k["who"] == "worker" for k in kills), "batch_starts": restarts + 1,
            "final_exit_code": final.returncode, "statuses": statuses, "failed": failed,
            "computations": sum(counts.values()),
            "recomputed_after_a_kill": sum(c - 1 for c in counts.values() if c > 1),
            **compare(db, reference)}


def part_concurrent(docs: Path, out: Path, n: int, reference: dict) -> dict:
    db, log = fresh(out / "concurrent.db"), out / "concurrent.log"
    log.unlink(missing_ok=True)
    procs = [subprocess.Popen(batch_cmd(docs, db, workers=1), cwd=ROOT, env=env(log), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate() for p in procs]
    counts = computations(log)
    by_pid = Counter(line.split()[0] for line in log.read_text().splitlines() if line.strip())
    return {"documents": n, "batches": 2, "exit_codes": [p.returncode for p in procs],
            "computations": sum(counts.values()), "computed_twice": sum(1 for c in counts.values() if c > 1),
            "computations_per_worker": sorted(by_pid.values(), reverse=True),
            "stderr_tail": [o[1].strip().splitlines()[-1:] for o in outs], **compare(db, reference)}


def _until_then(cmd: list[str], db: Path, log: Path, at: int, action) -> subprocess.CompletedProcess:
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env(log), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while finished(db) < at and proc.poll() is None:
        time.sleep(0.05)
    action()
    o, e = proc.communicate()
    return subprocess.CompletedProcess(cmd, proc.returncode, o, e)


def part_deleted(docs: Path, out: Path, n: int, reference: dict) -> dict:
    db, log = fresh(out / "deleted.db"), out / "deleted.log"
    log.unlink(missing_ok=True)

    def delete() -> None:
        for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            p.unlink(missing_ok=True)

    first = _until_then(batch_cmd(docs, db), db, log, n // 4, delete)
    existed_after = db.exists()
    again = subprocess.run(batch_cmd(docs, db), cwd=ROOT, env=env(log), capture_output=True, text=True)
    lines = stderr_lines(first.stderr)
    return {"documents": n, "deleted_after_finished": n // 4, "exit_code": first.returncode,
            "stderr_lines": len(lines), "message": lines[-1] if lines else "",
            "summary_claimed": any(" documents (" in line for line in lines),
            "store_existed_after_exit": existed_after, "rerun_exit_code": again.returncode,
            **compare(db, reference)}


def part_full(docs: Path, out: Path, n: int, reference: dict, size_kib: int = 2048) -> dict:
    mnt = out / "tmpfs"
    mnt.mkdir(exist_ok=True)
    subprocess.run(["umount", str(mnt)], capture_output=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(mnt)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        return {"skipped": f"mount -t tmpfs not allowed here: {mounted.stderr.strip()}"}
    try:
        db, log = mnt / "full.db", out / "full.log"
        log.unlink(missing_ok=True)
        first = subprocess.run(batch_cmd(docs, db), cwd=ROOT, env=env(log), capture_output=True, text=True)
        lines = stderr_lines(first.stderr)
        stored_before = finished(db)
        subprocess.run(["mount", "-o", "remount,size=256m", str(mnt)], check=True)
        again = subprocess.run(batch_cmd(docs, db), cwd=ROOT, env=env(log), capture_output=True, text=True)
        counts = computations(log)
        return {"documents": n, "tmpfs_kib": size_kib, "exit_code": first.returncode, "stderr_lines": len(lines),
                "message": lines[-1] if lines else "", "finished_when_full": stored_before,
                "summary_claimed": any(" documents (" in line for line in lines),
                "rerun_exit_code": again.returncode,
                "recomputed": sum(c - 1 for c in counts.values() if c > 1), **compare(db, reference)}
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def part_hostile(out: Path, n_random: int) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile_inputs import hostile_inputs

    folder = out / "hostile"
    if folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    inputs = hostile_inputs(folder, n_random=n_random, seed=2026)  # a seed the tests do not use
    measure = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
               " print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
               " sys.exit(r.returncode)")
    report = {"inputs": len(inputs), "families": dict(Counter(f for _, f in inputs))}
    memory_mb, timeout_s = 4096, 300
    runs = {
        "run": [sys.executable, "-m", "extract.cli", "run", "-q", "-o", str(out / "hostile-out"), "--",
                *[os.fsencode(p) for p, _ in inputs]],
        "batch": [sys.executable, "-m", "extract.cli", "batch", str(folder), "--store",
                  str(fresh(out / "hostile.db")), "--no-progress", "--workers", "2"],
    }
    for name, cmd in runs.items():
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", measure, *cmd], cwd=ROOT, capture_output=True, env=env(None))
        err = done.stderr.decode("utf-8", "replace")
        peak = int(err.rsplit("MAXRSS_KB", 1)[1].split()[0]) / 1024
        lines = stderr_lines(err.rsplit("MAXRSS_KB", 1)[0])
        entry = {"exit_code": done.returncode, "seconds": round(time.perf_counter() - t0, 1),
                 "tracebacks": err.count("Traceback"), "timed_out": err.count("timed out after"),
                 "out_of_memory": err.count("out of memory"), "peak_rss_mib": round(peak),
                 "memory_budget_mib": memory_mb, "time_budget_s": timeout_s, "stderr_lines": len(lines)}
        if name == "run":
            written = len(os.listdir(out / "hostile-out"))
            entry.update({"outputs": written, "inputs_without_output": len(inputs) - written})
        else:
            con = store.connect(out / "hostile.db")
            entry["statuses"] = dict(con.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())
            entry["files"] = con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
            con.close()
            entry["regular_inputs_within_size_budget"] = sum(1 for p, _ in inputs
                                                             if p.is_file() and p.stat().st_size <= 2048 << 20)
            entry["skipped_line"] = next((line.strip() for line in lines if "skipped)" in line or " skipped" in line), "")
        report[name] = entry
        print(json.dumps({name: entry}, ensure_ascii=False), flush=True)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "jobs_faults")
    ap.add_argument("--base", type=int, default=40, help="distinct generated forms")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--hostile-random", type=int, default=240)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--skip", default="", help="comma list: hostile,kills,concurrent,deleted,full")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    report: dict = {"machine": {"cpus": os.cpu_count()}}
    if "hostile" not in skip:
        report["hostile"] = part_hostile(args.out, args.hostile_random)
    docs = make_corpus(args.out, args.base, args.docs)
    ref_db, ref_log = fresh(args.out / "reference.db"), args.out / "reference.log"
    ref_log.unlink(missing_ok=True)
    t0 = time.perf_counter()
    subprocess.run(batch_cmd(docs, ref_db), cwd=ROOT, env=env(ref_log), check=True, capture_output=True)
    report["reference"] = {"documents": args.docs, "seconds": round(time.perf_counter() - t0, 1),
                           "computations": sum(computations(ref_log).values())}
    reference = snapshot(ref_db)
    parts = {"kills": lambda: part_kills(docs, args.out, args.docs, reference, args.kills, args.seed),
             "concurrent": lambda: part_concurrent(docs, args.out, args.docs, reference),
             "deleted": lambda: part_deleted(docs, args.out, args.docs, reference),
             "full": lambda: part_full(docs, args.out, args.docs, reference)}
    for name, run in parts.items():
        if name in skip:
            continue
        report[name] = run()
        print(json.dumps({name: report[name]}, ensure_ascii=False), flush=True)
    (args.out / "jobs_faults.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
