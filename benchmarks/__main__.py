"""``python -m benchmarks run [--quick] [--sets ...] [--methods ...]`` and ``python -m benchmarks floor [--raise]``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.floor import FLOOR_PATH, QUICK_RECORD, below_floor, raise_floor, read_floor, read_gate
from benchmarks.sets import DEFAULT_SETS, SETS

RESULTS = Path(__file__).resolve().parent / "results"
ALL_METHODS = ("ours", "pdfplumber", "camelot-lattice", "camelot-hybrid", "img2table", "img2table-rapidocr", "paddleocr")


def _csv(value: str, allowed: tuple[str, ...] | list[str], what: str) -> list[str]:
    items = [v for v in value.split(",") if v]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run methods over sets and write the tables, record and plots")
    run.add_argument("--quick", action="store_true", help="a small slice of every set (minutes, not half an hour)")
    run.add_argument("--sets", default=",".join(DEFAULT_SETS), help=f"comma-separated, from {', '.join(SETS)} "
                     f"(default {', '.join(DEFAULT_SETS)})")
    run.add_argument("--methods", default=",".join(ALL_METHODS), help=f"comma-separated, from {', '.join(ALL_METHODS)}")
    run.add_argument("--limit", type=float, default=None, help="seconds allowed per method and set "
                     "(default 150 quick, 420 full); documents not reached count as failures")
    run.add_argument("--out", type=Path, default=None, help="output folder (default benchmarks/results, "
                     "or benchmarks/results/tmp for --quick)")
    rerender = sub.add_parser("report", help="write the tables and plots again from a run's JSON record")
    rerender.add_argument("record", type=Path, nargs="?", default=RESULTS / "latest.json")
    floor = sub.add_parser("floor", help="show the regression floor against the latest quick run")
    floor.add_argument("--raise", dest="raise_", action="store_true", help="lift the floor to the latest quick figures")
    floor.add_argument("--record", action="store_true", help="record the floor afresh from the latest quick run "
                       "(after a deliberate change of the slice)")
    args = parser.parse_args(argv)
    if args.command == "floor":
        return _floor(args.raise_, args.record)
    if args.command == "report":
        from benchmarks.bench import write_outputs

        write_outputs(json.loads(args.record.read_text()), args.record.parent)
        return 0
    from benchmarks.bench import run_benchmark

    out = args.out or (RESULTS / "tmp" if args.quick else RESULTS)
    # held-out figures first: tune (in-sample) sets are run and reported after every other set
    names = sorted(_csv(args.sets, list(SETS), "set"), key=lambda n: n.endswith("-tune"))
    record = run_benchmark(names, _csv(args.methods, ALL_METHODS, "method"),
                           quick=args.quick, limit=args.limit or (150.0 if args.quick else 420.0), out_dir=out)
    failures = below_floor(record, read_gate()) if args.quick else []
    for line in failures:
        print(f"below floor: {line}", file=sys.stderr)
    return 1 if failures else 0


def _floor(raise_: bool, record_afresh: bool = False) -> int:
    if not QUICK_RECORD.exists():
        print(f"no quick record at {QUICK_RECORD}: run `python -m benchmarks run --quick` first", file=sys.stderr)
        return 1
    record = json.loads(QUICK_RECORD.read_text())
    if raise_ or record_afresh:
        for key, (old, new) in raise_floor(record, fresh=record_afresh).items():
            print(f"{key}: {old if old is not None else '–'} -> {new}")
        print(f"floor written to {FLOOR_PATH}")
        return 0
    failures = below_floor(record, read_gate())
    for key, value in read_floor().items():
        print(f"{key}: floor {value}")
    for line in failures:
        print(f"below floor: {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
