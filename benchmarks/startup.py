"""Start-up cost of the command line, next to a bare ``python -c pass`` in the same run (issue 16.3).

``python -m benchmarks.startup [--repeat 7]`` times, in fresh processes, one after another and repeated
(median and best of each):

- ``python -c pass`` (the interpreter alone: the floor no command can go under),
- ``extract --help``,
- ``extract run`` on a one-page born-digital PDF (page 1 of the bundled Dongguan example), JSON out,

and lists the heavy modules each command imported (none of onnxruntime, rapidocr, rapid_layout, ray,
pyarrow, openpyxl may load for these; ``tests/test_startup.py`` asserts it). Writes
``benchmarks/results/startup.md``. Targets: ``--help`` ≤ 0.3 s, the one-page run ≤ 0.6 s.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "corpus" / "examples" / "dongguan-2024.pdf"
HEAVY = ("onnxruntime", "rapidocr", "rapid_layout", "ray", "pyarrow", "openpyxl", "cv2", "pandas", "pdfplumber")
# The console script's body (``extract = "extract.cli:main"``), run with ``-c`` so that the checkout is what
# runs wherever the benchmark is started; it reports the heavy modules loaded to $EXTRACT_MODULES_OUT.
CLI = ("import os, sys\n"
       "from extract.cli import main\n"
       "try:\n    main()\n"
       "except SystemExit as e:\n    code = e.code\n"
       "else:\n    code = 0\n"
       "out = os.environ.get('EXTRACT_MODULES_OUT')\n"
       "if out:\n"
       "    open(out, 'w').write(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
       "sys.exit(code)\n")


def one_page_pdf(out: Path) -> Path:
    """Page 1 of the bundled example as its own PDF."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(EXAMPLE))
    dst = pdfium.PdfDocument.new()
    dst.import_pages(src, [0])
    dst.save(str(out))
    dst.close()
    src.close()
    return out


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-c", CLI, *args]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU is what the process itself spent, which a busy shared
    machine inflates far less than the wall time."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[-3:]} exited {proc.returncode}: {proc.stderr[-500:]}")
    return wall, cpu


def loaded_modules(cmd: list[str], env: dict[str, str], tmp: Path) -> list[str]:
    out = tmp / "modules.txt"
    subprocess.run(cmd, env={**env, "EXTRACT_MODULES_OUT": str(out)}, capture_output=True, check=True)
    return sorted(set(out.read_text().split()) & set(HEAVY))


def measure(repeat: int) -> dict[str, dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    # an installed package has its bytecode compiled (pip does it); a checkout gets it on the warm-up run
    # below, unless the environment forbids writing it: then every run would compile extract's sources
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pdf = one_page_pdf(tmp / "one-page.pdf")
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "extract --help": cli_command("--help"),
            "extract run (1 born-digital page)": cli_command("run", str(pdf), "-o", str(tmp / "out.json"), "-q"),
        }
        for cmd in cases.values():  # warm the OS file cache and .pyc files once
            run_timed(cmd, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(repeat):  # interleaved, so that load on the machine hits every case alike
            for name, cmd in cases.items():
                times[name].append(run_timed(cmd, env))
        return {name: {"median_s": statistics.median(w for w, _ in times[name]),
                       "best_s": min(w for w, _ in times[name]),
                       "cpu_median_s": statistics.median(c for _, c in times[name]),
                       "heavy_modules": loaded_modules(cmd, env, tmp) if name != "python -c pass" else []}
                for name, cmd in cases.items()}


def markdown(results: dict[str, dict[str, object]], repeat: int) -> str:
    base = float(results["python -c pass"]["median_s"])  # type: ignore[arg-type]
    load = os.getloadavg()[0]
    lines = [f"Start-up, {repeat} interleaved runs each, {os.cpu_count()} cores (load average {load:.1f} at the "
             "end), same run:", "",
             "| command | wall median s | wall best s | CPU median s | wall minus `python -c pass` | heavy modules loaded |",
             "|---|---|---|---|---|---|"]
    for name, r in results.items():
        med, best, cpu = float(r["median_s"]), float(r["best_s"]), float(r["cpu_median_s"])  # type: ignore[arg-type]
        mods = ", ".join(r["heavy_modules"]) or "none"  # type: ignore[arg-type]
        lines.append(f"| `{name}` | {med:.3f} | {best:.3f} | {cpu:.3f} | {med - base:+.3f} | {mods} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "startup.md")
    args = ap.parse_args(argv)
    results = measure(args.repeat)
    text = markdown(results, args.repeat)
    print(text)
    print(json.dumps(results))
    args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
