"""Field accuracy of form documents against truth, field by field, with each field's confidence."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.truth import flatten_fields, flatten_values, values_equal


@dataclass(frozen=True)
class FieldOutcome:
    path: str
    truth: Any
    predicted: Any
    confidence: float | None
    correct: bool


# One symbol in two glyphs: the mapper prints ≥/≤ for ≧/≦ (a form's quirk: the same result from print and
# scan, whose OCR reads them alike) and ~ for a full-width ～ (NFKC). The truth keeps what was printed.
_GLYPHS = str.maketrans({"≧": "≥", "≦": "≤", "～": "~"})


def same_value(pred: Any, truth: Any) -> bool:
    """``values_equal`` with ≧/≦/～ read as ≥/≤/~ (the review figures count errors by it too)."""
    if isinstance(pred, str) and isinstance(truth, str):
        return values_equal(pred.translate(_GLYPHS), truth.translate(_GLYPHS))
    return values_equal(pred, truth)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def field_outcomes(predicted: Any, truth: Any) -> list[FieldOutcome]:
    """One outcome per truth leaf, plus one (wrong) per non-blank predicted leaf the truth lacks.

    ``predicted`` is a document's data in the result contract (Field dicts at the leaves) or None when
    the method found no document; ``truth`` is plain values.
    """
    want = flatten_values(truth)
    got = flatten_fields(predicted) if predicted is not None else {}
    out = []
    for path, value in want.items():
        pred, conf = got.get(path, (None, None))
        out.append(FieldOutcome(path, value, pred, conf, same_value(pred, value)))
    for path, (pred, conf) in got.items():
        if path not in want and not _blank(pred):
            out.append(FieldOutcome(path, None, pred, conf, False))
    return out


def pair_documents(predicted: list[dict], truth: list[dict]) -> list[tuple[dict | None, dict]]:
    """Pair each truth form with the unused predicted document of its form sharing most pages (None if none left)."""
    free = list(range(len(predicted)))
    pairs: list[tuple[dict | None, dict]] = []
    for t in truth:
        pages = set(t.get("pages", []))
        # a document of another form (the 收支总表 printed beside a target table) is no candidate
        same = [i for i in free if predicted[i].get("form", t.get("form")) == t.get("form", predicted[i].get("form"))]
        best = max(same, key=lambda i: (len(pages & set(predicted[i].get("pages", []))), -i), default=None)
        if best is not None:
            free.remove(best)
        pairs.append((predicted[best] if best is not None else None, t))
    return pairs


def accuracy(outcomes: list[FieldOutcome]) -> float | None:
    return sum(o.correct for o in outcomes) / len(outcomes) if outcomes else None
