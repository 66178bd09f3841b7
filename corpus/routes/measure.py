"""Text widths and wrapped line counts, to size spreadsheet rows the way an author drags them taller.

LibreOffice (like Excel) does not grow a row for wrapped text in merged cells, nor on import of an XLSX
row without a height, so the XLSX route sets every row's height itself from these estimates. Breaking
follows what Calc does: between CJK characters, never before closing punctuation, inside a run of
digits/Latin only when the run alone is wider than the cell (Calc then breaks it: ``9,674`` / ``500.00``).
"""
from __future__ import annotations

import re
import subprocess
from functools import lru_cache

from PIL import ImageFont

_TOKEN = re.compile(r"[A-Za-z0-9.,%+\-~:/()]+[，。、；：）》”,.;:)]*|\s+|.[，。、；：）》”,.;:)]*", re.S)
# Share of the cell width the estimate may fill: Calc's glyph advances and inner padding differ a little
# from Pillow's; measured on the test rows, a line estimated at 95% never wrapped where this did not.
FILL = 0.93


@lru_cache(maxsize=16)
def font_file(family: str) -> str:
    out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True).stdout
    return out.strip()


@lru_cache(maxsize=16)
def _font(family: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_file(family), 100)


@lru_cache(maxsize=65536)
def text_width(text: str, family: str, size: float) -> float:
    """Advance width of ``text`` in points at ``size`` pt."""
    return _font(family).getlength(text) * size / 100.0


def line_height(family: str, size: float) -> float:
    ascent, descent = _font(family).getmetrics()
    return (ascent + descent) * size / 100.0


def wrapped_lines(text: str, width_pt: float, family: str, size: float) -> int:
    """Lines ``text`` takes in a cell ``width_pt`` wide (explicit line breaks kept)."""
    avail = max(width_pt * FILL - 3.0, size)
    total = 0
    for para in text.split("\n"):
        lines, x = 1, 0.0
        for tok in _TOKEN.findall(para):
            w = text_width(tok, family, size)
            if x + w <= avail:
                x += w
                continue
            if tok.isspace():  # a break opportunity: the next line starts after it
                lines, x = lines + 1, 0.0
                continue
            if w > avail:  # a run wider than the cell: broken character by character
                for ch in tok:
                    cw = text_width(ch, family, size)
                    if x + cw > avail and x > 0:
                        lines, x = lines + 1, 0.0
                    x += cw
                continue
            lines, x = lines + 1, w
        total += lines
    return total
