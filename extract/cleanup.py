"""Page clean-up for scans: even out the lighting, drop red seals, turn the page upright, level it.

Pure functions on numpy images (RGB or grey uint8, pixels). The only model used is the OCR engine passed
in, for the page orientation (text lines are horizontal, and read better upright than upside down).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import cv2
import numpy as np
from pydantic import Field

from extract.ocr.base import OcrEngine, OcrLine, Quad, quad_to_bbox
from extract.types import Frozen

# Orientation: lines are found on a copy whose longer side is this many pixels (A4 body text ~8 px high, still
# found; 640 costs half of 800 and a fifth of the full page).
ORIENTATION_SIDE = 640
# How many of the longest text lines vote on upright vs upside down.
ORIENTATION_LINES = 4
# Lines longer than this (width / height, ~8 CJK characters) vote no better and cost more to read.
ORIENTATION_MAX_ASPECT = 10.0
# A page whose recognised lines (at least this many) score this high in the median was read upright: measured
# on harsh scans, upright pages 0.996-1.0, the same pages upside down 0.52-0.70.
UPRIGHT_MIN_LINES = 5
UPRIGHT_MEDIAN_SCORE = 0.9
# Deskew: the largest skew searched (degrees) and the working size of the projection-profile search.
MAX_SKEW = 6.0
SKEW_SIDE = 1600
# Seal removal: a pixel at least this much redder than grey is seal ink (print is grey, paper white) ...
SEAL_REDNESS = 40
# ... and within its footprint the red channel, brightened by the seal ink's red transmission (~225/255),
# gives the page as it was before stamping.
SEAL_RED_GAIN = 1.12
# Under a seal, a pixel darker than this in the (brightened) red channel is print; lighter is seal or paper.
SEAL_KEEP_DARK = 190

_T = TypeVar("_T")


class CleanPage(Frozen):
    """The cleaned page and what was done to it."""

    model_config = Frozen.model_config | {"arbitrary_types_allowed": True}

    image: np.ndarray = Field(exclude=True, description="grey uint8, upright and level")
    rotation: int = Field(0, description="clockwise quarter turn applied: 0/90/180/270")
    skew: float = Field(0.0, description="degrees the page was turned to level it (counter-clockwise +)")
    line_height: float | None = Field(None, description="median text-line height in pixels, if text was seen")


def to_grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)


def normalize_illumination(image: np.ndarray) -> np.ndarray:
    """Divide each channel by its own smooth paper background: shadows, gradients and yellowing go white."""
    h, w = image.shape[:2]
    f = max(1, int(round(max(h, w) / 600)))
    small = cv2.resize(image, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    k = max(5, (max(small.shape[:2]) // 40) | 1)
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.medianBlur(bg, min(k, 255) if k <= 255 else 255)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    out: np.ndarray = cv2.divide(image, np.maximum(bg, 1), scale=255.0)  # saturating uint8 division, in one pass
    return out


def redness(rgb: np.ndarray) -> np.ndarray:
    """How much redder than grey each pixel is (0 for black, grey, white, blue)."""
    r = rgb[:, :, 0].astype(np.int16)
    gb = (rgb[:, :, 1].astype(np.int16) + rgb[:, :, 2].astype(np.int16)) // 2
    out: np.ndarray = np.clip(r - gb, 0, 255).astype(np.uint8)
    return out


def remove_red_seals(rgb: np.ndarray) -> np.ndarray:
    """Grey page without red ink.

    Near red ink (the seal's footprint) the red channel decides: seal ink barely dims red light, so the seal
    reads as paper, while black print under it (ink multiplies) is dark in every channel and stays; a ruling
    or a character under a seal is kept. Elsewhere the grey is the usual luminance.
    """
    grey = to_grey(rgb)
    if rgb.ndim == 2:
        return grey
    red = redness(rgb) >= SEAL_REDNESS
    if not red.any():
        return grey
    k = max(3, int(round(max(rgb.shape[:2]) / 600)) * 2 + 1)
    footprint = cv2.dilate(red.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    out = grey.copy()
    # JPEG keeps colour at half resolution, so a seal stroke's edges are dim in red too: inside the footprint
    # only what is dark in the red channel (print) is kept, the rest is paper.
    light = rgb[:, :, 0].astype(np.float32) * SEAL_RED_GAIN >= SEAL_KEEP_DARK
    out[footprint & light] = 255
    return out


def rotate_quarter(image: np.ndarray, rotation: int) -> np.ndarray:
    """Turn the image clockwise by 0/90/180/270 degrees."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    rotation %= 360
    if rotation == 0:
        return image
    if rotation not in codes:
        raise ValueError(f"rotation must be a multiple of 90, got {rotation}")
    return cv2.rotate(image, codes[rotation])


def _rotate_quad(quad: Quad, rotation: int, h: int, w: int) -> Quad:
    """Where the points of quad land after rotate_quarter(image of h x w, rotation)."""
    def one(x: float, y: float) -> tuple[float, float]:
        if rotation == 90:
            return (h - 1 - y, x)
        if rotation == 180:
            return (w - 1 - x, h - 1 - y)
        if rotation == 270:
            return (y, w - 1 - x)
        return (x, y)

    a, b, c, d = quad
    return (one(*a), one(*b), one(*c), one(*d))


def detect_orientation(grey: np.ndarray, engine: OcrEngine, vote: bool = True) -> tuple[int, float | None]:
    """(clockwise turn that makes the page upright, median text-line height in pixels of grey or None).

    Text lines are long and thin: if the detector's lines stand up, the page lies on its side. Between a turn
    and the opposite turn, the recogniser's summed score on a few lines read both ways decides; vote=False
    leaves that to the caller (0 or 90 only), who may settle it more cheaply once the page is read
    (``reads_better_turned``).
    """
    h, w = grey.shape[:2]
    f = min(1.0, ORIENTATION_SIDE / max(h, w))
    small = cv2.resize(grey, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else grey
    quads = engine.detect(small)
    if not quads:
        return 0, None
    sizes = [(b[2] - b[0], b[3] - b[1]) for b in map(quad_to_bbox, quads)]
    across = sum(bw for bw, bh in sizes if bw > 1.5 * bh)
    upright = sum(bh for bw, bh in sizes if bh > 1.5 * bw)
    base = 90 if upright > across else 0
    thickness = [min(bw, bh) for bw, bh in sizes if max(bw, bh) > 1.5 * min(bw, bh)]
    line_h = float(np.median(thickness)) / f if thickness else None
    if not vote:
        return base, line_h
    sh, sw = small.shape[:2]
    boxes = [tuple(v / f for v in quad_to_bbox(_rotate_quad(q, base, sh, sw))) for q in quads]
    crops = _vote_crops(rotate_quarter(grey, base), boxes)
    if not crops:
        return base, line_h
    both = engine.recognize_crops(crops + [np.ascontiguousarray(c[::-1, ::-1]) for c in crops])
    up_score = sum(line.score for line in both[:len(crops)])
    down_score = sum(line.score for line in both[len(crops):])
    return (base + 180) % 360 if down_score > up_score else base, line_h


def reads_better_turned(grey: np.ndarray, lines: Sequence[OcrLine], engine: OcrEngine) -> bool:
    """Whether the page reads better turned by 180 degrees: a few of its recognised lines (OcrLines in pixels
    of grey) are read again upside down, and their summed score is set against the first reading's."""
    scores = [ln.score for ln in lines if ln.text.strip()]
    if len(scores) >= UPRIGHT_MIN_LINES and float(np.median(scores)) >= UPRIGHT_MEDIAN_SCORE:
        return False  # read this well, the page is upright: nothing to read again
    voters = [(ln, _crop(grey, ln.bbox)) for ln in _voters([ln for ln in lines if ln.text.strip()], lambda ln: ln.bbox)]
    voters = [(ln, c) for ln, c in voters if c.size]
    if not voters:
        return False
    turned = engine.recognize_crops([np.ascontiguousarray(c[::-1, ::-1]) for _, c in voters])
    return sum(t.score for t in turned) > sum(ln.score for ln, _ in voters)


def _voters(items: Sequence[_T], box: Callable[[_T], Sequence[float]]) -> list[_T]:
    """The ORIENTATION_LINES items whose boxes are the longest text lines (length counted up to
    ORIENTATION_MAX_ASPECT: longer ones vote no better and cost more to read)."""
    def aspect(b: Sequence[float]) -> float:
        return (b[2] - b[0]) / max(b[3] - b[1], 1.0)

    lines = [it for it in items if box(it)[2] - box(it)[0] > 1.5 * (box(it)[3] - box(it)[1])]
    lines.sort(key=lambda it: -min(aspect(box(it)), ORIENTATION_MAX_ASPECT))
    return lines[:ORIENTATION_LINES]


def _vote_crops(image: np.ndarray, boxes: Sequence[Sequence[float]]) -> list[np.ndarray]:
    """Full-resolution crops of a few text lines of moderate length (the recogniser's cost grows with length)."""
    crops = [_crop(image, b) for b in _voters(boxes, lambda b: b)]
    return [c for c in crops if c.size]


def _crop(image: np.ndarray, box: Sequence[float]) -> np.ndarray:
    h, w = image.shape[:2]
    pad = max(2, int((box[3] - box[1]) * 0.15))
    x0, y0 = max(0, int(box[0]) - pad), max(0, int(box[1]) - pad)
    x1, y1 = min(w, int(box[2]) + pad), min(h, int(box[3]) + pad)
    return np.ascontiguousarray(image[y0:y1, x0:x1])


def _profile_score(binary: np.ndarray, angle: float) -> float:
    h, w = binary.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(grey: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """Angle (degrees, counter-clockwise +) that levels the page: sharpest row profile of the ink."""
    h, w = grey.shape[:2]
    f = min(1.0, SKEW_SIDE / max(h, w))
    small = cv2.resize(grey, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else grey
    _, binary = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if binary.sum() == 0:
        return 0.0
    best = 0.0
    for step, span in ((0.5, max_angle), (0.1, 0.5), (0.02, 0.1)):
        angles = np.arange(best - span, best + span + step / 2, step)
        best = float(max(angles, key=lambda a: _profile_score(binary, float(a))))
    return round(best, 2)


def level_page(image: np.ndarray, angle: float) -> np.ndarray:
    """Turn the image by angle degrees (counter-clockwise +) about its centre, paper-white corners."""
    if abs(angle) < 0.01:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255,) * (1 if image.ndim == 2 else image.shape[2])
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def clean_page(image: np.ndarray, engine: OcrEngine, vote: bool = True) -> CleanPage:
    """Lighting, seals, orientation, skew: the grey upright page the rest of the scanned path reads.

    vote=False: only a quarter turn is settled here; the page may still be upside down (see
    ``detect_orientation``)."""
    flat = normalize_illumination(image)
    grey = remove_red_seals(flat)
    rotation, line_h = detect_orientation(grey, engine, vote=vote)
    grey = rotate_quarter(grey, rotation)
    skew = estimate_skew(grey)
    return CleanPage(image=level_page(grey, skew), rotation=rotation, skew=skew, line_height=line_h)
