"""Stages after mapping: completeness items, then calibrated field confidences.

The mapper's confidence is a product of hand-set factors (cell score x label match x parse quality x check
outcomes). Here each form field's confidence is replaced by P(the value is right), a logistic model over a
handful of features that a stored result holds (see ``extract.calibration_features``); its coefficients are
fitted on a training split of the generated corpus by ``benchmarks/calibrate.py`` and shipped as
``extract/calibration.json``. Reasons stay with the review queue; the threshold stays in ``review.py``.

The mapper's hand-set factors (a shared cell x0.5, a match by position x0.6, an inferred row x0.9...) are
raw inputs here, binned into features of their own, and each kind of completeness item is a feature of
the fields of the section it names (``extract.calibration_gaps``): what a factor or an item is worth is
fitted, not set by hand.
"""
from __future__ import annotations

import json
import math
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from extract.review import iter_fields
from extract.types import FormDocument, Result

if TYPE_CHECKING:
    from extract.completeness_base import Gap

COEFFICIENTS = Path(__file__).with_name("calibration.json")
ENABLED = True
"""Switch for the benchmark that collects the mapper's own (uncalibrated) results to fit on."""


@contextmanager
def disabled() -> Iterator[None]:
    global ENABLED
    saved, ENABLED = ENABLED, False
    try:
        yield
    finally:
        ENABLED = saved


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict[str, Any] | None:
    p = Path(path) if path else COEFFICIENTS
    try:
        data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return None


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def predict(model: dict[str, Any], x: dict[str, float]) -> float:
    """P(right) for one feature vector: logistic over the model's named features."""
    z = float(model["intercept"]) + sum(float(w) * x.get(name, 0.0) for name, w in model["weights"].items())
    return _sigmoid(z)


def calibrate_document(doc: FormDocument, result: Result, model: dict[str, Any], doc_index: int,
                       coverage: dict[tuple[int, str], float] | None = None) -> FormDocument:
    from extract.calibration_features import document_features, set_confidences
    from extract.mapping.checks import aggregate_confidence

    from extract.completeness import section_coverage, section_of

    feats = document_features(result, doc_index, coverage)
    covered = {s: c for (d, s), c in (coverage if coverage is not None else section_coverage(result)).items()
                if d == doc_index}
    mapped = {path: float(leaf["confidence"]) for path, leaf in iter_fields(doc.data)}
    new = {}
    for path, x in feats.items():
        p = predict(model, x)
        if model.get("upper_bound") == "mapper" or any(x.get(flag) for flag in CAPPED_FLAGS):
            # the form's own arithmetic disagreeing, or a gap in the section: rare in any training split (and
            # there mostly harmless), common where the mapper meets a layout it does not know; the fit cannot
            # weigh them, so the calibration may lower such a field, never raise it above the mapper's word
            p = min(p, mapped.get(path, p))
        p = min(p, covered.get(section_of(path), 1.0))  # a section partly unread is at most that sure
        new[path] = round(min(max(p, 0.0), 1.0), 4)
    data = set_confidences(doc.data, new)
    return doc.model_copy(update={"data": data, "confidence": aggregate_confidence(data)})


def calibrate(result: Result, model: dict[str, Any] | None = None, gaps: list[Gap] | None = None) -> Result:
    """``gaps``: ``find_gaps`` of ``result``, when the caller has them (``after_mapping``)."""
    model = model if model is not None else load()
    if not model or not result.documents:
        return result
    from extract.completeness import section_coverage

    coverage = section_coverage(result, gaps)
    docs = tuple(calibrate_document(d, result, model, i, coverage) for i, d in enumerate(result.documents))
    return result.model_copy(update={"documents": docs})


CAPPED_FLAGS = ("check_failed", "gap", "label_like", "map_discount")
"""Doubt flags: the mapper's own discounts for a reason (a cell shared by two columns, a faded ≥), a failed
check, a completeness gap, a value reading as a label."""
GAP_CEILING = 0.99
"""A document with a completeness gap is not certain, whatever its fields say: its confidence is at most
the mean confidence of the fields of the gap's sections, and below 1 (rounding must not hide the gap)."""


def doubt_gapped_documents(result: Result) -> Result:
    from extract.calibration_features import calibrated_leaf
    from extract.completeness import gaps_of, section_of

    gaps = gaps_of(result)
    if not gaps:
        return result
    docs = list(result.documents)
    for i, doc in enumerate(docs):
        sections = {s for g in gaps if g.document == i for s in g.fields}
        if not sections:
            continue
        confs = [float(leaf["confidence"]) for path, leaf in iter_fields(doc.data) if calibrated_leaf(leaf)
                 and ("*" in sections or section_of(path) in sections)]
        ceiling = min(GAP_CEILING, sum(confs) / len(confs)) if confs else GAP_CEILING
        docs[i] = doc.model_copy(update={"confidence": round(min(doc.confidence, ceiling), 4)})
    return result.model_copy(update={"documents": tuple(docs)})


def after_mapping(result: Result, model: dict[str, Any] | None = None) -> Result:
    """Completeness items into ``issues``, then calibrated confidences (both skipped when disabled)."""
    if not ENABLED:
        return result
    from extract.completeness import with_gaps

    result, gaps = with_gaps(result)
    return doubt_gapped_documents(calibrate(result, model, gaps))
