"""The resolution of a page image: what it states when that is believable, else what its paper size implies.

Images from screens and converters often state 96 or 72 dpi whatever they hold, or nothing at all; read
at a guessed 200 dpi, a 96-dpi A4 page becomes a 4 x 5.6 inch page and every tolerance in points is off by
a factor of two. A whole page has a paper's shape, so its long side in pixels over the paper's long side
in inches is its resolution.
"""
from __future__ import annotations

DEFAULT_IMAGE_DPI = 200.0  # nothing stated, nothing implied (a crop of a table): the usual scan resolution
STATED_DPI = (50.0, 1200.0)  # stated values outside are junk
MAX_PAGE_IN = 17.5  # a stated dpi that makes the page longer than A3 (16.5 in) is a screen default, not the scan's
# Paper shapes (long side / short side) and long sides in inches: A series (A3, A4, A5 share 1.414), Letter,
# Legal. An image within RATIO_TOL of one is taken for a whole page of it.
PAPERS = ((2 ** 0.5, (16.54, 11.69, 8.27)), (11.0 / 8.5, (11.0,)), (14.0 / 8.5, (14.0,)))
RATIO_TOL = 0.012  # 1.2%: a scan's crop margin of a few pixels; Letter and A4 differ by 9%
MIN_PAGE_PX = 700  # a page image smaller than this along its long side would be under 60 dpi: a crop, not a page
# The resolutions a page image is made at; the paper size whose implied dpi lies nearest one of these wins
# (A4 and A3 share their shape).
COMMON_DPI = (72.0, 96.0, 100.0, 144.0, 150.0, 200.0, 240.0, 300.0, 400.0, 600.0)


def paper_dpi(width: int, height: int) -> float | None:
    """The dpi a whole-page image of this size has, when its shape is a standard paper's; else None."""
    long, short = max(width, height), min(width, height)
    if long < MIN_PAGE_PX or short <= 0:
        return None
    ratio = long / short
    best = None
    for shape, long_sides in PAPERS:
        if abs(ratio - shape) / shape > RATIO_TOL:
            continue
        for inches in long_sides:
            dpi = long / inches
            miss = min(abs(dpi - c) / c for c in COMMON_DPI)
            if 60.0 <= dpi <= 1200.0 and (best is None or miss < best[0]):
                best = (miss, dpi)
    return round(best[1], 2) if best else None


def image_dpi(stated: float | None, width: int, height: int) -> float:
    """A stated dpi when it gives a believable page; else the paper's implied dpi; else DEFAULT_IMAGE_DPI."""
    lo, hi = STATED_DPI
    if stated and lo <= stated <= hi and max(width, height) / stated <= MAX_PAGE_IN:
        return float(stated)
    return paper_dpi(width, height) or DEFAULT_IMAGE_DPI
