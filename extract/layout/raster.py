"""Rulings from a page image: OpenCV morphology finds line pieces, collinear pieces are joined across breaks.

Input is the cleaned grey page (upright, level, seals removed); output is ``list[Ruling]`` in PDF points
(source='raster'), the same shape the vector path gives, so the grid builder treats both alike.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from extract.types import BBox, Ruling

# A line box in image pixels: (x0, y0, x1, y1, ...). Pieces carry (inked length, has a long piece) after
# the corners, joined lines (share of length inked); _transpose and the end fixes keep whatever follows.
Box = tuple[float, ...]


class RasterRulingOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    piece_pt: float = Field(14.0, description="a ruling needs one piece at least this long (points); longer "
                            "than a CJK stroke (a 一 at 12pt is ~11pt wide)")
    short_piece_pt: float = Field(4.0, description="shorter pieces (down to this, points) only join a ruling "
                                  "that has a long one: the bits of a worn line between two breaks")
    min_length_pt: float = Field(30.0, description="shortest ruling after joining pieces (points); a one-row "
                                 "table's column rulings are shorter and are missed (measured: 12pt lets strokes in)")
    max_thickness_pt: float = Field(3.0, description="thicker pieces are ink blobs, not rulings (points)")
    glyph_pt: float = Field(40.0, description="ink blobs up to this tall (points) may be characters or a line "
                            "of them: their short strokes do not join rulings")
    min_coverage: float = Field(0.6, description="share of a joined ruling's length that is ink; strokes of "
                                "a text line chained together cover far less")
    max_gap_pt: float = Field(36.0, description="collinear pieces closer than this are one broken ruling; "
                              "a merged cell leaves a gap of a whole column, far more")
    align_pt: float = Field(2.5, description="pieces whose centre lines differ by less are collinear")
    isolated_pt: float = Field(72.0, description="a ruling that touches no crossing ruling must be this long "
                               "(points) ...")
    lone_coverage: float = Field(0.9, description="... and this solid: strokes of a title chained together are "
                                 "long but gappy")
    edge_pt: float = Field(18.0, description="... and this far (points) from the image's edge at least: nearer, "
                           "it is the paper's edge or a scanner's shadow band (no form prints within 6 mm of it)")
    snap_pt: float = Field(20.0, description="a ruling end this close to a crossing ruling is extended to it")
    block_px: int = Field(31, description="adaptive-threshold window: faint rulings count against local paper")
    offset: int = Field(12, description="adaptive-threshold offset: how much darker than local paper is ink")


def binarize(grey: np.ndarray, options: RasterRulingOptions) -> np.ndarray:
    """Ink = 255: darker than the local paper by more than offset (keeps faded grey rulings)."""
    smooth = cv2.medianBlur(grey, 3)
    return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 options.block_px | 1, options.offset)


def _horizontal_pieces(binary: np.ndarray, short_px: int, long_px: int, max_thick_px: float,
                       glyph_px: float) -> list[Box]:
    """Thin horizontal ink pieces: (x0, y0, x1, y1, inked length, is long).

    A long piece (a ruling's run) is kept as it is. A short one is kept only when the ink it belongs to is
    itself thin (a bit of a worn ruling between two breaks) or far taller than a glyph (joined to a crossing
    ruling); a stroke of a character belongs to a blob as tall as the character, and kept, such strokes would
    chain down a column of text (or across a heading between two tables) into a false ruling.
    """
    lines = _opened(binary, short_px)
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    _, ink_labels, ink_stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    pieces: list[Box] = []
    for x, y, w, h, _area in stats[1:n]:
        if h > max_thick_px:
            continue
        long = w >= long_px
        if not long:
            blob = ink_stats[ink_labels[y + h // 2, x + w // 2]]
            if 2 * max_thick_px < blob[3] <= glyph_px:
                continue
        pieces.append((float(x), float(y), float(x + w), float(y + h), float(w), float(long)))
    return pieces


def _opened(binary: np.ndarray, short_px: int) -> np.ndarray:
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(short_px, 3), 1)))


def _with_coverage(lines: np.ndarray, joined: list[Box], min_len: float, max_thick: float) -> list[Box]:
    """(x0, y0, x1, y1, share of columns inked) for joined lines long and thin enough and holding a long piece."""
    out: list[Box] = []
    for b in joined:
        x0, y0, x1, y1 = (int(v) for v in b[:4])
        if b[5] and x1 - x0 >= min_len and y1 - y0 <= max_thick:
            out.append((*b[:4], float(lines[y0:y1 + 1, x0:x1 + 1].any(axis=0).mean())))
    return out


def _walled(lo: float, hi: float, cy: float, walls: Sequence[Box], tol: float) -> bool:
    """Crossing lines at two or more places inside the gap (lo, hi): the end of one table, the start of the next."""
    at = sorted((w[0] + w[2]) / 2 for w in walls
                if lo - tol < (w[0] + w[2]) / 2 < hi + tol and w[1] - tol <= cy <= w[3] + tol)
    return sum(b - a > tol for a, b in zip(at, at[1:])) >= 1


def _join_collinear(pieces: list[Box], align_px: float, gap_px: float, walls: Sequence[Box] = ()) -> list[Box]:
    """Join pieces on one line (centres within align_px) whose gap is at most gap_px and not walled.

    Pieces are (x0, y0, x1, y1, inked length, has a long piece); the result sums the ink and ORs the flag.
    walls are the crossing (perpendicular) pieces, in the same frame.
    """
    joined: list[Box] = []
    for p in sorted(pieces, key=lambda b: ((b[1] + b[3]) / 2, b[0])):
        cy = (p[1] + p[3]) / 2
        for k, q in enumerate(joined):
            qy = (q[1] + q[3]) / 2
            if abs(qy - cy) > align_px or p[0] > q[2] + gap_px or q[0] > p[2] + gap_px:
                continue
            lo, hi = (q[2], p[0]) if p[0] > q[2] else (p[2], q[0])
            if lo < hi and _walled(lo, hi, cy, walls, align_px):
                continue
            joined[k] = (min(p[0], q[0]), min(p[1], q[1]), max(p[2], q[2]), max(p[3], q[3]), p[4] + q[4],
                         max(p[5], q[5]))
            break
        else:
            joined.append(p)
    # one more pass: joins can chain (a-b, then b-c on the other side)
    return joined if len(joined) == len(pieces) else _join_collinear(joined, align_px, gap_px, walls)


def _snap_ends(lines: list[Box], crossing: list[Box], snap_px: float) -> list[Box]:
    """Extend each line's ends to a crossing ruling that lies just beyond them and spans the line."""
    out: list[Box] = []
    for x0, y0, x1, y1, *rest in lines:
        cy = (y0 + y1) / 2
        xs = [(c[0] + c[2]) / 2 for c in crossing if c[1] - snap_px <= cy <= c[3] + snap_px]
        left = [x for x in xs if x0 - snap_px <= x < x0]
        right = [x for x in xs if x1 < x <= x1 + snap_px]
        out.append((min(left) if left else x0, y0, max(right) if right else x1, y1, *rest))
    return out


def _trim_overhang(lines: list[Box], crossing: list[Box], snap_px: float, keep_px: float) -> list[Box]:
    """Cut a line back to its outermost crossings (with two or more): what lies beyond was joined from text
    strokes in line with it (a column ruling running on into the title above the table)."""
    out: list[Box] = []
    for x0, y0, x1, y1, *rest in lines:
        cy = (y0 + y1) / 2
        xs = sorted((c[0] + c[2]) / 2 for c in crossing
                    if c[1] - snap_px <= cy <= c[3] + snap_px and x0 - snap_px <= (c[0] + c[2]) / 2 <= x1 + snap_px)
        if len(xs) >= 2:
            x0, x1 = max(x0, xs[0] - keep_px), min(x1, xs[-1] + keep_px)
        out.append((x0, y0, x1, y1, *rest))
    return out


SHARED_OVERHANG_LINES = 3  # lines whose trimmed ends line up: a table side whose border ruling was lost


def _solid(ink: np.ndarray, b: Box, lo: float, hi: float, min_coverage: float) -> bool:
    """The part [lo, hi] of horizontal line box ``b`` is inked along ``min_coverage`` of its length."""
    y0, y1 = int(b[1]), max(int(np.ceil(b[3])), int(b[1]) + 1)
    x0, x1 = int(lo), max(int(np.ceil(hi)), int(lo) + 1)
    cols = ink[y0:y1, x0:x1].any(axis=0)
    return cols.size > 0 and float(cols.mean()) >= min_coverage


def _shared_overhang(lines: list[Box], trimmed: list[Box], tol: float, ink: np.ndarray,
                     min_coverage: float) -> list[Box]:
    """Undo the trim where the cut-off ends of ``SHARED_OVERHANG_LINES`` lines or more line up (``tol``) and
    the cut-off parts are solid lines: the row rulings of a table side whose border ruling was not found (a
    thin grey line lost in binarisation), which the grid builder reads as an open side. Text strokes run on
    from a ruling are gappy, however many rulings run into one line of text."""
    out = list(trimmed)
    for side in (0, 2):
        cut = sorted((lines[i][side], i) for i in range(len(lines)) if abs(lines[i][side] - trimmed[i][side]) > tol
                     and _solid(ink, lines[i], min(lines[i][side], trimmed[i][side]),
                                max(lines[i][side], trimmed[i][side]), min_coverage))
        run: list[tuple[float, int]] = []
        for end, i in cut + [(float("inf"), -1)]:
            if run and end - run[0][0] > tol:
                if len(run) >= SHARED_OVERHANG_LINES:
                    for _, j in run:
                        b = list(out[j])
                        b[side] = lines[j][side]
                        out[j] = tuple(b)
                run = []
            run.append((end, i))
    return out


def _kept(lines: list[Box], crossing: list[Box], o: RasterRulingOptions, px: float, extent: int) -> list[Box]:
    """Rulings that touch a crossing one need min_coverage; a lone one must be long and nearly solid. Near the
    image's edges (extent: the image's size across the lines) a lone one is the paper's edge or a scanner's
    shadow, and one crossing is not enough either: a stray line runs into a shadow band as easily; a table's
    border there meets every row's ruling."""
    tol, edge = o.snap_pt * px, o.edge_pt * px
    out: list[Box] = []
    for b in lines:
        at_edge = min(b[1], extent - b[3]) < edge
        touching = _touches(b, crossing, tol)
        if b[4] >= o.min_coverage and touching >= (2 if at_edge else 1):
            out.append(b)
        elif not at_edge and b[4] >= o.lone_coverage and b[2] - b[0] >= o.isolated_pt * px:
            out.append(b)
    return out


def _touches(b: Box, crossing: list[Box], tol: float) -> int:
    """How many crossing lines b meets."""
    return sum(c[0] - tol <= b[2] and b[0] <= c[2] + tol and c[1] - tol <= b[3] and b[1] <= c[3] + tol
               for c in crossing)


def _transpose(boxes: list[Box]) -> list[Box]:
    return [(b[1], b[0], b[3], b[2], *b[4:]) for b in boxes]


def find_raster_rulings(grey: np.ndarray, dpi: float, options: RasterRulingOptions | None = None) -> list[Ruling]:
    """Horizontal and vertical rulings of a grey page image, in PDF points (top-left origin)."""
    o = options or RasterRulingOptions()
    px = dpi / 72.0
    binary = binarize(grey, o)
    short, piece, thick = int(round(o.short_piece_pt * px)), int(round(o.piece_pt * px)), o.max_thickness_pt * px + 1
    align, gap, snap = o.align_pt * px, o.max_gap_pt * px, o.snap_pt * px
    binary_t = np.ascontiguousarray(binary.T)
    glyph = o.glyph_pt * px
    h_pieces = _horizontal_pieces(binary, short, piece, thick, glyph)
    v_pieces = _horizontal_pieces(binary_t, short, piece, thick, glyph)
    h = _join_collinear(h_pieces, align, gap, _transpose([b for b in v_pieces if b[5]]))
    v = _join_collinear(v_pieces, align, gap, _transpose([b for b in h_pieces if b[5]]))
    min_len, joined_thick = o.min_length_pt * px, thick + align
    h_ink, v_ink = _opened(binary, short), _opened(binary_t, short)
    h = _with_coverage(h_ink, h, min_len, joined_thick)
    v = _transpose(_with_coverage(v_ink, v, min_len, joined_thick))
    h = _snap_ends(h, v, snap)
    v = _transpose(_snap_ends(_transpose(v), _transpose(h), snap))
    h2 = _kept(h, v, o, px, binary.shape[0])
    v2 = _transpose(_kept(_transpose(v), _transpose(h), o, px, binary.shape[1]))
    keep = o.align_pt * px
    h2 = _shared_overhang(h2, _trim_overhang(h2, v2, snap, keep), align, h_ink, o.min_coverage)
    v2t = _transpose(v2)
    v2 = _transpose(_shared_overhang(v2t, _trim_overhang(v2t, _transpose(h2), snap, keep), align, v_ink,
                                     o.min_coverage))
    scale = 72.0 / dpi
    rulings = [Ruling(orientation="h", bbox=_scaled(b, scale), source="raster") for b in sorted(h2, key=lambda b: b[1])]
    rulings += [Ruling(orientation="v", bbox=_scaled(b, scale), source="raster") for b in sorted(v2, key=lambda b: b[0])]
    return rulings


def _scaled(b: Box, s: float) -> BBox:
    return (round(b[0] * s, 2), round(b[1] * s, 2), round(b[2] * s, 2), round(b[3] * s, 2))
