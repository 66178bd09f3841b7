"""Per-field features for the confidence calibration, read from a result (in process or stored as JSON).

Everything here is already in the result: the mapper's confidence (cell score x label match x parse quality
x check outcomes), the source cell's evidence (``Cell.evidence``: OCR or text layer, weakest span score,
agreement of the two readings), how the cell's table was found (ruled or not), the checks that touch the
field and the completeness gaps of its section.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Sequence

from extract.review import iter_fields
from extract.types import Cell, Result

from extract.calibration_gaps import GAP_FEATURES, KINDS  # noqa: E402

DISCOUNT_FEATURES = ("discount_half", "discount_mid", "discount_small")
FEATURES = ("logit_cell", "logit_conf", "ocr_logit", "ocr", "weak", "disagree", "cell_doubt", "map_discount",
            *DISCOUNT_FEATURES, "check_failed", "check_vouched", "no_source", "unparsed", "unruled", "long_text",
            "label_like", "implied", "shared_rare", "shared_long", *GAP_FEATURES)
# Where the fit starts from and is pulled back to (ridge toward it): the mapper's own confidence, taken at
# its word (P(right) = conf), until the training split says otherwise. With few training errors (born-digital
# documents have a handful) the calibration then stays the mapper's ordering instead of swinging.
# A doubt flag (a yes/no signal that something is off) starts at DOUBT_PRIOR on the logit scale: the odds of
# being right cut ~7 times (1.0 -> 0.99 -> ~0.93 on the shipped intercept). The generated training split
# shows some flags only a handful of times (a value reading as a label: a header row read as data, seen on
# independent renderings), too few to weigh them; the prior keeps them lowering, the data moves it.
DOUBT_PRIOR = -2.0
PRIOR = {"logit_conf": 1.0, "check_failed": DOUBT_PRIOR, "gap": DOUBT_PRIOR, "no_source": DOUBT_PRIOR,
         "unparsed": DOUBT_PRIOR, "label_like": DOUBT_PRIOR}
# A kind of completeness item the training split shows a handful of times (a sequence gap, a form-like
# table left unmapped) starts at half a doubt flag on top of the section's ``gap``.
PRIOR |= {f"gap_{k}": DOUBT_PRIOR / 2 for k in KINDS}
LOGIT_CLIP = 1e-3
# +1: the feature can only raise P(right); -1: only lower it (a doubt signal); 0: either (fitting enforces it).
SIGNS = {"logit_cell": 1, "logit_conf": 1, "ocr_logit": 0, "ocr": -1, "weak": -1, "disagree": -1, "cell_doubt": -1,
         "map_discount": -1, "discount_half": -1, "discount_mid": -1, "discount_small": -1,
         "check_failed": -1, "check_vouched": 1, "no_source": -1, "unparsed": -1, "unruled": -1,
         "long_text": 0, "label_like": -1, "implied": -1, "shared_rare": -1, "shared_long": -1, **{n: -1 for n in GAP_FEATURES}}
# The mapper's hand-set factors (``extract.mapping``: SHARED_CELL_QUALITY and AMBIGUOUS_QUALITY 0.5,
# POSITION_QUALITY 0.6, UNKNOWN_UNIT_QUALITY 0.7, FIXED_UP/JOINED/OCR_FILL_DOWN 0.8, INFERRED 0.9,
# FILL_DOWN 0.95) reach a stored result only as their product, the field's confidence over its cell's.
# Binned at the factors' gaps, each bin is a feature with its own fitted weight: the factors stay raw
# inputs, the calibration decides what they are worth.
DISCOUNT_BINS = ((0.55, "discount_half"), (0.85, "discount_mid"), (0.995, "discount_small"))
CROSS_FALLBACK = {"expenditure_equals_income", "level_split_equals_development", "tasks_equal_project_expenditure"}


def _cross_rules() -> set[str]:
    try:
        from extract.mapping.checks import CROSS_RULES
        return set(CROSS_RULES)
    except ImportError:  # pragma: no cover
        return CROSS_FALLBACK


def _logit(p: float) -> float:
    p = min(max(p, LOGIT_CLIP), 1 - LOGIT_CLIP)
    return math.log(p / (1 - p))


def calibrated_leaf(leaf: dict[str, Any]) -> bool:
    """Leaves that get a calibrated confidence: those with a value or a source cell. An unprinted blank
    (no source, no value) keeps the mapper's word on it."""
    return leaf.get("value") is not None or bool(leaf.get("source"))


def field_features(path: str, leaf: dict[str, Any], cell: Cell | None, table_structure: str | None,
                   checks: list[Any] | tuple[frozenset[str], frozenset[str]],
                   gaps: Sequence[Any] = (), coverage: float | None = None,
                   label: tuple[float, bool] = (1.0, True)) -> dict[str, float]:
    from extract.calibration_gaps import gap_features

    conf = float(leaf.get("confidence") or 0.0)
    ev = cell.ev if cell is not None else None
    cell_conf = cell.confidence if cell is not None else 1.0
    failed_paths, vouched_paths = checks if isinstance(checks, tuple) else check_sets(checks)
    names = _touch_keys(path)
    failed = bool(names & failed_paths)
    vouched = bool(names & vouched_paths)
    value = leaf.get("value")
    ratio = conf / cell_conf if cell_conf > 0 else 1.0
    discount = next((name for edge, name in DISCOUNT_BINS if ratio < edge), None)
    return {
        "logit_cell": _logit(cell_conf),
        "logit_conf": _logit(conf),
        # OCR'd values get their own slope: their confidence already holds the OCR scores, a text layer's not
        "ocr_logit": _logit(conf) if ev is not None and ev.source != "pdf" else 0.0,
        "ocr": 1.0 if ev is not None and ev.source != "pdf" else 0.0,
        "weak": 1.0 - ev.weakest if ev is not None and ev.source != "pdf" else 0.0,
        "disagree": 1.0 - ev.agreement if ev is not None and ev.agreement is not None else 0.0,
        "cell_doubt": 1.0 - cell_conf,
        "map_discount": max(0.0, math.log(max(cell_conf, 1e-3)) - math.log(max(conf, 1e-3))),
        **{name: 1.0 if discount == name else 0.0 for name in DISCOUNT_FEATURES},
        "check_failed": 1.0 if failed else 0.0,
        "check_vouched": 1.0 if vouched else 0.0,
        "no_source": 1.0 if not leaf.get("source") and value is not None else 0.0,
        "unparsed": 1.0 if value is None and leaf.get("raw") else 0.0,
        "unruled": 1.0 if table_structure not in (None, "ruled") else 0.0,
        "long_text": 1.0 if isinstance(value, str) and len(value) > 20 else 0.0,
        "label_like": 1.0 if isinstance(value, str) and _reads_as_label(value) else 0.0,
        "implied": 1.0 if _implied(value, leaf.get("raw")) else 0.0,
        **gap_features(path, cell, list(gaps), coverage, label),
    }


def _implied(value: Any, raw: Any) -> bool:
    """A word or sign the cell does not print (a comparator taken as = where none is printed, a level
    filled in): the mapper's default, right only if the form's column was read where it should be."""
    if not isinstance(value, str) or not isinstance(raw, str) or not value.strip() or any(ch.isdigit() for ch in value):
        return False
    fold = "".join(raw.split()).replace("≧", "≥").replace("≦", "≤").replace(">=", "≥").replace("<=", "≤")
    return "".join(value.split()) not in fold


@lru_cache(maxsize=4096)
def _reads_as_label(text: str) -> bool:
    """A value that is one of the form's own labels (序号, 绩效指标...): a header row read as data."""
    from extract.completeness import _is_heading, label_keys

    try:
        return bool(label_keys(text)) and not _is_heading(text)  # 时效指标 is a level's value, also a label
    except Exception:  # noqa: BLE001
        return False


def check_sets(checks: list[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(paths named by failed checks, paths named by passed cross-sums)."""
    cross = _cross_rules()
    failed = frozenset(f for c in checks if not c.passed for f in c.fields)
    vouched = frozenset(f for c in checks if c.passed and c.rule in cross for f in c.fields)
    return failed, vouched


def _touch_keys(path: str) -> frozenset[str]:
    """What a check may name to touch ``path`` (as ``extract.review.check_touches``): the path, each of its
    prefixes, and its field name without list positions."""
    import re

    keys = {path, re.sub(r"\[\d+\]", "[]", path)}
    for m in re.finditer(r"[.\[]", path):
        keys.add(path[:m.start()])
    return frozenset(keys)


def document_features(result: Result, index: int, coverage_of: dict[tuple[int, str], float] | None = None
                      ) -> dict[str, dict[str, float]]:
    """path -> features for every calibrated leaf of ``result.documents[index]``; ``coverage_of``:
    ``section_coverage(result)``, when the caller has it."""
    from extract.calibration_gaps import cell_grid, label_of
    from extract.completeness import gaps_of, section_coverage, section_of

    doc = result.documents[index]
    tables = {t.id: t for t in result.tables}
    gaps = [g for g in gaps_of(result) if g.document == index or g.document is None]
    every = (section_coverage(result) if coverage_of is None else coverage_of) if gaps else {}
    coverage = {s: c for (d, s), c in every.items() if d == index}
    checks = check_sets(list(doc.checks))
    anchors: dict[str, dict[tuple[int, int], Cell]] = {}
    grids: dict[str, dict[tuple[int, int], Cell]] = {}
    out: dict[str, dict[str, float]] = {}
    shared = shared_sources(doc.data)
    for path, leaf in iter_fields(doc.data):
        if not calibrated_leaf(leaf):
            continue
        src = leaf.get("source") or {}
        table = tables.get(str(src.get("table")))
        if table is not None and table.id not in anchors:
            anchors[table.id] = {(c.row, c.col): c for c in table.cells}
        cells = [anchors[table.id].get((int(r), int(c))) or table.cell_at(int(r), int(c))
                 for r, c in src.get("cells") or ()] if table else []
        cell = min((c for c in cells if c is not None), key=lambda c: c.confidence, default=None)
        if table is not None and table.id not in grids:
            grids[table.id] = cell_grid(table)
        label = label_of(cell, grids[table.id], table) if table is not None else (1.0, True)
        out[path] = field_features(path, leaf, cell, table.structure if table else None, checks, gaps,
                                   coverage.get(section_of(path)), label)
        out[path]["shared_rare"] = 1.0 if shared.get(path, 0.0) == 1.0 else 0.0
        out[path]["shared_long"] = 1.0 if path in shared and isinstance(leaf.get("value"), str) \
            and len(leaf["value"]) > SHARED_LONG_CHARS else 0.0
    return out


SHARED_USUAL = 0.5
"""A list field whose source cell is another row's in at least this share of its rows is filled down by
design (a level's merged cell); shared in fewer, a sharing row is a cell read for rows it does not belong
to (a tall OCR'd cell holding several rows' texts)."""


SHARED_LONG_CHARS = 12
"""A level's merged cell holds one short name (产出指标, 社会效益指标: <= 10 characters); a shared cell with
more is several rows' texts read as one cell."""


def shared_sources(data: Any) -> dict[str, float]:
    """path -> 1.0 for list fields whose source cell another row's same field also took, where the field
    is not shared in most rows (``SHARED_USUAL``); 0.5 where it is (filled down by design, or most rows
    read from cells holding several rows)."""
    import re

    by_field: dict[str, dict[tuple[Any, ...], list[str]]] = {}
    rows: dict[str, set[str]] = {}
    for path, leaf in iter_fields(data):
        m = re.fullmatch(r"(.+?)\[(\d+)\]\.(.+)", path)
        src = leaf.get("source") or {}
        if m is None or not src.get("table") or not src.get("cells"):
            continue
        name = f"{m.group(1)}[].{m.group(3)}"
        key = (src["table"], *(tuple(rc) for rc in src["cells"]))
        by_field.setdefault(name, {}).setdefault(key, []).append(path)
        rows.setdefault(name, set()).add(path)
    out: dict[str, float] = {}
    for name, groups in by_field.items():
        sharing = [p for paths in groups.values() if len(paths) > 1 for p in paths]
        rare = len(sharing) < SHARED_USUAL * len(rows[name])
        out.update({p: 1.0 if rare else 0.5 for p in sharing})
    return out


def set_confidences(data: Any, new: dict[str, float], path: str = "") -> Any:
    """A copy of form data with the confidences of the leaves named in ``new`` replaced."""
    if isinstance(data, dict):
        if "value" in data and "confidence" in data:
            return {**data, "confidence": new[path]} if path in new else data
        return {k: set_confidences(v, new, f"{path}.{k}" if path else k) for k, v in data.items()}
    if isinstance(data, list):
        return [set_confidences(v, new, f"{path}[{i}]") for i, v in enumerate(data)]
    return data
