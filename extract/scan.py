"""The scanned-page reader: page image -> upright clean page, raster rulings, table regions, OCR text spans.

Its output has the same shape as a text page's (spans + rulings in PDF points of the upright page), so the
structure stage reads both alike. ``ocr_cells`` re-reads chosen cells from their own crops (mixed evidence:
a text layer that is garbled in some cells).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import cv2
import numpy as np
from pydantic import Field

from extract.cleanup import clean_page, reads_better_turned, rotate_quarter, to_grey
from extract.layout.model import LayoutModel
from extract.layout.raster import find_raster_rulings
from extract.layout.regions import combine_regions, rulings_to_regions
from extract.ocr.base import OcrEngine, OcrLine
from extract.ocr.cells import read_page_lines
from extract.text import join_lines
from extract.types import BBox, Cell, Frozen, PageInfo, Ruling, TableRegion, TextSpan

MAX_PIXELS = 200_000_000  # array-level guard (ExtractOptions.max_pixels, 100 Mpx, refuses pages earlier)
MIN_SIDE = 32  # a page image narrower than this cannot hold a table
WORK_DPI = 300.0  # finer scans are read at this resolution (PP-OCR gains nothing beyond it)
MIN_TEXT_PX = 14.0  # text lines lower than this (pixels) are read from an enlarged copy
TARGET_TEXT_PX = 26.0
# A character box that a ruling cuts this far from both its edges (share of its width) straddles the ruling.
STRADDLE_SHARE = 0.25
STRADDLE_PENALTY = 0.8
# Line confidence: score x (weakest character score ** WEAKEST_CHAR_WEIGHT); a gap wider than HOLE_SHARE of
# the CJK character pitch between two CJK characters (a full-width comma is one pitch wide) x HOLE_PENALTY.
WEAKEST_CHAR_WEIGHT = 0.5
HOLE_SHARE = 0.6
HOLE_PENALTY = 0.7
# A horizontal ruling whose centre lies in a text line's box (less this share of its height at top and bottom)
# along at least TEXT_RULING_SHARE of its length is that line's strokes, not a ruling.
TEXT_BAND_MARGIN = 0.2
TEXT_RULING_SHARE = 0.7
# A vertical ruling's end this near a horizontal ruling is capped by it (a table's corner), in points: two
# rulings' widths on a 150-200 dpi scan.
END_TOL_PT = 2.0
# A vertical ruling at most this many (median) text-line heights long that bounds no cell is a chain of strokes;
# a cell wall is at least one row high, and a row is about 1.5-2 line heights (corpus tune scans).
STROKE_LINES = 2.5


_POOL = ThreadPoolExecutor(1, thread_name_prefix="layout")
# Ruled cells read from their own crops, the detector only on what they leave (extract.ocr.cells): the whole
# job on the speed page 3.5 s CPU against 7.3 s (benchmarks.scan_speed, same machine), but corpus-mild has
# 16 wrong fields of 1525 against 10 of 1524 (gen-0-0004/0005 hold 11): off until that is found and fixed.
READ_CELL_CROPS = False


class ScanInputError(ValueError):
    """The page image cannot be read as a scan (wrong shape or type, empty, or too large)."""


class ScannedPage(Frozen):
    model_config = Frozen.model_config | {"arbitrary_types_allowed": True}

    info: PageInfo
    spans: list[TextSpan]
    rulings: list[Ruling]
    regions: list[TableRegion]
    image: np.ndarray = Field(exclude=True, repr=False, description="cleaned upright RGB page, for drawings")
    dpi: float = Field(description="resolution of image (pixels per inch)")
    skew: float = 0.0
    layout: list[tuple[str, tuple[float, float, float, float], float]] = Field(
        [], description="every CDLA layout box (class, bbox in points, score): text, figure, header, table ...")
    cells_read: list[BBox] = Field([], description="ruled cells read from their own crops (points): no second "
                                   "reading there, it would read the same crop again")


def check_page_image(image: object, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """The image as RGB uint8, or ScanInputError saying what is wrong (shape checked before any pixel is read)."""
    if not isinstance(image, np.ndarray):
        raise ScanInputError(f"page image must be a numpy array, got {type(image).__name__}")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise ScanInputError(f"page image must be HxW or HxWx(1|3|4), got shape {image.shape}")
    h, w = image.shape[:2]
    if h == 0 or w == 0:
        raise ScanInputError(f"page image is empty ({w}x{h} pixels)")
    if h * w > max_pixels:
        raise ScanInputError(f"page image is {w}x{h} = {h * w:,} pixels, over the limit of {max_pixels:,}")
    if min(h, w) < MIN_SIDE:
        raise ScanInputError(f"page image is {w}x{h} pixels, too small to hold a table")
    if image.dtype != np.uint8:
        raise ScanInputError(f"page image must be 8-bit (uint8), got {image.dtype}")
    if image.ndim == 2 or image.shape[2] == 1:
        return np.ascontiguousarray(np.repeat(image.reshape(h, w, 1), 3, axis=2))
    return np.ascontiguousarray(image[:, :, :3])


RENDER_DPI = 200.0  # 10.5pt text renders ~29 px high: PP-OCR's recogniser works at 48 px lines, det likes 20-40
RENDER_MAX_PIXELS = 16_000_000  # large sheets (A2, A1) are rendered coarser so a page stays quick
RENDER_MIN_DPI = 120.0
MIN_OWN_DPI = 120.0  # an image this fine or finer is read at its own resolution (see choose_dpi)


def choose_dpi(page_info: PageInfo, own_dpi: float | None = None) -> float:
    """Resolution to render a page at for OCR: an image keeps its own (120-300 dpi), else 200 within budget.

    A 144-dpi image keeps its pixels (upsampled to 200 first, cTDaR B2 Letter pages read worse: t10015
    0.812 -> 0.605 cell F1, t10044 1.000 -> 0.963, and cost more). A coarser one (96 dpi, as screens make
    them) is upsampled to 200 before cleaning: read at its own pixels and enlarged only after cleaning,
    B2 A4 pages read worse (t10025 0.891 -> 0.848, t10029 0.552 -> 0.525)."""
    if own_dpi and MIN_OWN_DPI <= own_dpi <= WORK_DPI:
        return float(own_dpi)
    dpi = RENDER_DPI
    pixels = page_info.width * page_info.height * (dpi / 72.0) ** 2
    if pixels > RENDER_MAX_PIXELS:
        dpi = max(RENDER_MIN_DPI, dpi * (RENDER_MAX_PIXELS / pixels) ** 0.5)
    return dpi


def _resize(image: np.ndarray, f: float) -> np.ndarray:
    h, w = image.shape[:2]
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, (max(1, round(w * f)), max(1, round(h * f))), interpolation=interp)


def read_scanned_page(image: np.ndarray, page_info: PageInfo, dpi: float, engine: OcrEngine,
                      layout: LayoutModel | None) -> ScannedPage:
    """Read one scanned page: clean it, find rulings and regions, OCR its text into spans (PDF points)."""
    if not dpi or dpi <= 0:
        raise ScanInputError(f"dpi must be positive, got {dpi}")
    rgb = check_page_image(image)
    if dpi > WORK_DPI:
        rgb, dpi = _resize(rgb, WORK_DPI / dpi), WORK_DPI
    clean = clean_page(rgb, engine, vote=False)  # upside down or not is settled below, on the read page
    grey = clean.image
    text_px = clean.line_height / 1.45 if clean.line_height else None  # det boxes are padded ~1.45x text
    if text_px and text_px < MIN_TEXT_PX:
        f = min(2.0, TARGET_TEXT_PX / text_px)
        grey, dpi = _resize(grey, f), dpi * f
        text_px *= f
    page_rgb = np.repeat(grey[:, :, None], 3, axis=2)
    # the layout model reads the page while the recogniser reads its cells (onnxruntime lets go of the GIL)
    boxes_soon = _POOL.submit(layout.find_layout, page_rgb, dpi) if layout is not None else None
    rulings, lines, cells = _read_text(grey, dpi, engine, text_px)
    rotation = clean.rotation
    if reads_better_turned(grey, lines, engine):
        grey, rotation = rotate_quarter(grey, 180), (rotation + 180) % 360
        rulings, lines, cells = _read_text(grey, dpi, engine, text_px)
        if boxes_soon is not None:
            boxes_soon.result()
        page_rgb = np.repeat(grey[:, :, None], 3, axis=2)
        boxes_soon = _POOL.submit(layout.find_layout, page_rgb, dpi) if layout is not None else None
    scale = 72.0 / dpi
    rulings = trim_rulings_into_text(drop_rulings_inside_text(rulings, lines, scale), lines, scale)
    spans = lines_to_spans(lines, rulings, scale)
    ruled = rulings_to_regions(rulings, page_info.page)
    boxes = boxes_soon.result() if boxes_soon is not None else []
    model = layout.find_tables(page_rgb, dpi, page_info.page, boxes) if layout is not None else []
    h, w = grey.shape[:2]
    info = page_info.model_copy(update={
        "kind": "scanned", "width": round(w * scale, 2), "height": round(h * scale, 2),
        "rotation": (page_info.rotation + rotation) % 360, "skew": round(float(clean.skew), 4)})
    return ScannedPage(info=info, spans=spans, rulings=rulings, regions=combine_regions(model, ruled),
                       image=page_rgb, dpi=dpi, skew=clean.skew, layout=boxes,
                       cells_read=[tuple(round(v * scale, 2) for v in c) for c in cells])


def _read_text(grey: np.ndarray, dpi: float, engine: OcrEngine, text_px: float | None
               ) -> tuple[list[Ruling], list[OcrLine], list[tuple[int, int, int, int]]]:
    """(rulings, OCR lines in pixels, cells read from their crops in pixels) of the page as it stands."""
    rulings = find_raster_rulings(grey, dpi)
    if READ_CELL_CROPS:
        lines, cells = read_page_lines(grey, rulings, dpi, engine, text_px)
        return rulings, lines, cells
    return rulings, engine.recognize(grey, text_height=text_px), []


def drop_rulings_inside_text(rulings: list[Ruling], lines: list[OcrLine], scale: float) -> list[Ruling]:
    """A horizontal 'ruling' running through the middle of a recognised text line is strokes of its characters
    chained together (a real ruling passes between lines, and crosses far more than one line's length)."""
    boxes = [tuple(v * scale for v in line.bbox) for line in lines if line.text.strip()]

    def in_text(r: Ruling) -> bool:
        x0, y0, x1, y1 = r.bbox
        cy, length = (y0 + y1) / 2, max(x1 - x0, 1e-6)
        for t in boxes:
            band = (t[3] - t[1]) * TEXT_BAND_MARGIN
            if t[1] + band <= cy <= t[3] - band and min(x1, t[2]) - max(x0, t[0]) >= TEXT_RULING_SHARE * length:
                return True
        return False

    return [r for r in rulings if r.orientation == "v" or not in_text(r)]


def trim_rulings_into_text(rulings: list[Ruling], lines: list[OcrLine], scale: float) -> list[Ruling]:
    """A vertical ruling whose end lies in a text line it crosses, with no horizontal ruling at that end, was
    chained on into the strokes of the line's characters (a table's column line running up into the 亻 of a
    title's 体 right above the table): it ends where the line begins, so the line is not cut there (cut, the
    title read as two pieces with a hole between them, at 0.7). A ruling that really bounds cells ends on a
    crossing horizontal ruling (a table's top or foot rule), or well beyond the lines it crosses.

    A short vertical ruling (STROKE_LINES text lines at most) that crosses a text line and touches one
    horizontal ruling at most bounds no cell: it is strokes of characters aligned down the lines above a table
    (the 0, 2 and 年 of a "(2025年)" line chained to the table's top rule cut the year line in two, and the year
    was lost: corpus-mild gen-0-0000 p2); it is dropped."""
    boxes = [tuple(v * scale for v in line.bbox) for line in lines if line.text.strip()]
    flat = [r.bbox for r in rulings if r.orientation == "h"]

    def capped(x0: float, x1: float, y: float) -> bool:
        return any(h[0] - END_TOL_PT <= x1 and x0 <= h[2] + END_TOL_PT and h[1] - END_TOL_PT <= y <= h[3] + END_TOL_PT
                   for h in flat)

    heights = sorted(t[3] - t[1] for t in boxes)
    short = STROKE_LINES * heights[len(heights) // 2] if heights else 0.0

    def touching(x0: float, y0: float, x1: float, y1: float) -> int:
        return sum(h[0] - END_TOL_PT <= x1 and x0 <= h[2] + END_TOL_PT and y0 - END_TOL_PT <= h[1]
                   and h[3] <= y1 + END_TOL_PT for h in flat)

    out: list[Ruling] = []
    for r in rulings:
        x0, y0, x1, y1 = r.bbox
        if r.orientation == "v":
            cx = (x0 + x1) / 2
            for t in boxes:
                if not t[0] < cx < t[2]:
                    continue
                if t[1] - END_TOL_PT <= y0 < t[3] and y1 > t[3] and not capped(x0, x1, y0):
                    y0 = t[3]
                elif t[1] < y1 <= t[3] + END_TOL_PT and y0 < t[1] and not capped(x0, x1, y1):
                    y1 = t[1]
            if y1 - y0 <= 0:
                continue
            # crossing a line, or what is left of one trimmed off a line
            crossed = (y0, y1) != (r.bbox[1], r.bbox[3]) or any(
                t[0] < cx < t[2] and y0 <= (t[1] + t[3]) / 2 <= y1 for t in boxes)
            if crossed and y1 - y0 <= short and touching(x0, y0, x1, y1) <= 1:
                continue  # bounds no cell (one horizontal rule at most) and is a few lines short: strokes
        out.append(r if (y0, y1) == (r.bbox[1], r.bbox[3]) else r.model_copy(update={"bbox": (x0, y0, x1, y1)}))
    return out


def _scaled(b: Sequence[float], scale: float) -> BBox:
    return (b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale)


def lines_to_spans(lines: list[OcrLine], rulings: list[Ruling], scale: float) -> list[TextSpan]:
    """OCR lines as TextSpans in points, each cut where a vertical ruling crosses it (never two cells)."""
    verticals = [r.bbox for r in rulings if r.orientation == "v"]
    spans: list[TextSpan] = []
    for line in lines:
        bbox = _scaled(line.bbox, scale)
        chars = (tuple(_scaled(c, scale) for c in line.char_boxes) if line.char_boxes
                 else _even_char_boxes(line.text, bbox))
        cy = (bbox[1] + bbox[3]) / 2
        cuts = sorted((v[0] + v[2]) / 2 for v in verticals
                      if v[1] <= cy <= v[3] and bbox[0] < (v[0] + v[2]) / 2 < bbox[2])
        spans.extend(_split_line(line.text, chars, cuts, line_confidence(line), known=line.char_boxes is not None))
    return spans


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def line_confidence(line: OcrLine) -> float:
    """The recogniser's line score, lowered by its least sure character and by a character-sized hole
    between two CJK characters (where a dropped full-width comma or character was)."""
    conf = line.score
    if line.char_scores:
        conf *= min(line.char_scores) ** WEAKEST_CHAR_WEIGHT
    boxes = line.char_boxes
    if boxes and len(boxes) > 2:
        pitch = float(np.median([b[2] - b[0] for b, ch in zip(boxes, line.text) if _is_cjk(ch)] or [0.0]))
        pairs = zip(line.text, line.text[1:], boxes, boxes[1:])
        if pitch > 0 and any(_is_cjk(a) and _is_cjk(b) and nb[0] - pb[2] > HOLE_SHARE * pitch
                             for a, b, pb, nb in pairs):
            conf *= HOLE_PENALTY
    return round(conf, 4)


def _even_char_boxes(text: str, bbox: BBox) -> tuple[BBox, ...]:
    n = max(len(text), 1)
    step = (bbox[2] - bbox[0]) / n
    return tuple((bbox[0] + k * step, bbox[1], bbox[0] + (k + 1) * step, bbox[3]) for k in range(len(text)))


def _split_line(text: str, chars: Sequence[BBox], cuts: list[float], score: float, known: bool) -> list[TextSpan]:
    """Cut a line's characters at the x positions in cuts; a piece that cuts a character scores lower."""
    groups: list[list[int]] = [[] for _ in range(len(cuts) + 1)]
    penalty = [1.0] * len(groups)
    for k, box in enumerate(chars):
        centre = (box[0] + box[2]) / 2
        g = sum(centre > c for c in cuts)
        groups[g].append(k)
        width = max(box[2] - box[0], 1e-6)
        if any(box[0] + STRADDLE_SHARE * width < c < box[2] - STRADDLE_SHARE * width for c in cuts):
            penalty[g] = STRADDLE_PENALTY
    if cuts and not known:
        penalty = [p * STRADDLE_PENALTY for p in penalty]
    spans = []
    for g, idx in zip(range(len(groups)), groups):
        idx = [k for k in idx if not text[k].isspace()]
        if not idx:
            continue
        lo, hi = idx[0], idx[-1] + 1
        piece_boxes = tuple(chars[lo:hi])
        spans.append(TextSpan(
            text=text[lo:hi], source="ocr", confidence=round(score * penalty[g], 4),
            bbox=(min(b[0] for b in piece_boxes), min(b[1] for b in piece_boxes),
                  max(b[2] for b in piece_boxes), max(b[3] for b in piece_boxes)),
            char_boxes=piece_boxes if (known or cuts) else None))
    return spans


# -- cells read from their own crops --------------------------------------------------------------------
CELL_INSET_PT = 1.8  # stay clear of the cell's rulings
MIN_LINE_PT = 4.0  # an ink band lower than this is a speck or a ruling stub, not a text line
INK_OFFSET = 25  # ink is this much darker than the cell's paper


def _ink_mask(grey: np.ndarray) -> np.ndarray:
    paper = float(np.percentile(grey, 90)) if grey.size else 255.0
    return grey < paper - INK_OFFSET


def cell_line_boxes(grey: np.ndarray, bbox_px: BBox, dpi: float) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of the text lines inside one cell (ink rows split at blank rows); [] for an empty cell."""
    px = dpi / 72.0
    inset = CELL_INSET_PT * px
    x0, y0 = int(bbox_px[0] + inset), int(bbox_px[1] + inset)
    x1, y1 = int(bbox_px[2] - inset), int(bbox_px[3] - inset)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return []
    ink = _ink_mask(grey[y0:y1, x0:x1])
    rows = ink.sum(axis=1) > 0
    boxes, start = [], None
    for r, on in enumerate(list(rows) + [False]):
        if on and start is None:
            start = r
        elif not on and start is not None:
            if r - start >= MIN_LINE_PT * px:
                cols = np.flatnonzero(ink[start:r].any(axis=0))
                pad = max(2, int(0.2 * (r - start)))
                boxes.append((max(x0, x0 + int(cols[0]) - pad), max(y0, y0 + start - pad),
                              min(x1, x0 + int(cols[-1]) + 1 + pad), min(y1, y0 + r + pad)))
            start = None
    return boxes


def ocr_cells(image: np.ndarray, cells: list[Cell], engine: OcrEngine, dpi: float) -> list[Cell]:
    """Re-read each cell from its own crop: empty cells are skipped, all line crops go to the engine at once.

    image is the page the cells' bboxes (PDF points) refer to, rendered at dpi. Each returned cell has the
    OCR text (lines joined), its OCR spans, and the mean line score as confidence; an empty cell gets "".
    """
    grey = to_grey(check_page_image(image))
    px = dpi / 72.0
    plan = [cell_line_boxes(grey, (c.bbox[0] * px, c.bbox[1] * px, c.bbox[2] * px, c.bbox[3] * px), dpi)
            for c in cells]
    crops = [np.ascontiguousarray(grey[b[1]:b[3], b[0]:b[2]]) for boxes in plan for b in boxes]
    read = iter(engine.recognize_crops(crops))
    out = []
    for cell, boxes in zip(cells, plan):
        lines = [(next(read), b) for b in boxes]
        spans = tuple(TextSpan(text=ln.text, bbox=tuple(v / px for v in b), confidence=ln.score, source="ocr")
                      for ln, b in lines if ln.text.strip())
        text = join_lines([s.text for s in spans])
        conf = float(np.mean([s.confidence for s in spans])) if spans else 1.0
        out.append(cell.model_copy(update={"text": text, "spans": spans, "confidence": round(conf, 4)}))
    return out
