"""Completeness is evidence: what the structure or the arithmetic says is missing from the mapped forms.

An absent value has no confidence, so no review queue can find it; this stage names the places where
something went missing and puts them where a reviewer sees them (``Result.issues``, stage
``completeness``; the review queue shows them first). It reads the form through its data (every list of
rows, every ``seq``, every field's source cell) and the result's tables, not through one form's paths:

- ``seq_gap``: printed sequence numbers that skip (1 2 4: a row missing between 2 and 4?);
- ``sum_short``: an equality between a total and the sum of a list's rows that fails (Σ task amounts vs
  项目支出): a row may be missing, or an amount misread;
- ``row_unread``: a row of a table the form read from, holding text that is no label, of which no form
  field took any cell (an indicator row lost, a level-2 group with no rows);
- ``column_unread``: cells of one column, in rows that were read, that no field took (a column whose
  header went unrecognised);
- ``duplicate_row``: a list row read from the same cells as an earlier one (read twice: the rows after it
  are out of step);
- ``merged_items``: a numbered item whose text runs on into the next number (目标1：… 目标2，…);
- ``label_row``: a list row holding one of the form's labels as a value (a header read as a row);
- ``shared_rows``: list rows that took one source cell holding more than a short name (several printed
  rows read as one tall cell: rows missing);
- ``page_gap``: a page inside the form's page span from which no field came;
- ``not_found``: a field the form prints whose label (or title line) was never found (the mapper's blank
  at confidence 0.0, which the value queue cannot show);
- ``table_unmapped``: a table carrying the form's labels (or title) that no form took any cell from.

Each gap names its document, its section (``key_tasks``, ``indicators``; ``*`` for a whole form) and a
page region; ``extract.calibration`` lowers the confidence of the fields of that section.
"""
from __future__ import annotations

from extract.completeness_base import (STAGE, Gap, _is_heading, label_keys, section_of,  # noqa: F401
                                       used_cells)
from extract.completeness_lists import (duplicate_rows, label_rows, merged_items, not_found, page_gaps, seq_gaps,
                                       shared_rows, sum_gaps)
from extract.completeness_tables import merge_rows, unmapped_tables, unread_columns, unread_rows
from extract.types import Issue, Result

__all__ = ["STAGE", "Gap", "_is_heading", "add_completeness", "find_gaps", "gaps_of", "label_keys", "section_coverage",
           "section_of", "used_cells", "with_gaps"]


def find_gaps(result: Result) -> list[Gap]:
    tables = {t.id: t for t in result.tables}
    used = used_cells(result)
    gaps: list[Gap] = []
    for i, doc in enumerate(result.documents):
        gaps += seq_gaps(doc, i, tables) + sum_gaps(doc, i, tables) + page_gaps(doc, i, used, tables)
        gaps += not_found(doc, i) + label_rows(doc, i, tables) + duplicate_rows(doc, i, tables)
        gaps += merged_items(doc, i, tables) + shared_rows(doc, i, tables)
    gaps += merge_rows(unread_rows(result, used)) + unread_columns(result, used) + unmapped_tables(result, used)
    return gaps


def section_coverage(result: Result, gaps: list[Gap] | None = None) -> dict[tuple[int, str], float]:
    """(document, section) -> share of the section's content cells that went into a field, for sections
    with unread rows or columns. A section a third of whose printed content no field took cannot be more
    than two thirds sure of its values: ``extract.calibration`` bounds their confidence by it. ``gaps``:
    ``find_gaps`` of a result with these tables and documents, when the caller has it already."""
    read: dict[tuple[int, str], int] = {}
    for doc, path in used_cells(result).values():
        key = (doc, section_of(path))
        read[key] = read.get(key, 0) + 1
    unread: dict[tuple[int, str], int] = {}
    for g in find_gaps(result) if gaps is None else gaps:
        if g.unread and g.document is not None:
            key = (g.document, g.section)
            unread[key] = unread.get(key, 0) + g.unread
    return {k: read.get(k, 0) / (read.get(k, 0) + n) for k, n in unread.items()}


def add_completeness(result: Result) -> Result:
    """``result`` with one ``completeness`` issue per gap (earlier ones of this stage replaced)."""
    return with_gaps(result)[0]


def with_gaps(result: Result) -> tuple[Result, list[Gap] | None]:
    """``add_completeness`` and the gaps it found (None when finding them failed): the gaps depend on the
    tables and documents only, which the new result shares, so ``section_coverage`` can take them."""
    try:
        gaps = find_gaps(result)
    except Exception as exc:  # noqa: BLE001 - this stage only adds evidence; it never takes a result down
        issue = Issue(stage=STAGE, message=f"completeness check failed: {type(exc).__name__}: {exc}", severity="info")
        return result.model_copy(update={"issues": result.issues + (issue,)}), None
    kept = tuple(i for i in result.issues if i.stage != STAGE)
    return result.model_copy(update={"issues": kept + tuple(g.issue() for g in gaps)}), gaps


def gaps_of(result: Result) -> list[Issue]:
    return [i for i in result.issues if i.stage == STAGE and i.severity != "info"]
