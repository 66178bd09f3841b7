"""The declared forms on freshly generated documents of their held-out wordings (the benchmark's small
cousin: ``python -m benchmarks.forms_bench`` scores the full corpus and its scans)."""
from __future__ import annotations

import json
import random

import pytest

from corpus.forms.generate import GENERATORS, generate
from extract.mapping.decl_load import load_form
from extract.mapping.forms import BUILTIN_DIR
from extract.mapping.labels import label_key

pytest.importorskip("reportlab")


@pytest.mark.parametrize("form", sorted(GENERATORS))
def test_held_out_documents_map_field_for_field(tmp_path, form):
    from benchmarks.forms_bench import run

    generate(tmp_path, [form], 2, "held_out", random.Random(7))
    figures = run(tmp_path)
    assert figures[form]["documents"] == 2
    assert figures[form]["field_acc"] >= 0.99, figures


def test_every_generated_form_is_declared_and_held_out_wordings_are_new():
    from corpus.forms import expenditure, income, project

    names = {load_form(p).name for p in BUILTIN_DIR.glob("*.yaml")}
    assert set(GENERATORS) <= names
    for mod in (project, income, expenditure):
        decl = load_form(BUILTIN_DIR / f"{mod.FORM}.yaml")
        declared = {label_key(x) for f in decl.grid_fields() for x in f.labels}
        declared |= {label_key(x) for p in decl.rows_parts() for c in (*p.columns, *p.totals) for x in c.labels}
        for split in ("held_out", "held_out_2"):
            printed = [w for label in mod.LABELS.values() for w in getattr(label, split)]
            assert not any(set(getattr(lb, split)) & set(lb.seen) for lb in mod.LABELS.values())
            # besides spacing and bracket variants, a good share are wordings no synonym holds even folded
            new = [w for w in printed if label_key(w.replace("{unit}", "元")) not in declared]
            assert len(new) >= 0.3 * len(printed), (mod.FORM, split, len(new), len(printed))


def test_truth_is_plain_json(tmp_path):
    (truth,) = generate(tmp_path, ["general_budget_expenditure"], 1, "seen", random.Random(1))
    again = json.loads((tmp_path / f"{truth['doc_id']}.truth.json").read_text(encoding="utf-8"))
    assert again["forms"][0]["data"]["items"] and again["forms"][0]["form"] == "general_budget_expenditure"
