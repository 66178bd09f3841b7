"""Draw what each stage saw onto the page image: table regions, rulings, cells coloured by confidence."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import cv2
import numpy as np

from extract.types import PageInfo, Ruling, Table

_REGION = (40, 90, 230)  # BGR
_RULING = (200, 60, 200)


def confidence_colour(conf: float) -> tuple[int, int, int]:
    """BGR from red (0) through yellow to green (1)."""
    c = min(max(conf, 0.0), 1.0)
    if c < 0.5:
        return (0, int(510 * c), 255)
    return (0, 255, int(255 - 510 * (c - 0.5)))


def _px(v: float, scale: float) -> int:
    return int(round(v * scale))


def draw_page(image_rgb: np.ndarray, dpi: float, info: PageInfo, rulings: Iterable[Ruling],
              tables: Iterable[Table], out_dir: Path, stem: str) -> Path:
    """Write ``out_dir/<stem>.png`` and return its path."""
    scale = dpi / 72.0
    canvas = cv2.cvtColor(np.ascontiguousarray(image_rgb), cv2.COLOR_RGB2BGR)
    overlay = canvas.copy()
    for t in tables:
        for c in t.cells:
            if c.page != info.page:
                continue
            x0, y0, x1, y1 = (_px(v, scale) for v in c.bbox)
            cv2.rectangle(overlay, (x0, y0), (x1, y1), confidence_colour(c.confidence), -1)
    canvas = cv2.addWeighted(overlay, 0.25, canvas, 0.75, 0)
    for r in rulings:
        x0, y0, x1, y1 = (_px(v, scale) for v in r.bbox)
        cv2.rectangle(canvas, (x0, y0), (max(x1, x0 + 1), max(y1, y0 + 1)), _RULING, 1)
    for t in tables:
        if t.bbox is not None:
            x0, y0, x1, y1 = (_px(v, scale) for v in t.bbox)
            cv2.rectangle(canvas, (x0 - 3, y0 - 3), (x1 + 3, y1 + 3), _REGION, 2)
            cv2.putText(canvas, t.id, (x0, max(y0 - 6, 10)), cv2.FONT_HERSHEY_SIMPLEX, 0.5, _REGION, 1)
        for c in t.cells:
            if c.page != info.page:
                continue
            x0, y0, x1, y1 = (_px(v, scale) for v in c.bbox)
            cv2.rectangle(canvas, (x0, y0), (x1, y1), confidence_colour(c.confidence), 1)
            cv2.putText(canvas, f"{c.confidence:.2f}", (x0 + 2, y1 - 3), cv2.FONT_HERSHEY_PLAIN, 0.7,
                        (90, 90, 90), 1)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stem}.png"
    cv2.imwrite(str(path), canvas)
    return path
