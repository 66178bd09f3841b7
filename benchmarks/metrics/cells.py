"""Cell detection precision/recall/F1 at an IoU threshold (cTDaR 2019 track B style), one-to-one matches."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]

CTDAR_IOU = 0.6


def iou(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match_boxes(pred: Sequence[Box], true: Sequence[Box], threshold: float = CTDAR_IOU) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (pred index, true index), highest IoU first, each at least ``threshold``."""
    candidates = []
    for i, p in enumerate(pred):
        for j, t in enumerate(true):
            v = iou(p, t)
            if v >= threshold:
                candidates.append((v, i, j))
    used_p: set[int] = set()
    used_t: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates, reverse=True):
        if i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
            pairs.append((i, j))
    return pairs


@dataclass(frozen=True)
class Counts:
    """True positives, predicted total and truth total; sums over pages before P/R/F1 (micro average)."""

    matched: int = 0
    predicted: int = 0
    truth: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.matched + other.matched, self.predicted + other.predicted, self.truth + other.truth)

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else (None if not self.truth else 0.0)

    @property
    def recall(self) -> float | None:
        return self.matched / self.truth if self.truth else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision or 0.0, self.recall
        if r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def cell_detection_counts(pred: Sequence[Box], true: Sequence[Box], threshold: float = CTDAR_IOU) -> Counts:
    return Counts(len(match_boxes(pred, true, threshold)), len(pred), len(true))


INK_THRESHOLD = 160  # grey level below which a pixel is ink (printed text on white or yellowed paper)
INSET = 0.06  # share of a cell's width/height dropped at each side so its own rulings are not ink


def ink_box(gray, box: Box, threshold: int = INK_THRESHOLD, inset: float = INSET) -> Box | None:
    """The bounding box of the ink inside ``box`` of a grey image (numpy, rows x cols); None when blank.

    The cTDaR-zh annotations outline each cell's *content*, not its ruled frame; reducing every method's
    cells to the ink they hold compares like with like, and treats all methods the same.
    """
    import numpy as np

    h, w = gray.shape[:2]
    dx, dy = (box[2] - box[0]) * inset + 1, (box[3] - box[1]) * inset + 1
    x0, y0 = max(int(box[0] + dx), 0), max(int(box[1] + dy), 0)
    x1, y1 = min(int(box[2] - dx), w), min(int(box[3] - dy), h)
    if x1 <= x0 or y1 <= y0:
        return None
    ys, xs = np.nonzero(gray[y0:y1, x0:x1] < threshold)
    if len(xs) == 0:
        return None
    return (float(x0 + xs.min()), float(y0 + ys.min()), float(x0 + xs.max() + 1), float(y0 + ys.max() + 1))
