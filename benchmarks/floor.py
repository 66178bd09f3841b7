"""The regression gate's record: floors our quick-slice figures may not drop below, ceilings on counts of
wrong fields they may not rise above, and the documents the slice took. It moves only the good way, on
request.

``benchmarks/results/floor.json`` holds ``floor`` (``set/method/metric`` → lowest accepted value),
``ceiling`` (``set/method/fields_wrong`` → most wrong fields accepted, compared exactly: one more wrong
field fails) and ``slice`` (set → the sample ids the figures came from; a run over other documents is not
comparable and fails until the floor is recorded again). Every set in the record is in :data:`GATE_SETS`,
so every recorded floor is enforced by ``tests/test_bench_gate.py``. ``python -m benchmarks floor --raise``
lifts floors and lowers ceilings to the latest quick run where that is better; ``--record`` starts the
record afresh from it (after a deliberate change of the slice, said so in the commit).
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
# ten-plus born-digital documents, the held-out ones, both scan profiles and the three public sets
GATE_SETS = ("corpus-born", "corpus-heldout", "corpus-mild", "corpus-harsh", "icdar2013", "ctdar2019", "pubtabnet")
GATE_METRICS = ("teds", "teds_struct", "merged_cell_acc", "field_acc", "adj_f1", "cell_f1")
COUNT_METRICS = ("fields_wrong",)  # no tolerance at all
EXACT_METRICS = ("field_acc",)  # a share of fields: a drop is a wrong field, never float noise
TOLERANCE = 0.005  # ONNX float noise between machines on TEDS-like figures; real regressions move them far more


def gate_figures(record: dict[str, Any], method: str = GATE_METHOD,
                 metrics: tuple[str, ...] = GATE_METRICS) -> dict[str, float]:
    out = {}
    for set_name, entry in record.get("sets", {}).items():
        figures = (entry.get("methods", {}).get(method) or {}).get("figures") or {}
        for metric in metrics:
            if figures.get(metric) is not None:
                out[f"{set_name}/{method}/{metric}"] = float(figures[metric])
    return out


def read_gate(path: Path = FLOOR_PATH) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def read_floor(path: Path = FLOOR_PATH) -> dict[str, float]:
    return dict(read_gate(path).get("floor", {}))


def _slice_changes(record: dict[str, Any], gate: dict[str, Any]) -> list[str]:
    out = []
    for set_name, ids in sorted(gate.get("slice", {}).items()):
        entry = record.get("sets", {}).get(set_name)
        if entry is not None and entry.get("samples") is not None and list(entry["samples"]) != list(ids):
            out.append(f"{set_name}: the slice is not the recorded one ({len(entry['samples'])} documents, "
                       f"recorded {len(ids)}); record the floor again: python -m benchmarks floor --record")
    return out


def below_floor(record: dict[str, Any], floor: dict[str, float] | dict[str, Any],
                tolerance: float = TOLERANCE) -> list[str]:
    """One line per gated figure that is missing, below its floor or above its ceiling, or per set whose
    documents are not the recorded slice. ``floor`` is the whole gate record, or a bare floor mapping."""
    gate = floor if "floor" in floor else {"floor": floor}
    failures = _slice_changes(record, gate)
    got = gate_figures(record)
    counts = gate_figures(record, metrics=COUNT_METRICS)
    for key, minimum in sorted(gate.get("floor", {}).items()):
        if key.split("/", 1)[0] not in record.get("sets", {}):
            continue  # this run did not include that set
        slack = 0.0 if key.rsplit("/", 1)[1] in EXACT_METRICS else tolerance
        if key not in got:
            failures.append(f"{key}: missing (floor {minimum:.4f})")
        elif got[key] < minimum - slack:
            failures.append(f"{key}: {got[key]:.4f} < floor {minimum:.4f}")
    for key, maximum in sorted(gate.get("ceiling", {}).items()):
        if key.split("/", 1)[0] not in record.get("sets", {}):
            continue
        if key not in counts:
            failures.append(f"{key}: missing (ceiling {maximum:.0f})")
        elif counts[key] > maximum:
            failures.append(f"{key}: {counts[key]:.0f} > ceiling {maximum:.0f}")
    return failures


def raise_floor(record: dict[str, Any], path: Path = FLOOR_PATH,
                fresh: bool = False) -> dict[str, tuple[float | None, float]]:
    """Lift floors and lower ceilings to the record's figures where better (all of them when ``fresh``);
    returns {key: (old, new)} for what moved."""
    if not record.get("quick"):
        raise ValueError("the floor is for the quick slice: run `python -m benchmarks run --quick` first")
    gate = {} if fresh else read_gate(path)
    if not fresh and _slice_changes(record, gate):
        raise ValueError("this run's slice is not the recorded one: use --record to start afresh")
    floor, ceiling = dict(gate.get("floor", {})), dict(gate.get("ceiling", {}))
    moved: dict[str, tuple[float | None, float]] = {}
    for key, value in gate_figures(record).items():
        old = floor.get(key)
        if old is None or value > old:
            floor[key] = round(value, 4)
            moved[key] = (old, floor[key])
    for key, value in gate_figures(record, metrics=COUNT_METRICS).items():
        old = ceiling.get(key)
        if old is None or value < old:
            ceiling[key] = int(value)
            moved[key] = (old, ceiling[key])
    slices = dict(gate.get("slice", {}))
    for set_name, entry in record.get("sets", {}).items():
        if entry.get("samples") is not None:
            slices[set_name] = list(entry["samples"])
    path.write_text(json.dumps({"updated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                                "commit": record.get("commit", ""), "floor": dict(sorted(floor.items())),
                                "ceiling": dict(sorted(ceiling.items())), "slice": dict(sorted(slices.items()))},
                               indent=2, ensure_ascii=False) + "\n")
    return moved
