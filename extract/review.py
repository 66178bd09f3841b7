"""Review triage: which values a person should look at, and why.

This is the only module that holds a confidence threshold. Confidence is carried through every stage and
never used to drop data; here it only decides what goes into the review queue and in which order.
"""
from __future__ import annotations

from typing import Any, Iterator, Literal, Sequence

from pydantic import BaseModel, ConfigDict

from extract.types import Check, Result

REVIEW_THRESHOLD = 0.85
"""Values below this confidence go to the review queue (lowest first)."""

REVIEWED_CONFIDENCE = 1.0
"""A value a person accepted or corrected."""


class ReviewItem(BaseModel):
    """One value below the threshold: a form field or a table cell."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["field", "cell", "gap"]
    key: str  # field path ("budget.basic_expenditure", "key_tasks[0].amount") or "t1:r3c2" for a cell
    form_index: int | None = None
    value: Any = None
    raw: str | None = None
    confidence: float
    reasons: tuple[str, ...]
    page: int | None = None
    table: str | None = None
    cells: tuple[tuple[int, int], ...] = ()
    bbox: tuple[float, float, float, float] | None = None  # the page region a gap points at


GAP_CONFIDENCE = 0.0
"""A completeness gap (something went missing) is shown before every doubtful value: an absent value has
no confidence of its own, and it is the error no other queue entry leads to."""


def needs_review(confidence: float | None) -> bool:
    """True when a value should be shown to a person (unknown confidence counts as doubtful)."""
    return confidence is None or confidence < REVIEW_THRESHOLD


def field_needs_review(field: dict[str, Any]) -> bool:
    """A form field goes to review when below the threshold, unless there is nothing printed to look at
    (no value and no source cell: the form has no such entry)."""
    if field.get("value") is None and not field.get("source"):
        return False
    return needs_review(field.get("confidence"))


FIELD_QUEUE_SQL = (f"reviewed = 0 AND (confidence IS NULL OR confidence < {repr(REVIEW_THRESHOLD)}) AND NOT (value = 'null' AND table_id IS NULL)"
                   )
"""``field_needs_review`` over the store's ``fields`` table (not yet reviewed)."""
CELL_QUEUE_SQL = f"reviewed = 0 AND (confidence IS NULL OR confidence < {REVIEW_THRESHOLD!r})"
"""``needs_review`` over the store's ``cells`` table (not yet reviewed)."""


def is_field(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and "confidence" in node


def iter_fields(data: Any, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Field leaf of form data with its path: ``budget.basic_expenditure``, ``key_tasks[0].amount``."""
    if is_field(data):
        yield prefix, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from iter_fields(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_fields(value, f"{prefix}[{i}]")


def field_name(path: str) -> str:
    """The form field a path belongs to, without list positions: ``key_tasks[3].amount`` -> ``key_tasks[].amount``."""
    out, skip = [], False
    for ch in path:
        if ch == "[":
            skip = True
            out.append("[]")
        elif ch == "]":
            skip = False
        elif not skip:
            out.append(ch)
    return "".join(out)


def check_touches(check: Check | dict[str, Any], path: str) -> bool:
    fields = check.fields if isinstance(check, Check) else check.get("fields", ())
    return any(path == f or path.startswith(f + ".") or path.startswith(f + "[") or f == field_name(path)
               for f in fields)


def gap_touches(gap: Any, path: str, form_index: int | None) -> bool:
    """A completeness issue (Issue or its dict) concerns the field at ``path`` of form ``form_index``."""
    g = gap if isinstance(gap, dict) else gap.model_dump()
    if g.get("document") != form_index:
        return False
    section = path.split(".")[0].split("[")[0]
    return any(f in ("*", section) for f in g.get("fields") or ())


def field_reasons(path: str, field: dict[str, Any], checks: list[Any], scanned: bool, gaps: Sequence[Any] = (),
                  form_index: int | None = None) -> tuple[str, ...]:
    """Why a field is doubtful, in words a reviewer can act on (``gaps``: completeness issues)."""
    reasons: list[str] = []
    conf = field.get("confidence")
    if needs_review(conf):
        how = "OCR score" if scanned else "confidence"
        reasons.append(f"low {how} {conf:.2f}" if conf is not None else "no confidence")
    for c in checks:
        check = c if isinstance(c, dict) else c.model_dump()
        if not check.get("passed", True) and check_touches(check, path):
            reasons.append(f"failed check {check['rule']}: {check.get('detail', '')}".rstrip(": "))
    if field.get("value") is None and field.get("raw"):
        reasons.append(f"could not read a value from {field['raw']!r}")
    if field.get("source") is None and field.get("value") is not None:
        reasons.append("no source cell (label not matched in the table)")
    for g in gaps:
        if gap_touches(g, path, form_index):
            reasons.append(f"section incomplete: {(g if isinstance(g, dict) else g.model_dump())['message']}")
    return tuple(reasons)


def cell_reasons(confidence: float, scanned: bool) -> tuple[str, ...]:
    return (f"low {'OCR score' if scanned else 'confidence'} {confidence:.2f}",)


def review_queue(result: Result) -> list[ReviewItem]:
    """Completeness gaps first, then fields and cells of one result below the threshold, lowest
    confidence first.

    A cell that is the source of a queued field is not queued again on its own.
    """
    scanned_pages = {p.page for p in result.pages if p.kind == "scanned"}
    gaps = [i for i in result.issues if i.stage == "completeness" and i.severity != "info"]
    items: list[ReviewItem] = [
        ReviewItem(kind="gap", key=f"gap{n}:{g.kind}:{','.join(g.fields)}", form_index=g.document,
                   confidence=GAP_CONFIDENCE, reasons=(g.message,), page=g.page, bbox=g.bbox)
        for n, g in enumerate(gaps)]
    field_cells: set[tuple[str | None, int, int]] = set()
    for index, doc in enumerate(result.documents):
        for path, field in iter_fields(doc.data):
            src = field.get("source") or {}
            page = src.get("page")
            reasons = field_reasons(path, field, list(doc.checks), page in scanned_pages, gaps, index)
            if not field_needs_review(field):
                continue
            cells = tuple(tuple(rc) for rc in src.get("cells") or ())
            field_cells.update((src.get("table"), r, c) for r, c in cells)
            items.append(ReviewItem(kind="field", key=path, form_index=index, value=field.get("value"),
                                    raw=field.get("raw"), confidence=field.get("confidence") or 0.0,
                                    reasons=reasons, page=page, table=src.get("table"), cells=cells))
    for table in result.tables:
        for cell in table.cells:
            if not needs_review(cell.confidence) or (table.id, cell.row, cell.col) in field_cells:
                continue
            items.append(ReviewItem(kind="cell", key=f"{table.id}:r{cell.row}c{cell.col}", value=cell.text,
                                    raw=cell.text, confidence=cell.confidence,
                                    reasons=cell_reasons(cell.confidence, cell.page in scanned_pages),
                                    page=cell.page, table=table.id, cells=((cell.row, cell.col),)))
    return sorted(items, key=lambda i: (i.confidence, i.kind != "gap", i.kind, i.key))
