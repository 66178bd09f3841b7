"""The OCR engine seam: what the scanned path needs from any recogniser, in pixels of the image it was given.

An engine maps its own score scale to [0, 1] in its adapter; nothing here drops a line for a low score.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from pydantic import Field

from extract.types import BBox, Frozen

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


class OcrLine(Frozen):
    """One recognised text line; every coordinate is in pixels of the image passed to the engine."""

    text: str
    bbox: BBox
    score: float = Field(ge=0.0, le=1.0)
    quad: Quad | None = Field(None, description="the detector's polygon (tl, tr, br, bl) when the line is tilted")
    char_boxes: tuple[BBox, ...] | None = Field(None, description="one box per character of text, when known")
    char_scores: tuple[float, ...] | None = Field(None, description="one score per character, with char_boxes")


@runtime_checkable
class OcrEngine(Protocol):
    def detect(self, image: np.ndarray) -> list[Quad]:
        """Text-line polygons on the whole image (no recognition), in reading order."""
        ...

    def recognize(self, image: np.ndarray, text_height: float | None = None) -> list[OcrLine]:
        """Detect and recognise every text line of an RGB or grey uint8 image.

        text_height: the page's median text height in pixels when the caller knows it; an engine may then look
        for lines on a smaller copy (detection needs far fewer pixels than recognition)."""
        ...

    def recognize_crops(self, images: list[np.ndarray]) -> list[OcrLine]:
        """Recognise each image as one single text line, batched; one OcrLine per crop, bbox = the crop."""
        ...


def quad_to_bbox(quad: Quad | np.ndarray) -> BBox:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))
