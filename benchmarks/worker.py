"""One method over one set's samples, in its own process, so time and peak memory are the method's own.

``python -m benchmarks.worker METHOD SAMPLES.json OUT.jsonl``: one JSON line per sample as it finishes
(a run cut short by its time limit keeps what it finished), then a last line with the peak RSS.
"""
from __future__ import annotations

import json
import resource
import sys
import time
import traceback
import warnings

from benchmarks.methods import Prediction, registry


def main(argv: list[str]) -> int:
    name, samples_path, out_path = argv
    method = registry()[name]
    samples = json.loads(open(samples_path, encoding="utf-8").read())
    warnings.simplefilter("ignore")
    with open(out_path, "w", encoding="utf-8") as out:
        for sample in samples:
            t0 = time.perf_counter()
            try:
                prediction = method.predict(sample["path"])
            except Exception as exc:  # noqa: BLE001 - a failing document is a data point
                prediction = Prediction(error=f"{type(exc).__name__}: {exc}")
                traceback.print_exc(file=sys.stderr)
            seconds = time.perf_counter() - t0
            record = {"sample_id": sample["sample_id"], "seconds": seconds,
                      "prediction": prediction.model_dump(mode="json")}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        out.write(json.dumps({"peak_rss_mib": peak}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
