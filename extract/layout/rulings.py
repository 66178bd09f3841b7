"""Vector rulings: straight lines and thin rectangles drawn in a PDF page's content.

``vector_rulings`` walks the page's path objects (form XObjects included) through pdfium's raw
API and returns horizontal/vertical segments on the displayed page (top-left origin, /Rotate and
crop box applied). ``merge_rulings`` snaps and joins them: double lines collapse to one, small
gaps are bridged, slightly misaligned pieces of one line are joined.
"""
from __future__ import annotations

import ctypes
from collections.abc import Iterable, Iterator
from typing import Literal, NamedTuple

import pypdfium2.raw as pdfium_c

from extract.geometry import PageFrame
from extract.types import Ruling

# A filled rectangle thinner than this (points) is drawn as a line. Table borders are 0.25–2pt;
# shaded header cells are taller than a text line (>= ~8pt).
THIN_RECT_MAX = 3.0
# A segment this far off horizontal/vertical (points over its length) still counts as straight.
STRAIGHT_TOL = 0.5
# Shorter pieces (points) are dots or glyph fragments, not rulings.
MIN_SEGMENT = 0.5
# A stroked subpath with a straight piece running this far (points) along both axes at once is
# a chart line or a drawn shape: none of its pieces are rulings (a chart's flat stretches are not).
DIAGONAL_MIN = 1.0
# Strokes or fills with every RGB channel at or above this are white on white: invisible.
WHITE_LEVEL = 245
# The edges of a visibly shaded (non-white) filled rectangle are drawn boundaries too: a shaded
# header row, zebra-striped rows. pdfplumber's edges include them as well. On the ICDAR-2013 PDFs,
# skipping them loses ~30% of pdfplumber's merged edges (mostly such shading boundaries).
SHADING_EDGES = True
# ... except a rectangle covering most of the page: a page background, not a table.
BACKGROUND_SHARE = 0.8

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Point = tuple[float, float]
_Edge = tuple[Point, Point]
# Ruling's orientation and source fields.
_Orientation = Literal["h", "v"]
_Source = Literal["vector", "raster", "inferred"]
# A pdfium handle (a ctypes pointer: page, page object, path segment). pypdfium2.raw ships no type
# stubs, so its functions take and return Any; the handles are only passed back to them.
_Handle = object


class _Seg(NamedTuple):
    """An axis-aligned segment on the displayed page: position across, span along, thickness (a tuple:
    tens of thousands are made per page of a spreadsheet printout, and a frozen dataclass costs 5x more)."""

    orientation: _Orientation
    pos: float
    start: float
    end: float
    thickness: float

    def to_ruling(self) -> Ruling:
        half = self.thickness / 2
        if self.orientation == "h":
            bbox = (self.start, self.pos - half, self.end, self.pos + half)
        else:
            bbox = (self.pos - half, self.start, self.pos + half, self.end)
        return Ruling(orientation=self.orientation, bbox=bbox, source="vector")


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """Matrix applying ``inner`` first, then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


class _Buffers:
    """ctypes out-parameters, allocated once per page walk instead of once per call."""

    def __init__(self) -> None:
        self.matrix = pdfium_c.FS_MATRIX()
        self.x, self.y, self.width = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        self.rgba = tuple(ctypes.c_uint() for _ in range(4))
        self.fill_mode, self.stroke = ctypes.c_int(), ctypes.c_int()


_BUF = _Buffers()  # pdfium is single-threaded per process; so is this walk


def _matrix(obj: _Handle) -> Matrix:
    m = _BUF.matrix
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _walk_paths(objects: Iterable[_Handle], ctm: Matrix, depth: int = 0) -> Iterator[tuple[_Handle, Matrix]]:
    """Yield (path object, matrix to user space), descending into form XObjects."""
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj, _compose(_matrix(obj), ctm)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            children = (pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(n))
            yield from _walk_paths(children, _compose(_matrix(obj), ctm), depth + 1)


class _Subpath(NamedTuple):
    points: list[Point]  # user space; Bézier control points included
    is_line: list[bool]  # is_line[i]: a straight segment arrives at points[i] (i >= 1)
    closed: bool
    curved: bool

    def line_edges(self) -> list[_Edge]:
        """The straight segments, the closing one included; never a Bézier's control polygon."""
        pts = self.points
        edges = [(pts[i - 1], pts[i]) for i in range(1, len(pts)) if self.is_line[i]]
        if self.closed and pts[0] != pts[-1]:
            edges.append((pts[-1], pts[0]))
        return edges


def _subpaths(path: _Handle, m: Matrix) -> list[_Subpath]:
    a, b, c, d, e, f = m
    out: list[_Subpath] = []
    pts: list[Point] = []
    lines: list[bool] = []
    closed = False
    x, y = _BUF.x, _BUF.y
    line_to, move_to = pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_MOVETO
    for i in range(pdfium_c.FPDFPath_CountSegments(path)):
        seg = pdfium_c.FPDFPath_GetPathSegment(path, i)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        p = (x.value * a + y.value * c + e, x.value * b + y.value * d + f)
        if kind == move_to:
            if len(pts) > 1:
                out.append(_Subpath(pts, lines, closed, not all(lines[1:])))
            pts, lines, closed = [p], [False], False
            continue
        pts.append(p)
        lines.append(kind == line_to)
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            closed = True
    if len(pts) > 1:
        out.append(_Subpath(pts, lines, closed, not all(lines[1:])))
    return out


def _has_diagonal(edges: Iterable[_Edge]) -> bool:
    """A straight segment well off both axes: the subpath is a chart line or a shape, not a border."""
    return any(abs(p[0] - q[0]) > DIAGONAL_MIN and abs(p[1] - q[1]) > DIAGONAL_MIN for p, q in edges)


def _axis_segment(p: Point, q: Point, width: float) -> _Seg | None:
    (x0, y0), (x1, y1) = p, q
    dx, dy = abs(x1 - x0), abs(y1 - y0)
    if dy <= STRAIGHT_TOL and dx >= MIN_SEGMENT:
        return _Seg("h", (y0 + y1) / 2, min(x0, x1), max(x0, x1), width)
    if dx <= STRAIGHT_TOL and dy >= MIN_SEGMENT:
        return _Seg("v", (x0 + x1) / 2, min(y0, y1), max(y0, y1), width)
    return None


def _rect(points: list[Point]) -> tuple[float, float, float, float] | None:
    """The box of a closed axis-aligned rectangle (4 distinct corners), else None."""
    corners = points[:-1] if len(points) == 5 and points[0] == points[-1] else points
    if len(corners) != 4:
        return None
    xs = sorted({round(x, 1) for x, _ in corners})
    ys = sorted({round(y, 1) for _, y in corners})
    if len(xs) > 2 or len(ys) > 2:
        return None
    x = [p[0] for p in corners]
    y = [p[1] for p in corners]
    return (min(x), min(y), max(x), max(y))


def _thin_rect_segment(box: tuple[float, float, float, float]) -> _Seg | None:
    """A filled rectangle thinner than THIN_RECT_MAX as a ruling along its long side."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if h <= THIN_RECT_MAX and w >= max(h, MIN_SEGMENT):
        return _Seg("h", (y0 + y1) / 2, x0, x1, h)
    if w <= THIN_RECT_MAX and h >= max(w, MIN_SEGMENT):
        return _Seg("v", (x0 + x1) / 2, y0, y1, w)
    return None


def _visible(path: _Handle, stroke: bool) -> bool:
    r, g, b, a = _BUF.rgba
    get = pdfium_c.FPDFPageObj_GetStrokeColor if stroke else pdfium_c.FPDFPageObj_GetFillColor
    if not get(path, r, g, b, a):
        return True
    if a.value == 0:
        return False
    return min(r.value, g.value, b.value) < WHITE_LEVEL


def _path_segments(path: _Handle, m: Matrix, page_area: float) -> list[_Seg]:
    """User-space axis-aligned segments drawn by one path object."""
    fill_mode, stroke = _BUF.fill_mode, _BUF.stroke
    if not pdfium_c.FPDFPath_GetDrawMode(path, fill_mode, stroke):
        return []
    stroked = bool(stroke.value) and _visible(path, True)
    filled = fill_mode.value != 0 and _visible(path, False)
    if not (stroked or filled):
        return []
    width = 0.0
    if stroked:
        w = _BUF.width
        pdfium_c.FPDFPageObj_GetStrokeWidth(path, w)
        width = w.value * (abs(m[0] * m[3] - m[1] * m[2]) ** 0.5)
    segs: list[_Seg] = []
    for sub in _subpaths(path, m):
        if stroked:
            edges = sub.line_edges()
            if not _has_diagonal(edges):
                segs.extend(s for p, q in edges if (s := _axis_segment(p, q, width)))
        elif not sub.curved and (box := _rect(sub.points)):
            thin = _thin_rect_segment(box)
            if thin:
                segs.append(thin)
            elif SHADING_EDGES and (box[2] - box[0]) * (box[3] - box[1]) < BACKGROUND_SHARE * page_area:
                segs.extend(_rect_edges(box))
    return segs


def _rect_edges(box: tuple[float, float, float, float]) -> list[_Seg]:
    """The four edges of a shaded rectangle, as hairlines."""
    x0, y0, x1, y1 = box
    return [_Seg("h", y0, x0, x1, 0.0), _Seg("h", y1, x0, x1, 0.0),
            _Seg("v", x0, y0, y1, 0.0), _Seg("v", x1, y0, y1, 0.0)]


def _to_display(seg: _Seg, frame: PageFrame) -> _Seg | None:
    """Map a user-space segment onto the displayed page, clipped to it."""
    if seg.orientation == "h":
        x0, y0, x1, y1 = frame.box(seg.start, seg.pos, seg.end, seg.pos)
    else:
        x0, y0, x1, y1 = frame.box(seg.pos, seg.start, seg.pos, seg.end)
    pw, ph = frame.size
    across: _Orientation
    if x1 - x0 >= y1 - y0:
        pos, start, end, limit, across = (y0 + y1) / 2, max(x0, 0.0), min(x1, pw), ph, "h"
    else:
        pos, start, end, limit, across = (x0 + x1) / 2, max(y0, 0.0), min(y1, ph), pw, "v"
    if end - start < MIN_SEGMENT or not (-seg.thickness <= pos <= limit + seg.thickness):
        return None
    return _Seg(across, pos, start, end, seg.thickness)


def _vector_segments(pdfium_page: _Handle, frame: PageFrame) -> list[_Seg]:
    raw = getattr(pdfium_page, "raw", pdfium_page)
    n = pdfium_c.FPDFPage_CountObjects(raw)
    top = (pdfium_c.FPDFPage_GetObject(raw, i) for i in range(n))
    out: list[_Seg] = []
    for path, m in _walk_paths(top, _IDENTITY):
        for seg in _path_segments(path, m, frame.w * frame.h):
            shown = _to_display(seg, frame)
            if shown:
                out.append(shown)
    return out


def vector_rulings(pdfium_page: _Handle, frame: PageFrame) -> list[Ruling]:
    """Every horizontal/vertical line the page draws, on the displayed page, unmerged.

    ``pdfium_page`` is a ``pypdfium2.PdfPage`` (or its raw handle); ``frame`` maps user space
    to the displayed page (crop box and /Rotate).
    """
    return [s.to_ruling() for s in _vector_segments(pdfium_page, frame)]


def page_rulings(pdfium_page: _Handle, frame: PageFrame, tol: float = 2.0) -> list[Ruling]:
    """``merge_rulings(vector_rulings(...))`` without building the unmerged Ruling objects."""
    return _merge_segments(_vector_segments(pdfium_page, frame), tol, GAP_BRIDGE, "vector")


# --- merging -----------------------------------------------------------------------------

# Pieces of one line separated by at most this much (points) along the line are joined.
GAP_BRIDGE = 3.0


def _as_seg(r: Ruling) -> _Seg:
    x0, y0, x1, y1 = r.bbox
    if r.orientation == "h":
        return _Seg("h", (y0 + y1) / 2, x0, x1, y1 - y0)
    return _Seg("v", (x0 + x1) / 2, y0, y1, x1 - x0)


def _merge_group(segs: list[_Seg], gap: float, source: _Source) -> list[Ruling]:
    """Join overlapping or nearly touching segments that share one position cluster."""
    out: list[Ruling] = []
    segs = sorted(segs, key=lambda s: s.start)
    run = [segs[0]]
    end = segs[0].end
    for s in segs[1:]:
        if s.start <= end + gap:
            run.append(s)
            end = max(end, s.end)
            continue
        out.append(_merged(run, end, source))
        run, end = [s], s.end
    out.append(_merged(run, end, source))
    return out


def _merged(run: list[_Seg], end: float, source: _Source) -> Ruling:
    lo = min(s.pos - s.thickness / 2 for s in run)
    hi = max(s.pos + s.thickness / 2 for s in run)
    start, end = float(min(s.start for s in run)), float(end)
    o = run[0].orientation
    bbox = (start, lo, end, hi) if o == "h" else (lo, start, hi, end)
    # floats of known orientation and source: what validation would give, without its cost
    return Ruling.model_construct(orientation=o, bbox=bbox, source=source)


def merge_rulings(rulings: list[Ruling], tol: float = 2.0, gap: float = GAP_BRIDGE) -> list[Ruling]:
    """Snap and join collinear rulings.

    Rulings of one orientation whose centre lines lie within ``tol`` points of each other form one
    line (double lines collapse, misaligned pieces join); along that line, pieces separated by at
    most ``gap`` points are joined. The merged bbox covers every member, so a double line keeps
    its full visual thickness. Output is sorted: horizontals top to bottom, then verticals left
    to right. The source of the first input ruling is kept.
    """
    if not rulings:
        return []
    return _merge_segments([_as_seg(r) for r in rulings], tol, gap, rulings[0].source)


def _merge_segments(all_segs: list[_Seg], tol: float, gap: float, source: _Source) -> list[Ruling]:
    out: list[Ruling] = []
    for orientation in ("h", "v"):
        segs = sorted((s for s in all_segs if s.orientation == orientation), key=lambda s: s.pos)
        if not segs:
            continue
        cluster = [segs[0]]
        for s in segs[1:]:
            if s.pos - cluster[-1].pos <= tol:
                cluster.append(s)
                continue
            out.extend(_merge_group(cluster, gap, source))
            cluster = [s]
        out.extend(_merge_group(cluster, gap, source))
    return sorted(out, key=lambda r: (r.orientation, r.bbox[1], r.bbox[0]) if r.orientation == "h"
                  else (r.orientation, r.bbox[0], r.bbox[1]))
