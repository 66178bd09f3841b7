"""Text into cells.

- ``split_span(span, cuts) -> list[TextSpan]``: cut a line run at x positions, by its character boxes, or
  by proportional character widths (full-width characters count 1, others 1/2) when it has none.
- ``assign_text(cells, spans) -> list[Cell]``: each span is cut wherever it crosses a cell's left/right
  edge on its own line, and each piece goes to the cell holding its centre (a piece with character boxes
  that still straddles a row edge, a run the text layer merged across lines, is regrouped per character
  by each character's centre); an amount that overflows its cell (a cut would leave a piece that is no
  number, ``9,674,500.`` + ``00``) stays whole, in the cell holding most of it. A cell's pieces are read as
  lines top to bottom, left to right, joined with ``extract.text.join_lines``. Cell confidence is the
  cell's own (edge clarity from ``find_merged_cells``) x the lowest span confidence x the share of its
  text area that lies inside the cell; an empty cell keeps its own confidence.
- ``route_spans(cells, spans) -> (per-cell pieces, pieces outside every cell)``: the routing alone.

Cells are located through their edges with bisect, so the cost is O((cells + spans) log n).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence

from extract.text import join_lines
from extract.types import BBox, Cell, TextSpan

_EDGE_MARGIN = 0.5  # pt: a cut this close to a span's end leaves nothing on one side
# An amount with a decimal point or thousands separators: one token however it crosses a ruling
_AMOUNT = re.compile(r"[-+]?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d+)")
_WHOLE_NUMBER = re.compile(r"[-+]?(0|[1-9]\d{0,2}(,\d{3})+|[1-9]\d*)(\.\d+)?")


def _char_weight(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def _estimated_boxes(span: TextSpan) -> list[BBox]:
    x0, y0, x1, y1 = span.bbox
    weights = [_char_weight(ch) for ch in span.text]
    total = sum(weights) or 1.0
    boxes, acc = [], 0.0
    for w in weights:
        a = x0 + (x1 - x0) * acc / total
        acc += w
        boxes.append((a, y0, x0 + (x1 - x0) * acc / total, y1))
    return boxes


def _piece(span: TextSpan, idx: list[int], boxes: list[BBox], exact: bool) -> TextSpan | None:
    keep = [i for i in idx if not span.text[i].isspace()]
    if not keep:
        return None
    sel = [i for i in idx if keep[0] <= i <= keep[-1]]
    own = [boxes[i] for i in sel]
    bbox = (min(b[0] for b in own), min(b[1] for b in own), max(b[2] for b in own), max(b[3] for b in own))
    return span.model_copy(update={
        "text": "".join(span.text[i] for i in sel), "bbox": bbox,
        "char_boxes": tuple(own) if exact else None,
    })


def split_span(span: TextSpan, cuts: Sequence[float]) -> list[TextSpan]:
    """Pieces of ``span`` between the x positions ``cuts``; a character goes where its centre lies."""
    cuts = sorted(x for x in cuts if span.bbox[0] + _EDGE_MARGIN < x < span.bbox[2] - _EDGE_MARGIN)
    if not cuts or len(span.text) < 2:
        return [span]
    exact = span.char_boxes is not None and len(span.char_boxes) == len(span.text)
    boxes = list(span.char_boxes) if exact and span.char_boxes is not None else _estimated_boxes(span)
    groups: list[list[int]] = [[] for _ in range(len(cuts) + 1)]
    for i, b in enumerate(boxes):
        groups[bisect_right(cuts, (b[0] + b[2]) / 2)].append(i)
    pieces = [_piece(span, g, boxes, exact) for g in groups if g]
    return [p for p in pieces if p is not None]


class _CellLocator:
    """Find the cell at a point, and the cell edges crossing a horizontal run, via the cells' edges."""

    def __init__(self, cells: Sequence[Cell]):
        self.xs = sorted({v for c in cells for v in (c.bbox[0], c.bbox[2])})
        self.ys = sorted({v for c in cells for v in (c.bbox[1], c.bbox[3])})
        self.at: dict[tuple[int, int], int] = {}
        xi = {x: i for i, x in enumerate(self.xs)}
        yi = {y: i for i, y in enumerate(self.ys)}
        for n, c in enumerate(cells):
            for r in range(yi[c.bbox[1]], yi[c.bbox[3]]):
                for k in range(xi[c.bbox[0]], xi[c.bbox[2]]):
                    self.at[(r, k)] = n

    def _slot(self, edges: list[float], v: float) -> int | None:
        i = bisect_right(edges, v) - 1
        return i if 0 <= i < len(edges) - 1 else None

    def cell_at(self, x: float, y: float) -> int | None:
        r, k = self._slot(self.ys, y), self._slot(self.xs, x)
        return None if r is None or k is None else self.at.get((r, k))

    def cuts(self, y: float, x0: float, x1: float) -> list[float]:
        """x positions in (x0, x1) where the cell changes along the line at height y."""
        r = self._slot(self.ys, y)
        if r is None:
            return []
        out = []
        for k in range(max(bisect_right(self.xs, x0), 1), len(self.xs) - 1):
            x = self.xs[k]
            if x >= x1:
                break
            if self.at.get((r, k - 1)) != self.at.get((r, k)):
                out.append(x)
        return out


def _centre(b: BBox) -> tuple[float, float]:
    return (b[0] + b[2]) / 2, (b[1] + b[3]) / 2


def overflows_cell(text: str, pieces: Sequence[str]) -> bool:
    """``text`` is one amount and cutting it into ``pieces`` leaves a piece that is no number of its own
    (``9,674,500.`` + ``00``): a number that overflows its cell's border, not two cells' texts."""
    return len(pieces) > 1 and bool(_AMOUNT.fullmatch(text)) and not all(_WHOLE_NUMBER.fullmatch(p) for p in pieces)


def route_spans(cells: Sequence[Cell], spans: Sequence[TextSpan]) -> tuple[list[list[TextSpan]], list[TextSpan]]:
    """Pieces of spans per cell (same order as ``cells``), and the spans lying outside every cell."""
    per_cell: list[list[TextSpan]] = [[] for _ in cells]
    outside: list[TextSpan] = []
    if not cells:
        return per_cell, list(spans)
    loc = _CellLocator(cells)
    for span in spans:
        _, yc = _centre(span.bbox)
        cuts = split_span(span, loc.cuts(yc, span.bbox[0], span.bbox[2]))
        if overflows_cell(span.text, [c.text for c in cuts]):  # the whole amount where most of it lies
            n = loc.cell_at(*_centre(max(cuts, key=lambda c: len(c.text)).bbox))
            (outside if n is None else per_cell[n]).append(span)
            continue
        for cut in cuts:
            for n, piece in _by_char_cells(cut, loc):
                (outside if n is None else per_cell[n]).append(piece)
    return per_cell, outside


def _by_char_cells(span: TextSpan, loc: _CellLocator) -> list[tuple[int | None, TextSpan]]:
    """A piece that still straddles a row edge (a run merged across lines) is regrouped per character."""
    home = loc.cell_at(*_centre(span.bbox))
    x0, y0, x1, y1 = span.bbox
    boxes = span.char_boxes
    i = bisect_right(loc.ys, y0 + _EDGE_MARGIN)
    if boxes is None or len(boxes) != len(span.text) or i >= len(loc.ys) or loc.ys[i] >= y1 - _EDGE_MARGIN:
        return [(home, span)]
    groups: dict[int | None, list[int]] = {}
    for k, b in enumerate(boxes):
        groups.setdefault(loc.cell_at(*_centre(b)), []).append(k)
    if len(groups) == 1:
        return [(home, span)]
    pieces = ((n, _piece(span, idx, list(boxes), True)) for n, idx in groups.items())
    return [(n, p) for n, p in pieces if p is not None]


def _lines(pieces: list[TextSpan]) -> list[list[TextSpan]]:
    """Group pieces into lines: a piece joins a line when it overlaps it vertically by half its height."""
    lines: list[list[TextSpan]] = []
    band: tuple[float, float] | None = None
    for p in sorted(pieces, key=lambda s: (s.bbox[1] + s.bbox[3]) / 2):
        y0, y1 = p.bbox[1], p.bbox[3]
        if band is not None:
            overlap = min(band[1], y1) - max(band[0], y0)
            if overlap >= 0.5 * min(y1 - y0, band[1] - band[0]):
                lines[-1].append(p)
                band = (min(band[0], y0), max(band[1], y1))
                continue
        lines.append([p])
        band = (y0, y1)
    return [sorted(line, key=lambda s: s.bbox[0]) for line in lines]


def cell_text(pieces: list[TextSpan]) -> str:
    """Text of a cell's pieces: lines top to bottom, pieces left to right."""
    return join_lines([join_lines([p.text for p in line]) for line in _lines(pieces)])


def _inside_share(pieces: list[TextSpan], box: BBox) -> float:
    total = inside = 0.0
    for p in pieces:
        x0, y0, x1, y1 = p.bbox
        a = max(x1 - x0, 0.0) * max(y1 - y0, 0.0)
        ix = max(min(x1, box[2]) - max(x0, box[0]), 0.0)
        iy = max(min(y1, box[3]) - max(y0, box[1]), 0.0)
        total += a
        inside += ix * iy
    return inside / total if total > 0 else 1.0


def fill_cell(cell: Cell, pieces: list[TextSpan]) -> Cell:
    """The cell with its text, evidence spans and confidence set from ``pieces``."""
    if not pieces:
        return cell
    conf = cell.confidence * min(p.confidence for p in pieces) * _inside_share(pieces, cell.bbox)
    return cell.model_copy(update={
        "text": cell_text(pieces), "spans": tuple(pieces), "confidence": max(0.0, min(1.0, conf)),
    })


def assign_text(cells: Sequence[Cell], spans: Sequence[TextSpan]) -> list[Cell]:
    """Cells with their text; spans outside every cell are ignored here (see ``route_spans``)."""
    per_cell, _ = route_spans(cells, spans)
    return [fill_cell(c, p) for c, p in zip(cells, per_cell)]
