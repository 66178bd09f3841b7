"""Short text-line crops packed side by side into strips, so the recogniser reads several in one run
(used when extract.ocr.rapid.PACK_SHORT_LINES is on; off by default until measured on the scan sets).

PP-OCR's recogniser pads every line to at least 320 x 48 pixels: a cell holding '12.5' costs as much as a
line of 20 characters. A strip holds crops (each scaled to the recogniser's 48-pixel height) with a gap of
paper between them; the characters read are given back to the crop their box lies in (RapidOCR's own
character boxes, from the recogniser's time steps). A strip whose characters cannot be aligned to its text
is read again crop by crop.
"""
from __future__ import annotations

from typing import Any, Sequence

import cv2
import numpy as np

HEIGHT = 48  # the recogniser's input height (rec_img_shape)
STRIP_W = 800  # strip width at that height (pixels): a few cells of one row
GAP = 32  # paper between two crops (pixels at HEIGHT): four of the recogniser's time steps
MIN_W = 320  # the recogniser's own minimum width: a crop this wide or wider is read alone

Segment = tuple[int, int, int, float]  # (crop index, x0, x1 in the strip, scale)
# [char, score, (x0, y0, x1, y1) in the crop's pixels, or None for a space]: a list, as rapid._line_at reads it
Piece = list[Any]


def pack(crops: list[np.ndarray]) -> tuple[list[np.ndarray], list[list[Segment]]]:
    """Strips (grey, HEIGHT high) and, per strip, its segments (crop index, x0, x1 in the strip, scale)."""
    strips: list[np.ndarray] = []
    layout: list[list[Segment]] = []
    row: list[tuple[int, np.ndarray, float]] = []
    width = GAP

    def flush() -> None:
        nonlocal row, width
        if not row:
            return
        strip = np.full((HEIGHT, width), 255, np.uint8)
        segs: list[Segment] = []
        x = GAP
        for i, im, f in row:
            strip[:, x:x + im.shape[1]] = im
            segs.append((i, x, x + im.shape[1], f))
            x += im.shape[1] + GAP
        strips.append(strip)
        layout.append(segs)
        row, width = [], GAP

    for i, crop in enumerate(crops):
        h, w = crop.shape[:2]
        f = HEIGHT / max(h, 1)
        sw = max(1, int(round(w * f)))
        if sw >= MIN_W:
            continue  # read alone (see unpacked)
        im = cv2.resize(crop, (sw, HEIGHT), interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
        if width + sw + GAP > STRIP_W:
            flush()
        row.append((i, im, f))
        width += sw + GAP
    flush()
    return strips, layout


def alone(crops: list[np.ndarray]) -> list[int]:
    """Indices of the crops pack leaves out (wide enough to fill the recogniser's input by themselves)."""
    return [i for i, c in enumerate(crops) if round(c.shape[1] * HEIGHT / max(c.shape[0], 1)) >= MIN_W]


def unpack(text: str, chars: Sequence[Sequence[Any]], segs: Sequence[Segment]
           ) -> list[tuple[str, float, list[Piece]]] | None:
    """Per segment: (text, mean character score, [(char, score, (x0, y0, x1, y1) in the crop's pixels)]).

    chars: RapidOCR's single-character results for the strip (char, score, quad in strip pixels), one per
    non-space character of text; RapidOCR's word results are untyped, hence Any. None when they do not align
    (the caller reads the crops singly)."""
    items = [c for c in chars if c[2] is not None]
    if "".join(str(c[0]) for c in items) != text.replace(" ", ""):
        return None
    pieces: list[list[Piece]] = [[] for _ in segs]  # per segment: [char, score, box] with spaces as None boxes
    it = iter(items)
    last: int | None = None
    for ch in text:
        if ch == " ":
            if last is not None:
                pieces[last].append([" ", 1.0, None])
            continue
        c, sc, quad = next(it)
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        cx = (min(xs) + max(xs)) / 2
        k = next((j for j, s in enumerate(segs) if s[1] - GAP / 2 <= cx < s[2] + GAP / 2), None)
        if k is None:
            return None
        f = segs[k][3]
        box = ((min(xs) - segs[k][1]) / f, min(ys) / f, (max(xs) - segs[k][1]) / f, max(ys) / f)
        pieces[k].append([str(c), float(sc), box])
        last = k
    out: list[tuple[str, float, list[Piece]]] = []
    for piece in pieces:
        while piece and piece[-1][0] == " ":
            piece.pop()
        while piece and piece[0][0] == " ":
            piece.pop(0)
        seg_text = "".join(p[0] for p in piece)
        scores = [p[1] for p in piece if p[0] != " "]
        out.append((seg_text, float(np.mean(scores)) if scores else 0.0, piece))
    return out
