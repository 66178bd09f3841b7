"""Page images for review, in the frame the reader used: upright and levelled, as the boxes are.

A scanned page is read after a quarter turn (``cleanup.rotate_quarter``) and a small levelling turn
(``cleanup.level_page``); its cell boxes are in points of that turned page. The store keeps both (pages.rotation,
the turn on top of the file's own /Rotate or EXIF turn, and pages.skew), and the review image repeats them on
a fresh render, so an outline drawn from a box lands on the value the reader saw.

Rendering is bounded: at most ``MAX_PIXELS`` a page (a huge page is rendered at a lower resolution), one
render at a time, and the last few pages and their PNGs are kept.
"""
from __future__ import annotations

import io
import math
from collections import OrderedDict
from pathlib import Path
from threading import BoundedSemaphore, Event, Lock
from typing import Any, Callable, Sequence, TypeVar

import numpy as np
from PIL import Image, ImageDraw

from extract.geometry import POINTS_PER_INCH

REVIEW_DPI = 144.0
"""Resolution of review images: large enough to read small CJK print."""
MAX_PIXELS = 12_000_000
"""Pixel budget of one page image (an A3 page at 144 dpi is 6.3 Mpx; 12 Mpx is ~36 MB of RGB)."""
CROP_MARGIN_PT = 36.0
"""Context kept around the cell in a crop, points."""
_CACHE: OrderedDict[tuple[Any, ...], Image.Image] = OrderedDict()
_PNG: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_CROPS: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_CACHE_SIZE = 6
_LOCK = Lock()  # guards the caches only (held for dictionary work, never while rendering)
_RENDERS = BoundedSemaphore(2)
"""Pages rendered at once (each up to MAX_PIXELS): memory stays bounded however many pages are asked for."""


class ImageError(Exception):
    """A page that cannot be shown (file gone, no such page); the message says which."""


def review_dpi(width_pt: float, height_pt: float) -> float:
    """REVIEW_DPI, or less so that the page fits the pixel budget."""
    area_in = max(width_pt, 1.0) * max(height_pt, 1.0) / POINTS_PER_INCH ** 2
    return min(REVIEW_DPI, 0.99 * math.sqrt(MAX_PIXELS / area_in))  # 0.99: the renderer rounds sizes up


def render_upright(path: str, page: int, rotation: int = 0, skew: float = 0.0, scanned: bool = False) -> Image.Image:
    """The page as the reader saw it: rendered (the file's own turn applied), then for a scanned page turned by
    the rest of ``rotation`` and levelled by ``skew`` degrees. Cached; made once however many ask at once."""
    key = ("image", path, page, rotation, round(skew or 0.0, 4), scanned)
    return _once(_CACHE, _CACHE_SIZE, key, lambda: _render(path, page, rotation, skew, scanned))


def _render(path: str, page: int, rotation: int, skew: float, scanned: bool) -> Image.Image:
    from extract.cleanup import level_page, rotate_quarter
    from extract.document import open_document

    if not Path(path).is_file():
        raise ImageError(f"the source file {path} is not there any more")
    with _RENDERS, open_document(path) as doc:
        if not 1 <= page <= doc.page_count:
            raise ImageError(f"{path} has no page {page}")
        src = next(doc.iter_pages([page]))
        dpi = review_dpi(src.info.width, src.info.height)
        image = np.ascontiguousarray(src.render(dpi))
        if scanned:
            image = rotate_quarter(image, (rotation - src.info.rotation) % 360)
            image = level_page(image, skew or 0.0)
    return Image.fromarray(image).convert("RGB")


def _scales(image: Image.Image, page_size: tuple[float, float]) -> tuple[float, float]:
    return image.width / max(page_size[0], 1e-6), image.height / max(page_size[1], 1e-6)


def crop_around(image: Image.Image, page_size: tuple[float, float], bbox: Sequence[float]) -> bytes:
    """PNG of the region around ``bbox`` (points of the upright page) with the cell outlined in red."""
    sx, sy = _scales(image, page_size)
    x0, y0, x1, y1 = bbox[0] * sx, bbox[1] * sy, bbox[2] * sx, bbox[3] * sy
    m = CROP_MARGIN_PT * sx
    box = (max(0, int(x0 - 3 * m)), max(0, int(y0 - m)), min(image.width, int(x1 + 3 * m)),
           min(image.height, int(y1 + m)))
    if box[2] <= box[0] or box[3] <= box[1]:
        box = (0, 0, image.width, image.height)
    crop = image.crop(box)
    draw = ImageDraw.Draw(crop)
    draw.rectangle((x0 - box[0] - 2, y0 - box[1] - 2, x1 - box[0] + 2, y1 - box[1] + 2), outline=(220, 0, 0),
                   width=3)
    return _png(crop)


_CROP_CACHE_SIZE = 512
"""Crops kept as PNG (a few tens of KB each): a reviewer going back and forth, or many at once, costs no
re-encoding."""


def _crop_key(path: str, page: int, frame: tuple[int, float, bool], page_size: tuple[float, float], bbox: Sequence[float]) -> tuple[Any, ...]:
    return (path, page, frame[0], round(frame[1] or 0.0, 4), frame[2], tuple(round(v, 2) for v in bbox),
            tuple(page_size))


def cached_crop(path: str, page: int, frame: tuple[int, float, bool], page_size: tuple[float, float], bbox: Sequence[float]) -> bytes | None:
    with _LOCK:
        return _CROPS.get(("crop",) + _crop_key(path, page, frame, page_size, bbox))


T = TypeVar("T")
_INFLIGHT: dict[tuple[Any, ...], Event] = {}


def _once(cache: OrderedDict[tuple[Any, ...], T], size: int, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``cache[key]``, made by one thread while others asking for the same key wait for it (many reviewers
    opening the same item at once encode its image once)."""
    while True:
        with _LOCK:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
            waiting = _INFLIGHT.get(key)
            if waiting is None:
                _INFLIGHT[key] = mine = Event()
                break
        waiting.wait(60)
    try:
        data = make()
        with _LOCK:
            cache[key] = data
            while len(cache) > size:
                cache.popitem(last=False)
        return data
    finally:
        with _LOCK:
            _INFLIGHT.pop(key, None)
        mine.set()


def crop_png(path: str, page: int, frame: tuple[int, float, bool], page_size: tuple[float, float], bbox: Sequence[float]) -> bytes:
    """``crop_around`` of the upright page, cached by page, frame and box."""
    return _once(_CROPS, _CROP_CACHE_SIZE, ("crop",) + _crop_key(path, page, frame, page_size, bbox),
                 lambda: crop_around(render_upright(path, page, *frame), page_size, bbox))


def page_png(path: str, page: int, rotation: int = 0, skew: float = 0.0, scanned: bool = False) -> bytes:
    key = ("page", path, page, rotation, round(skew or 0.0, 4), scanned)
    return _once(_PNG, _CACHE_SIZE, key, lambda: _png(render_upright(path, page, rotation, skew, scanned)))


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()
