"""Raster rulings that are really strokes of text.

``cut_text_strokes(rulings, spans) -> list[Ruling]``: a raster (or inferred) ruling is cut where it runs
through a text line (an h line through the middle band of the line, a v line between the line's ends):
blurred character strokes get picked up as lines, and a stroke of a heading can be joined to a column
line below it, linking two tables. A ruling mostly inside text (``STROKE_INSIDE``) is dropped whole;
pieces shorter than ``MIN_PIECE`` are dropped. Vector rulings are kept as drawn.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from extract.types import Ruling, TextSpan

STROKE_INSIDE = 0.5  # share of a raster "ruling" inside text lines that makes it a text stroke
MIN_PIECE = 2.0  # pt: a piece left over after cutting, shorter than this, is noise
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
        elif sx0 < (x0 + x1) / 2 < sx1 and sy1 > y0 and sy0 < y1:
            out.append((max(sy0, y0), min(sy1, y1)))
    return sorted(out)


def _pieces(lo: float, hi: float, holes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out, start = [], lo
    for a, b in holes:
        if a > start:
            out.append((start, a))
        start = max(start, b)
    if hi > start:
        out.append((start, hi))
    return [(a, b) for a, b in out if b - a >= MIN_PIECE]


def _cut(r: Ruling, holes: list[tuple[float, float]]) -> list[Ruling]:
    x0, y0, x1, y1 = r.bbox
    lo, hi = (x0, x1) if r.orientation == "h" else (y0, y1)
    pieces = _pieces(lo, hi, holes)
    if sum(b - a for a, b in pieces) <= (1 - STROKE_INSIDE) * (hi - lo):
        return []
    if r.orientation == "h":
        return [r.model_copy(update={"bbox": (a, y0, b, y1)}) for a, b in pieces]
    return [r.model_copy(update={"bbox": (x0, a, x1, b)}) for a, b in pieces]


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
        out.extend(_cut(r, holes) if holes else [r])
    return out
