"""Where a printed grid's rows landed: the page of each row, read back from the PDF's text layer.

Neither printer reports its page breaks, so each row is found by the start of its widest non-empty cell
(the first line of that cell: at most ``KEY_CHARS`` characters, whitespace ignored), taking the first
occurrence after the previous row's (page, y) so repeated header rows and repeated indicator names
land on the right row. The text layer is also what tests compare truth against.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from corpus.routes.grid import Grid

KEY_CHARS = 5


@dataclass
class PageText:
    chars: str  # every non-whitespace character of the page, in text-layer order
    tops: list[float]  # distance of each character's top from the page top, in points
    lines: list[str]  # the text layer as lines (line breaks as the printer set them)


def read_pages(pdf: Path) -> list[PageText]:
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    try:
        for page in doc:
            height = page.get_size()[1]
            tp = page.get_textpage()
            chars, tops = [], []
            for i in range(tp.count_chars()):
                ch = tp.get_text_range(i, 1)
                if not ch or ch.isspace():
                    continue
                chars.append(ch)
                tops.append(height - tp.get_charbox(i)[3])
            text = tp.get_text_range()
            out.append(PageText("".join(chars), tops, [ln for ln in text.replace("\r", "").split("\n")]))
            tp.close()
            page.close()
    finally:
        doc.close()
    return out


def _squash(text: str) -> str:
    return "".join(text.split())


def _key(g: Grid, row: int) -> str:
    cells = [c for c in g.cells if c.row == row and _squash(c.text)]
    if not cells:
        return ""
    best = max(cells, key=lambda c: (c.row_span == 1, c.col_span, len(_squash(c.text))))
    first_line = best.text.strip().split("\n")[0]
    return _squash(first_line)[:KEY_CHARS]


def _finds(text: str, key: str) -> list[int]:
    out, i = [], text.find(key)
    while i >= 0:
        out.append(i)
        i = text.find(key, i + 1)
    return out


def row_pages(g: Grid, pages: list[PageText], start: tuple[int, float] = (0, -1.0)) -> tuple[list[int], tuple[int, float]]:
    """1-based page of every row of ``g`` and the (page index, top) of its last row, searching from ``start``."""
    out: list[int] = []
    cur = start
    for r in range(g.n_rows):
        key = _key(g, r)
        found = None
        if key:
            for p in range(cur[0], len(pages)):
                text, tops = pages[p].chars, pages[p].tops
                after = [tops[i] for i in _finds(text, key) if p > cur[0] or tops[i] > cur[1] + 1.0]
                if after:
                    found = (p, min(after))
                    break
        if found is None:  # an empty row: where the previous row was
            found = cur if cur[1] >= 0 else (cur[0], 0.0)
        cur = found
        out.append(cur[0] + 1)
    return out, cur
