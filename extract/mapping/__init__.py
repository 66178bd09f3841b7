"""Map tables onto known forms: the typed model, its checks and a confidence per field.

Public API: :func:`map_documents`. Submodules: ``forms`` (registry), ``labels`` (synonyms and fuzzy
label matching), ``coerce`` (money, counts, comparators, targets), ``checks`` (consistency rules),
one module per form (``department_performance_targets`` with ``dpt_sections``/``dpt_indicators``).
"""
from __future__ import annotations

from typing import Mapping, Sequence

from extract.types import FormDocument, Table, TextSpan


def map_documents(tables: Sequence[Table], lines_by_page: Mapping[int, Sequence[TextSpan]],
                  form: str = "auto") -> list[FormDocument]:
    """Every instance of a known form in ``tables`` (the stitched tables of one document).

    ``lines_by_page`` holds all text lines of each page (titles usually sit outside the tables).
    ``form``: ``"auto"`` tries every registered form and keeps clear matches, ``"none"`` maps nothing,
    a form name reads that form wherever its anchor label appears. Raises ValueError on an unknown name.
    """
    from extract.mapping.forms import FORMS
    from extract.mapping.rows import page_lines, reading_order

    if form == "none":
        return []
    if form != "auto" and form not in FORMS:
        raise ValueError(f"unknown form {form!r}; known: auto, none, {', '.join(sorted(FORMS))}")
    rows = reading_order(list(tables))
    lines = {page: page_lines(list(spans), page) for page, spans in lines_by_page.items()}
    specs = list(FORMS.values()) if form == "auto" else [FORMS[form]]
    docs: list[FormDocument] = []
    for spec in specs:
        docs.extend(spec.find(rows, lines, form == "auto"))
    return docs


__all__ = ["map_documents"]
