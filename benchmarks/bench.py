"""The run itself: every method on every set it can take, scored, then written out."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from benchmarks.methods import UNAVAILABLE, Prediction, registry
from benchmarks.report import headline, markdown, new_record, plot, reliability_bins
from benchmarks.runner import MethodSetRun, SampleRun, run_method_on_set
from benchmarks.sets import SETS

FIXTURE_REFERENCE = Path(__file__).resolve().parent / "fixtures" / "teds_reference.json"


def _score(set_name: str, run: MethodSetRun, has_confidence: bool):
    from benchmarks import scoring

    family = set_name.split("-")[0]
    if family == "corpus":
        return scoring.score_corpus(run, has_confidence)
    return {"icdar2013": scoring.score_icdar, "ctdar2019": scoring.score_ctdar,
            "pubtabnet": scoring.score_pubtabnet}[family](run), []


def run_one(set_name: str, method_name: str, samples, limit: float) -> tuple[dict[str, Any], list]:
    if method_name in UNAVAILABLE:
        return {"figures": None, "note": UNAVAILABLE[method_name]}, []
    method = registry()[method_name]
    runnable = [s for s in samples if s.kind in method.accepts]
    if not runnable:
        return {"figures": None, "note": ""}, []
    run = run_method_on_set(method_name, runnable, limit)
    if run.missing:
        missing = {s.sample_id: s for s in runnable}
        run.runs += [SampleRun(missing[i], 0.0, Prediction(error="not reached"), 0) for i in run.missing]
    figures, values = _score(set_name, run, method.has_confidence)
    notes = [n for n in (run.note, f"{len(run.missing)} documents not reached, scored as empty" if run.missing else "")
             if n]
    if len(runnable) < len(samples):
        notes.append(f"ran on {len(runnable)} of {len(samples)} documents (input kinds it takes)")
    return {"figures": figures, "note": "; ".join(notes)}, values


def teds_self_check() -> str:
    """Our TEDS against the PubTabNet reference scorer's numbers for its own fixture."""
    from benchmarks.metrics.teds import teds
    from benchmarks.sets import evaldata_dir

    folder = evaldata_dir() / "pubtabnet_examples" / "teds_fixtures"
    gt = json.loads((folder / "sample_gt.json").read_text())
    pred = json.loads((folder / "sample_pred.json").read_text())
    ref = json.loads(FIXTURE_REFERENCE.read_text())
    worst = max(abs(teds(pred.get(k, ""), v["html"], structure_only=so) - ref[key][k])
                for k, v in gt.items() for so, key in ((False, "teds"), (True, "teds_struct")))
    return f"TEDS vs PubTabNet reference on its {len(gt)}-table fixture: largest difference {worst:.2e}"


def run_benchmark(set_names: list[str], method_names: list[str], quick: bool, limit: float, out_dir: Path) -> dict:
    start = time.perf_counter()
    record = new_record(quick)
    record["checks"]["teds_fixture"] = teds_self_check()
    reliability: dict[str, list] = {}
    for set_name in set_names:
        bench = SETS[set_name]
        samples = bench.slice(quick)
        entry: dict[str, Any] = {"docs": len(samples), "samples": [s.sample_id for s in samples], "methods": {}}
        for method_name in method_names:
            t0 = time.perf_counter()
            entry["methods"][method_name], values = run_one(set_name, method_name, samples, limit)
            print(f"{set_name:13} {method_name:16} {time.perf_counter() - t0:6.1f}s "
                  f"{json.dumps(entry['methods'][method_name]['figures'])}", flush=True)
            if method_name == "ours" and values:
                reliability[set_name] = reliability_bins(values)
        record["sets"][set_name] = entry
    record["reliability"] = reliability
    record["duration_s"] = time.perf_counter() - start
    write_outputs(record, out_dir)
    return record


def write_outputs(record: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "quick" if record["quick"] else "latest"
    (out_dir / f"{stem}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    (out_dir / f"{stem}.md").write_text(markdown(record) + "\n")
    (out_dir / f"{stem}_headline.md").write_text(headline(record) + "\n")
    plot(record, out_dir)
    print(markdown(record))
