"""The declared forms printed by the independent routes (LibreOffice, Chromium): their wordings are not the
declarations' synonyms, each form is read back exactly, and look-alike tables (a self-evaluation, an
ordinary spreadsheet) map to no form."""
from __future__ import annotations

import random
import shutil

import pytest

from corpus.routes import form_wording as fw
from corpus.routes.forms import MAKERS, print_docs, route_doc
from corpus.routes.lookalikes import make_ordinary_sheet, make_self_evaluation
from extract.mapping.decl_load import load_form
from extract.mapping.forms import BUILTIN_DIR
from extract.mapping.labels import label_key

needs_printers = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("chromium") is None,
                                    reason="needs LibreOffice and Chromium (scripts/setup.sh installs them)")
POOLS = {"project_performance_targets": fw.PROJECT, "department_income_expenditure": fw.INCOME,
         "general_budget_expenditure": fw.EXPENDITURE, "three_public_expenses": fw.THREE_PUBLIC}


def _declared_keys(form: str) -> set[str]:
    decl = load_form(BUILTIN_DIR / f"{form}.yaml")
    fields = list(decl.grid_fields()) + [c for p in decl.rows_parts() for c in (*p.columns, *p.totals)]
    return {label_key(v) for f in fields for v in f.labels}


@pytest.mark.parametrize("form", sorted(POOLS))
def test_route_wordings_are_not_declared_synonyms(form):
    """A variant folds to a declared label only by what the matcher is meant to undo (stray spaces)."""
    keys = _declared_keys(form)
    leaked = [v for canonical, tune, held in POOLS[form].values() for v in (*tune, *held)
              if "".join(v.split()) != "".join(canonical.split()) and label_key(v) in keys and label_key(v) != label_key(canonical)]
    assert not leaked, leaked


def test_held_out_wordings_are_not_in_the_tune_pool():
    for pools in POOLS.values():
        for _, tune, held in pools.values():
            assert not set(tune) & set(held)


def _extract(pdf):
    from extract import extract_file
    from extract.options import ExtractOptions

    return extract_file(pdf, ExtractOptions()).model_dump(mode="json")


@needs_printers
def test_each_form_on_the_routes_is_read_exactly(tmp_path):
    from benchmarks.forms_bench import score_document

    docs = []
    for n, form in enumerate(sorted(MAKERS)):
        route = ("xlsx", "html")[n % 2]
        doc_id = f"{form}-{route}-tune-t{n}"
        rng = random.Random(f"test:{doc_id}")
        made = MAKERS[form](rng, "tune")
        docs.append((route_doc(doc_id, route, made, rng, "tune"), made))
    truths = print_docs(tmp_path, docs)
    for truth in truths:
        result = _extract(tmp_path / f"{truth['doc_id']}.pdf")
        outcomes = score_document(tmp_path, truth, result)[truth["forms"][0]["form"]]
        wrong = [(o.path, o.truth, o.predicted) for o in outcomes if not o.correct]
        assert outcomes and not wrong, (truth["doc_id"], wrong)


@needs_printers
def test_lookalike_tables_map_to_no_form(tmp_path):
    rng = random.Random(12)
    made = [("self-eval-xlsx", "xlsx", make_self_evaluation(rng)), ("self-eval-untitled-html", "html",
            make_self_evaluation(rng, titled=False)), ("sheet-xlsx", "xlsx", make_ordinary_sheet(rng)),
            ("sheet-html", "html", make_ordinary_sheet(rng))]
    docs = [(route_doc(i, r, m, random.Random(i), "tune"), m) for i, r, m in made]
    truths = print_docs(tmp_path, docs)
    assert all(t["forms"] == [] for t in truths)
    for doc_id, _, _ in made:
        result = _extract(tmp_path / f"{doc_id}.pdf")
        assert result["tables"], doc_id  # the table was read ...
        assert [d["form"] for d in result.get("documents", [])] == [], doc_id  # ... and is no form
