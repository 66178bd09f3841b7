"""ICDAR 2013 table competition: ground truth files and the adjacency-relation metric (pure functions).

See benchmarks/icdar2013.py for the definition used, the runner and the peers.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path("/work/shared/evaldata/icdar2013")

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
