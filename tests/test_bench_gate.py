"""The regression gate: the quick slice of the benchmark, ours only, may not fall below the floor."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.floor import FLOOR_PATH, GATE_SETS, below_floor, raise_floor, read_floor

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_slice_holds_the_floor(tmp_path):
    floor = read_floor()
    assert floor, f"no floor recorded in {FLOOR_PATH}"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "run", "--quick", "--sets", ",".join(GATE_SETS),
                           "--methods", "ours", "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                          timeout=420)
    assert proc.returncode == 0, proc.stderr[-2000:]
    record = json.loads((tmp_path / "quick.json").read_text())
    assert set(record["sets"]) == set(GATE_SETS)
    worst = float(record["checks"]["teds_fixture"].rsplit(" ", 1)[1])
    assert worst < 1e-3
    failures = below_floor(record, floor)
    assert not failures, "below the recorded floor:\n" + "\n".join(failures)
    assert (tmp_path / "quick.md").read_text().count("| ours |") == len(GATE_SETS)


def _record(value, quick=True):
    return {"quick": quick, "commit": "x", "sets": {"corpus-born": {"methods": {"ours": {"figures": {
        "field_acc": value, "cell_cer": 0.5}}}}}}


def test_floor_moves_only_up(tmp_path):
    path = tmp_path / "floor.json"
    assert raise_floor(_record(0.8), path) == {"corpus-born/ours/field_acc": (None, 0.8)}
    assert raise_floor(_record(0.7), path) == {}
    assert read_floor(path) == {"corpus-born/ours/field_acc": 0.8}
    raise_floor(_record(0.85), path)
    assert read_floor(path)["corpus-born/ours/field_acc"] == 0.85
    with pytest.raises(ValueError):
        raise_floor(_record(0.9, quick=False), path)


def test_below_floor_reports_drops_and_missing_figures():
    floor = {"corpus-born/ours/field_acc": 0.8, "corpus-born/ours/teds": 0.9, "icdar2013/ours/adj_f1": 0.5}
    failures = below_floor(_record(0.7), floor)
    assert failures == ["corpus-born/ours/field_acc: 0.7000 < floor 0.8000",
                        "corpus-born/ours/teds: missing (floor 0.9000)"]  # icdar2013 not in this run
    assert below_floor(_record(0.798), {"corpus-born/ours/field_acc": 0.8}) == []  # within tolerance
