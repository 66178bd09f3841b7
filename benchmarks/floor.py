"""The regression floor: our quick-slice figures may not drop below it; it moves only up, on request.

``benchmarks/results/floor.json`` maps ``set/method/metric`` to the lowest accepted value. The gate test
runs the quick slice for ``ours`` on :data:`GATE_SETS` and fails on any figure below its floor (minus
:data:`TOLERANCE`, for float noise across machines). ``python -m benchmarks floor --raise`` lifts each
floor to the latest quick figure where that is higher, and never lowers one.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
FLOOR_PATH = RESULTS / "floor.json"
QUICK_RECORD = RESULTS / "tmp" / "quick.json"
GATE_METHOD = "ours"
GATE_SETS = ("corpus-born", "icdar2013")
GATE_METRICS = ("teds", "teds_struct", "merged_cell_acc", "field_acc", "adj_f1", "cell_f1")
TOLERANCE = 0.005  # OCR/ONNX float noise between machines; real regressions move figures far more


def gate_figures(record: dict[str, Any], method: str = GATE_METHOD) -> dict[str, float]:
    out = {}
    for set_name, entry in record.get("sets", {}).items():
        figures = (entry.get("methods", {}).get(method) or {}).get("figures") or {}
        for metric in GATE_METRICS:
            if figures.get(metric) is not None:
                out[f"{set_name}/{method}/{metric}"] = float(figures[metric])
    return out


def read_floor(path: Path = FLOOR_PATH) -> dict[str, float]:
    return json.loads(path.read_text())["floor"] if path.exists() else {}


def below_floor(record: dict[str, Any], floor: dict[str, float], tolerance: float = TOLERANCE) -> list[str]:
    """One line per floored figure that is missing from the record or lower than its floor."""
    got = gate_figures(record)
    failures = []
    for key, minimum in sorted(floor.items()):
        set_name = key.split("/", 1)[0]
        if set_name not in record.get("sets", {}):
            continue  # this run did not include that set
        if key not in got:
            failures.append(f"{key}: missing (floor {minimum:.4f})")
        elif got[key] < minimum - tolerance:
            failures.append(f"{key}: {got[key]:.4f} < floor {minimum:.4f}")
    return failures


def raise_floor(record: dict[str, Any], path: Path = FLOOR_PATH) -> dict[str, tuple[float | None, float]]:
    """Lift floors to the record's figures where higher; returns {key: (old, new)} for what moved."""
    if not record.get("quick"):
        raise ValueError("the floor is for the quick slice: run `python -m benchmarks run --quick` first")
    floor = read_floor(path)
    moved = {}
    for key, value in gate_figures(record).items():
        old = floor.get(key)
        if old is None or value > old:
            floor[key] = round(value, 4)
            moved[key] = (old, floor[key])
    path.write_text(json.dumps({"updated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                                "commit": record.get("commit", ""), "floor": dict(sorted(floor.items()))},
                               indent=2) + "\n")
    return moved
