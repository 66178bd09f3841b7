"""Learned table detector: PP-Layout CDLA through rapid-layout, model file from the wheel (no download).

``LayoutModel().find_tables(image, dpi, page)`` gives the table boxes in PDF points with the model's score.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from extract.types import TableRegion

# Boxes the model scores below this are not returned at all; low but non-zero so that weak tables are still
# offered to the region combiner, which weighs them against the rulings.
DETECT_SCORE = 0.25
CDLA_FILE = "layout_cdla.onnx"


def cdla_model_path() -> Path:
    import rapid_layout

    path = Path(rapid_layout.__file__).resolve().parent / "models" / CDLA_FILE
    if not path.is_file():
        raise RuntimeError(f"rapid-layout's CDLA model is missing at {path}; reinstall: pip install rapid-layout")
    return path


class LayoutModel:
    """Loads the CDLA layout model once; call find_tables per page."""

    def __init__(self, score: float = DETECT_SCORE, threads: int = 2) -> None:
        try:
            import onnxruntime as ort
            from rapid_layout import RapidLayout
        except ImportError as exc:  # pragma: no cover - depends on the install
            from extract.extras import MissingExtra

            raise MissingExtra("finding tables on a scanned page (layout model)", "layout", exc) from exc
        ort.set_default_logger_severity(3)
        # rapid-layout resets its loggers to INFO in each constructor; silence the load messages only
        previous = logging.root.manager.disable
        logging.disable(logging.INFO)
        try:
            self._model = RapidLayout(model_type="pp_layout_cdla", model_dir_or_path=str(cdla_model_path()),
                                      conf_thresh=score, engine_cfg={"intra_op_num_threads": threads})
        finally:
            logging.disable(previous)

    def find_regions(self, image: np.ndarray) -> list[tuple[str, tuple[float, float, float, float], float]]:
        """Every layout box: (class name, bbox in pixels, score)."""
        rgb = image if image.ndim == 3 else np.repeat(image[:, :, None], 3, axis=2)
        out = self._model(np.ascontiguousarray(rgb[:, :, ::-1]))
        if out.boxes is None:
            return []
        return [(str(name).lower(), tuple(float(v) for v in box), float(s))  # type: ignore[misc]
                for box, name, s in zip(out.boxes, out.class_names, out.scores)]

    def find_layout(self, image: np.ndarray, dpi: float) -> list[tuple[str, tuple[float, float, float, float], float]]:
        """Every layout box in PDF points: (class name, bbox, score)."""
        s = 72.0 / dpi
        return [(name, (b[0] * s, b[1] * s, b[2] * s, b[3] * s), sc) for name, b, sc in self.find_regions(image)]

    def find_tables(self, image: np.ndarray, dpi: float, page: int,
                    layout: list[tuple[str, tuple[float, float, float, float], float]] | None = None
                    ) -> list[TableRegion]:
        """Table boxes on a page image, in PDF points (from ``layout``, find_layout's answer, when given)."""
        boxes = layout if layout is not None else self.find_layout(image, dpi)
        return [TableRegion(page=page, bbox=b, score=min(max(sc, 0.0), 1.0), detector="cdla")
                for name, b, sc in boxes if name == "table"]
