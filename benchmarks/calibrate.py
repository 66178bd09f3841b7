"""Fit the confidence calibration on a training split; measure it on held-out splits.

    python -m benchmarks.calibrate collect [SET ...]   # run the pipeline (uncalibrated) and cache results
    python -m benchmarks.calibrate fit                 # fit on the training split -> extract/calibration.json
    python -m benchmarks.calibrate report              # held-out figures -> benchmarks/results/confidence.{md,json,png}

Splits (generated corpus, ``corpus/generated/``; scans by ``python -m corpus.scan``):
- training: generator seed 0 (``born_digital``, the two seed forms among them), its first 12 documents
  scanned mild (``tr_mild``, scan seed 0) and harsh (``tr_harsh``);
- held-out: generator seed 1 without the seed forms (``ho_born``: other documents, styles drawn afresh), its
  first 12 scanned mild and harsh with scan seed 1 (``ho_mild``, ``ho_harsh``); and, when helper "routes"
  has rendered independent documents, those (``BENCH_ROUTES`` folders) as a further held-out set.
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
TRAIN = {"tr_born": "born_digital", "tr_mild": "tr_mild", "tr_harsh": "tr_harsh"}
HELDOUT = {"ho_born": "ho_born", "ho_mild": "ho_mild", "ho_harsh": "ho_harsh"}
SUFFIXES = (".pdf", ".tif", ".tiff", ".png", ".jpg")


def routes_sets() -> dict[str, Path]:
    """Independent renderings (LibreOffice/Chromium) named by ``BENCH_ROUTES=name=DIR,...``, read in place."""
    out = {}
    for part in filter(None, os.environ.get("BENCH_ROUTES", "").split(",")):
        name, _, folder = part.partition("=")
        out[name] = Path(folder)
    return out


def folder_of(name: str) -> Path:
    extra = routes_sets()
    if name in extra:
        return extra[name]
    return GENERATED / {**TRAIN, **HELDOUT}[name]


def documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES
                  and (folder / f"{p.stem}.truth.json").exists())


def collect(names: list[str]) -> None:
    """Uncalibrated results (completeness and calibration off) for every document, cached by name."""
    from extract import calibration
    from extract.pipeline import extract_file

    for name in names:
        out = CACHE / name
        out.mkdir(parents=True, exist_ok=True)
        for doc in documents(folder_of(name)):
            target = out / f"{doc.stem}.json"
            if target.exists():
                continue
            t0 = time.perf_counter()
            with calibration.disabled():
                result = extract_file(doc)
            target.write_text(result.model_dump_json(), encoding="utf-8")
            print(f"{name}/{doc.stem}: {result.status}, {len(result.documents)} form(s), "
                  f"{time.perf_counter() - t0:.1f}s", flush=True)


# ---------------------------------------------------------------- data: cached results against truth

def cached(name: str):
    """(document path stem, uncalibrated Result, DocTruth) for every cached document of a set."""
    from corpus.truth import DocTruth
    from extract.types import Result

    folder = folder_of(name)
    for path in sorted((CACHE / name).glob("*.json")):
        truth = folder / f"{path.stem}.truth.json"
        if truth.exists():
            yield (path.stem, Result.model_validate_json(path.read_text(encoding="utf-8")),
                   DocTruth.model_validate_json(truth.read_text(encoding="utf-8")))


def _pointed(gaps, doc_index: int | None, path: str, pages: set[int]) -> bool:
    from extract.completeness import section_of

    for g in gaps:
        if doc_index is not None and g.document == doc_index and (section_of(path) in g.fields or "*" in g.fields):
            return True
        if g.kind == "table_unmapped" and (g.page in pages or doc_index is None):
            return True
    return False


def score_result(result, truth, model=None) -> dict:
    """Rows of one document: training rows (features, right) and evaluation items (confidence, wrong);
    ``model`` None scores the mapper's own confidences (completeness items still added)."""
    from benchmarks.metrics.fields import pair_documents
    from corpus.truth import flatten_fields, flatten_values, values_equal
    from extract.calibration import calibrate
    from extract.calibration_features import document_features
    from extract.completeness import add_completeness, gaps_of

    result = add_completeness(result)
    feats = {i: document_features(result, i) for i in range(len(result.documents))}
    scored = calibrate(result, model) if model else result
    gaps = gaps_of(result)
    index = {id(d): i for i, d in enumerate(scored.documents)}
    docs = [d.model_dump(mode="json") for d in scored.documents]
    for d, orig in zip(docs, scored.documents):
        d["_index"] = index[id(orig)]
    forms = [f.model_dump(mode="json") for f in truth.forms]
    train, items, silent = [], [(0.0, False)] * len(gaps), 0
    for doc, form in pair_documents(docs, forms):
        want = flatten_values(form["data"])
        got = flatten_fields(doc["data"]) if doc else {}
        di = doc["_index"] if doc else None
        pages = set(form.get("pages", []))
        missed_silently = False
        for path, value in want.items():
            if path in got:
                pred, conf = got[path]
                wrong = not values_equal(pred, value)
                items.append((conf if conf is not None else 1.0, wrong))
                if di is not None and path in feats[di]:
                    train.append((feats[di][path], not wrong))
            elif value is not None and not (isinstance(value, str) and not value.strip()):
                hit = _pointed(gaps, di, path, pages)
                items.append((0.0 if hit else 1.0, True))
                missed_silently |= not hit
        for path, (pred, conf) in got.items():
            if path not in want and pred is not None and not (isinstance(pred, str) and not pred.strip()):
                items.append((conf if conf is not None else 1.0, True))
                if di is not None and path in feats[di]:
                    train.append((feats[di][path], False))
        silent += missed_silently
    return {"train": train, "items": items, "silent_docs": silent, "status": result.status, "gaps": len(gaps)}


# ---------------------------------------------------------------- fit: L2-regularised logistic (IRLS)

L2 = 1.0
"""Ridge on the weights (not the intercept): with ~20 training errors per feature, keeps a feature seen
failing a handful of times from swinging to an extreme weight."""


def fit_logistic(rows: list[tuple[dict[str, float], bool]], names: tuple[str, ...], l2: float = L2,
                 iterations: int = 50) -> dict:
    import numpy as np

    X = np.array([[1.0] + [x.get(n, 0.0) for n in names] for x, _ in rows])
    y = np.array([1.0 if right else 0.0 for _, right in rows])
    w = np.zeros(X.shape[1])
    w[0] = np.log((y.mean() + 1e-3) / (1 - y.mean() + 1e-3))
    reg = np.eye(X.shape[1]) * l2
    reg[0, 0] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (y - p) - reg @ w
        hess = (X * (p * (1 - p))[:, None]).T @ X + reg + np.eye(X.shape[1]) * 1e-9
        step = np.linalg.solve(hess, grad)
        w += step
        if np.abs(step).max() < 1e-8:
            break
    return {"intercept": round(float(w[0]), 4), "weights": {n: round(float(v), 4) for n, v in zip(names, w[1:])}}


def fit_signed(rows: list[tuple[dict[str, float], bool]], names: tuple[str, ...], signs: dict[str, int]) -> dict:
    """Logistic fit in which a feature whose weight comes out against its meaning (a doubt signal that
    raises confidence: a handful of training errors can do that) is dropped and the rest refitted."""
    names = tuple(names)
    while True:
        model = fit_logistic(rows, names)
        bad = [n for n in names if signs.get(n, 0) * model["weights"][n] < 0]
        if not bad:
            break
        names = tuple(n for n in names if n not in bad)
    model["weights"] = {n: model["weights"].get(n, 0.0) for n in signs} | model["weights"]
    return model


def fit_and_write(path: Path | None = None) -> dict:
    from extract.calibration import COEFFICIENTS, load
    from extract.calibration_features import FEATURES, SIGNS

    rows, docs = [], 0
    for name in TRAIN:
        for _, result, truth in cached(name):
            rows += score_result(result, truth)["train"]
            docs += 1
    model = fit_signed(rows, FEATURES, SIGNS)
    model.update({"fitted_on": {"sets": list(TRAIN), "documents": docs, "values": len(rows),
                                "wrong": sum(not r for _, r in rows)},
                  "l2": L2, "features": "extract/calibration_features.py"})
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
    curves = {}
    for name in names:
        per = {"calibrated": [], "mapper": []}
        silent = ok_silent = docs = 0
        for _, result, truth in cached(name):
            docs += 1
            cal = score_result(result, truth, model)
            per["calibrated"] += cal["items"]
            per["mapper"] += score_result(result, truth, None)["items"]
            silent += cal["silent_docs"] > 0
            ok_silent += cal["silent_docs"] > 0 and cal["status"] == "ok"
        record["sets"][name] = {"documents": docs, "silent_docs": silent, "silent_ok_docs": ok_silent,
                                **{k: forecast_figures(v) for k, v in per.items()}}
        curves[name] = per["calibrated"]
    OUT.mkdir(parents=True, exist_ok=True)
    plot_reliability(curves, OUT / "confidence_reliability.png")
    (OUT / "confidence.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["| held-out set | docs | values | errors | caught@5% | caught@10% | caught@20% | wrong ≥0.9 | ECE | "
             "silent docs | mapper caught@10% | mapper wrong ≥0.9 |", "|---" * 12 + "|"]
    for name, e in record["sets"].items():
        c, m = e["calibrated"], e["mapper"]
        f = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
        few = " (<%d)" % FEW_ERRORS if c["few_errors"] else ""
        lines.append(f"| {name} | {e['documents']} | {c['items']} | {c['errors']}{few} | {f(c['caught_5'])} | "
                     f"{f(c['caught_10'])} | {f(c['caught_20'])} | {c['wrong_at_0.9']} | {f(c['ece'])} | "
                     f"{e['silent_docs']} | {f(m['caught_10'])} | {m['wrong_at_0.9']} |")
    (OUT / "confidence.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
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
    print(f"unknown command {cmd!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
