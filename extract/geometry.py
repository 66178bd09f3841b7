"""BBox maths and points<->pixels. The only module that knows about dpi.

A BBox is ``(x0, y0, x1, y1)`` in PDF points, top-left origin, ``x0 <= x1`` and ``y0 <= y1``.
"""
from __future__ import annotations

from collections.abc import Iterable

from extract.types import BBox

POINTS_PER_INCH = 72.0


def area(b: BBox) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def union(boxes: Iterable[BBox]) -> BBox:
    """Smallest box holding every box; raises ValueError on an empty iterable."""
    it = iter(boxes)
    try:
        x0, y0, x1, y1 = next(it)
    except StopIteration:
        raise ValueError("union of no boxes") from None
    for b in it:
        x0, y0, x1, y1 = min(x0, b[0]), min(y0, b[1]), max(x1, b[2]), max(y1, b[3])
    return (x0, y0, x1, y1)


def intersection(a: BBox, b: BBox) -> BBox | None:
    """The overlap of two boxes, or None when they do not overlap (touching edges give a 0-area box)."""
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    if x0 > x1 or y0 > y1:
        return None
    return (x0, y0, x1, y1)


def intersection_area(a: BBox, b: BBox) -> float:
    inter = intersection(a, b)
    return area(inter) if inter else 0.0


def iou(a: BBox, b: BBox) -> float:
    inter = intersection_area(a, b)
    total = area(a) + area(b) - inter
    return inter / total if total > 0 else 0.0


def overlap_of(a: BBox, b: BBox) -> float:
    """Share of ``a``'s area that lies inside ``b`` (0 for an empty ``a``)."""
    own = area(a)
    return intersection_area(a, b) / own if own > 0 else 0.0


def contains(outer: BBox, inner: BBox, tol: float = 0.0) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def contains_point(b: BBox, x: float, y: float, tol: float = 0.0) -> bool:
    return b[0] - tol <= x <= b[2] + tol and b[1] - tol <= y <= b[3] + tol


def center(b: BBox) -> tuple[float, float]:
    return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)


def x_overlap(a: BBox, b: BBox) -> float:
    """Length of the horizontal overlap (0 when apart)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0]))


def y_overlap(a: BBox, b: BBox) -> float:
    """Length of the vertical overlap (0 when apart)."""
    return max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def y_overlap_ratio(a: BBox, b: BBox) -> float:
    """Vertical overlap over the shorter height: 1.0 when one box's rows sit inside the other's."""
    h = min(a[3] - a[1], b[3] - b[1])
    return y_overlap(a, b) / h if h > 0 else 0.0


def x_overlap_ratio(a: BBox, b: BBox) -> float:
    """Horizontal overlap over the narrower width."""
    w = min(a[2] - a[0], b[2] - b[0])
    return x_overlap(a, b) / w if w > 0 else 0.0


def expand(b: BBox, margin: float) -> BBox:
    return (b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin)


def normalize(x0: float, y0: float, x1: float, y1: float) -> BBox:
    """A BBox from two corners in any order."""
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


# --- points <-> pixels -------------------------------------------------------------------

def scale(dpi: float) -> float:
    """Pixels per point at ``dpi``."""
    return dpi / POINTS_PER_INCH


def points_to_pixels(value: float, dpi: float) -> float:
    return value * dpi / POINTS_PER_INCH


def pixels_to_points(value: float, dpi: float) -> float:
    return value * POINTS_PER_INCH / dpi


def bbox_to_pixels(b: BBox, dpi: float) -> BBox:
    s = scale(dpi)
    return (b[0] * s, b[1] * s, b[2] * s, b[3] * s)


def bbox_to_points(b: BBox, dpi: float) -> BBox:
    s = 1.0 / scale(dpi)
    return (b[0] * s, b[1] * s, b[2] * s, b[3] * s)


# --- PDF user space -> displayed page ----------------------------------------------------

class PageFrame:
    """Maps PDF user-space points (bottom-left origin, unrotated) onto the page as displayed:
    top-left origin, crop box origin at (0, 0), /Rotate applied clockwise."""

    __slots__ = ("x0", "y1", "w", "h", "rotation")

    def __init__(self, cropbox: tuple[float, float, float, float], rotation: int,
                 mediabox: tuple[float, float, float, float] | None = None):
        left, bottom, right, top = normalize(*cropbox)
        if mediabox is not None:  # the visible area is the crop box clipped to the media box
            m = normalize(*mediabox)
            clipped = (max(left, m[0]), max(bottom, m[1]), min(right, m[2]), min(top, m[3]))
            if clipped[0] < clipped[2] and clipped[1] < clipped[3]:
                left, bottom, right, top = clipped
        self.x0, self.y1 = left, top
        self.w, self.h = right - left, top - bottom
        self.rotation = rotation % 360

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) of the displayed page."""
        return (self.h, self.w) if self.rotation in (90, 270) else (self.w, self.h)

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = x - self.x0, self.y1 - y
        r = self.rotation
        if r == 0:
            return u, v
        if r == 90:
            return self.h - v, u
        if r == 180:
            return self.w - u, self.h - v
        return v, self.w - u

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        if self.rotation == 0:  # the common case, kept fast: called for every character
            x0, x1 = (left, right) if left <= right else (right, left)
            y0, y1 = (bottom, top) if bottom <= top else (top, bottom)
            return (x0 - self.x0, self.y1 - y1, x1 - self.x0, self.y1 - y0)
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return normalize(ax, ay, bx, by)
