"""A PDF text layer as line spans: pdfium characters -> lines -> gap-split TextSpans.

Characters are grouped visually (not in content order, which some producers scramble): into
lines by vertical centre, then each line, left to right, is split where the horizontal gap is
wider than ``SPAN_GAP`` line heights. Every span carries one box per character of its text, so
a later stage can still cut it at a ruling.
"""
from __future__ import annotations

import ctypes
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import pypdfium2.raw as pdfium_c

from extract.geometry import PageFrame
from extract.text import is_cjk, is_garbled_code_point, repair_text
from extract.types import BBox, TextSpan

# Split a line into spans where the gap exceeds this many character (loose box) heights, ~0.7 em.
# Measured on the ICDAR-2013 competition PDFs (14,113 ground-truth cells), share of spans covering two
# cells / share of one-line cells cut into several spans: 0.5 -> 0.1% / 1.3%; 0.6 -> 0.3% / 0.1%;
# 0.8 -> 1.0% / 0.1%; 1.2 -> 2.2% / 0.1%. Either error is recoverable downstream (char_boxes let
# a span be cut at a ruling; cell assignment joins spans), 0.6 keeps both small.
SPAN_GAP = 0.6
# Between two non-CJK characters, a gap above this many heights is a word space.
WORD_GAP = 0.15
# Two characters are on one line when their vertical centres differ by at most this many heights.
LINE_TOL = 0.35
# A mark this much shorter than the line (a comma's tight box: 2.6 pt beside 7 pt digits, Noto Serif CJK
# printed by LibreOffice) is placed by overlap with the line's extent instead of by its centre.
SMALL_MARK_SHARE = 0.5
# Confidence of a span in which look-alike characters were repaired.
REPAIRED_CONFIDENCE = 0.97

_WHITESPACE = {0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000, 0x2002, 0x2003, 0x2009, 0xFEFF, 0x200B}


class CharBox(NamedTuple):
    ch: str
    box: BBox
    index: int  # type: ignore[assignment]  # pdfium's character index (for font look-ups while the text page is open)
    garbled: bool
    space_before: bool  # the text layer had a blank just before this character
    height: float
    yc: float  # vertical centre
    turn: int = 0  # quarter turns counter-clockwise of the glyphs as displayed; -1: diagonal


# Glyphs within this many degrees of a quarter turn count as turned by it; others are diagonal
# (watermarks, stamps) and are kept out of the line spans.
TURN_TOL_DEG = 5.0


def _code_points(raw: Any, n: int) -> list[int]:
    """Unicode of every character index: one bulk call, per-character calls only if it misaligns."""
    buf = (ctypes.c_ushort * (n + 1))()
    got = pdfium_c.FPDFText_GetText(raw, 0, n, buf) if n else 0
    units = buf[:n]
    if got == n + 1 and not any(0xD800 <= u <= 0xDFFF for u in units):
        return units
    return [pdfium_c.FPDFText_GetUnicode(raw, i) for i in range(n)]


def _turn(raw: Any, i: int, page_rotation: int) -> int:
    """Quarter turns (counter-clockwise, as displayed) of character ``i``; -1 when diagonal."""
    # pdfium measures the angle clockwise in user space; /Rotate turns the page clockwise too
    deg = (-math.degrees(pdfium_c.FPDFText_GetCharAngle(raw, i)) - page_rotation) % 360
    q = round(deg / 90)
    return q % 4 if abs(deg - 90 * q) <= TURN_TOL_DEG else -1


class ClipTest:
    """Whether a point of a text object lies outside the object's clip region (its clip paths' bounding
    boxes intersected: a superset of the region, so only surely hidden text is told hidden).

    Why: a spreadsheet printer draws a merged cell's whole text and clips it to the part of the cell on
    the page; the text layer still holds the part cut away, above the table on the next page (LibreOffice:
    一级指标 ``绩效指标`` and a level merged over a page break, read in the repeated title rows).
    """

    def __init__(self) -> None:
        self._boxes: dict[int, tuple[float, float, float, float] | None] = {}

    def __call__(self, x: float, y: float, obj: Any) -> bool:
        if not obj:
            return False
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if key not in self._boxes:
            self._boxes[key] = clip_box(obj)
        box = self._boxes[key]
        return box is not None and not (box[0] <= x <= box[2] and box[1] <= y <= box[3])


def clip_box(obj: Any) -> tuple[float, float, float, float] | None:
    """Bounding box (page space) of a page object's clip region, None when it has no clip path."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    box: tuple[float, float, float, float] | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for k in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        xs, ys = [], []
        for n in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, k)):
            if pdfium_c.FPDFPathSegment_GetPoint(pdfium_c.FPDFClipPath_GetPathSegment(clip, k, n), x, y):
                xs.append(x.value)
                ys.append(y.value)
        if xs:
            b = (min(xs), min(ys), max(xs), max(ys))
            box = b if box is None else (max(box[0], b[0]), max(box[1], b[1]), min(box[2], b[2]), min(box[3], b[3]))
    return box


def read_chars(textpage: Any, frame: PageFrame) -> list[CharBox]:
    """Non-blank characters of a ``pypdfium2.PdfTextPage`` with loose boxes on the displayed page."""
    raw = getattr(textpage, "raw", textpage)
    rect = pdfium_c.FS_RECTF()
    get_box, map_error = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_HasUnicodeMapError
    to_display = frame.box
    page_w, page_h = frame.size
    out: list[CharBox] = []
    clipped = ClipTest()
    blank = False
    prev_bottom, prev_left, turn = math.nan, math.nan, 0
    for i, cp in enumerate(_code_points(raw, pdfium_c.FPDFText_CountChars(raw))):
        if cp in _WHITESPACE:
            blank = True
            continue
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if not get_box(raw, i, rect):
            # the second letter of a ligature (fi, fl, tt...) has no box of its own: it shares the first's
            if out and not blank and cp > 0x20:
                out.append(out[-1]._replace(ch=chr(cp), index=i, space_before=False))
            continue
        garbled = is_garbled_code_point(cp) or map_error(raw, i) == 1
        if cp < 0x20 or 0x7F <= cp < 0xA0:  # NUL/control: no mapping; show it as U+FFFD
            cp = 0xFFFD
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        if not (abs(bottom - prev_bottom) < 0.5 and left >= prev_left - 0.5):
            turn = _turn(raw, i, frame.rotation)  # asked only where a baseline run breaks
        prev_bottom, prev_left = bottom, left
        if top - bottom < 1.0 and right - left < 1.0:
            # pdfium gives a point-sized box for a glyph it cannot map; give it a line's height
            size = pdfium_c.FPDFText_GetFontSize(raw, i) or 10.0
            bottom, top = bottom - 0.2 * size, bottom + 0.8 * size
        if clipped((left + right) / 2, (bottom + top) / 2, pdfium_c.FPDFText_GetTextObject(raw, i)):
            continue  # drawn outside its clip: not printed (a merged cell's text LibreOffice cut at a page break)
        box = to_display(left, bottom, right, top)
        if box[3] <= 0 or box[1] >= page_h or box[2] <= 0 or box[0] >= page_w:
            continue  # wholly off the visible page: not printed (a merged cell's label cut by a page break)
        if box[2] - box[0] <= 0 and box[3] - box[1] <= 0:
            if out and not blank:  # ligature tail with an empty box: share the previous glyph's box
                out.append(out[-1]._replace(ch=chr(cp), index=i, garbled=garbled, space_before=False))
            continue
        out.append(CharBox(chr(cp), box, i, garbled, blank, box[3] - box[1], (box[1] + box[3]) / 2, turn))
        blank = False
    return out


def garbled_share(chars: list[CharBox]) -> float:
    """Share of characters that look garbled (0.0 for a page without text)."""
    return sum(c.garbled for c in chars) / len(chars) if chars else 0.0


def _small_mark_in(c: CharBox, top: float, bottom: float, ref_h: float) -> bool:
    """A comma or full stop whose box is its glyph's (some producers give tight boxes even as "loose"):
    much shorter than the line and overlapping the line's extent by at least half its own height."""
    return c.height < SMALL_MARK_SHARE * ref_h and min(c.box[3], bottom) - max(c.box[1], top) >= 0.5 * c.height


def _group_lines(chars: list[CharBox]) -> list[list[CharBox]]:
    lines: list[list[CharBox]] = []
    ref_yc = ref_h = top = bottom = 0.0
    for c in sorted(chars, key=lambda c: c.yc):
        if lines and (abs(c.yc - ref_yc) <= LINE_TOL * max(c.height, ref_h) or _small_mark_in(c, top, bottom, ref_h)):
            line = lines[-1]
            line.append(c)
            ref_yc += (c.yc - ref_yc) / len(line)
            ref_h = max(ref_h, c.height)
            top, bottom = min(top, c.box[1]), max(bottom, c.box[3])
        else:
            lines.append([c])
            ref_yc, ref_h, top, bottom = c.yc, c.height, c.box[1], c.box[3]
    return lines


def _split_runs(line: list[CharBox]) -> list[list[CharBox]]:
    """Sort one line left to right, drop overprinted duplicates (fake bold), split at wide gaps."""
    runs: list[list[CharBox]] = []
    right = 0.0  # right edge of the current run
    for c in sorted(line, key=lambda c: (c.box[0], c.box[2])):
        if runs:
            prev = runs[-1][-1]
            h = max(c.height, prev.height, 1e-6)
            w = max(min(c.box[2] - c.box[0], prev.box[2] - prev.box[0]), 1e-6)
            if c.ch == prev.ch and abs(c.box[0] - prev.box[0]) < min(0.3 * h, 0.5 * w):
                continue  # overprinted copy; a double letter ("tt") sits a whole glyph further on
            if c.box[0] - right <= SPAN_GAP * h:
                runs[-1].append(c)
                right = max(right, c.box[2])
                continue
        runs.append([c])
        right = c.box[2]
    return runs


def _run_to_span(run: list[CharBox], font_size: Callable[[int], float] | None) -> TextSpan:
    text: list[str] = []
    boxes: list[BBox] = []
    prev: CharBox | None = None
    for c in run:
        if prev is not None and (c.space_before or not (is_cjk(prev.ch) or is_cjk(c.ch))):
            if c.box[0] - prev.box[2] > WORD_GAP * max(c.height, prev.height):
                text.append(" ")
                boxes.append((prev.box[2], min(prev.box[1], c.box[1]), c.box[0], max(prev.box[3], c.box[3])))
        text.append(c.ch)
        boxes.append(c.box)
        prev = c
    raw = "".join(text)
    fixed, repaired = repair_text(raw)
    if len(fixed) != len(raw):  # repair is one-to-one by construction; keep boxes aligned if not
        fixed, repaired = raw, 0
    confidence = REPAIRED_CONFIDENCE if repaired else 1.0
    garbled = sum(c.garbled for c in run)
    if garbled:
        confidence = min(confidence, 1.0 - garbled / len(run))
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    bbox = (min(b[0] for b in boxes), top, max(b[2] for b in boxes), bottom)
    # glyph tops vary; every character of a line span shares the span's vertical extent
    size = font_size(run[0].index) if font_size else 0.0
    # built from checked values: skip pydantic validation (the hot path on text-heavy pages)
    return TextSpan.model_construct(
        text=fixed, bbox=bbox, confidence=round(confidence, 4), source="pdf",
        char_boxes=tuple((b[0], top, b[2], bottom) for b in boxes),
        font_size=round(size, 2) if size > 0 else None)


# A turned line is read in a frame where it runs left to right: box -> frame box, and back.
_Box = tuple[float, float, float, float]
_INTO_FRAME: dict[int, Callable[[_Box], _Box]] = {
    1: lambda b: (-b[3], b[0], -b[1], b[2]),   # reads upwards
    2: lambda b: (-b[2], -b[3], -b[0], -b[1]),  # upside down
    3: lambda b: (b[1], -b[2], b[3], -b[0]),   # reads downwards
}
_OUT_OF_FRAME: dict[int, Callable[[_Box], _Box]] = {
    1: lambda b: (b[1], -b[2], b[3], -b[0]),
    2: lambda b: (-b[2], -b[3], -b[0], -b[1]),
    3: lambda b: (-b[3], b[0], -b[1], b[2]),
}


def _turned_spans(chars: list[CharBox], turn: int, font_size: Callable[[int], float] | None) -> list[TextSpan]:
    into, back = _INTO_FRAME[turn], _OUT_OF_FRAME[turn]
    framed = []
    for c in chars:
        b = into(c.box)
        framed.append(c._replace(box=b, height=b[3] - b[1], yc=(b[1] + b[3]) / 2))
    spans = []
    for line in _group_lines(framed):
        for run in _split_runs(line):
            s = _run_to_span(run, font_size)
            spans.append(s.model_copy(update={"bbox": back(s.bbox),
                                              "char_boxes": tuple(back(b) for b in s.char_boxes or ())}))
    return spans


def chars_to_spans(chars: list[CharBox], font_size: Callable[[int], float] | None = None) -> list[TextSpan]:
    """Line spans: upright lines in reading order (top to bottom, left to right), then turned ones.

    Turned text (a column header set sideways) is read along its own direction; its char boxes
    follow the reading order. Diagonal characters (watermarks) are not put in spans; see
    ``diagonal_count``. ``font_size(index)`` gives a character's font size (pdfium's, while the
    text page is open).
    """
    upright = [c for c in chars if c.turn == 0]
    spans = [_run_to_span(run, font_size) for line in _group_lines(upright) for run in _split_runs(line)]
    for turn in (1, 2, 3):
        turned = [c for c in chars if c.turn == turn]
        if turned:
            spans.extend(_turned_spans(turned, turn, font_size))
    return spans


def diagonal_count(chars: list[CharBox]) -> int:
    """Characters set at an angle that is not a quarter turn (kept out of spans)."""
    return sum(1 for c in chars if c.turn == -1)
