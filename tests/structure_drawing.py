"""Synthetic ruled tables for the structure tests: rulings drawn cell by cell, text placed in cells.

Many PDF producers draw every cell as its own rectangle, so a border arrives as many short, overlapping
segments; that is what ``draw_table`` emits (merging them is part of what is tested).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from extract.types import PageInfo, Ruling, TextSpan

FONT = 10.0


def page(n: int = 1) -> PageInfo:
    return PageInfo(page=n, width=595.0, height=842.0)


def char_width(ch: str) -> float:
    return FONT if unicodedata.east_asian_width(ch) in ("W", "F") else FONT / 2


def text_span(text: str, x: float, y: float, *, boxes: bool = True, confidence: float = 1.0,
              source: str = "pdf") -> TextSpan:
    """One line of text starting at (x, y) (top-left), with a box per character when ``boxes``."""
    char_boxes, cx = [], x
    for ch in text:
        w = char_width(ch)
        char_boxes.append((cx, y, cx + w, y + FONT))
        cx += w
    return TextSpan(text=text, bbox=(x, y, cx, y + FONT), confidence=confidence, source=source,
                    char_boxes=tuple(char_boxes) if boxes else None)


@dataclass
class Drawn:
    rulings: list[Ruling] = field(default_factory=list)
    spans: list[TextSpan] = field(default_factory=list)

    def __add__(self, other: Drawn) -> Drawn:
        return Drawn(self.rulings + other.rulings, self.spans + other.spans)


def h(y: float, x0: float, x1: float, source: str = "vector") -> Ruling:
    return Ruling(orientation="h", bbox=(x0, y - 0.25, x1, y + 0.25), source=source)


def v(x: float, y0: float, y1: float, source: str = "vector") -> Ruling:
    return Ruling(orientation="v", bbox=(x - 0.25, y0, x + 0.25, y1), source=source)


def draw_table(cols: list[float], rows: list[float], cells: list[tuple] | None = None, *,
               texts: dict[tuple[int, int], str] | None = None, open_top: set[int] | None = None,
               boxes: bool = True, open_bottom: set[int] | None = None) -> Drawn:
    """A table on edges ``cols`` x ``rows``; ``cells`` lists (row, col, row_span, col_span, text) merges,
    ``texts`` the text of plain 1x1 cells; ``open_top`` (``open_bottom``) names columns whose top (bottom)
    border is not drawn."""
    spec = {(c[0], c[1]): c for c in cells or []}
    covered = {(r, k) for (r0, c0, rs, cs, _t) in spec.values()
               for r in range(r0, r0 + rs) for k in range(c0, c0 + cs)}
    for r in range(len(rows) - 1):
        for k in range(len(cols) - 1):
            if (r, k) not in covered:
                spec[(r, k)] = (r, k, 1, 1, (texts or {}).get((r, k), ""))
    out = Drawn()
    for r, k, rs, cs, text in spec.values():
        x0, y0, x1, y1 = cols[k], rows[r], cols[k + cs], rows[r + rs]
        if not (r == 0 and open_top and k in open_top):
            out.rulings.append(h(y0, x0, x1))
        if not (r + rs == len(rows) - 1 and open_bottom and k in open_bottom):
            out.rulings.append(h(y1, x0, x1))
        out.rulings += [v(x0, y0, y1), v(x1, y0, y1)]
        for i, line in enumerate(text.split("\n") if text else []):
            out.spans.append(text_span(line, x0 + 3, y0 + 3 + i * (FONT + 2), boxes=boxes))
    return out


def texts_of(table) -> dict[tuple[int, int], str]:
    return {(c.row, c.col): c.text for c in table.cells}


def spans_of(table) -> dict[tuple[int, int], tuple[int, int]]:
    return {(c.row, c.col): (c.row_span, c.col_span) for c in table.cells}
