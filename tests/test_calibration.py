"""Cell evidence survives JSON; the calibration stage; the forecaster's metrics."""
from __future__ import annotations

import json
import random

import pytest

from extract.calibration import COEFFICIENTS, calibrate, disabled, load, predict
from extract.calibration_features import FEATURES, SIGNS, document_features
from extract.mapping import map_documents
from extract.types import Cell, Result, TextSpan


@pytest.fixture(scope="module")
def jieyang(tmp_path_factory) -> Result:
    from corpus.generate import seed_document
    from extract.pipeline import extract_file

    out = tmp_path_factory.mktemp("seed")
    seed_document("seed-jieyang-2023", out)
    with disabled():
        return extract_file(out / "seed-jieyang-2023.pdf")


def _as_ocr(result: Result, weakest: float) -> Result:
    """The same tables as if every cell had been OCR'd, at ``weakest`` span score."""
    tables = []
    for t in result.tables:
        cells = tuple(c.model_copy(update={"spans": tuple(s.model_copy(update={"source": "ocr", "confidence": weakest})
                                                          for s in c.spans)}) for c in t.cells)
        tables.append(t.model_copy(update={"cells": cells}))
    return result.model_copy(update={"tables": tuple(tables)})


def test_cell_evidence_round_trips_through_json():
    span = TextSpan(text="≥95%", bbox=(0, 0, 10, 10), confidence=0.62, source="ocr")
    cell = Cell(row=0, col=0, text="≥95%", bbox=(0, 0, 10, 10), spans=(span,))
    assert cell.ev.source == "ocr" and cell.ev.weakest == 0.62 and cell.read_by_ocr
    back = Cell.model_validate_json(cell.model_dump_json())
    assert back.spans == () and back.ev == cell.ev and back.read_by_ocr
    agreed = cell.model_copy(update={"evidence": cell.ev.model_copy(update={"agreement": 0.0})})
    assert Cell.model_validate(json.loads(agreed.model_dump_json())).ev.agreement == 0.0
    assert Cell(row=0, col=0, bbox=(0, 0, 1, 1)).ev is None


def test_mapping_a_stored_result_gives_the_in_process_confidences(jieyang):
    ocr = _as_ocr(jieyang, 0.9)
    in_process = map_documents(list(ocr.tables), {})
    stored = Result.model_validate_json(ocr.model_dump_json())
    assert all(not c.spans for t in stored.tables for c in t.cells)
    after = map_documents(list(stored.tables), {})
    assert [d.data for d in after] == [d.data for d in in_process]
    # the evidence mattered: read as a text layer, the OCR discounts are not applied
    as_pdf = map_documents([t.model_copy(update={"cells": tuple(c.model_copy(update={"spans": (), "evidence": None})
                                                                   for c in t.cells)}) for t in stored.tables], {})
    assert [d.data for d in as_pdf] != [d.data for d in in_process]
    # and the calibration features read it from the stored cells too
    feats_mem = document_features(ocr.model_copy(update={"documents": tuple(in_process)}), 0)
    feats_json = document_features(stored.model_copy(update={"documents": tuple(after)}), 0)
    assert feats_mem == feats_json and any(f["ocr"] == 1.0 for f in feats_json.values())


def test_shipped_calibration_is_a_few_named_numbers_with_sensible_signs():
    model = load()
    assert model is not None and COEFFICIENTS.exists()
    assert set(model["weights"]) == set(FEATURES)
    for name, w in model["weights"].items():
        assert SIGNS[name] * w >= 0, name
    assert model["fitted_on"]["sets"] and all(s.startswith("tr_") for s in model["fitted_on"]["sets"])


def test_calibration_lowers_weak_ocr_values_and_keeps_blanks(jieyang):
    model = {"intercept": 5.0, "weights": {"weak": -20.0, "ocr": -1.0}}
    clean = calibrate(jieyang, model)
    weak = calibrate(_as_ocr(jieyang, 0.5), model)
    c = clean.documents[0].data["budget"]["project_expenditure"]["confidence"]
    w = weak.documents[0].data["budget"]["project_expenditure"]["confidence"]
    assert w < 0.01 < 0.99 < c
    assert predict(model, {}) == pytest.approx(1 / (1 + pow(2.718281828, -5.0)), rel=1e-6)
    # an unprinted blank (no value, no source) keeps the mapper's confidence
    blanks = [(k, v) for k, v in jieyang.documents[0].data.items()
              if isinstance(v, dict) and v.get("value") is None and not v.get("source") and "confidence" in v]
    for k, v in blanks:
        assert weak.documents[0].data[k]["confidence"] == v["confidence"]


def test_fit_recovers_the_direction_and_drops_a_wrong_signed_feature():
    from benchmarks.calibrate import fit_signed

    rng = random.Random(3)
    rows = []
    for _ in range(3000):
        weak = rng.random()
        noise = rng.random()
        right = rng.random() < 1 / (1 + 2.718281828 ** -(4.0 - 6.0 * weak))
        rows.append(({"weak": weak, "gap": noise if right else noise * 0.5}, right))
    model = fit_signed(rows, ("weak", "gap"), {"weak": -1, "gap": -1})
    assert -7.5 < model["weights"]["weak"] < -4.5
    assert model["weights"]["gap"] == 0.0  # it rose with being right: against its meaning, dropped


def test_forecaster_metrics():
    from benchmarks.metrics.confidence import expected_calibration_error, forecast_figures, wrong_at_or_above

    rng = random.Random(1)
    items = []
    for _ in range(20000):
        c = rng.random()
        items.append((c, rng.random() > c))  # right with probability c: calibrated
    assert expected_calibration_error(items) < 0.02
    assert expected_calibration_error([(1.0, True)] * 10) == pytest.approx(1.0)
    assert wrong_at_or_above([(0.95, True), (0.89, True), (0.99, False)]) == 1
    # a missing value at 1.0 is never caught; pointed at (0.0) it is
    missing = [(1.0, False)] * 95 + [(1.0, True)] * 5
    assert forecast_figures(missing)["caught_10"] == 0.0
    pointed = [(1.0, False)] * 95 + [(0.0, True)] * 5
    fig = forecast_figures(pointed)
    assert fig["caught_10"] == 1.0 and fig["few_errors"] and fig["errors"] == 5


def test_label_match_quality_is_read_from_the_table(jieyang):
    from extract.calibration_gaps import label_quality

    feats = document_features(jieyang, 0)
    assert label_quality("部门名称") == 1.0 and label_quality("一段不是标签的长句子内容") is None
    # every value of the intact seed sits under a known label, matched exactly or nearly
    assert sum(f["label_none"] for f in feats.values()) <= 0.05 * len(feats)
    assert all(0.0 <= f["label_fuzzy"] <= 1.0 for f in feats.values())


def test_the_mappers_factors_are_features_not_final_answers(jieyang):
    from extract.calibration_features import field_features

    leaf = {"value": "x", "confidence": 0.5, "raw": "x", "source": {"table": "t1", "cells": [[0, 0]]}}
    cell = Cell(row=0, col=0, text="x", bbox=(0, 0, 1, 1))
    half = field_features("a", leaf, cell, "ruled", (frozenset(), frozenset()))
    assert half["discount_half"] == 1.0 and half["discount_mid"] == half["discount_small"] == 0.0
    whole = field_features("a", {**leaf, "confidence": 1.0}, cell, "ruled", (frozenset(), frozenset()))
    assert whole["discount_half"] == whole["discount_mid"] == whole["discount_small"] == 0.0
