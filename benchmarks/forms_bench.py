"""Field accuracy of the declared forms on their generated corpus (born-digital, or scans of it).

``python -m benchmarks.forms_bench --dir corpus/generated/forms/held_out [--report out.json] [--show-errors]``
``python -m benchmarks.forms_bench --routes [--report benchmarks/results/forms_routes.json]``: the independent
routes (``corpus.routes.forms``: LibreOffice / Chromium), per form: held-out born-digital and mild scans
first, then the tune split, labelled in-sample (the mapper was changed looking at its failures).
Pairs each truth form with the predicted document of the same form sharing most pages and compares
field by field (``benchmarks.metrics.fields``); a form the tool did not find scores every truth field wrong.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from benchmarks.metrics.fields import FieldOutcome, accuracy, field_outcomes, pair_documents

SUFFIXES = (".pdf", ".tif", ".tiff", ".png")


def score_document(path: Path, truth: dict, result: dict) -> dict[str, list[FieldOutcome]]:
    out: dict[str, list[FieldOutcome]] = defaultdict(list)
    docs = result.get("documents", [])
    for form in truth["forms"]:
        same = [d for d in docs if d["form"] == form["form"]]
        (doc, _), = pair_documents(same, [form])
        out[form["form"]] += field_outcomes(doc["data"] if doc else None, form["data"])
    return out


def run(folder: Path, show_errors: bool = False) -> dict:
    from extract import extract_file
    from extract.options import ExtractOptions

    per_form: dict[str, list[FieldOutcome]] = defaultdict(list)
    doc_conf: dict[str, list[float]] = defaultdict(list)
    checks: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES):
        truth_path = folder / f"{path.stem}.truth.json"
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        result = extract_file(path, ExtractOptions()).model_dump(mode="json")
        for form, outcomes in score_document(path, truth, result).items():
            per_form[form] += outcomes
            if show_errors:
                for o in outcomes:
                    if not o.correct:
                        print(f"{path.name}: {o.path}: truth {o.truth!r} got {o.predicted!r} ({o.confidence})")
        for d in result.get("documents", []):
            doc_conf[d["form"]].append(d["confidence"])
            for c in d.get("checks", []):
                checks[d["form"]][c["rule"]][0 if c["passed"] else 1] += 1
    return {form: {"field_acc": accuracy(o), "fields": len(o), "wrong": sum(not x.correct for x in o),
                   "documents": len(doc_conf.get(form, [])), **_confidence(o),
                   "checks": {rule: {"passed": n[0], "failed": n[1]} for rule, n in sorted(checks[form].items())},
                   "declared_checks_not_run": _not_run(form, checks[form])}
            for form, o in sorted(per_form.items())}


def _confidence(outcomes: list[FieldOutcome]) -> dict:
    """Mean confidence of right and of wrong fields, the highest of a wrong one (a wrong field should be unsure)."""
    right = [o.confidence or 0.0 for o in outcomes if o.correct]
    wrong = [o.confidence or 0.0 for o in outcomes if not o.correct]
    return {"conf_right_mean": round(sum(right) / len(right), 4) if right else None,
            "conf_wrong_mean": round(sum(wrong) / len(wrong), 4) if wrong else None,
            "conf_wrong_max": round(max(wrong), 4) if wrong else None}


def _not_run(form: str, ran: dict) -> list[str] | None:
    try:
        from extract.mapping.decl_load import load_form
        from extract.mapping.forms import BUILTIN_DIR

        declared = [c.name for c in load_form(BUILTIN_DIR / f"{form}.yaml").checks]
    except Exception:  # a form without a declaration (the department form's own checks)
        return None
    return [n for n in declared if n not in ran]


GENERATED = Path("corpus/generated")
# (name, folder, in_sample): held-out first; the tune split is what the mapper was fixed on.
ROUTE_SETS = (("heldout_born", "forms_indep_born/heldout", False), ("heldout_mild", "forms_indep_mild/heldout", False),
              ("tune_born (in-sample)", "forms_indep_born/tune", True), ("tune_mild (in-sample)", "forms_indep_mild/tune", True),
              ("tune_harsh (in-sample)", "forms_indep_harsh/tune", True))


def run_routes(root: Path = GENERATED, show_errors: bool = False, only: str | None = None) -> dict:
    """Figures of every route set present under ``root``, per form, held-out sets first."""
    out: dict = {}
    for name, rel, in_sample in ROUTE_SETS:
        folder = root / rel
        if (only and only not in name) or not folder.is_dir():
            continue
        out[name] = {"in_sample": in_sample, "dir": str(folder), "forms": run(folder, show_errors)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.forms_bench", description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--routes", action="store_true", help="the independent-route sets (ROUTE_SETS)")
    ap.add_argument("--only", help="with --routes: only sets whose name contains this")
    ap.add_argument("--report", type=Path)
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    if args.routes:
        figures = run_routes(show_errors=args.show_errors, only=args.only)
    elif args.dir is not None:
        figures = run(args.dir, args.show_errors)
    else:
        ap.error("give --dir DIR or --routes")
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    print(text)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
