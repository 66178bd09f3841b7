"""Read a scanned page without running the text detector where the rulings already say where text is.

The rulings found on the page are drawn into a mask; the paper they close off (connected components of what
is left) are the drawn cells, merged cells included, since no ruling runs between a merged cell's parts.
Inside a closed cell the text lines are split by a horizontal projection profile (ink rows between blank
rows) and each line crop goes to the recogniser, all crops of the page in one batch; a cell without ink is
not read. Whatever the cells do not settle (text outside any grid, a cell whose ink runs into its edge or
whose ink band is taller than one line, a cell whose reading is doubtful) is left on the page for the
detector, which then looks only at those parts, stacked onto one small canvas.
"""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from extract.ocr.base import OcrEngine, OcrLine
from extract.types import BBox, Ruling

PixelBox = tuple[int, int, int, int]  # (x0, y0, x1, y1) in page pixels

RULE_PAD_PT = 0.8  # a ruling is drawn this much wider on each side into the mask (its anti-aliased edge)
MIN_CELL_PT = 6.0  # a closed area narrower or lower than this is a gap between double rulings, not a cell
MAX_CELL_H_PT = 160.0  # a closed area higher than this is a frame around a block of text, not a cell
RECT_FILL = 0.9  # share of its bounding box a cell's paper fills (an L-shape means a ruling piece is missing)
CELL_INSET_PT = 1.2  # stay clear of the cell's rulings
MIN_LINE_PT = 4.0  # an ink band lower than this is part of a line ('=', a dot) or a mark ('-'), not a line
INK_OFFSET = 25  # ink is this much darker than the cell's paper
# A band with fewer ink pixels than this is specks (a cell of specks only is blank and not read); a '-' at
# 10.5pt and 200 dpi has ~28.
MIN_INK_PX = 12
DET_BOX = 1.45  # the detector's line box is this many text heights high (scan.py: line_height / 1.45)
JOIN_GAP = 0.6  # a band lower than a line joins a neighbour this many text heights away or nearer
# An ink band higher than this many text heights holds two lines run together (or a larger font): detector.
TALL_BAND = 1.9
# A line read from its crop with a lower score is read again by the detector path (its own line finding).
DOUBT_SCORE = 0.8
# Leftover parts (ink outside the cells read): bands of ink rows closer than this many text heights are one
# part; each part is padded by PART_PAD_PT and stacked onto the canvas with PART_GAP_PT of paper between.
PART_JOIN = 1.5
PART_PAD_PT = 4.0
PART_GAP_PT = 8.0
MIN_PART_INK_PX = 30


def closed_cells(shape: tuple[int, int], rulings: Sequence[Ruling], dpi: float) -> list[PixelBox]:
    """Pixel boxes (x0, y0, x1, y1) of the areas the rulings (PDF points) close off, page edge excluded."""
    h, w = shape
    px = dpi / 72.0
    pad = max(1, int(round(RULE_PAD_PT * px)))
    mask = np.ones((h, w), np.uint8)
    for r in rulings:
        x0, y0, x1, y1 = (int(round(v * px)) for v in r.bbox)
        cv2.rectangle(mask, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), 0, thickness=-1)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    lo, hi = MIN_CELL_PT * px, MAX_CELL_H_PT * px
    out: list[PixelBox] = []
    for x, y, bw, bh, area in stats[1:n]:
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue  # the paper around the tables
        if bw < lo or bh < lo or bh > hi or area < RECT_FILL * bw * bh:
            continue
        out.append((int(x), int(y), int(x + bw), int(y + bh)))
    return out


def _bands(rows: np.ndarray) -> list[list[int]]:
    """[start, end) runs of inked rows."""
    out, start = [], None
    for r, v in enumerate(list(rows > 0) + [False]):
        if v and start is None:
            start = r
        elif not v and start is not None:
            out.append([start, r])
            start = None
    return out


def _join_short(bands: list[list[int]], short: float, gap: float) -> list[list[int]]:
    """Join a band lower than short to its nearer neighbour within gap: the two strokes of '=', a dot above."""
    bands = [list(b) for b in bands]
    changed = True
    while changed and len(bands) > 1:
        changed = False
        for k, b in enumerate(bands):
            if b[1] - b[0] >= short:
                continue
            gaps = [(b[0] - bands[k - 1][1], k - 1) if k else None,
                    (bands[k + 1][0] - b[1], k + 1) if k + 1 < len(bands) else None]
            near = min((g for g in gaps if g is not None and g[0] <= gap), default=None)
            if near is None:
                continue
            j = near[1]
            lo, hi = min(k, j), max(k, j)
            bands[lo] = [bands[lo][0], bands[hi][1]]
            del bands[hi]
            changed = True
            break
    return bands


def line_bands(grey: np.ndarray, box: PixelBox, dpi: float, text_px: float | None = None,
               inset_pt: float = CELL_INSET_PT) -> tuple[list[PixelBox], bool]:
    """Pixel boxes of the text lines inside one cell (ink rows split at blank rows) and whether the cell's
    ink runs into its inset edge (text cut by a ruling or crossing it: the cell is left to the detector)."""
    px = dpi / 72.0
    inset = inset_pt * px
    x0, y0, x1, y1 = int(box[0] + inset), int(box[1] + inset), int(box[2] - inset), int(box[3] - inset)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return [], False
    region = grey[y0:y1, x0:x1]
    paper = float(np.percentile(region, 90))
    ink = region < paper - INK_OFFSET
    rows = ink.sum(axis=1)
    line = MIN_LINE_PT * px
    bands = [b for b in _bands(rows) if rows[b[0]:b[1]].sum() >= MIN_INK_PX // 3]  # specks gone first
    bands = _join_short(bands, line, JOIN_GAP * (text_px or 10.0 * px))
    boxes: list[PixelBox] = []
    edge = False
    for start, r in bands:
        if rows[start:r].sum() < MIN_INK_PX:
            continue
        if start == 0 or r == len(rows):
            edge = True
        cols = np.flatnonzero(ink[start:r].any(axis=0))
        if cols[0] == 0 or cols[-1] == ink.shape[1] - 1:
            edge = True
        # a crop as high as the detector's box of a text line (text height x 1.45), so a low mark ('=', '-')
        # is not stretched to the recogniser's full height ('=' read as '二')
        band = r - start
        pad = max(2, int(0.2 * max(band, line)), int((DET_BOX * (text_px or 0) - band) / 2))
        boxes.append((max(box[0], x0 + int(cols[0]) - pad), max(box[1], y0 + start - pad),
                      min(box[2], x0 + int(cols[-1]) + 1 + pad), min(box[3], y0 + r + pad)))
    return boxes, edge


def read_cells(grey: np.ndarray, rulings: Sequence[Ruling], dpi: float, engine: OcrEngine, text_px: float | None
               ) -> tuple[list[OcrLine], list[PixelBox]]:
    """OcrLines (page pixels) of the closed cells read from their crops, and the cells so read (pixels).

    A cell is left out (for the detector) when its ink touches its edge, a band is taller than a line, or a
    line reads doubtfully."""
    plan: list[tuple[PixelBox, list[PixelBox]]] = []
    for box in closed_cells(grey.shape[:2], rulings, dpi):
        bands, edge = line_bands(grey, box, dpi, text_px)
        if edge:
            continue
        if text_px and any(b[3] - b[1] > TALL_BAND * text_px * 1.4 for b in bands):
            continue  # 1.4: a band is padded by 0.2 of its height at top and bottom
        plan.append((box, bands))
    crops = [np.ascontiguousarray(grey[b[1]:b[3], b[0]:b[2]]) for _, bands in plan for b in bands]
    boxes = [b for _, bands in plan for b in bands]
    read = _read_boxes(engine, grey, boxes, crops)
    lines: list[OcrLine] = []
    done: list[PixelBox] = []
    it = iter(read)
    for box, bands in plan:
        got = [next(it) for _ in bands]
        if any(ln.score < DOUBT_SCORE for ln in got):
            continue
        lines.extend(ln for ln in got if ln.text.strip())
        done.append(box)
    return lines, done


def _read_boxes(engine: OcrEngine, grey: np.ndarray, boxes: list[PixelBox], crops: list[np.ndarray]
                ) -> list[OcrLine]:
    reader = getattr(engine, "recognize_boxes", None)  # optional, not part of the OcrEngine protocol
    if reader is not None:
        got: list[OcrLine] = reader(grey, boxes)
        return got
    out = engine.recognize_crops(crops)
    return [ln.model_copy(update={"bbox": tuple(float(v) for v in b)}) for ln, b in zip(out, boxes)]


def _touches_cell(r_box: tuple[int, ...], cells: Sequence[PixelBox], tol: int) -> bool:
    x0, y0, x1, y1 = r_box
    return any(c[0] - tol <= x1 and x0 <= c[2] + tol and c[1] - tol <= y1 and y0 <= c[3] + tol for c in cells)


def _clipped(box: tuple[int, ...], cells: Sequence[PixelBox], tol: int) -> PixelBox:
    """The part of a ruling's box beside the cells it bounds: a ruling found running on past the table (a
    vertical one chained up into the strokes of a title's characters) is blanked only where it bounds a cell
    read, so the characters it ran into are left for the detector whole (a blanked stroke read 体 as 本)."""
    x0, y0, x1, y1 = box[:4]
    lo_x, lo_y = min(c[0] for c in cells) - tol, min(c[1] for c in cells) - tol
    hi_x, hi_y = max(c[2] for c in cells) + tol, max(c[3] for c in cells) + tol
    return (max(x0, lo_x), max(y0, lo_y), min(x1, hi_x), min(y1, hi_y))


def leftover(grey: np.ndarray, rulings: Sequence[Ruling], cells: Sequence[PixelBox], dpi: float,
             text_px: float | None) -> tuple[np.ndarray, list[PixelBox]]:
    """The page with the cells read (and the rulings around them) blanked, and pixel boxes of the ink left:
    bands of ink rows, each with its ink's x extent. Rulings that bound no cell read stay: one found in a
    line of large text is that text's strokes."""
    px = dpi / 72.0
    rest = grey.copy()
    for x0, y0, x1, y1 in cells:
        rest[y0:y1, x0:x1] = 255
    pad = max(1, int(round(RULE_PAD_PT * px)))
    for r in rulings:
        box = tuple(int(round(v * px)) for v in r.bbox)
        near = [c for c in cells if _touches_cell(box, [c], pad + 2)]
        if near:
            x0, y0, x1, y1 = _clipped(box, near, pad + 2)
            cv2.rectangle(rest, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), 255, thickness=-1)
    paper = float(np.percentile(rest, 90))
    ink = rest < paper - INK_OFFSET
    rows = ink.sum(axis=1)
    join = int(PART_JOIN * (text_px or 12.0 * px))
    bands: list[tuple[int, int]] = []
    start: int | None = None
    last: int | None = None  # set together with start
    for y in np.flatnonzero(rows > 1):
        if start is None or last is None:
            start = last = int(y)
        elif y - last > join:
            bands.append((start, last + 1))
            start = last = int(y)
        else:
            last = int(y)
    if start is not None and last is not None:
        bands.append((start, last + 1))
    parts: list[PixelBox] = []
    h, w = grey.shape[:2]
    margin = int(PART_PAD_PT * px)
    for y0, y1 in bands:
        if rows[y0:y1].sum() < MIN_PART_INK_PX or y1 - y0 < MIN_LINE_PT * px:
            continue
        cols = np.flatnonzero(ink[y0:y1].any(axis=0))
        parts.append((max(0, int(cols[0]) - margin), max(0, y0 - margin), min(w, int(cols[-1]) + 1 + margin),
                      min(h, y1 + margin)))
    return rest, parts


def read_parts(rest: np.ndarray, parts: Sequence[PixelBox], engine: OcrEngine, text_px: float | None, dpi: float) -> list[OcrLine]:
    """Detect and read the parts (pixel boxes of rest), stacked onto one white canvas; lines in page pixels."""
    if not parts:
        return []
    gap = int(PART_GAP_PT * dpi / 72.0)
    # one part per row of the canvas: parts side by side would be read as one line across both
    width = max(p[2] - p[0] for p in parts) + 2 * gap
    height = sum(p[3] - p[1] for p in parts) + gap * (len(parts) + 1)
    canvas = np.full((height, width), 255, np.uint8)
    slots: list[tuple[int, int, int, int]] = []  # (canvas y0, canvas y1, dx, dy) per part
    y = gap
    for x0, y0, x1, y1 in parts:
        canvas[y:y + y1 - y0, gap:gap + x1 - x0] = rest[y0:y1, x0:x1]
        slots.append((y, y + y1 - y0, x0 - gap, y0 - y))
        y += y1 - y0 + gap
    reader = getattr(engine, "recognize_region", None)  # optional, not part of the OcrEngine protocol
    lines: list[OcrLine] = reader(canvas, text_height=text_px) if reader else engine.recognize(canvas, text_height=text_px)
    out: list[OcrLine] = []
    for ln in lines:
        cy = (ln.bbox[1] + ln.bbox[3]) / 2
        slot = next((s for s in slots if s[0] - gap / 2 <= cy < s[1] + gap / 2), None)
        if slot is not None:
            out.append(_shifted(ln, slot[2], slot[3]))
    return out


def _shifted(line: OcrLine, dx: float, dy: float) -> OcrLine:
    def box(b: BBox) -> BBox:
        return (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy)

    return line.model_copy(update={
        "bbox": box(line.bbox),
        "quad": tuple((x + dx, y + dy) for x, y in line.quad) if line.quad else None,
        "char_boxes": tuple(box(b) for b in line.char_boxes) if line.char_boxes else None})


def read_page_lines(grey: np.ndarray, rulings: Sequence[Ruling], dpi: float, engine: OcrEngine, text_px: float | None
                    ) -> tuple[list[OcrLine], list[PixelBox]]:
    """Every text line of the page (pixels), reading order, and the cells read from crops (pixels)."""
    cell_lines, cells = read_cells(grey, rulings, dpi, engine, text_px)
    rest, parts = leftover(grey, rulings, cells, dpi, text_px)
    lines = cell_lines + read_parts(rest, parts, engine, text_px, dpi)
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return lines, cells
