"""Stand-in page loader for the ICDAR 2013 benchmark: pypdfium2 text layer -> TextSpans, paths -> Rulings.

Used only until ``extract.document.open_document`` exists (see ``load_pages`` in benchmarks/icdar2013.py).
Spans are words (runs of non-space characters) with per-character boxes; rulings are straight path
segments and thin rectangles. Coordinates are PDF points with a top-left origin. Pages with a /Rotate
are read in their unrotated space (none of the ICDAR 2013 table pages needs more).
"""
from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract.types import BBox, PageInfo, Ruling, TextSpan

RULING_MAX_THICKNESS = 3.0  # points: a path thinner than this in one direction is a line
RULING_MIN_LENGTH = 4.0  # points: shorter strokes are glyph-like decorations, not rulings
WORD_GAP_FACTOR = 0.25  # a horizontal gap above this x char height splits a word without a space


def _page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[tuple[str, BBox]]:
    raw = textpage.raw
    out: list[tuple[str, BBox]] = []
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        ch = chr(code) if code else " "
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1 or ch.isspace():
            out.append((" ", (0.0, 0.0, 0.0, 0.0)))
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        if right <= left and top <= bottom and out and out[-1][0] != " ":
            out.append((ch, out[-1][1]))  # second character of a ligature: no box of its own
            continue
        out.append((ch, (left, height - top, right, height - bottom)))
    return out


def chars_to_spans(chars: list[tuple[str, BBox]]) -> list[TextSpan]:
    """Group characters into word spans: break at spaces, line changes and wide gaps."""
    spans: list[TextSpan] = []
    text: list[str] = []
    boxes: list[BBox] = []

    def flush() -> None:
        if text:
            x0 = min(b[0] for b in boxes)
            spans.append(TextSpan(
                text="".join(text), bbox=(x0, min(b[1] for b in boxes), max(b[2] for b in boxes),
                                          max(b[3] for b in boxes)),
                char_boxes=tuple(boxes), font_size=max(b[3] - b[1] for b in boxes)))
        text.clear()
        boxes.clear()

    for ch, box in chars:
        if ch == " ":
            flush()
            continue
        if boxes:
            prev = boxes[-1]
            h = max(prev[3] - prev[1], box[3] - box[1], 1.0)
            same_line = abs((prev[1] + prev[3]) / 2 - (box[1] + box[3]) / 2) < 0.5 * h
            gap = box[0] - prev[2]
            if not same_line or gap > WORD_GAP_FACTOR * h or gap < -0.5 * h:
                flush()
        text.append(ch)
        boxes.append(box)
    flush()
    return spans


def _path_rulings(obj: pdfium.PdfObject, height: float) -> list[Ruling]:
    left, bottom, right, top = obj.get_bounds()
    w, h = right - left, top - bottom
    if max(w, h) < RULING_MIN_LENGTH:
        return []
    if h <= RULING_MAX_THICKNESS or w <= RULING_MAX_THICKNESS:
        orient = "h" if w >= h else "v"
        return [Ruling(orientation=orient, bbox=(left, height - top, right, height - bottom))]
    return _segment_rulings(obj, height)


def _segment_rulings(obj: pdfium.PdfObject, height: float) -> list[Ruling]:
    """Straight horizontal/vertical segments of a larger path (stroked rectangles, grids)."""
    m = obj.get_matrix()
    raw = obj.raw
    points: list[tuple[float, float, int]] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(raw)):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, k)
        x, y = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        px = m.a * x.value + m.c * y.value + m.e
        py = m.b * x.value + m.d * y.value + m.f
        points.append((px, height - py, kind))
        if pdfium_c.FPDFPathSegment_GetClose(seg) and points:
            start = next(p for p in reversed(points) if p[2] == pdfium_c.FPDF_SEGMENT_MOVETO)
            points.append((start[0], start[1], pdfium_c.FPDF_SEGMENT_LINETO))
    out: list[Ruling] = []
    for (x0, y0, _), (x1, y1, kind) in zip(points, points[1:]):
        if kind != pdfium_c.FPDF_SEGMENT_LINETO:
            continue
        if abs(y1 - y0) < 1.0 and abs(x1 - x0) >= RULING_MIN_LENGTH:
            out.append(Ruling(orientation="h", bbox=(min(x0, x1), y0 - 0.5, max(x0, x1), y0 + 0.5)))
        elif abs(x1 - x0) < 1.0 and abs(y1 - y0) >= RULING_MIN_LENGTH:
            out.append(Ruling(orientation="v", bbox=(x0 - 0.5, min(y0, y1), x0 + 0.5, max(y0, y1))))
    return out


def load_pdf_pages(path: Path) -> list[tuple[PageInfo, list[TextSpan], list[Ruling]]]:
    pdf = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            width, height = page.get_size()
            textpage = page.get_textpage()
            spans = chars_to_spans(_page_chars(textpage, height))
            rulings: list[Ruling] = []
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
                rulings.extend(_path_rulings(obj, height))
            info = PageInfo(page=i + 1, width=width, height=height, rotation=page.get_rotation())
            pages.append((info, spans, rulings))
    finally:
        pdf.close()
    return pages
