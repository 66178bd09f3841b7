"""Fonts and text measure for the generator: CJK font + Latin companion, Kangxi look-alikes, line wrapping.

Some real PDFs (Chromium + Noto) carry Kangxi radicals (U+2F00..) in their text layer where the page shows
ordinary ideographs; :func:`to_kangxi` writes such text for a subset of documents, with a font that has
glyphs for the radicals. DroidSansFallback has no digits, so it always gets a Latin companion font.
"""
from __future__ import annotations

import unicodedata
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS = {
    "wqy-zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "droid": ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
}
LATIN_FONTS = {  # for digits and Latin text beside the CJK font, as Word pairs 宋体 with Times New Roman
    "liberation-serif": ("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", None),
    "liberation-sans": ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", None),
    "dejavu-sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", None),
}
_FONT_PAIRS: dict[str, tuple[str, str | None]] = {}
KANGXI_FONTS = ("wqy-zenhei", "uming")  # fonts with glyphs for the Kangxi radicals U+2F00..2FD5
# Characters that Chromium+Noto-made PDFs often carry as Kangxi radicals in the text layer.
_KANGXI_CHARS = "一二人入八力十大子小工干支文方日月水火生用田目立行言金"


def _kangxi_map() -> dict[str, str]:
    out = {}
    for cp in range(0x2F00, 0x2FD6):
        std = unicodedata.normalize("NFKC", chr(cp))
        if std in _KANGXI_CHARS:
            out[std] = chr(cp)
    return out


KANGXI_MAP = _kangxi_map()


def to_kangxi(text: str) -> str:
    """Standard ideographs -> their Kangxi radical look-alikes (what the text layer of such PDFs holds)."""
    return "".join(KANGXI_MAP.get(ch, ch) for ch in text)


@cache
def register_font(name: str) -> str:
    path, index = {**FONTS, **LATIN_FONTS}[name]
    font = TTFont(name, path, subfontIndex=index) if index is not None else TTFont(name, path)
    pdfmetrics.registerFont(font)
    return name


@cache
def register_fonts(main: str, latin: str | None) -> str:
    """Register a CJK font and its Latin companion; returns the key the drawing functions take as ``font``."""
    if latin is None and main == "droid":  # DroidSansFallback has no digits or Latin letters
        latin = "liberation-sans"
    register_font(main)
    if latin:
        register_font(latin)
    key = f"{main}+{latin}" if latin else main
    _FONT_PAIRS[key] = (main, latin)
    return key


def font_runs(text: str, key: str) -> list[tuple[str, str]]:
    """Split text into (font name, run): ASCII and characters the CJK font lacks go to the Latin font."""
    main, latin = _FONT_PAIRS.get(key, (key, None))
    if latin is None:
        return [(main, text)] if text else []
    cmap = pdfmetrics.getFont(main).face.charToGlyph
    runs: list[tuple[str, str]] = []
    for ch in text:
        name = latin if ch.isascii() or ord(ch) not in cmap else main
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + ch)
        else:
            runs.append((name, ch))
    return runs


def text_width(text: str, key: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, name, size) for name, run in font_runs(text, key))


def draw_string(canvas: Canvas, x: float, y: float, text: str, key: str, size: float, align: str = "left") -> None:
    """Draw text at baseline y; x is the left edge, the centre or the right edge by ``align``."""
    if align != "left":
        x -= text_width(text, key, size) / (2 if align == "center" else 1)
    for name, run in font_runs(text, key):
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, name, size)


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than ``width``: CJK anywhere, Latin/number runs kept whole if they fit.

    Closing punctuation never starts a line: the character before it moves down with it (as Word does);
    nothing hangs past ``width``.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for token in _tokens(para):
            if not line or text_width(line + token, font, size) <= width:
                line = _append(line, token, font, size, width, lines)
            elif token in _NO_LINE_START and len(line) > 1 and not line[-1].isspace():
                lines.append(line[:-1].rstrip())
                line = line[-1] + token
            else:
                lines.append(line.rstrip())
                line = _append("", token.lstrip(), font, size, width, lines)
        lines.append(line.rstrip())
    return lines


def _append(line: str, token: str, font: str, size: float, width: float, lines: list[str]) -> str:
    """Add a token to a line; an over-long token (a long number) is broken by character."""
    if line or text_width(token, font, size) <= width:
        return line + token
    for ch in token:
        if line and text_width(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return line


_NO_LINE_START = set("，。、；：？！）》」”’,.;:?!)%")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for ch in text:
        if out and ch.isascii() and not ch.isspace() and out[-1][-1].isascii() and not out[-1][-1].isspace():
            out[-1] += ch
        else:
            out.append(ch)
    return out


# ---------------------------------------------------------------- tables
