"""Rulings as 1-D segments: merge collinear pieces, find crossings, measure how much of an edge is drawn.

- ``rulings_to_segments(rulings, options) -> list[Segment]``: one segment per drawn line, with double
  lines, per-cell pieces and small gaps merged (an h segment runs along x at height ``pos``).
- ``link_segments(segments, tol) -> (degree, components)``: which segments cross, via a sort + bisect.
- ``cluster_positions(values, weights, tol) -> list[float]``: weighted means of runs of close values.
- ``CoverageIndex(segments, tol).coverage(orientation, pos, lo, hi)``: drawn share of a line piece.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Literal, NamedTuple

from extract.structure.options import StructureOptions
from extract.types import Ruling

Orientation = Literal["h", "v"]


class Segment(NamedTuple):
    orientation: Orientation
    pos: float  # y of an h line, x of a v line
    lo: float  # start along the line (x0 of an h line, y0 of a v line)
    hi: float

    @property
    def length(self) -> float:
        return self.hi - self.lo


def ruling_to_segment(r: Ruling) -> Segment:
    x0, y0, x1, y1 = r.bbox
    if r.orientation == "h":
        return Segment("h", (y0 + y1) / 2, x0, x1)
    return Segment("v", (x0 + x1) / 2, y0, y1)


def _runs(values: Sequence[float], tol: float) -> list[tuple[int, int]]:
    """Index ranges [a, b) of sorted values where neighbours are at most tol apart."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] - values[i - 1] > tol:
            runs.append((start, i))
            start = i
    return runs


def cluster_positions(values: Sequence[float], weights: Sequence[float], tol: float) -> list[float]:
    """Sorted weighted means of runs of values whose neighbours are within tol."""
    order = sorted(range(len(values)), key=values.__getitem__)
    vals = [values[i] for i in order]
    out: list[float] = []
    for a, b in _runs(vals, tol):
        w = [max(weights[order[i]], 1e-6) for i in range(a, b)]
        out.append(sum(vals[i] * wi for i, wi in zip(range(a, b), w)) / sum(w))
    return out


def _merge_collinear(segs: list[Segment], join_gap: float) -> list[Segment]:
    """Segments at (nearly) one position: join those that overlap or leave a gap up to join_gap."""
    segs = sorted(segs, key=lambda s: s.lo)
    out: list[Segment] = []
    group = [segs[0]]
    hi = segs[0].hi
    for s in segs[1:]:
        if s.lo <= hi + join_gap:
            group.append(s)
            hi = max(hi, s.hi)
            continue
        out.append(_joined(group))
        group, hi = [s], s.hi
    out.append(_joined(group))
    return out


def _joined(group: list[Segment]) -> Segment:
    w = [max(s.length, 1e-6) for s in group]
    pos = sum(s.pos * wi for s, wi in zip(group, w)) / sum(w)
    return Segment(group[0].orientation, pos, min(s.lo for s in group), max(s.hi for s in group))


def rulings_to_segments(rulings: Sequence[Ruling], options: StructureOptions | None = None) -> list[Segment]:
    """Merged segments, h first then v, each sorted by position then start."""
    opts = options or StructureOptions()
    out: list[Segment] = []
    for orient in ("h", "v"):
        segs = sorted((ruling_to_segment(r) for r in rulings if r.orientation == orient), key=lambda s: s.pos)
        positions = [s.pos for s in segs]
        for a, b in _runs(positions, opts.snap_tol):
            out.extend(_merge_collinear(segs[a:b], opts.join_gap))
    out.sort(key=lambda s: (s.orientation, s.pos, s.lo))
    return out


def link_segments(segments: Sequence[Segment], tol: float) -> tuple[list[int], list[int]]:
    """For each segment: how many perpendicular segments it crosses, and its component label."""
    hs = [i for i, s in enumerate(segments) if s.orientation == "h"]
    vs = sorted((i for i, s in enumerate(segments) if s.orientation == "v"), key=lambda i: segments[i].pos)
    vpos = [segments[i].pos for i in vs]
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    degree = [0] * len(segments)
    for i in hs:
        h = segments[i]
        for j in vs[bisect_left(vpos, h.lo - tol):bisect_right(vpos, h.hi + tol)]:
            v = segments[j]
            if v.lo - tol <= h.pos <= v.hi + tol:
                degree[i] += 1
                degree[j] += 1
                parent[find(i)] = find(j)
    return degree, [find(i) for i in range(len(segments))]


class CoverageIndex:
    """Answers "how much of this piece of a possible line is drawn?" for a fixed set of segments."""

    def __init__(self, segments: Sequence[Segment], tol: float):
        self.tol = tol
        self._by: dict[str, tuple[list[float], list[Segment]]] = {}
        for orient in ("h", "v"):
            segs = sorted((s for s in segments if s.orientation == orient), key=lambda s: s.pos)
            self._by[orient] = ([s.pos for s in segs], segs)

    def coverage(self, orientation: Orientation, pos: float, lo: float, hi: float) -> float:
        """Drawn share of [lo, hi] on the line at pos (segments within tol of pos count)."""
        if hi <= lo:
            return 1.0
        keys, segs = self._by[orientation]
        pieces = sorted(
            (max(s.lo, lo), min(s.hi, hi))
            for s in segs[bisect_left(keys, pos - self.tol):bisect_right(keys, pos + self.tol)]
            if s.hi > lo and s.lo < hi
        )
        covered, end = 0.0, lo
        for a, b in pieces:
            if b > end:
                covered += b - max(a, end)
                end = b
        return covered / (hi - lo)
