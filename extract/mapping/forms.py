"""Registry of known forms: name -> how to find and read its instances in a document's rows."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from extract.mapping import department_performance_targets as dpt
from extract.mapping.checks import aggregate_confidence, apply_checks, run_checks
from extract.mapping.fields import settle_unprinted
from extract.mapping.rows import Line, Row
from extract.types import FormDocument
from models.budget import FORM_NAME as DPT_NAME


@dataclass(frozen=True)
class FormSpec:
    name: str
    description: str
    # (rows in reading order, lines by page, auto) -> documents; with auto a weak match is left out.
    find: Callable[[list[Row], dict[int, list[Line]], bool], list[FormDocument]]


def find_department_performance_targets(rows: list[Row], lines: dict[int, list[Line]],
                                        auto: bool) -> list[FormDocument]:
    docs = []
    for prev_row, inst in dpt.split_instances(rows):
        if not inst:
            continue
        title, unit = dpt.read_title(inst[0], prev_row, lines)
        state = dpt.read_rows(inst, unit)
        if auto and not dpt.is_this_form(state, title):
            continue
        model = dpt.build_model(state, title)
        checks = run_checks(model)
        data = settle_unprinted(apply_checks(model.model_dump(mode="json"), checks))
        data = type(model).model_validate(data).model_dump(mode="json")
        pages = set(state.pages) | {f.source.page for f in title.values() if f.source and f.source.page}
        docs.append(FormDocument(form=DPT_NAME, pages=tuple(sorted(pages)),
                                 confidence=aggregate_confidence(data), data=data, checks=tuple(checks)))
    return docs


FORMS: dict[str, FormSpec] = {
    DPT_NAME: FormSpec(DPT_NAME, "部门整体预算绩效目标表 (department budget performance targets)",
                       find_department_performance_targets),
}
