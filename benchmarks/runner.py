"""Run methods over sets: one worker process per (method, set), samples in the same order for all."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.methods import Prediction
from benchmarks.sets import REPO, Sample


@dataclass
class SampleRun:
    sample: Sample
    seconds: float
    prediction: Prediction
    pages: int


@dataclass
class MethodSetRun:
    method: str
    set_name: str
    runs: list[SampleRun] = field(default_factory=list)
    peak_rss_mib: float | None = None
    missing: list[str] = field(default_factory=list)  # samples not reached (time limit or crash)
    note: str = ""

    @property
    def seconds_per_page(self) -> float | None:
        pages = sum(r.pages for r in self.runs)
        return sum(r.seconds for r in self.runs) / pages if pages else None


def _page_count(sample: Sample, prediction: Prediction) -> int:
    if prediction.pages:
        return len(prediction.pages)
    if sample.path.lower().endswith(".pdf"):
        try:
            import pypdfium2

            doc = pypdfium2.PdfDocument(sample.path)
            n = len(doc)
            doc.close()
            return n
        except Exception:  # noqa: BLE001
            return 1
    return 1


def run_method_on_set(method: str, samples: list[Sample], timeout_s: float) -> MethodSetRun:
    set_name = samples[0].set_name if samples else ""
    result = MethodSetRun(method, set_name)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        spec, out = Path(tmp) / "samples.json", Path(tmp) / "out.jsonl"
        spec.write_text(json.dumps([asdict(s) for s in samples], ensure_ascii=False), encoding="utf-8")
        t0 = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-m", "benchmarks.worker", method, str(spec), str(out)],
                                  cwd=REPO, timeout=timeout_s, capture_output=True, text=True)
            if proc.returncode != 0:
                result.note = f"worker exited {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"
        except subprocess.TimeoutExpired:
            result.note = f"stopped at the {timeout_s:.0f}s limit after {time.perf_counter() - t0:.0f}s"
        by_id = {s.sample_id: s for s in samples}
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
        for line in lines:
            record = json.loads(line)
            if "peak_rss_mib" in record:
                result.peak_rss_mib = record["peak_rss_mib"]
                continue
            sample = by_id[record["sample_id"]]
            prediction = Prediction.model_validate(record["prediction"])
            result.runs.append(SampleRun(sample, record["seconds"], prediction, _page_count(sample, prediction)))
    done = {r.sample.sample_id for r in result.runs}
    result.missing = [s.sample_id for s in samples if s.sample_id not in done]
    return result
