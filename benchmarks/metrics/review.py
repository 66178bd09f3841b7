"""What a reviewer finds: the ONE definition of the confidence figures (issue 11), used by the benchmark's
confidence columns (``benchmarks.scoring``) and by the calibration report (``benchmarks.calibrate``).

A reviewer works through a queue: completeness items first (``extract.review`` shows them first), then
values, least confident first. What counts:

- every truth value of a paired form is one *value*: present, it is wrong or right at its confidence;
  absent (or blank where the form prints something), it is wrong, at confidence 0.0 when a completeness
  item points at it (the reviewer is sent there) and at 1.0 when nothing does (no queue finds it);
- every non-blank predicted value the truth lacks is a wrong value at its confidence;
- a blank the form has no cell for (no value, no source) is not shown by the queue: it counts as absent;
- the review *units* are what the reviewer opens: one per present value, one per absent value nothing
  points at (at 1.0), one per completeness item (before any value) holding the absent values it points at,
  so a false alarm costs budget and finds nothing;
- the budget of caught@N% is N% of the values (``metrics.confidence.review_catch_units``).

The benchmark used to drop absent values (they have no confidence) and ignore completeness items, so its
caught@10% and calibrate's disagreed on the same documents; both now call ``score_review``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extract.types import Issue

GAP_RANK = -1.0
"""Completeness items come first in the review queue (``extract.review``), before any value."""


@dataclass
class ReviewScore:
    """``values``: (confidence, wrong) per value; ``units``: (confidence, errors found there) per review
    unit; ``present``: (document index, path, wrong) per present predicted value (the calibration's
    training rows); ``silent_docs``: paired forms missing a value that no completeness item points at."""

    values: list[tuple[float, bool]] = field(default_factory=list)
    units: list[tuple[float, int]] = field(default_factory=list)
    present: list[tuple[int, str, bool]] = field(default_factory=list)
    silent_docs: int = 0

    def extend(self, other: ReviewScore) -> None:
        self.values += other.values
        self.units += other.units
        self.present += other.present
        self.silent_docs += other.silent_docs


def completeness_items(issues: Iterable[Issue]) -> list[Issue]:
    """The result's completeness items, as the review queue lists them (``extract.completeness.gaps_of``)."""
    from extract.completeness_base import STAGE

    return [i for i in issues if i.stage == STAGE and i.severity != "info"]


def pointing_item(gaps: Sequence[Issue], doc_index: int | None, path: str, pages: set[int]) -> int | None:
    """Index of the first completeness item pointing at the absent value at ``path``: one of its
    document naming its section (or the whole form, or the field), or an unmapped form-like table on its
    pages (or anywhere, when no document was found for the form)."""
    from extract.completeness_base import section_of

    name = re.sub(r"\[\d+\]", "[]", path)
    for n, g in enumerate(gaps):
        if doc_index is not None and g.document == doc_index and (
                section_of(path) in g.fields or "*" in g.fields or path in g.fields or name in g.fields):
            return n
        if g.kind == "table_unmapped" and (g.page in pages or (doc_index is None and g.document is None)):
            return n
    return None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _score_form(doc: dict[str, Any] | None, di: int | None, form: dict[str, Any], gaps: Sequence[Issue],
                gap_errors: list[int], out: ReviewScore) -> None:
    from benchmarks.metrics.fields import same_value
    from corpus.truth import flatten_fields, flatten_values
    from extract.review import iter_fields

    want = flatten_values(form["data"])
    got = flatten_fields(doc["data"]) if doc else {}
    leaves = dict(iter_fields(doc["data"])) if doc else {}
    pages = set(form.get("pages", []))
    silent = False
    for path, value in want.items():
        if path in got and _blank(got[path][0]) and not (leaves.get(path) or {}).get("source"):
            del got[path]  # a blank the form has no cell for: the queue never shows it, so it is absent
        if path in got:
            pred, conf = got[path]
            wrong = not same_value(pred, value)
            c = conf if conf is not None else 1.0
            out.values.append((c, wrong))
            out.units.append((c, int(wrong)))
            if di is not None:
                out.present.append((di, path, wrong))
        elif not _blank(value):
            n = pointing_item(gaps, di, path, pages)
            out.values.append((0.0 if n is not None else 1.0, True))
            if n is None:
                out.units.append((1.0, 1))
                silent = True
            else:
                gap_errors[n] += 1
    for path, (pred, conf) in got.items():
        if path not in want and not _blank(pred):
            c = conf if conf is not None else 1.0
            out.values.append((c, True))
            out.units.append((c, 1))
            if di is not None:
                out.present.append((di, path, True))
    out.silent_docs += silent


def score_review(documents: Sequence[dict[str, Any]], issues: Iterable[Issue],
                 forms: Sequence[dict[str, Any]]) -> ReviewScore:
    """One document's review queue against its truth: ``documents`` are the result's form documents as
    JSON dicts (``FormDocument.model_dump(mode="json")``), ``issues`` the result's issues, ``forms`` the
    truth forms (``DocTruth.forms`` as dicts)."""
    from benchmarks.metrics.fields import pair_documents

    gaps = completeness_items(issues)
    indexed = [{**d, "_index": i} for i, d in enumerate(documents)]
    out = ReviewScore()
    gap_errors = [0] * len(gaps)
    for doc, form in pair_documents(indexed, list(forms)):
        _score_form(doc, doc["_index"] if doc else None, form, gaps, gap_errors, out)
    out.units += [(GAP_RANK, e) for e in gap_errors]
    return out
