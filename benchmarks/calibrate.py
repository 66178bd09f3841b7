"""Fit the confidence calibration on a training split; measure it on held-out splits.

    python -m benchmarks.calibrate collect [SET ...]   # run the pipeline (uncalibrated) and cache results
    python -m benchmarks.calibrate fit                 # fit on the training split -> extract/calibration.json
    python -m benchmarks.calibrate report              # held-out figures -> benchmarks/results/confidence.{md,json,png}
    python -m benchmarks.calibrate all                 # the three in turn, from a clean checkout

``collect`` caches each document's uncalibrated result under ``benchmarks/results/tmp/calibration/SET/``,
stamped with a hash of the pipeline code before the stages after mapping: after a change to the mapper
or the readers, the stale cache is collected again; a change to completeness or calibration needs only
``fit`` and ``report``. Missing corpus folders are generated first by the benchmark sets' generators.
Time on 2 cores: a born-digital document 1-3 s, a scan 15-100 s (load-dependent); see the last line
``collected N documents ... in S s``.

Splits (generated corpus, ``corpus/generated/``, the folders of the benchmark's corpus sets):
- training (``tr_*``): generator seed 0 with the two seed forms (``born_digital``, set corpus-born), its mild
  and harsh scans (``scan_mild``, ``scan_harsh``: corpus-mild, corpus-harsh), and the independent routes'
  (LibreOffice from XLSX, Chromium from HTML) *tune* wording split, born-digital and scanned mild and harsh
  (``indep_<profile>/tune``: corpus-indep-*-tune);
- held-out (``ho_born``, ``in_*``): generator seed 20261201 without the seed forms (``heldout_born``:
  corpus-heldout) and the independent routes' held-out wording split (``indep_<profile>/heldout``:
  corpus-indep-*-heldout); further folders by ``BENCH_ROUTES=name=DIR,...``.
No constant is tuned on a held-out set: ``fit`` reads the training split only.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATED = REPO / "corpus" / "generated"
CACHE = REPO / "benchmarks" / "results" / "tmp" / "calibration"
OUT = REPO / "benchmarks" / "results"
TRAIN = {"tr_born": "born_digital", "tr_mild": "scan_mild", "tr_harsh": "scan_harsh",
         # independent renderings (LibreOffice from XLSX, Chromium from HTML), their *tune* wording split
         "tr_indep_born": "indep_born/tune", "tr_indep_mild": "indep_mild/tune",
         "tr_indep_harsh": "indep_harsh/tune"}
HELDOUT = {"ho_born": "heldout_born",
           # independent renderings, their held-out wording split, as printed and scanned
           "in_born": "indep_born/heldout", "in_mild": "indep_mild/heldout", "in_harsh": "indep_harsh/heldout"}
SUFFIXES = (".pdf", ".tif", ".tiff", ".png", ".jpg")


def routes_sets() -> dict[str, Path]:
    """Independent renderings (LibreOffice/Chromium) named by ``BENCH_ROUTES=name=DIR,...``, read in place."""
    out = {}
    for part in filter(None, os.environ.get("BENCH_ROUTES", "").split(",")):
        name, _, folder = part.partition("=")
        out[name] = Path(folder)
    return out


def folder_of(name: str, make: bool = False) -> Path:
    """The set's folder; with ``make``, generated first (by the benchmark sets' own generators) when it
    holds no document yet, so a clean checkout needs only this command."""
    extra = routes_sets()
    if name in extra:
        return extra[name]
    rel = {**TRAIN, **HELDOUT}[name]
    folder = GENERATED / rel
    if make and not documents(folder):
        if rel.startswith("indep_"):
            from benchmarks.sets import indep

            profile, split = rel.removeprefix("indep_").split("/")
            indep.ensure_generated(profile, split)
        else:
            from benchmarks.sets import corpus

            corpus.ensure_generated(rel)
    return folder


SEED_FORMS = ("seed-",)
"""The two seed forms are training documents; a held-out folder that holds copies of them skips them."""


def documents(folder: Path) -> list[Path]:
    held_out = folder in {GENERATED / f for f in HELDOUT.values()}
    return sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES
                  and (folder / f"{p.stem}.truth.json").exists()
                  and not (held_out and p.stem.startswith(SEED_FORMS)))


STAMP = ".pipeline"
AFTER_MAPPING = ("completeness", "calibration")
"""Modules that run when a cached result is scored, not when it is collected: changing them needs no
new collection (``fit`` and ``report`` re-run them on the cache)."""


def pipeline_fingerprint() -> str:
    """Hash of the code that makes a cached (uncalibrated) result: every ``extract`` and ``models`` module
    but the stages after mapping. A cache made by other code is stale and is collected again."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted([*(REPO / "extract").rglob("*.py"), *(REPO / "extract").rglob("*.yaml"),
                        *(REPO / "models").rglob("*.py")]):
        if path.parent == REPO / "extract" and path.stem.startswith(AFTER_MAPPING):
            continue
        h.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _fresh_cache(out: Path, fingerprint: str) -> None:
    """Empty a set's cache made by other pipeline code; a cache without a stamp is adopted."""
    stamp = out / STAMP
    if stamp.exists() and stamp.read_text().strip() != fingerprint:
        for old in out.glob("*.json"):
            old.unlink()
    stamp.write_text(fingerprint)


def truth_hash(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def collect(names: list[str]) -> None:
    """Uncalibrated results (completeness and calibration off) for every document, cached by name.

    ``COLLECT_LIMIT=N``: the first N documents of each set; ``COLLECT_REVERSE=1``: work from the other end
    (a second collector beside the first); results already cached by the same pipeline code are kept."""
    from extract import calibration
    from extract.pipeline import extract_file

    limit = int(os.environ.get("COLLECT_LIMIT", "0")) or None
    fingerprint = pipeline_fingerprint()
    queues = {name: documents(folder_of(name, make=True))[:limit] for name in names}
    for name in queues:
        (CACHE / name).mkdir(parents=True, exist_ok=True)
        _fresh_cache(CACHE / name, fingerprint)
    order = [(name, queue[i]) for i in range(max((len(q) for q in queues.values()), default=0))
             for name, queue in queues.items() if i < len(queue)]  # round robin: every set gets documents early
    if os.environ.get("COLLECT_REVERSE"):
        order.reverse()  # a second collector beside the first works from the other end
    started = time.perf_counter()
    for name, doc in order:
        target = CACHE / name / f"{doc.stem}.json"
        if target.exists() and _matches_truth(target, doc.with_name(f"{doc.stem}.truth.json")):
            continue  # (a folder generated again holds other documents: those are collected again)
        t0 = time.perf_counter()
        with calibration.disabled():
            result = extract_file(doc)
        target.write_text(result.model_dump_json(), encoding="utf-8")
        truth = doc.with_name(f"{doc.stem}.truth.json")
        target.with_suffix(".truth-sha").write_text(truth_hash(truth))
        target.with_name(truth.name).write_bytes(truth.read_bytes())  # the pair is scored as collected
        print(f"{name}/{doc.stem}: {result.status}, {len(result.documents)} form(s), "
              f"{time.perf_counter() - t0:.1f}s", flush=True)
    print(f"collected {len(order)} documents of {len(names)} sets in {time.perf_counter() - started:.0f}s", flush=True)


# ---------------------------------------------------------------- data: cached results against truth

def _matches_truth(cached_path: Path, truth: Path) -> bool:
    """The cached result was made from the document the truth now describes (a corpus folder generated
    again, by another version of the generator, holds other documents under the same names)."""
    stamp = cached_path.with_suffix(".truth-sha")
    return not stamp.exists() or stamp.read_text().strip() == truth_hash(truth)


def cached(name: str):
    """(document path stem, uncalibrated Result, DocTruth) for every cached document of a set."""
    from corpus.truth import DocTruth
    from extract.types import Result

    folder = folder_of(name)
    wanted = {p.stem for p in documents(folder)}
    for path in sorted((CACHE / name).glob("*.json")):
        if path.name.endswith(".truth.json") or (name in HELDOUT and path.stem.startswith(SEED_FORMS)):
            continue
        kept = path.with_name(f"{path.stem}.truth.json")  # the truth as it was when collected
        truth = kept if kept.exists() else folder / f"{path.stem}.truth.json"
        if truth.exists() and (kept.exists() or (path.stem in wanted and _matches_truth(path, truth))):
            yield (path.stem, Result.model_validate_json(path.read_text(encoding="utf-8")),
                   DocTruth.model_validate_json(truth.read_text(encoding="utf-8")))


def _pointing_gap(gaps, doc_index: int | None, path: str, pages: set[int]) -> int | None:
    """Index of the first completeness item pointing at the absent value at ``path``: one of its
    document naming its section (or the whole form), or an unmapped form-like table on its pages."""
    from extract.completeness import section_of

    name = re.sub(r"\[\d+\]", "[]", path)
    for n, g in enumerate(gaps):
        if doc_index is not None and g.document == doc_index and (
                section_of(path) in g.fields or "*" in g.fields or path in g.fields or name in g.fields):
            return n
        if g.kind == "table_unmapped" and (g.page in pages or (doc_index is None and g.document is None)):
            return n
    return None


GAP_RANK = -1.0
"""Completeness items come first in the review queue (``extract.review``), before any value."""


def score_result(result, truth, model=None) -> dict:
    """One document against its truth.

    ``train``: (features, right) per calibrated value; ``values``: (confidence, wrong) per value, an absent
    one at 1.0, or at 0.0 when a completeness item points at it; ``units``: what a reviewer works through,
    (confidence, errors found there): one per present value, one per absent value nothing points at, and
    one per completeness item at 0.0 holding the absent values it points at. ``model`` None scores the
    mapper's own confidences (completeness items still added)."""
    from benchmarks.metrics.fields import pair_documents
    from corpus.truth import flatten_fields, flatten_values, values_equal
    from extract.calibration import calibrate, doubt_gapped_documents
    from extract.calibration_features import document_features
    from extract.completeness import _leaves, add_completeness, gaps_of

    result = add_completeness(result)
    feats = {i: document_features(result, i) for i in range(len(result.documents))}
    scored = doubt_gapped_documents(calibrate(result, model)) if model else result
    gaps = gaps_of(result)
    docs = [{**d.model_dump(mode="json"), "_index": i} for i, d in enumerate(scored.documents)]
    forms = [f.model_dump(mode="json") for f in truth.forms]
    train, values, units, silent = [], [], [], 0
    gap_errors = [0] * len(gaps)

    def blank(v) -> bool:
        return v is None or (isinstance(v, str) and not v.strip())

    for doc, form in pair_documents(docs, forms):
        want = flatten_values(form["data"])
        got = flatten_fields(doc["data"]) if doc else {}
        di = doc["_index"] if doc else None
        pages = set(form.get("pages", []))
        missed_silently = False
        leaves = dict(_leaves(doc["data"])) if doc else {}
        for path, value in want.items():
            leaf = leaves.get(path) or {}
            if path in got and blank(got[path][0]) and not leaf.get("source"):
                del got[path]  # a blank the form has no cell for: the queue never shows it, so it is absent
            if path in got:
                pred, conf = got[path]
                wrong = not values_equal(pred, value)
                conf = conf if conf is not None else 1.0
                values.append((conf, wrong))
                units.append((conf, int(wrong)))
                if di is not None and path in feats[di]:
                    train.append((feats[di][path], not wrong))
            elif not blank(value):
                n = _pointing_gap(gaps, di, path, pages)
                values.append((0.0 if n is not None else 1.0, True))
                if n is None:
                    units.append((1.0, 1))
                    missed_silently = True
                else:
                    gap_errors[n] += 1
        for path, (pred, conf) in got.items():
            if path not in want and not blank(pred):
                values.append((conf if conf is not None else 1.0, True))
                units.append((conf if conf is not None else 1.0, 1))
                if di is not None and path in feats[di]:
                    train.append((feats[di][path], False))
        silent += missed_silently
    units += [(GAP_RANK, e) for e in gap_errors]
    return {"train": train, "values": values, "units": units, "silent_docs": silent, "status": result.status,
            "gaps": len(gaps)}


# ---------------------------------------------------------------- fit (``benchmarks.calibrate_fit``)

from benchmarks.calibrate_fit import L2, fit_logistic, fit_signed  # noqa: E402,F401


def fit_and_write(path: Path | None = None) -> dict:
    from extract.calibration import COEFFICIENTS, load
    from extract.calibration_features import FEATURES, PRIOR, SIGNS

    rows, docs = [], 0
    for name in TRAIN:
        for _, result, truth in cached(name):
            rows += score_result(result, truth)["train"]
            docs += 1
    model = fit_signed(rows, FEATURES, SIGNS, PRIOR)
    model.update({"fitted_on": {"sets": list(TRAIN), "documents": docs, "values": len(rows),
                                "wrong": sum(not r for _, r in rows)},
                  "l2": L2, "prior": PRIOR, "features": "extract/calibration_features.py"})
    target = path or COEFFICIENTS
    target.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    load.cache_clear()
    print(json.dumps(model, ensure_ascii=False))
    return model


# ---------------------------------------------------------------- report: held-out sets only

def report(names: list[str] | None = None) -> dict:
    from benchmarks.metrics.confidence import FEW_ERRORS, forecast_figures, plot_reliability
    from extract.calibration import load

    model = load()
    names = names or [n for n in list(HELDOUT) + list(routes_sets()) if (CACHE / n).exists()]
    record: dict = {"model": model, "sets": {}}
    curves: dict = {}
    pooled: dict = {}
    for name in names:
        per = {"calibrated": ([], []), "mapper": ([], [])}
        silent = ok_silent = docs = 0
        for _, result, truth in cached(name):
            docs += 1
            cal = score_result(result, truth, model)
            raw = score_result(result, truth, None)
            for key, got in (("calibrated", cal), ("mapper", raw)):
                per[key][0].extend(got["values"])
                per[key][1].extend(got["units"])
            silent += cal["silent_docs"] > 0
            ok_silent += cal["silent_docs"] > 0 and cal["status"] == "ok"
        record["sets"][name] = {"documents": docs, "silent_docs": silent, "silent_ok_docs": ok_silent,
                                **{k: forecast_figures(*v) for k, v in per.items()}}
        curves[name] = per["calibrated"][0]
        group = "all born-digital" if name.endswith("_born") else "all scans"
        acc = pooled.setdefault(group, {"documents": 0, "silent_docs": 0, "silent_ok_docs": 0,
                                        "calibrated": ([], []), "mapper": ([], [])})
        acc["documents"] += docs
        acc["silent_docs"] += silent
        acc["silent_ok_docs"] += ok_silent
        for k, (v, u) in per.items():
            acc[k][0].extend(v)
            acc[k][1].extend(u)
    for group, acc in pooled.items():
        record["sets"][group] = {**{k: acc[k] for k in ("documents", "silent_docs", "silent_ok_docs")},
                                 **{k: forecast_figures(*acc[k]) for k in ("calibrated", "mapper")}}
    OUT.mkdir(parents=True, exist_ok=True)
    plot_reliability(curves, OUT / "confidence_reliability.png")
    (OUT / "confidence.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["| held-out set | docs | values | errors | caught@5% | caught@10% | caught@20% | wrong ≥0.9 | ECE | "
             "silent docs (ok) | mapper caught@10% | mapper wrong ≥0.9 | mapper ECE |", "|---" * 13 + "|"]
    for name, e in record["sets"].items():
        c, m = e["calibrated"], e["mapper"]
        f = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
        few = f" (<{FEW_ERRORS})" if c["few_errors"] else ""
        lines.append(f"| {name} | {e['documents']} | {c['items']} | {c['errors']}{few} | {f(c['caught_5'])} | "
                     f"{f(c['caught_10'])} | {f(c['caught_20'])} | {c['wrong_at_0.9']} | {f(c['ece'])} | "
                     f"{e['silent_docs']} ({e['silent_ok_docs']}) | {f(m['caught_10'])} | {m['wrong_at_0.9']} | "
                     f"{f(m['ece'])} |")
    fitted = (model or {}).get("fitted_on", {})
    head = ["# Confidence on held-out sets (python -m benchmarks.calibrate report)", "",
            f"Calibration fitted on {', '.join(fitted.get('sets', []))} ({fitted.get('documents')} documents, "
            f"{fitted.get('values')} values, {fitted.get('wrong')} wrong); no held-out set was fitted on. "
            "Errors include absent values (at confidence 1.0 unless a completeness item points at them); "
            "caught@N%: share of errors found reviewing completeness items, then values least confident "
            "first, within N% of the values. (<100): the figure rests on fewer than 100 errors. "
            "silent docs: documents missing a value no item points at (those reporting `ok`). "
            "Held-out sets: ho_born = corpus-heldout (generator seed 20261201, seed forms excluded), in_* = the "
            "independent routes' held-out wording split (corpus-indep-*-heldout); none was opened or fitted on. "
            "docs: the documents collected (COLLECT_LIMIT may cap scans). ""Reliability diagram: confidence_reliability.png.", ""]
    (OUT / "confidence.md").write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return record


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print(__doc__)
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "collect":
        collect(rest or list(TRAIN) + list(HELDOUT) + list(routes_sets()))
        return 0
    if cmd == "fit":
        fit_and_write()
        return 0
    if cmd == "report":
        report(rest or None)
        return 0
    if cmd == "all":
        collect(list(TRAIN) + list(HELDOUT) + list(routes_sets()))
        fit_and_write()
        report()
        return 0
    print(f"unknown command {cmd!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
