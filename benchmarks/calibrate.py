"""Fit the confidence calibration on a training split; measure it on held-out splits.

    python -m benchmarks.calibrate collect [SET ...]   # run the pipeline (uncalibrated) and cache results
    python -m benchmarks.calibrate fit                 # fit on the training split -> extract/calibration.json
    python -m benchmarks.calibrate report              # held-out figures -> benchmarks/results/confidence.{md,json,png}
    python -m benchmarks.calibrate all                 # the three in turn, from a clean checkout

``CALIBRATION_BASELINE=FILE`` (report): also score another calibration's coefficients on the same documents
(``git show REV:extract/calibration.json > FILE``: the calibration shipped before a refit) and add a table.

``collect`` caches each document's uncalibrated result under ``benchmarks/results/tmp/calibration/SET/``,
stamped with a hash of the pipeline code before the stages after mapping: after a change to the mapper
or the readers, the stale cache is collected again; a change to completeness or calibration needs only
``fit`` and ``report``. Missing corpus folders are generated first by the benchmark sets' generators.
Time on 2 cores: a born-digital document 1-3 s, a scan 15-100 s (load-dependent); see the last line
``collected N documents ... in S s``. ``COLLECT_LIMIT=N`` takes the first N documents of each scanned set
(born-digital sets are taken whole). Reproduced on the loaded 2-core machine (2026-12-02) with
``COLLECT_LIMIT=5 python -m benchmarks.calibrate all``: collect ~35 min (30 scans, ~170 born-digital
documents), fit ~1 min, report ~1 min; ``all`` prints each phase's time.

Splits (generated corpus, ``corpus/generated/``, the folders of the benchmark's corpus sets):
- training (``tr_*``): generator seed 0 with the two seed forms (``born_digital``, set corpus-born), its mild
  and harsh scans (``scan_mild``, ``scan_harsh``: corpus-mild, corpus-harsh), and the independent routes'
  (LibreOffice from XLSX, Chromium from HTML) *tune* wording split, born-digital and scanned mild and harsh
  (``indep_<profile>/tune``: corpus-indep-*-tune), and that wording split's born-digital documents drawn
  with generator seed 1 (``tr_indep_born_s1``, generated under ``benchmarks/results/tmp/``: see ``SEEDED``);
- held-out (``ho_born``, ``in_*``): generator seed 20261201 without the seed forms (``heldout_born``:
  corpus-heldout) and the independent routes' held-out wording split (``indep_<profile>/heldout``:
  corpus-indep-*-heldout); further folders by ``BENCH_ROUTES=name=DIR,...``.
No constant is tuned on a held-out set: ``fit`` reads the training split only.
"""
from __future__ import annotations

import json
import os
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
PRIVATE = REPO / "benchmarks" / "results" / "tmp" / "calibration_corpus"
SEEDED = {"tr_indep_born_s1": ("tune", 1, 24)}
"""Training sets drawn by the independent routes' generator with another seed (split, seed, documents),
generated here under the git-ignored ``PRIVATE`` folder (never into the shared corpus). The tune split of
seed 0 is what the mapper was tuned on: its born-digital documents read without an error (0 of 3122 values
wrong, 2026-12-02), so they give the fit nothing to weigh the mapper's doubts by on born-digital pages;
the same wording split drawn with seed 1 (24 documents, ~100 s to generate) shows 202 wrong of 5343 values
(a column left unread, values placed by position): evidence on documents the mapper was not tuned on,
without opening a held-out set."""
TRAIN |= {name: f"indep_born_s{seed}/{split}" for name, (split, seed, _) in SEEDED.items()}
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
    if name in SEEDED:
        return seeded_folder(name, make)
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


def seeded_folder(name: str, make: bool) -> Path:
    """A ``SEEDED`` set's folder; with ``make``, generated first when empty or made by other generator code
    (the stamp of ``benchmarks.sets.indep.fingerprint``, plus the seed and size)."""
    import subprocess

    from benchmarks.sets import indep

    split, seed, n = SEEDED[name]
    out = PRIVATE / TRAIN[name].split("/")[0]
    folder = out / split
    stamp = folder / indep.STAMP
    want = f"{indep.fingerprint()}:{seed}:{n}"
    if make and not (documents(folder) and stamp.exists() and stamp.read_text().strip() == want):
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "corpus.routes", "--out", str(out), "--split", split, "--n", str(n),
                        "--seed", str(seed)], cwd=REPO, check=True)
        stamp.write_text(want)
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


def is_scan_set(name: str) -> bool:
    """A set of scans (15-100 s a document on 2 cores), not of born-digital PDFs."""
    rel = {**TRAIN, **HELDOUT}.get(name)
    return rel is not None and "born" not in rel.split("/")[0]


def collect_limit(name: str) -> int | None:
    """How many documents of the set ``collect`` takes (None: all), from ``COLLECT_LIMIT`` (scanned sets)
    and ``COLLECT_BORN_LIMIT`` (born-digital sets)."""
    key = "COLLECT_LIMIT" if is_scan_set(name) else "COLLECT_BORN_LIMIT"
    return int(os.environ.get(key, "0")) or None


def collect(names: list[str]) -> None:
    """Uncalibrated results (completeness and calibration off) for every document, cached by name.

    ``COLLECT_LIMIT=N``: the first N documents of each scanned set (born-digital sets, about a second a
    document, are collected whole: ``COLLECT_BORN_LIMIT=N`` caps them too); ``COLLECT_REVERSE=1``: work
    from the other end (a second collector beside the first); results already cached by the same pipeline
    code are kept."""
    from extract import calibration
    from extract.pipeline import extract_file

    fingerprint = pipeline_fingerprint()
    queues = {name: documents(folder_of(name, make=True))[:collect_limit(name)] for name in names}
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


def score_result(result, truth, model=None) -> dict:
    """One cached (uncalibrated) document against its truth, scored as the benchmark scores it
    (``benchmarks.metrics.review.score_review``: the one definition of values, units and caught).

    ``train``: (features, right) per calibrated present value; ``values``, ``units``: see ``score_review``.
    ``model`` None scores the mapper's own confidences (completeness items still added)."""
    from benchmarks.metrics.review import score_review
    from extract.calibration import calibrate, doubt_gapped_documents
    from extract.calibration_features import document_features
    from extract.completeness import add_completeness, gaps_of

    result = add_completeness(result)
    scored = doubt_gapped_documents(calibrate(result, model)) if model else result
    review = score_review([d.model_dump(mode="json") for d in scored.documents], scored.issues,
                          [f.model_dump(mode="json") for f in truth.forms])
    feats = {i: document_features(result, i) for i in {di for di, _, _ in review.present}}
    train = [(feats[di][path], not wrong) for di, path, wrong in review.present if path in feats[di]]
    return {"train": train, "values": review.values, "units": review.units, "silent_docs": review.silent_docs,
            "status": result.status, "gaps": len(gaps_of(result))}


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
    baseline_path = os.environ.get("CALIBRATION_BASELINE")
    baseline = json.loads(Path(baseline_path).read_text(encoding="utf-8")) if baseline_path else None
    names = names or [n for n in list(HELDOUT) + list(routes_sets()) if (CACHE / n).exists()]
    record: dict = {"model": model, "sets": {}, **({"baseline": baseline_path} if baseline else {})}
    kinds = ("calibrated", "mapper", *(("baseline",) if baseline else ()))
    curves: dict = {}
    pooled: dict = {}
    for name in names:
        per: dict = {k: ([], []) for k in kinds}
        silent = ok_silent = docs = 0
        for _, result, truth in cached(name):
            docs += 1
            cal = score_result(result, truth, model)
            scored = {"calibrated": cal, "mapper": score_result(result, truth, None)}
            if baseline:
                scored["baseline"] = score_result(result, truth, baseline)
            for key, got in scored.items():
                per[key][0].extend(got["values"])
                per[key][1].extend(got["units"])
            silent += cal["silent_docs"] > 0
            ok_silent += cal["silent_docs"] > 0 and cal["status"] == "ok"
        record["sets"][name] = {"documents": docs, "silent_docs": silent, "silent_ok_docs": ok_silent,
                                **{k: forecast_figures(*v) for k, v in per.items()}}
        curves[name] = per["calibrated"][0]
        group = "all born-digital" if name.endswith("_born") else "all scans"
        acc = pooled.setdefault(group, {"documents": 0, "silent_docs": 0, "silent_ok_docs": 0,
                                        **{k: ([], []) for k in kinds}})
        acc["documents"] += docs
        acc["silent_docs"] += silent
        acc["silent_ok_docs"] += ok_silent
        for k, (v, u) in per.items():
            acc[k][0].extend(v)
            acc[k][1].extend(u)
    for group, acc in pooled.items():
        record["sets"][group] = {**{k: acc[k] for k in ("documents", "silent_docs", "silent_ok_docs")},
                                 **{k: forecast_figures(*acc[k]) for k in kinds}}
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
    if baseline:
        lines += ["", f"Baseline: the coefficients of `{baseline_path}` (fitted on "
                  f"{', '.join(baseline.get('fitted_on', {}).get('sets', []))}) on the same documents and code.", "",
                  "| held-out set | errors | caught@5% | caught@10% | caught@20% | wrong ≥0.9 | ECE | "
                  "baseline caught@5% | baseline caught@10% | baseline caught@20% | baseline wrong ≥0.9 | "
                  "baseline ECE |", "|---" * 12 + "|"]
        for name, e in record["sets"].items():
            c, b = e["calibrated"], e["baseline"]
            f = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
            lines.append(f"| {name} | {c['errors']} | " + " | ".join(
                [f(c[k]) for k in ("caught_5", "caught_10", "caught_20")] + [str(c["wrong_at_0.9"]), f(c["ece"])]
                + [f(b[k]) for k in ("caught_5", "caught_10", "caught_20")] + [str(b["wrong_at_0.9"]), f(b["ece"])])
                + " |")
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
        for phase, run in (("collect", lambda: collect(list(TRAIN) + list(HELDOUT) + list(routes_sets()))),
                           ("fit", fit_and_write), ("report", report)):
            t0 = time.perf_counter()
            run()
            print(f"{phase}: {time.perf_counter() - t0:.0f}s", flush=True)
        return 0
    print(f"unknown command {cmd!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
