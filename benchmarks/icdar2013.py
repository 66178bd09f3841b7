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
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path("/work/shared/evaldata/icdar2013")
CACHE_DIR = Path(__file__).resolve().parent.parent / ".scratch" / "icdar2013"
CAMELOT_FLAVORS = ("lattice", "stream", "network", "hybrid", "auto")

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class GridCell:
    """A cell as the metric sees it: its top-left grid position, spans and text."""

    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1


@dataclass(frozen=True)
class ScoredTable:
    """One table region on one page (top-left PDF coordinates) with its cells."""

    page: int
    bbox: BBox
    cells: tuple[GridCell, ...]


@dataclass
class DocScore:
    correct: int
    n_result: int
    n_truth: int
    n_result_matched: int = -1  # relations of result tables matched to a truth region (-1: not computed)

    @property
    def matched_precision(self) -> float:
        n = self.n_result if self.n_result_matched < 0 else self.n_result_matched
        return self.correct / n if n else 0.0

    @property
    def matched_f1(self) -> float:
        p, r = self.matched_precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.n_result if self.n_result else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.n_truth if self.n_truth else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class MethodRun:
    name: str
    tables: dict[str, list[ScoredTable]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- ground truth

def normalize_text(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _page_heights(pdf: Path) -> list[float]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].get_size()[1] for i in range(len(doc))]
    finally:
        doc.close()


def _number(value: str | None) -> float:
    """A coordinate attribute; a few truth files carry stray characters ('26ß')."""
    m = re.search(r"-?\d+(\.\d+)?", value or "")
    return float(m.group()) if m else 0.0


def read_structure_xml(path: Path, page_heights: list[float]) -> list[ScoredTable]:
    """Every region of a ``*-str.xml`` as a ScoredTable (bbox flipped to a top-left origin)."""
    root = ET.parse(path).getroot()
    out: list[ScoredTable] = []
    for region in root.iter("region"):
        page = int(region.get("page"))
        h = page_heights[page - 1]
        cells, boxes = [], []
        for c in region.iter("cell"):
            sr, sc = int(c.get("start-row")), int(c.get("start-col"))
            er, ec = int(c.get("end-row", sr)), int(c.get("end-col", sc))
            content = c.find("content")
            cells.append(GridCell(sr, sc, (content.text or "") if content is not None else "",
                                  er - sr + 1, ec - sc + 1))
            b = c.find("bounding-box")
            if b is not None:
                x1, y1, x2, y2 = (_number(b.get(k)) for k in ("x1", "y1", "x2", "y2"))
                boxes.append((min(x1, x2), h - max(y1, y2), max(x1, x2), h - min(y1, y2)))
        if boxes:
            bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                    max(b[2] for b in boxes), max(b[3] for b in boxes))
        else:
            bbox = (0.0, 0.0, 0.0, 0.0)
        out.append(ScoredTable(page, bbox, tuple(cells)))
    return out


def read_region_boxes(path: Path, page_heights: list[float]) -> list[tuple[int, BBox]]:
    """Region boxes of a ``*-reg.xml`` in file order (top-left origin on the displayed page)."""
    out = []
    for region in ET.parse(path).getroot().iter("region"):
        page = int(region.get("page"))
        b = region.find("bounding-box")
        x1, y1, x2, y2 = (_number(b.get(k)) for k in ("x1", "y1", "x2", "y2"))
        h = page_heights[page - 1]
        out.append((page, (min(x1, x2), h - max(y1, y2), max(x1, x2), h - min(y1, y2))))
    return out


def _with_region_boxes(tables: list[ScoredTable], reg: Path, heights: list[float]) -> list[ScoredTable]:
    """Use the region file's boxes: cell boxes of rotated pages are not in displayed coordinates."""
    if not reg.exists():
        return tables
    boxes = read_region_boxes(reg, heights)
    if [p for p, _ in boxes] != [t.page for t in tables]:
        return tables
    return [ScoredTable(t.page, box, t.cells) for t, (_, box) in zip(tables, boxes)]


def load_ground_truth(pdf: Path) -> list[list[ScoredTable]]:
    """The truth for one PDF: a list of alternatives (the main ``-str.xml``, then any ``b-str.xml``)."""
    heights = _page_heights(pdf)
    stem = str(pdf.with_suffix(""))
    alternatives = [_with_region_boxes(read_structure_xml(Path(f"{stem}-str.xml"), heights),
                                       Path(f"{stem}-reg.xml"), heights)]
    if stem.endswith("a") and Path(f"{stem[:-1]}b-str.xml").exists():
        alt = stem[:-1] + "b"
        alternatives.append(_with_region_boxes(read_structure_xml(Path(f"{alt}-str.xml"), heights),
                                               Path(f"{alt}-reg.xml"), heights))
    return alternatives


def list_documents(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(data_dir.glob("competition-dataset-*/*.pdf"))


# ---------------------------------------------------------------- metric

def adjacency_relations(cells: Iterable[GridCell]) -> Counter:
    """Multiset of (text, text, 'h'|'v') between each cell and its nearest non-empty right/lower neighbour."""
    owner: dict[tuple[int, int], int] = {}
    texts: list[str] = []
    for i, c in enumerate(cells):
        texts.append(normalize_text(c.text))
        for r in range(c.row, c.row + max(c.row_span, 1)):
            for k in range(c.col, c.col + max(c.col_span, 1)):
                owner.setdefault((r, k), i)
    if not owner:
        return Counter()
    n_rows = max(r for r, _ in owner) + 1
    n_cols = max(k for _, k in owner) + 1
    found: set[tuple[int, int, str]] = set()
    for (r, k), i in owner.items():
        if not texts[i]:
            continue
        for dr, dk, direction in ((0, 1, "h"), (1, 0, "v")):
            rr, kk = r + dr, k + dk
            while rr < n_rows and kk < n_cols:
                j = owner.get((rr, kk))
                if j is not None and j != i and texts[j]:
                    found.add((i, j, direction))
                    break
                rr, kk = rr + dr, kk + dk
    return Counter((texts[i], texts[j], d) for i, j, d in found)


def _overlap(a: BBox, b: BBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def match_tables(truth: list[ScoredTable], result: list[ScoredTable]) -> list[tuple[int, int]]:
    """One-to-one (truth index, result index) pairs on the same page, largest overlap first."""
    pairs = [(_overlap(t.bbox, r.bbox), i, j) for i, t in enumerate(truth) for j, r in enumerate(result)
             if t.page == r.page]
    used_t, used_r, out = set(), set(), []
    for area, i, j in sorted(pairs, reverse=True):
        if area <= 0 or i in used_t or j in used_r:
            continue
        used_t.add(i)
        used_r.add(j)
        out.append((i, j))
    return out


def score_document(truth: list[ScoredTable], result: list[ScoredTable]) -> DocScore:
    truth_rel = [adjacency_relations(t.cells) for t in truth]
    result_rel = [adjacency_relations(r.cells) for r in result]
    pairs = match_tables(truth, result)
    correct = sum(sum((truth_rel[i] & result_rel[j]).values()) for i, j in pairs)
    matched = sum(sum(result_rel[j].values()) for _, j in pairs)
    return DocScore(correct, sum(sum(c.values()) for c in result_rel), sum(sum(c.values()) for c in truth_rel),
                    matched)


def score_against_alternatives(alternatives: list[list[ScoredTable]], result: list[ScoredTable]) -> DocScore:
    return max((score_document(t, result) for t in alternatives), key=lambda s: (s.f1, s.correct))


def summarize(scores: list[DocScore]) -> dict[str, float]:
    n = max(len(scores), 1)
    correct = sum(s.correct for s in scores)
    micro = DocScore(correct, sum(s.n_result for s in scores), sum(s.n_truth for s in scores))
    return {
        "doc_f1_matched_only": sum(s.matched_f1 for s in scores) / n,
        "doc_precision": sum(s.precision for s in scores) / n,
        "doc_recall": sum(s.recall for s in scores) / n,
        "doc_f1": sum(s.f1 for s in scores) / n,
        "micro_precision": micro.precision, "micro_recall": micro.recall, "micro_f1": micro.f1,
    }


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
