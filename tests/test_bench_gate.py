"""The regression gate: the quick slice of the benchmark, ours only, may not fall below the floor.

The gated slice is ten born-digital documents, the held-out documents (another generator seed), a mild
and a harsh scan and the public sets; counts of wrong fields are compared with no tolerance.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.floor import FLOOR_PATH, GATE_SETS, below_floor, raise_floor, read_floor, read_gate
from benchmarks.sets import SETS

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_slice_holds_the_floor(tmp_path):
    gate = read_gate()
    assert gate.get("floor") and gate.get("ceiling"), f"no floor recorded in {FLOOR_PATH}"
    # 400 s per set instead of the quick run's 150: a document not reached scores as empty, and a busy
    # machine must not pass for a regression (a quiet 2-core machine needs about 70 s for the slowest set)
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "run", "--quick", "--sets", ",".join(GATE_SETS),
                           "--methods", "ours", "--limit", "400", "--out", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=1500)
    record = json.loads((tmp_path / "quick.json").read_text())
    assert set(record["sets"]) == set(GATE_SETS)
    notes = {name: entry["methods"]["ours"].get("note") for name, entry in record["sets"].items()}
    assert not any("not reached" in (n or "") for n in notes.values()), f"time limit hit: {notes}"
    worst = float(record["checks"]["teds_fixture"].rsplit(" ", 1)[1])
    assert worst < 1e-3
    failures = below_floor(record, gate)
    assert not failures, "below the recorded floor:\n" + "\n".join(failures)
    assert proc.returncode == 0, proc.stderr[-2000:]  # `benchmarks run` itself says so, in its exit status
    assert (tmp_path / "quick.md").read_text().count("| ours |") == len(GATE_SETS)


def test_the_gate_is_worth_its_name():
    """At least ten born-digital documents, a scan set and a held-out set; every recorded floor and ceiling
    belongs to a gated set, so the test above enforces each of them; every corpus set has a ceiling."""
    assert SETS["corpus-born"].quick >= 10
    assert any(SETS[s].kind == "pdf_scan" for s in GATE_SETS)
    assert "corpus-heldout" in GATE_SETS
    gate = read_gate()
    for key in list(gate["floor"]) + list(gate["ceiling"]):
        assert key.split("/", 1)[0] in GATE_SETS, f"{key} is recorded but not gated"
    for set_name in GATE_SETS:
        if set_name.startswith("corpus-"):
            assert f"{set_name}/ours/fields_wrong" in gate["ceiling"], set_name
            assert len(gate["slice"][set_name]) == SETS[set_name].quick, set_name


def _one_document_run(tmp_path, wrong: int):
    """Our real prediction for the first gated born-digital document, with ``wrong`` fields altered, scored
    by the benchmark's own scorer: a record as `benchmarks run --quick` writes it."""
    from benchmarks.methods.ours import predict
    from benchmarks.runner import MethodSetRun, SampleRun
    from benchmarks.scoring import score_corpus

    sample = SETS["corpus-born"].slice(True)[0]
    prediction = predict(sample.path)
    documents = json.loads(json.dumps(prediction.documents))
    leaves = [f for f in _leaf_fields(documents[0]["data"]) if isinstance(f.get("value"), str) and f["value"]]
    for field in leaves[:wrong]:
        field["value"] = field["value"] + "9"  # one character more: a wrong value that looks confident
    run = MethodSetRun("ours", "corpus-born", [SampleRun(sample, 0.1, prediction.model_copy(
        update={"documents": documents}), 1)])
    figures, _ = score_corpus(run, True)
    return {"quick": True, "commit": "test", "sets": {"corpus-born": {
        "docs": 1, "samples": [sample.sample_id], "methods": {"ours": {"figures": figures}}}}}


def _leaf_fields(data):
    if isinstance(data, dict) and "value" in data and "confidence" in data:
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _leaf_fields(v)
    elif isinstance(data, list):
        for v in data:
            yield from _leaf_fields(v)


def test_one_wrong_field_fails_the_gate(tmp_path, monkeypatch):
    """The gate on our real output for one document: clean it passes; with one field altered, the count
    ceiling catches it (field accuracy drops by 1/300, under any float tolerance) and `benchmarks run`
    exits non-zero."""
    clean = _one_document_run(tmp_path, wrong=0)
    assert clean["sets"]["corpus-born"]["methods"]["ours"]["figures"]["fields_wrong"] == 0
    floor_path = tmp_path / "floor.json"
    raise_floor(clean, floor_path, fresh=True)
    gate = read_gate(floor_path)
    assert gate["ceiling"] == {"corpus-born/ours/fields_wrong": 0}
    assert below_floor(clean, gate) == []

    broken = _one_document_run(tmp_path, wrong=1)
    figures = broken["sets"]["corpus-born"]["methods"]["ours"]["figures"]
    assert figures["fields_wrong"] == 1 and figures["field_acc"] > 0.99
    assert below_floor(broken, gate) == [
        "corpus-born/ours/field_acc: {:.4f} < floor 1.0000".format(figures["field_acc"]),
        "corpus-born/ours/fields_wrong: 1 > ceiling 0"]

    import benchmarks.__main__ as cli
    import benchmarks.bench

    monkeypatch.setattr(benchmarks.bench, "run_benchmark", lambda *a, **k: broken)
    monkeypatch.setattr(cli, "read_gate", lambda: gate)
    assert cli.main(["run", "--quick", "--sets", "corpus-born", "--methods", "ours", "--out", str(tmp_path)]) == 1
    monkeypatch.setattr(benchmarks.bench, "run_benchmark", lambda *a, **k: clean)
    assert cli.main(["run", "--quick", "--sets", "corpus-born", "--methods", "ours", "--out", str(tmp_path)]) == 0


def _record(value, quick=True, wrong=None, samples=None):
    figures = {"field_acc": value, "cell_cer": 0.5}
    if wrong is not None:
        figures["fields_wrong"] = wrong
    entry = {"methods": {"ours": {"figures": figures}}}
    if samples is not None:
        entry["samples"] = samples
    return {"quick": quick, "commit": "x", "sets": {"corpus-born": entry}}


def test_floor_moves_only_up(tmp_path):
    path = tmp_path / "floor.json"
    assert raise_floor(_record(0.8, wrong=5), path) == {"corpus-born/ours/field_acc": (None, 0.8),
                                                         "corpus-born/ours/fields_wrong": (None, 5)}
    assert raise_floor(_record(0.7, wrong=6), path) == {}
    assert read_floor(path) == {"corpus-born/ours/field_acc": 0.8}
    raise_floor(_record(0.85, wrong=3), path)
    assert read_floor(path)["corpus-born/ours/field_acc"] == 0.85
    assert read_gate(path)["ceiling"]["corpus-born/ours/fields_wrong"] == 3
    with pytest.raises(ValueError):
        raise_floor(_record(0.9, quick=False), path)


def test_below_floor_reports_drops_and_missing_figures():
    floor = {"corpus-born/ours/field_acc": 0.8, "corpus-born/ours/teds": 0.9, "icdar2013/ours/adj_f1": 0.5}
    failures = below_floor(_record(0.7), floor)
    assert failures == ["corpus-born/ours/field_acc: 0.7000 < floor 0.8000",
                        "corpus-born/ours/teds: missing (floor 0.9000)"]  # icdar2013 not in this run
    assert below_floor(_record(0.798), {"corpus-born/ours/field_acc": 0.8}) != []  # no tolerance on fields
    assert below_floor({"quick": True, "sets": {"icdar2013": {"methods": {"ours": {"figures": {
        "adj_f1": 0.498}}}}}}, {"icdar2013/ours/adj_f1": 0.5}) == []  # float noise on a TEDS-like figure


def test_a_changed_slice_is_not_compared(tmp_path):
    path = tmp_path / "floor.json"
    raise_floor(_record(0.9, wrong=2, samples=["a", "b"]), path)
    gate = read_gate(path)
    assert below_floor(_record(0.9, wrong=2, samples=["a", "b"]), gate) == []
    [line] = below_floor(_record(0.9, wrong=2, samples=["a", "c"]), gate)
    assert "not the recorded one" in line
    with pytest.raises(ValueError):
        raise_floor(_record(0.95, wrong=1, samples=["a", "c"]), path)
    raise_floor(_record(0.95, wrong=1, samples=["a", "c"]), path, fresh=True)
    assert read_gate(path)["slice"] == {"corpus-born": ["a", "c"]}
