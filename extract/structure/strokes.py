"""Raster rulings that are really strokes of text.

``cut_text_strokes(rulings, spans) -> list[Ruling]``: a raster (or inferred) ruling is cut where it runs
through a text line (an h line through the middle band of the line, a v line between the line's ends):
blurred character strokes get picked up as lines, and a stroke of a heading can be joined to a column
line below it, linking two tables. A ruling mostly inside text (``STROKE_INSIDE``) is dropped whole;
an end next to a cut is pulled back to the first line crossing it within ``BRIDGE`` (the stroke was
bridged to that line; left alone it reads as a line running past the table); pieces shorter than
``MIN_PIECE`` are dropped. Vector rulings are kept as drawn.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from extract.types import Ruling, TextSpan

STROKE_INSIDE = 0.5  # share of a raster "ruling" inside text lines that makes it a text stroke
MIN_PIECE = 2.0  # pt: a piece left over after cutting, shorter than this, is noise
BRIDGE = 20.0  # pt: the longest gap the raster finder bridges between a text stroke and a line
_GLYPH_EDGE = 0.15  # a line this share of a character's width from its edge runs between characters
_MID_BAND = 0.15  # an h stroke must run within the line's height less this share at top and bottom


def _holes(r: Ruling, spans: list[TextSpan], ys: list[float], tallest: float) -> list[tuple[float, float]]:
    """Intervals along the ruling that lie inside text lines."""
    x0, y0, x1, y1 = r.bbox
    out = []
    for s in spans[bisect_left(ys, y0 - tallest):bisect_right(ys, y1 + tallest)]:
        sx0, sy0, sx1, sy1 = s.bbox
        if r.orientation == "h":
            pad = _MID_BAND * (sy1 - sy0)
            if sy0 + pad <= (y0 + y1) / 2 <= sy1 - pad and sx1 > x0 and sx0 < x1:
                out.append((max(sx0, x0), min(sx1, x1)))
        elif sx0 < (x0 + x1) / 2 < sx1 and sy1 > y0 and sy0 < y1 and _through_a_glyph(s, (x0 + x1) / 2):
            out.append((max(sy0, y0), min(sy1, y1)))
    return sorted(out)


def _through_a_glyph(span: TextSpan, x: float) -> bool:
    """A vertical line at x crosses a character's body (a stroke), not the gap between two characters
    (a real line the text layer ran a line of text across). Without character boxes: assume a stroke."""
    boxes = span.char_boxes
    if boxes is None or len(boxes) != len(span.text):
        return True
    for ch, (a, _, b, _) in zip(span.text, boxes):
        margin = _GLYPH_EDGE * (b - a)
        if a + margin < x < b - margin:
            return not ch.isspace()
    return False


def _pieces(lo: float, hi: float, holes: list[tuple[float, float]]) -> list[tuple[float, float, bool, bool]]:
    """What is left of [lo, hi] outside the holes, each with whether its start/end touches a hole."""
    out, start, after_hole = [], lo, False
    for a, b in holes:
        if a > start:
            out.append((start, a, after_hole, True))
        start, after_hole = max(start, b), True
    if hi > start:
        out.append((start, hi, after_hole, False))
    return out


def _pull_back(a: float, b: float, from_start: bool, crossings: list[float]) -> tuple[float, float]:
    """An end next to a hole moves to the first crossing line within ``BRIDGE`` (the finder bridged the
    gap between the text and that line), else by ``MIN_PIECE``."""
    if from_start:
        near = [c for c in crossings if a <= c <= min(b, a + BRIDGE)]
        return (min(near) if near else a + MIN_PIECE), b
    near = [c for c in crossings if max(a, b - BRIDGE) <= c <= b]
    return a, (max(near) if near else b - MIN_PIECE)


def _cut(r: Ruling, holes: list[tuple[float, float]], crossings: list[float]) -> list[Ruling]:
    x0, y0, x1, y1 = r.bbox
    lo, hi = (x0, x1) if r.orientation == "h" else (y0, y1)
    kept = []
    for a, b, hole_before, hole_after in _pieces(lo, hi, holes):
        if hole_before:
            a, b = _pull_back(a, b, True, crossings)
        if hole_after:
            a, b = _pull_back(a, b, False, crossings)
        if b - a >= MIN_PIECE:
            kept.append((a, b))
    if sum(b - a for a, b in kept) <= (1 - STROKE_INSIDE) * (hi - lo):
        return []
    if r.orientation == "h":
        return [r.model_copy(update={"bbox": (a, y0, b, y1)}) for a, b in kept]
    return [r.model_copy(update={"bbox": (x0, a, x1, b)}) for a, b in kept]


def _crossings(r: Ruling, rulings: Sequence[Ruling]) -> list[float]:
    """Positions along ``r`` where perpendicular rulings cross it."""
    x0, y0, x1, y1 = r.bbox
    if r.orientation == "h":
        y = (y0 + y1) / 2
        return [(o.bbox[0] + o.bbox[2]) / 2 for o in rulings
                if o.orientation == "v" and o.bbox[1] - 1 <= y <= o.bbox[3] + 1 and x0 <= o.bbox[0] <= x1]
    x = (x0 + x1) / 2
    return [(o.bbox[1] + o.bbox[3]) / 2 for o in rulings
            if o.orientation == "h" and o.bbox[0] - 1 <= x <= o.bbox[2] + 1 and y0 <= o.bbox[1] <= y1]


def cut_text_strokes(rulings: Sequence[Ruling], spans: Sequence[TextSpan]) -> list[Ruling]:
    """Rulings with the parts that run through text removed (raster and inferred ones only)."""
    if not spans or all(r.source == "vector" for r in rulings):
        return list(rulings)
    ordered = sorted(spans, key=lambda s: (s.bbox[1] + s.bbox[3]) / 2)
    ys = [(s.bbox[1] + s.bbox[3]) / 2 for s in ordered]
    tallest = max(s.bbox[3] - s.bbox[1] for s in ordered)
    out: list[Ruling] = []
    for r in rulings:
        holes = [] if r.source == "vector" else _holes(r, ordered, ys, tallest)
        out.extend(_cut(r, holes, _crossings(r, rulings)) if holes else [r])
    return out
