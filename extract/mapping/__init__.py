"""Map tables onto known forms: the typed model, its checks and a confidence per field.

Public API: :func:`map_documents`. Forms are declarations (``decl``: the language, ``decl_load``: YAML/TOML
files, ``extract/forms/*.yaml``: the built-in ones) read by the generic reader (``generic``, ``position``,
``declared``, ``match``, ``values``, ``rules``); ``forms`` is the registry (built-in, entry points,
``--forms-dir``, form files). The department form declares its vocabulary and checks but keeps its own
reader (``department_performance_targets`` with ``dpt_sections``/``dpt_indicators``, ``labels``,
``checks``). ``coerce`` parses money, counts, comparators and targets for all of them.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from extract.types import FormDocument, Table, TextSpan


def map_documents(tables: Sequence[Table], lines_by_page: Mapping[int, Sequence[TextSpan]],
                  form: str = "auto", forms_dirs: Sequence[str] = ()) -> list[FormDocument]:
    """Every instance of a known form in ``tables`` (the stitched tables of one document).

    ``lines_by_page`` holds all text lines of each page (titles usually sit outside the tables).
    ``form``: ``"auto"`` tries every registered form and keeps clear matches, ``"none"`` maps nothing,
    a form name reads that form wherever its anchor label appears, a path ending in ``.yaml``/``.toml``
    reads the form that file declares. ``forms_dirs``: folders of more form files.
    Raises ValueError on an unknown name, :class:`~extract.mapping.decl_load.FormFileError` on a bad file.
    """
    from extract.mapping.forms import resolve
    from extract.mapping.rows import page_lines, reading_order

    specs, auto = resolve(form, forms_dirs)
    if not specs:
        return []
    rows = reading_order(list(tables))
    lines = {page: page_lines(list(spans), page) for page, spans in lines_by_page.items()}
    docs: list[FormDocument] = []
    for spec in specs:
        docs.extend(spec.find(rows, lines, auto))
    return docs


__all__ = ["map_documents"]
