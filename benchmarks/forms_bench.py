"""Field accuracy of the declared forms on their generated corpus (born-digital, or scans of it).

``python -m benchmarks.forms_bench --dir corpus/generated/forms/held_out [--report out.json] [--show-errors]``
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
    return {form: {"field_acc": accuracy(o), "fields": len(o), "wrong": sum(not x.correct for x in o),
                   "documents": len(doc_conf.get(form, []))} for form, o in sorted(per_form.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.forms_bench", description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--report", type=Path)
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args(argv)
    figures = run(args.dir, args.show_errors)
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    print(text)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
