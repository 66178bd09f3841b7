"""Per-set figures for one method's run: each set scores with the metrics its truth supports."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from benchmarks.metrics.align import align_rows
from benchmarks.metrics.cells import Counts, cell_detection_counts, ink_box
from benchmarks.metrics.cer import corpus_cer, normalize_text
from benchmarks.metrics.confidence import forecast_figures
from benchmarks.metrics.fields import FieldOutcome, accuracy, field_outcomes, pair_documents
from benchmarks.metrics.merged import merged_cell_hits
from benchmarks.metrics.review import ReviewScore, score_review
from benchmarks.metrics.teds import LAYOUT_NEUTRAL_IGNORE, cells_to_html, teds
from benchmarks.runner import MethodSetRun
from extract.types import Table

Figures = dict[str, float | int | None]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def table_html(table: Table | None) -> str:
    if table is None:
        return "<html><body><table></table></body></html>"
    return cells_to_html(table.n_rows, [(c.row, c.col, c.row_span, c.col_span, c.text) for c in table.cells])


def _text_bag(cells) -> Counter:
    return Counter(t for t in (normalize_text(c.text) for c in cells) if t)


def best_table(truth_pages: set[int], truth_cells, tables: Sequence[Table]) -> Table | None:
    """The predicted table sharing a page with the truth table whose cell texts overlap it most."""
    want = _text_bag(truth_cells)
    best, best_score = None, 0.0
    for t in tables:
        if truth_pages and not truth_pages & set(t.pages):
            continue
        got = _text_bag(t.cells)
        common = sum((want & got).values())
        score = 2 * common / (sum(want.values()) + sum(got.values()) or 1)
        if score > best_score:
            best, best_score = t, score
    return best


def _row_texts(n_rows: int, cells) -> list[str]:
    rows: list[list[tuple[int, str]]] = [[] for _ in range(n_rows)]
    for c in cells:
        for r in range(c.row, min(c.row + c.row_span, n_rows)):
            rows[r].append((c.col, c.text))
    return [" ".join(t for _, t in sorted(row)) for row in rows]


def aligned_text_pairs(truth, pred: Table | None) -> list[tuple[str, str]]:
    """(predicted, truth) text per truth cell, rows aligned first (see metrics.align)."""
    if pred is None:
        return [("", c.text) for c in truth.cells]
    pairs = align_rows(_row_texts(truth.n_rows, truth.cells), _row_texts(pred.n_rows, pred.cells))
    out = []
    for c in truth.cells:
        got = pred.cell_at(pairs[c.row], c.col) if c.row in pairs else None
        out.append((got.text if got else "", c.text))
    return out


def _speed(run: MethodSetRun) -> Figures:
    return {"sec_per_page": run.seconds_per_page, "peak_rss_mib": run.peak_rss_mib,
            "docs": len(run.runs), "failed_docs": len(run.missing) + sum(bool(r.prediction.error) for r in run.runs)}


CONFIDENCE_KEYS = {"errors": "conf_errors", "caught_5": "review_catch_5", "caught_10": "review_catch_10",
                   "caught_20": "review_catch_20", "wrong_at_0.9": "wrong_at_0.9", "ece": "ece", "auroc": "auroc"}
"""The benchmark's names for ``metrics.confidence.forecast_figures`` (the calibration report's figures)."""


def confidence_figures(review: ReviewScore) -> Figures:
    """caught@5/10/20, wrong at >=0.9, ECE, AUROC exactly as ``benchmarks.calibrate report`` computes them
    (``metrics.review``: absent values count, completeness items come first)."""
    figures = forecast_figures(review.values, review.units)
    return {ours: figures[key] for key, ours in CONFIDENCE_KEYS.items()}


def score_corpus(run: MethodSetRun, has_confidence: bool) -> tuple[Figures, list[tuple[float, bool]]]:
    """The set's figures and, for a method with confidence, its (confidence, wrong) per value as the
    confidence figures count them (for the reliability plot)."""
    from benchmarks.sets.corpus import load_truth

    teds_full, teds_struct, cer_pairs = [], [], []
    hits = total = 0
    outcomes: list[FieldOutcome] = []
    review = ReviewScore()
    for r in run.runs:
        truth = load_truth(r.sample)
        for tt in truth.tables:
            pt = best_table(set(tt.pages), tt.cells, r.prediction.tables)
            gold = cells_to_html(tt.n_rows, [(c.row, c.col, c.row_span, c.col_span, c.text) for c in tt.cells])
            pred = table_html(pt)
            teds_full.append(teds(pred, gold))
            teds_struct.append(teds(pred, gold, structure_only=True))
            h, n = merged_cell_hits(pt.cells if pt else [], tt.cells)
            hits, total = hits + h, total + n
            cer_pairs.extend(aligned_text_pairs(tt, pt))
        forms = [f.model_dump(mode="json") for f in truth.forms]
        for doc, form in pair_documents(list(r.prediction.documents), forms):
            outcomes.extend(field_outcomes(doc["data"] if doc else None, form["data"]))
        if has_confidence:
            review.extend(score_review(r.prediction.documents, r.prediction.issues, forms))
    figures: Figures = {
        "teds": _mean(teds_full), "teds_struct": _mean(teds_struct),
        "merged_cell_acc": hits / total if total else None, "cell_cer": corpus_cer(cer_pairs),
        "field_acc": accuracy(outcomes),
        # counts, gated with no tolerance (benchmarks/floor.py): one more wrong field fails the gate
        "fields": len(outcomes), "fields_wrong": sum(not o.correct for o in outcomes),
    }
    if has_confidence:
        figures.update(confidence_figures(review))
    figures.update(_speed(run))
    return figures, review.values


def score_icdar(run: MethodSetRun) -> Figures:
    from benchmarks.icdar2013 import load_ground_truth, score_against_alternatives, summarize, tables_to_scored
    from pathlib import Path

    scores = [score_against_alternatives(load_ground_truth(Path(r.sample.path)), tables_to_scored(r.prediction.tables))
              for r in run.runs]
    summary = summarize(scores) if scores else {}
    figures: Figures = {"adj_f1": summary.get("doc_f1"), "adj_precision": summary.get("doc_precision"),
                        "adj_recall": summary.get("doc_recall"), "adj_micro_f1": summary.get("micro_f1")}
    figures.update(_speed(run))
    return figures


def _pixel_boxes(r) -> list[tuple[float, float, float, float]]:
    """Predicted cells in image pixels (a page's width/height is its image size in its own units),
    each reduced to the ink it holds, as the truth outlines content (see metrics.cells.ink_box)."""
    import numpy as np
    from PIL import Image

    with Image.open(r.sample.path) as img:
        width, height = img.size
        gray = np.asarray(img.convert("L"))
    pages = {p.page: p for p in r.prediction.pages}
    out = []
    for t in r.prediction.tables:
        for c in t.cells:
            page = pages.get(c.page)
            sx = width / page.width if page and page.width else 1.0
            sy = height / page.height if page and page.height else 1.0
            box = ink_box(gray, (c.bbox[0] * sx, c.bbox[1] * sy, c.bbox[2] * sx, c.bbox[3] * sy))
            if box is not None:
                out.append(box)
    return out


def score_ctdar(run: MethodSetRun) -> Figures:
    from benchmarks.sets.ctdar import truth_cells

    counts = Counts()
    for r in run.runs:
        counts = counts + cell_detection_counts(_pixel_boxes(r), truth_cells(r.sample.truth))
    figures: Figures = {"cell_f1": counts.f1, "cell_precision": counts.precision, "cell_recall": counts.recall}
    figures.update(_speed(run))
    return figures


def score_pubtabnet(run: MethodSetRun) -> Figures:
    from benchmarks.sets.pubtabnet import truth_html

    full, struct = [], []
    for r in run.runs:
        gold = truth_html(r.sample.truth)
        tables = sorted(r.prediction.tables, key=lambda t: len(t.cells), reverse=True)
        pred = table_html(tables[0] if tables else None)
        full.append(teds(pred, gold, ignore=LAYOUT_NEUTRAL_IGNORE))
        struct.append(teds(pred, gold, structure_only=True, ignore=LAYOUT_NEUTRAL_IGNORE))
    figures: Figures = {"teds": _mean(full), "teds_struct": _mean(struct)}
    figures.update(_speed(run))
    return figures
