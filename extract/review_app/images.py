"""Page images for review, rendered on demand from the original file and cropped around a cell."""
from __future__ import annotations

import io
from collections import OrderedDict
from threading import Lock

from PIL import Image, ImageDraw

from extract.geometry import POINTS_PER_INCH

REVIEW_DPI = 144.0
"""Resolution of review images: large enough to read small CJK print."""
CROP_MARGIN_PT = 36.0
"""Context kept around the cell in a crop, points."""
_CACHE: OrderedDict[tuple[str, int], Image.Image] = OrderedDict()
_CACHE_SIZE = 6
_LOCK = Lock()


def render_page(path: str, page: int) -> Image.Image:
    """The page as displayed, at REVIEW_DPI (a few recent pages are kept in memory)."""
    from extract.document import open_document

    key = (path, page)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        with open_document(path) as doc:
            if not 1 <= page <= doc.page_count:
                raise ValueError(f"{path} has no page {page}")
            image = Image.fromarray(next(doc.iter_pages([page])).render(REVIEW_DPI))
        _CACHE[key] = image
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return image


def _px(box, sx: float, sy: float) -> tuple[float, float, float, float]:
    return box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy


def _scales(image: Image.Image, page_size: tuple[float, float]) -> tuple[float, float]:
    return image.width / page_size[0], image.height / page_size[1]


def crop_around(path: str, page: int, page_size: tuple[float, float], bbox) -> bytes:
    """PNG of the region around ``bbox`` (points) with the cell outlined in red."""
    image = render_page(path, page).convert("RGB")
    sx, sy = _scales(image, page_size)
    x0, y0, x1, y1 = _px(bbox, sx, sy)
    m = CROP_MARGIN_PT * REVIEW_DPI / POINTS_PER_INCH
    box = (max(0, int(x0 - 3 * m)), max(0, int(y0 - m)), min(image.width, int(x1 + 3 * m)),
           min(image.height, int(y1 + m)))
    crop = image.crop(box)
    draw = ImageDraw.Draw(crop)
    draw.rectangle((x0 - box[0] - 2, y0 - box[1] - 2, x1 - box[0] + 2, y1 - box[1] + 2), outline=(220, 0, 0), width=3)
    return _png(crop)


def page_png(path: str, page: int) -> bytes:
    return _png(render_page(path, page))


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
