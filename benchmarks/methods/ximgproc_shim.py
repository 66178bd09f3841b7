"""``cv2.ximgproc.niBlackThreshold`` for an OpenCV without the contrib modules.

img2table requires ``opencv-contrib-python`` for this one call (Sauvola thresholding in
``img2table/tables/common/threshold.py``). Every install of this project has exactly one OpenCV, the
headless one, so the benchmark supplies the function itself, written after OpenCV's
``modules/ximgproc/src/niblack_thresholding.cpp``: local mean and standard deviation over a
``block_size`` box (float32, replicated border), the method's threshold, then a compare like
``cv2.threshold``'s binary types. ``tests/test_one_opencv.py`` compares it with the contrib output
recorded in ``tests/fixtures/niblack_reference.npz``.
"""
from __future__ import annotations

import types
from typing import Any

import cv2
import numpy as np

BINARIZATION_NIBLACK = 0
BINARIZATION_SAUVOLA = 1
BINARIZATION_WOLF = 2
BINARIZATION_NICK = 3


def ni_black_threshold(src: np.ndarray, max_value: float, type: int, block_size: int, k: float,
                       binarizationMethod: int = BINARIZATION_NIBLACK, r: float = 128.0) -> np.ndarray:
    """The contrib function's result for 8-bit single-channel input and the binary threshold types."""
    assert src.dtype == np.uint8 and src.ndim == 2, "only 8-bit grey images are supported"
    size = (block_size, block_size)
    mean = cv2.boxFilter(src, cv2.CV_32F, size, normalize=True, borderType=cv2.BORDER_REPLICATE)
    sqmean = cv2.sqrBoxFilter(src, cv2.CV_32F, size, normalize=True, borderType=cv2.BORDER_REPLICATE)
    stddev = np.sqrt(np.maximum(sqmean - mean * mean, 0, dtype=np.float32)).astype(np.float32)
    k32 = np.float32(k)
    if binarizationMethod == BINARIZATION_NIBLACK:
        thresh = mean + stddev * k32
    elif binarizationMethod == BINARIZATION_SAUVOLA:
        thresh = mean * (np.float32(1.0) + k32 * (stddev / np.float32(r) - np.float32(1.0)))
    else:
        raise NotImplementedError("only the Niblack and Sauvola methods are provided")
    thresh8 = np.clip(np.rint(thresh), 0, 255).astype(np.uint8)  # convertTo(src.depth()): round, saturate
    if type == cv2.THRESH_BINARY:
        mask = src > thresh8
    elif type == cv2.THRESH_BINARY_INV:
        mask = src <= thresh8
    else:
        raise NotImplementedError("only THRESH_BINARY and THRESH_BINARY_INV are provided")
    return np.where(mask, np.uint8(max_value), np.uint8(0))


def install() -> None:
    """Give ``cv2`` an ``ximgproc`` namespace with the function, unless the real one is there."""
    if hasattr(cv2, "ximgproc"):
        return
    namespace: Any = types.SimpleNamespace(niBlackThreshold=ni_black_threshold,
                                           BINARIZATION_NIBLACK=BINARIZATION_NIBLACK,
                                           BINARIZATION_SAUVOLA=BINARIZATION_SAUVOLA,
                                           BINARIZATION_WOLF=BINARIZATION_WOLF, BINARIZATION_NICK=BINARIZATION_NICK)
    cv2.ximgproc = namespace
