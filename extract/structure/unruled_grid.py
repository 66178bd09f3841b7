"""A block of aligned lines -> columns, rows (header and body) and cells with spans.

Columns come from whitespace corridors through the body lines (plus any vertical rulings); rows from
baselines, where a line that only continues text (no numbers, empty stub, or a wrapped stub label) joins
the row above; header lines merge into one row per level, a header segment over several columns spans
them, and a header cell with nothing under it spans down through the header rows.
"""
from __future__ import annotations

from dataclasses import dataclass

from extract.structure.unruled_lines import Line, Segment
from extract.text import join_lines
from extract.types import BBox, Cell, Ruling

CONNECTORS = ("and", "of", "the", "in", "for", "to", "or", "from", "with", "by", "on", "at", "a", "an")
WRAP_REACH = 0.85  # a stub label reaching this share of its column's width is taken to wrap


@dataclass(frozen=True)
class Gap:
    x0: float
    x1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Placed:
    seg: Segment
    line: int
    c0: int
    c1: int


def column_gaps(lines: list[Line], x0: float, x1: float, allow: int, min_width: float) -> list[Gap]:
    """Corridors in [x0, x1] that at most ``allow`` of the lines cover with a segment."""
    events: list[tuple[float, int]] = []
    for line in lines:
        for s in line.segments:
            b = s.bbox
            events += [(b[0], 1), (b[2], -1)]
    events.sort()
    gaps: list[Gap] = []
    depth, start = 0, None
    for x, d in events:
        before = depth
        depth += d
        if before > allow >= depth:
            start = x
        elif before <= allow < depth and start is not None:
            if x0 < start and x < x1 and x - start >= min_width:
                gaps.append(Gap(start, x))
            start = None
    return gaps


def add_ruling_gaps(gaps: list[Gap], rulings: list[Ruling], box: BBox) -> list[Gap]:
    """Vertical rulings crossing most of the block are column separators too."""
    height = box[3] - box[1]
    out = list(gaps)
    for r in rulings:
        if r.orientation != "v":
            continue
        x = (r.bbox[0] + r.bbox[2]) / 2
        cover = min(r.bbox[3], box[3]) - max(r.bbox[1], box[1])
        if box[0] + 2 < x < box[2] - 2 and cover >= 0.5 * height and not any(g.x0 - 2 <= x <= g.x1 + 2 for g in out):
            out.append(Gap(x, x))
    return sorted(out, key=lambda g: g.x0)


def place(seg: Segment, gaps: list[Gap], line: int) -> Placed:
    a, b = seg.bbox[0], seg.bbox[2]
    c0 = sum(1 for g in gaps if g.centre <= a)
    c1 = sum(1 for g in gaps if g.centre < b)
    return Placed(seg, line, c0, max(c0, c1))


def _has_rule_between(upper: BBox, lower: BBox, rulings: list[Ruling]) -> bool:
    x0, x1 = min(upper[0], lower[0]), max(upper[2], lower[2])
    for r in rulings:
        if r.orientation == "h" and upper[3] - 1 <= (r.bbox[1] + r.bbox[3]) / 2 <= lower[1] + 1:
            if min(r.bbox[2], x1) - max(r.bbox[0], x0) > 0.5 * (x1 - x0):
                return True
    return False


def _starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in "(&")


def _ends_open(text: str) -> bool:
    t = text.rstrip()
    return t.endswith(("-", ",", "/", "&", "(")) or t.split(" ")[-1].lower() in CONNECTORS


def _stub_wraps(stub: Placed | None, stub_width: float) -> bool:
    if stub is None or stub_width <= 0:
        return False
    b = stub.seg.bbox
    return (b[2] - b[0]) >= WRAP_REACH * stub_width


def _continues(prev: list[Placed], cur: list[Placed], stub_width: float) -> bool:
    """Does line ``cur`` continue the cells of row ``prev`` rather than start a new row?"""
    cur_stub = next((p for p in cur if p.c0 == 0), None)
    prev_stub = next((p for p in reversed(prev) if p.c0 == 0), None)
    prev_stub_only = all(p.c0 == 0 for p in prev)
    if any(p.seg.numeric for p in cur):
        # values centred on a two-line label: label line, then values with an empty stub
        return cur_stub is None and prev_stub_only and not any(p.seg.numeric for p in prev)
    if cur_stub is None:
        # a blank stub is no continuation by itself: a line filling, in two cells at least, every column
        # the row above filled right of its stub is a row of its own (else every line under a blank stub
        # joined one row)
        filled = {k for p in prev if p.c0 > 0 for k in range(p.c0, p.c1 + 1)}
        return not (len(cur) >= 2 and filled <= {k for p in cur for k in range(p.c0, p.c1 + 1)})
    if len(cur) > 1:
        return False
    text = cur_stub.seg.text
    if prev_stub is None:
        return False
    if _starts_lower(text) or _ends_open(prev_stub.seg.text):
        return True
    return not prev_stub_only and _stub_wraps(prev_stub, stub_width) and not text[:1].isupper()


def _joins_next(row: list[Placed], nxt: list[Placed]) -> bool:
    """A stub-only, number-free row followed by a row whose stub starts lower-case: one wrapped label."""
    if not row or not all(p.c0 == 0 for p in row) or any(p.seg.numeric for p in row):
        return False
    stub = next((p for p in nxt if p.c0 == 0), None)
    return stub is not None and (_starts_lower(stub.seg.text) or _ends_open(row[-1].seg.text))


def body_rows(lines: list[Line], first: int, gaps: list[Gap], rulings: list[Ruling]) -> list[list[Placed]]:
    placed = [[place(s, gaps, first + i) for s in ln.segments] for i, ln in enumerate(lines)]
    stub_width = max((p.seg.bbox[2] - p.seg.bbox[0] for row in placed for p in row if p.c0 == p.c1 == 0),
                     default=0.0)
    rows: list[list[Placed]] = []
    for i, cur in enumerate(placed):
        ruled = i > 0 and _has_rule_between(lines[i - 1].bbox, lines[i].bbox, rulings)
        if rows and not ruled and (_continues(rows[-1], cur, stub_width) or _joins_next(rows[-1], cur)):
            rows[-1].extend(cur)
        else:
            rows.append(list(cur))
    return rows


def column_extents(placed_rows: list[list[Placed]], gaps: list[Gap], x0: float, x1: float) -> list[tuple[float, float]]:
    """Horizontal extent of each column's body text (the gap borders where a column has none)."""
    n = len(gaps) + 1
    lo = [x0] + [g.x1 for g in gaps]
    hi = [g.x0 for g in gaps] + [x1]
    ext: list[list[float]] = [[], []]
    ext = [[float("inf"), float("-inf")] for _ in range(n)]
    for row in placed_rows:
        for p in row:
            if p.c0 == p.c1:
                b = p.seg.bbox
                ext[p.c0] = [min(ext[p.c0][0], b[0]), max(ext[p.c0][1], b[2])]
    return [(e[0], e[1]) if e[0] <= e[1] else (lo[k], hi[k]) for k, e in enumerate(ext)]


def _underline(seg: Segment, rulings: list[Ruling]) -> tuple[float, float] | None:
    """A short horizontal rule just under a header segment marks the columns it spans."""
    b = seg.bbox
    h = b[3] - b[1]
    for r in rulings:
        y = (r.bbox[1] + r.bbox[3]) / 2
        if r.orientation == "h" and b[3] - 1 <= y <= b[3] + h and r.bbox[0] <= b[2] and r.bbox[2] >= b[0]:
            if r.bbox[2] - r.bbox[0] >= b[2] - b[0]:
                return r.bbox[0], r.bbox[2]
    return None


def place_header(seg: Segment, extents: list[tuple[float, float]], rulings: list[Ruling], line: int) -> Placed:
    """Columns a header segment sits over: those it (or the rule under it) mostly covers, else the nearest."""
    a, b = seg.bbox[0], seg.bbox[2]
    rule = _underline(seg, rulings)
    if rule and not (rule[0] <= extents[0][1] and rule[1] >= extents[-1][0]):  # not a rule across the table
        a, b = rule
    covered = [k for k, (e0, e1) in enumerate(extents) if min(b, e1) - max(a, e0) >= 0.6 * max(e1 - e0, 1.0)]
    if len(covered) >= 2:
        return Placed(seg, line, covered[0], covered[-1])
    mid = (seg.bbox[0] + seg.bbox[2]) / 2
    for k in range(len(extents) - 1):  # centred over the corridor between two columns, reaching both
        if extents[k][1] < mid < extents[k + 1][0] and a < extents[k][1] and b > extents[k + 1][0]:
            return Placed(seg, line, k, k + 1)
    best = max(range(len(extents)), key=lambda k: (min(seg.bbox[2], extents[k][1]) - max(seg.bbox[0], extents[k][0]),
                                                    -abs(mid - (extents[k][0] + extents[k][1]) / 2)))
    return Placed(seg, line, best, best)


def header_rows(lines: list[Line], extents: list[tuple[float, float]], rulings: list[Ruling]) -> list[list[Placed]]:
    """Header lines -> rows: a line holding a spanning segment is its own level; other lines stack."""
    rows: list[list[Placed]] = []
    stacking = False
    for i, ln in enumerate(lines):
        cur = [place_header(s, extents, rulings, i) for s in ln.segments]
        spans = any(p.c1 > p.c0 for p in cur)
        prev_spans = rows and any(p.c1 > p.c0 for p in rows[-1])
        same_spanner = spans and prev_spans and {(p.c0, p.c1) for p in cur} <= {(p.c0, p.c1) for p in rows[-1]}
        if rows and (same_spanner or (stacking and not spans)):
            rows[-1].extend(cur)
        else:
            rows.append(cur)
        stacking = not spans
    return rows


def ruled_row_bands(lines: list[Line], rulings: list[Ruling], box: BBox) -> list[float] | None:
    """y positions of horizontal rulings across the body when there are enough to define rows."""
    ys = sorted({round((r.bbox[1] + r.bbox[3]) / 2, 1) for r in rulings if r.orientation == "h"
                 and box[1] < (r.bbox[1] + r.bbox[3]) / 2 < box[3]
                 and min(r.bbox[2], box[2]) - max(r.bbox[0], box[0]) > 0.6 * (box[2] - box[0])})
    if len(ys) < max(2, len(lines) // 3):
        return None
    return None if _band_hides_rows(lines, ys) else ys


def _band_hides_rows(lines: list[Line], ys: list[float]) -> bool:
    """Two lines of values between the same two rulings: the rulings mark sections (header, total), not
    rows, and banding would fuse the rows between them (cTDaR B2: faint row rules, 9 rows read as 3).
    A wrapped label (one segment) under a line of values, or wrapped text beside it, is still one row."""
    full: dict[int, int] = {}
    for ln in lines:
        if len(ln.segments) >= 2 and any(sg.numeric for sg in ln.segments):
            band = sum(1 for y in ys if y < (ln.bbox[1] + ln.bbox[3]) / 2)
            full[band] = full.get(band, 0) + 1
    return any(n >= 2 for n in full.values())


def rows_from_bands(lines: list[Line], first: int, gaps: list[Gap], ys: list[float]) -> list[list[Placed]]:
    rows: dict[int, list[Placed]] = {}
    for i, ln in enumerate(lines):
        yc = (ln.bbox[1] + ln.bbox[3]) / 2
        band = sum(1 for y in ys if y < yc)
        rows.setdefault(band, []).extend(place(s, gaps, first + i) for s in ln.segments)
    return [rows[k] for k in sorted(rows)]


def _union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def rows_to_cells(rows: list[list[Placed]], n_cols: int, n_header: int, col_edges: list[float],
                  page: int, factor: float) -> list[Cell]:
    """Cells with spans: a segment over empty neighbours spans them; empty header cells below span down."""
    grid: list[list[list[Placed] | None]] = [[None] * n_cols for _ in rows]
    spans: dict[tuple[int, int], int] = {}
    for r, row in enumerate(rows):
        for p in sorted(row, key=lambda p: (p.line, p.seg.bbox[0])):
            c0 = min(p.c0, n_cols - 1)
            slot = grid[r][c0]
            if slot is None:
                slot = grid[r][c0] = []
            slot.append(p)
            spans[(r, c0)] = max(spans.get((r, c0), 0), min(p.c1, n_cols - 1) - c0)
    row_edges = _row_edges(rows)
    taken = [[False] * n_cols for _ in rows]
    cells: list[Cell] = []
    for r in range(len(rows)):
        for c in range(n_cols):
            if taken[r][c]:
                continue
            cs = _free_span(grid[r], c, spans.get((r, c), 0))
            rs = _header_down_span(grid, r, c, cs, n_header) if grid[r][c] else 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    taken[rr][cc] = True
            cells.append(_make_cell(grid[r][c] or [], r, c, rs, cs, row_edges, col_edges, page, factor))
    return cells


def _free_span(row: list[list[Placed] | None], c: int, want: int) -> int:
    cs = 1
    while cs <= want and c + cs < len(row) and row[c + cs] is None:
        cs += 1
    return cs


def _header_down_span(grid: list[list[list[Placed] | None]], r: int, c: int, cs: int, n_header: int) -> int:
    if r >= n_header - 1:
        return 1
    rs = 1
    while r + rs < n_header and all(grid[r + rs][k] is None for k in range(c, c + cs)):
        rs += 1
    return rs


def _row_edges(rows: list[list[Placed]]) -> list[float]:
    tops = [min(p.seg.bbox[1] for p in row) for row in rows]
    bottoms = [max(p.seg.bbox[3] for p in row) for row in rows]
    edges = [tops[0]]
    for i in range(1, len(rows)):
        edges.append((bottoms[i - 1] + tops[i]) / 2)
    edges.append(bottoms[-1])
    return edges


def _make_cell(parts: list[Placed], r: int, c: int, rs: int, cs: int, row_edges: list[float],
               col_edges: list[float], page: int, factor: float) -> Cell:
    box = (col_edges[c], row_edges[r], col_edges[c + cs], row_edges[r + rs])
    if not parts:
        return Cell(row=r, col=c, row_span=rs, col_span=cs, bbox=box, confidence=factor, page=page)
    by_line: dict[int, list[str]] = {}
    for p in parts:
        by_line.setdefault(p.line, []).append(p.seg.text)
    text = join_lines([" ".join(v) for _, v in sorted(by_line.items())])
    words = [w for p in parts for w in p.seg.words]
    conf = min(w.confidence for w in words) * factor * (0.9 if len(by_line) > 1 or cs > 1 else 1.0)
    return Cell(row=r, col=c, row_span=rs, col_span=cs, text=text, confidence=round(conf, 4), page=page,
                bbox=_union([p.seg.bbox for p in parts]), spans=tuple(dict.fromkeys(w.span for w in words)))
