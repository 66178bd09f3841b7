"""ICDAR 2013 table competition: ground truth, the adjacency-relation metric, and a runner for us and peers.

Metric (Göbel et al. 2012, "A methodology for evaluating algorithms for table understanding in PDF
documents", as used by the 2013 competition): every non-empty cell is related to its nearest non-empty
neighbour to the right (same row) and below (same column), skipping empty cells; a relation is
``(text1, text2, direction)`` with both texts normalised (alphanumerics only, lower case). Ground-truth
regions are matched one-to-one to result tables on the same page by bounding-box overlap; relations are
compared as multisets within each matched pair. Every relation of every result table counts towards
precision (tables found where the truth has none are errors), every truth relation towards recall.
Where a ``*b-str.xml`` alternative truth exists, the better-scoring truth is used for that document.

Two averages are reported: *micro* (relation counts summed over all documents) and *document* (mean of the
per-document precision, recall and F1). The document average F1 is the headline figure. A third, laxer
column ("matched only") leaves tables that match no truth region out of precision, as evaluations that
score structure inside known regions do.

Usage: ``python -m benchmarks.icdar2013 [--methods ours,camelot-stream,...] [--docs eu-001,us-012]
[--refresh]``. Peer results are cached in ``.scratch/icdar2013/<method>/`` (delete or ``--refresh``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.icdar2013_metric import (DATA_DIR, DocScore, GridCell, ScoredTable, _page_heights,  # noqa: F401
                                         adjacency_relations, list_documents, load_ground_truth, match_tables,
                                         normalize_text, read_structure_xml, score_against_alternatives,
                                         score_document, summarize)

CACHE_DIR = Path(__file__).resolve().parent.parent / ".scratch" / "icdar2013"
CAMELOT_FLAVORS = ("lattice", "stream", "network", "hybrid", "auto")


@dataclass
class MethodRun:
    name: str
    tables: dict[str, list[ScoredTable]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- methods

LOADER = {"name": "project"}  # "standin" forces the benchmark's own pypdfium2 loader


def load_pages(pdf: Path):
    """(PageInfo, spans, rulings) per page: the project's loader once it exists, else the stand-in."""
    try:
        if LOADER["name"] == "standin":
            raise ImportError("stand-in loader requested")
        from extract.document import open_document
    except ImportError:
        from benchmarks.icdar2013_pdftext import load_pdf_pages

        return load_pdf_pages(pdf)
    doc = open_document(pdf)
    return [(p.info, list(p.spans), list(p.rulings)) for p in doc.iter_pages()]


def _ruled_tables(info, spans, rulings) -> list:
    """Tables from the ruled-grid stage when it is available (helper B2's build_page_tables)."""
    try:
        from extract.structure.build import build_page_tables
    except ImportError:
        return []
    from extract.structure.unruled_refine import reread_ruled_tables

    ruled = list(build_page_tables(info, spans, rulings, id_prefix=f"p{info.page}").tables)
    return reread_ruled_tables(info, spans, rulings, ruled)


def tables_to_scored(tables) -> list[ScoredTable]:
    """extract Tables -> one ScoredTable per page a table touches."""
    out: list[ScoredTable] = []
    for t in tables:
        for page in t.pages:
            cells = [c for c in t.cells if c.page == page]
            if not cells:
                continue
            bbox = (min(c.bbox[0] for c in cells), min(c.bbox[1] for c in cells),
                    max(c.bbox[2] for c in cells), max(c.bbox[3] for c in cells))
            out.append(ScoredTable(page, bbox, tuple(
                GridCell(c.row, c.col, c.text, c.row_span, c.col_span) for c in cells)))
    return out


def run_ours(pdf: Path) -> tuple[list[ScoredTable], int]:
    from extract.structure.unruled import find_unruled_tables

    tables = []
    pages = load_pages(pdf)
    for info, spans, rulings in pages:
        ruled = _ruled_tables(info, spans, rulings)
        exclude = [t.bbox for t in ruled if t.bbox is not None]
        tables.extend(ruled)
        tables.extend(find_unruled_tables(info, spans, rulings, exclude))
    return tables_to_scored(tables), len(pages)


def _frame_cells(rows: list[list[str | None]]) -> tuple[GridCell, ...]:
    return tuple(GridCell(r, k, text or "") for r, row in enumerate(rows) for k, text in enumerate(row))


def run_camelot(pdf: Path, flavor: str) -> tuple[list[ScoredTable], int]:
    import camelot

    heights = _page_heights(pdf)
    tables = camelot.read_pdf(str(pdf), pages="all", flavor=flavor, suppress_stdout=True)
    out = []
    for t in tables:
        page = int(t.page)
        x1, y1, x2, y2 = t._bbox
        h = heights[page - 1]
        out.append(ScoredTable(page, (x1, h - y2, x2, h - y1), _frame_cells(t.df.values.tolist())))
    return out, len(heights)


def run_pdfplumber(pdf: Path) -> tuple[list[ScoredTable], int]:
    import pdfplumber

    out = []
    with pdfplumber.open(str(pdf)) as doc:
        for page in doc.pages:
            for t in page.find_tables():
                out.append(ScoredTable(page.page_number, tuple(t.bbox), _frame_cells(t.extract())))
        return out, len(doc.pages)


def method_runner(name: str) -> Callable[[Path], tuple[list[ScoredTable], int]]:
    if name == "ours":
        return run_ours
    if name == "pdfplumber":
        return run_pdfplumber
    if name.startswith("camelot-") and name.split("-", 1)[1] in CAMELOT_FLAVORS:
        flavor = name.split("-", 1)[1]
        return lambda pdf: run_camelot(pdf, flavor)
    raise ValueError(f"unknown method {name!r}")


# ---------------------------------------------------------------- runner with cache

def _cache_path(method: str, pdf: Path) -> Path:
    return CACHE_DIR / method / f"{pdf.stem}.json"


def _save(path: Path, tables: list[ScoredTable], seconds: float, pages: int, error: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"seconds": seconds, "pages": pages, "error": error, "tables": [
        {"page": t.page, "bbox": list(t.bbox),
         "cells": [[c.row, c.col, c.text, c.row_span, c.col_span] for c in t.cells]} for t in tables]}
    path.write_text(json.dumps(data, ensure_ascii=False))


def _load(path: Path) -> tuple[list[ScoredTable], float, int, str]:
    data = json.loads(path.read_text())
    tables = [ScoredTable(t["page"], tuple(t["bbox"]), tuple(GridCell(*c) for c in t["cells"]))
              for t in data["tables"]]
    return tables, data["seconds"], data["pages"], data.get("error", "")


def run_method(name: str, pdfs: list[Path], use_cache: bool) -> MethodRun:
    """Run one method on every PDF; peers are cached, ours always runs fresh."""
    run = MethodRun(name)
    runner = method_runner(name)
    for pdf in pdfs:
        cache = _cache_path(name, pdf)
        if use_cache and name != "ours" and cache.exists():
            tables, seconds, pages, error = _load(cache)
        else:
            t0 = time.perf_counter()
            error = ""
            try:
                tables, pages = runner(pdf)
            except Exception as exc:  # a failing document is a data point, not the end of the run
                tables, pages, error = [], len(_page_heights(pdf)), f"{type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - t0
            if name != "ours":
                _save(cache, tables, seconds, pages, error)
        run.tables[pdf.stem], run.seconds[pdf.stem], run.pages[pdf.stem] = tables, seconds, pages
        if error:
            run.errors[pdf.stem] = error
    return run


def score_run(run: MethodRun, truths: dict[str, list[list[ScoredTable]]]) -> tuple[dict, dict[str, DocScore]]:
    per_doc = {stem: score_against_alternatives(truths[stem], run.tables.get(stem, [])) for stem in truths}
    summary = summarize(list(per_doc.values()))
    summary["sec_per_page"] = sum(run.seconds.values()) / max(sum(run.pages.values()), 1)
    summary["errors"] = len(run.errors)
    return summary, per_doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--methods", default="ours," + ",".join(f"camelot-{f}" for f in CAMELOT_FLAVORS)
                    + ",pdfplumber")
    ap.add_argument("--docs", default="", help="comma-separated stems (eu-001,...); default all 67")
    ap.add_argument("--refresh", action="store_true", help="ignore cached peer results")
    ap.add_argument("--per-doc", action="store_true", help="print per-document F1 of each method")
    ap.add_argument("--json", type=Path, help="also write the summary here")
    ap.add_argument("--loader", choices=("project", "standin"), default="project",
                    help="page loader for ours: extract.document (project) or the benchmark's stand-in")
    args = ap.parse_args(argv)
    LOADER["name"] = args.loader
    pdfs = list_documents()
    if args.docs:
        wanted = set(args.docs.split(","))
        pdfs = [p for p in pdfs if p.stem in wanted]
    truths = {p.stem: load_ground_truth(p) for p in pdfs}
    summaries, per_docs = {}, {}
    for name in [m for m in args.methods.split(",") if m]:
        summaries[name], per_docs[name] = score_run(run_method(name, pdfs, not args.refresh), truths)
    print(f"ICDAR 2013, {len(pdfs)} documents. F1 doc = mean of per-document F1 (headline); micro = pooled.")
    print(f"{'method':18} {'docF1':>6} {'docP':>6} {'docR':>6} {'microF1':>8} {'microP':>7} {'microR':>7}"
          f" {'s/page':>7} {'errors':>6} {'docF1(matched only)':>20}")
    for name, s in summaries.items():
        print(f"{name:18} {s['doc_f1']:6.3f} {s['doc_precision']:6.3f} {s['doc_recall']:6.3f} "
              f"{s['micro_f1']:8.3f} {s['micro_precision']:7.3f} {s['micro_recall']:7.3f} "
              f"{s['sec_per_page']:7.3f} {s['errors']:6d} {s['doc_f1_matched_only']:20.3f}")
    if args.per_doc:
        for stem in truths:
            print(stem, " ".join(f"{n}={per_docs[n][stem].f1:.2f}" for n in summaries))
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
