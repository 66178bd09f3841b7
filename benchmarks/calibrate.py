"""Fit the confidence calibration on a training split; measure it on held-out splits.

    python -m benchmarks.calibrate collect [SET ...]   # run the pipeline (uncalibrated) and cache results
    python -m benchmarks.calibrate fit                 # fit on the training split -> extract/calibration.json
    python -m benchmarks.calibrate report              # held-out figures -> benchmarks/results/confidence.{md,json,png}

Splits (generated corpus, ``corpus/generated/``; scans by ``python -m corpus.scan``):
- training: generator seed 0 (``born_digital``, the two seed forms among them), its first 12 documents
  scanned mild (``tr_mild``, scan seed 0) and harsh (``tr_harsh``);
- held-out: generator seed 1 without the seed forms (``ho_born``: other documents, styles drawn afresh), its
  first 12 scanned mild and harsh with scan seed 1 (``ho_mild``, ``ho_harsh``); and, when helper "routes"
  has rendered independent documents, those (``BENCH_ROUTES`` folders) as a further held-out set.
No constant is tuned on a held-out set: ``fit`` reads the training split only.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATED = REPO / "corpus" / "generated"
CACHE = REPO / "benchmarks" / "results" / "tmp" / "calibration"
OUT = REPO / "benchmarks" / "results"
TRAIN = {"tr_born": "born_digital", "tr_mild": "tr_mild", "tr_harsh": "tr_harsh"}
HELDOUT = {"ho_born": "ho_born", "ho_mild": "ho_mild", "ho_harsh": "ho_harsh"}
SUFFIXES = (".pdf", ".tif", ".tiff", ".png", ".jpg")


def routes_sets() -> dict[str, Path]:
    """Independent renderings (LibreOffice/Chromium) named by ``BENCH_ROUTES=name=DIR,...``, read in place."""
    out = {}
    for part in filter(None, os.environ.get("BENCH_ROUTES", "").split(",")):
        name, _, folder = part.partition("=")
        out[name] = Path(folder)
    return out


def folder_of(name: str) -> Path:
    extra = routes_sets()
    if name in extra:
        return extra[name]
    return GENERATED / {**TRAIN, **HELDOUT}[name]


def documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES
                  and (folder / f"{p.stem}.truth.json").exists())


def collect(names: list[str]) -> None:
    """Uncalibrated results (completeness and calibration off) for every document, cached by name."""
    from extract import calibration
    from extract.pipeline import extract_file

    for name in names:
        out = CACHE / name
        out.mkdir(parents=True, exist_ok=True)
        for doc in documents(folder_of(name)):
            target = out / f"{doc.stem}.json"
            if target.exists():
                continue
            t0 = time.perf_counter()
            with calibration.disabled():
                result = extract_file(doc)
            target.write_text(result.model_dump_json(), encoding="utf-8")
            print(f"{name}/{doc.stem}: {result.status}, {len(result.documents)} form(s), "
                  f"{time.perf_counter() - t0:.1f}s", flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print(__doc__)
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "collect":
        collect(rest or list(TRAIN) + list(HELDOUT) + list(routes_sets()))
        return 0
    if cmd == "fit":
        from benchmarks.calibration_fit import fit_and_write

        fit_and_write()
        return 0
    if cmd == "report":
        from benchmarks.calibration_fit import report

        report()
        return 0
    print(f"unknown command {cmd!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
