"""Memory of one worker over a long run: RSS every ``--every`` documents, peak RSS and the growth slope
(issue 16: "peak memory per worker reported; no growth over 1,000 documents").

``python -m benchmarks.memory_growth [--docs 1000] [--scans 50] [--every 50]`` starts ONE fresh worker
process that reads ``--docs`` born-digital documents with ``extract.extract_file`` (corpus-born's PDFs
in a cycle), then ``--scans`` scanned ones (corpus-mild's, in a cycle: OCR models loaded once, as in a
batch worker), and prints its resident set size (``/proc/self/statm``) after every ``--every`` documents
of each phase. Results are dropped as soon as they are made, as a batch worker writes and forgets them.

Growth is the least-squares slope of RSS against documents read, in MiB per 1,000 documents, over the
born-digital samples after the first cycle (the first pass fills the bounded caches and pdfium's
allocator arenas once; what grows after that is a leak). Writes ``benchmarks/results/memory_growth.{md,json}``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
PAGE = os.sysconf("SC_PAGE_SIZE")
# A slope under this many MiB per 1,000 documents is no growth: allocator noise (arenas, fragmentation) of
# a run whose documents differ in size moves RSS by a few MiB either way.
FLAT_MIB_PER_1000 = 5.0


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def samples(set_name: str) -> list[str]:
    from benchmarks.sets import SETS

    return [s.path for s in SETS[set_name].samples()]


def worker(docs: int, scans: int, every: int, born_set: str, scan_set: str) -> None:
    """The worker process: one JSON line per sample point on stdout."""
    import gc

    from extract.pipeline import extract_file

    def emit(phase: str, n: int, t0: float, cpu0: float, failed: int) -> None:
        print(json.dumps({"phase": phase, "docs": n, "rss_mib": round(rss_mib(), 1), "peak_mib": round(peak_mib(), 1),
                          "wall_s": round(time.perf_counter() - t0, 2), "cpu_s": round(time.process_time() - cpu0, 2),
                          "gc_objects": len(gc.get_objects()), "failed": failed}), flush=True)

    for phase, set_name, count in (("born", born_set, docs), ("scan", scan_set, scans)):
        if count <= 0:
            continue
        paths = [p for p in samples(set_name) if p.endswith(".pdf")]
        t0, cpu0, failed = time.perf_counter(), time.process_time(), 0
        emit(phase, 0, t0, cpu0, failed)
        for n, path in enumerate(itertools.islice(itertools.cycle(paths), count), start=1):
            result = extract_file(path)
            failed += result.status == "failed"
            del result
            if n % every == 0 or n == count:
                emit(phase, n, t0, cpu0, failed)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y against x."""
    n = len(points)
    if n < 2:
        return 0.0
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def summarise(rows: list[dict[str, Any]], warm: int) -> dict[str, Any]:
    out: dict[str, Any] = {"peak_rss_mib": max(r["peak_mib"] for r in rows), "phases": {}}
    for phase in dict.fromkeys(r["phase"] for r in rows):
        pts = [r for r in rows if r["phase"] == phase]
        after = [(r["docs"], r["rss_mib"]) for r in pts if r["docs"] >= warm] if phase == "born" else \
            [(r["docs"], r["rss_mib"]) for r in pts if r["docs"] > 0]
        last = pts[-1]
        out["phases"][phase] = {
            "docs": last["docs"], "failed": last["failed"], "start_rss_mib": pts[0]["rss_mib"],
            "end_rss_mib": last["rss_mib"], "peak_mib": last["peak_mib"],
            "rss_after_warm_first_last_mib": [after[0][1], after[-1][1]] if after else None,
            "slope_mib_per_1000_docs": round(1000 * slope(after), 2),
            "wall_s": last["wall_s"], "cpu_s": last["cpu_s"],
            "cpu_s_per_doc": round(last["cpu_s"] / last["docs"], 4) if last["docs"] else None,
        }
    return out


def markdown(summary: dict[str, Any], rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [f"Memory of one worker process (`extract_file` in a loop, results dropped), "
             f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end:", "",
             f"Peak RSS of the worker: **{summary['peak_rss_mib']:.0f} MiB**.", "",
             "| phase | documents | failed | RSS at start MiB | RSS after warm-up → end MiB | growth MiB / 1,000 docs | peak MiB | CPU s/doc |",
             "|---|---|---|---|---|---|---|---|"]
    for phase, p in summary["phases"].items():
        fl = p["rss_after_warm_first_last_mib"] or [p["start_rss_mib"], p["end_rss_mib"]]
        lines.append(f"| {phase} ({args.born_set if phase == 'born' else args.scan_set}) | {p['docs']} | {p['failed']} | "
                     f"{p['start_rss_mib']:.1f} | {fl[0]:.1f} → {fl[1]:.1f} | {p['slope_mib_per_1000_docs']:+.2f} | "
                     f"{p['peak_mib']:.0f} | {p['cpu_s_per_doc']} |")
    born = summary["phases"].get("born")
    if born:
        verdict = "no growth" if abs(born["slope_mib_per_1000_docs"]) < FLAT_MIB_PER_1000 else "GROWTH"
        lines += ["", f"Born-digital slope after the first {args.warm} documents: {born['slope_mib_per_1000_docs']:+.2f} "
                  f"MiB per 1,000 documents ({verdict}; flat means under {FLAT_MIB_PER_1000:g})."]
    lines += ["", f"RSS every {args.every} documents:", "", "| phase | docs | RSS MiB | gc objects |", "|---|---|---|---|"]
    lines += [f"| {r['phase']} | {r['docs']} | {r['rss_mib']:.1f} | {r['gc_objects']} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.memory_growth")
    ap.add_argument("--docs", type=int, default=1000, help="born-digital documents (cycled)")
    ap.add_argument("--scans", type=int, default=50, help="scanned documents after them (cycled); 0: none")
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--warm", type=int, default=100, help="born documents before the slope is taken")
    ap.add_argument("--born-set", default="corpus-born")
    ap.add_argument("--scan-set", default="corpus-mild")
    ap.add_argument("--out", type=Path, default=RESULTS / "memory_growth")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.docs, args.scans, args.every, args.born_set, args.scan_set)
        return 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    cmd = [sys.executable, "-m", "benchmarks.memory_growth", "--worker", "--docs", str(args.docs), "--scans",
           str(args.scans), "--every", str(args.every), "--born-set", args.born_set, "--scan-set", args.scan_set]
    rows: list[dict[str, Any]] = []
    with subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            rows.append(json.loads(line))
            print(line.rstrip(), flush=True)
    if proc.returncode != 0 or not rows:
        print(f"worker exited {proc.returncode}", file=sys.stderr)
        return 1
    summary = summarise(rows, args.warm)
    summary["args"] = {"docs": args.docs, "scans": args.scans, "every": args.every, "warm": args.warm,
                       "born_set": args.born_set, "scan_set": args.scan_set}
    text = markdown(summary, rows, args)
    print(text)
    args.out.with_suffix(".md").write_text(text + "\n")
    args.out.with_suffix(".json").write_text(json.dumps({"summary": summary, "samples": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
