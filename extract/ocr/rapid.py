"""PP-OCR through RapidOCR + onnxruntime, models from the wheel (no downloads at run time).

Load once per process and reuse: ``RapidOcrEngine()`` builds the sessions on first use.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from extract.ocr.base import OcrLine, Quad, quad_to_bbox
from extract.types import BBox

# onnxruntime intra-op threads: 2 matches the 2-core CI machines; 0 lets onnxruntime pick.
DEFAULT_THREADS = 2


def _missing(exc: Exception) -> RuntimeError:
    return RuntimeError(f"RapidOCR is not installed ({exc}); run: pip install 'rapidocr>=3' onnxruntime")


class RapidOcrEngine:
    """OcrEngine over RapidOCR 3.x: PP-OCR det + rec, page orientation handled by the caller (no cls)."""

    def __init__(self, threads: int = DEFAULT_THREADS, use_cls: bool = False) -> None:
        try:
            import onnxruntime as ort
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise _missing(exc) from exc
        ort.set_default_logger_severity(3)
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        params = {
            "Global.log_level": "error",
            "Global.text_score": 0.0,  # keep every line; confidence is carried, triage decides
            "Global.use_cls": use_cls,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._ocr = RapidOCR(params=params)
        self._rec = None
        self._det = None

    # -- protocol -------------------------------------------------------------------------------
    def detect(self, image: np.ndarray) -> list[Quad]:
        """Line polygons at the image's own size: shrink it first for a quick look (orientation)."""
        det = self._detector()
        out = det(_as_bgr(image))
        if out.boxes is None:
            return []
        return [tuple((float(x), float(y)) for x, y in box) for box in out.boxes]  # type: ignore[misc]

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        res = self._ocr(_as_bgr(image), return_word_box=True, return_single_char_box=True)
        if res.boxes is None or res.txts is None or len(res.txts) == 0:
            return []
        words = res.word_results if len(res.word_results or ()) == len(res.txts) else [None] * len(res.txts)
        lines = []
        for box, text, score, word in zip(res.boxes, res.txts, res.scores, words):
            quad = tuple((float(x), float(y)) for x, y in box)
            boxes, char_scores = _char_boxes(text, word)
            lines.append(OcrLine(text=text, bbox=quad_to_bbox(quad), score=_unit(score), quad=quad,
                                 char_boxes=boxes, char_scores=char_scores))
        return lines

    def recognize_crops(self, images: list[np.ndarray]) -> list[OcrLine]:
        if not images:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        rec = self._recognizer()
        out = rec(TextRecInput(img=[_as_bgr(im) for im in images], return_word_box=False))
        lines = []
        for im, text, score in zip(images, out.txts or (), out.scores):
            h, w = im.shape[:2]
            lines.append(OcrLine(text=text, bbox=(0.0, 0.0, float(w), float(h)), score=_unit(score)))
        return lines

    # -- model access: the same sessions RapidOCR itself uses --------------------------------------
    def _recognizer(self):
        if self._rec is None:
            self._rec = self._ocr._load_rec_model()
        return self._rec

    def _detector(self):
        """A detector that reads the image at the size given (RapidOCR's own enlarges small images)."""
        if self._det is None:
            import copy

            from rapidocr.ch_ppocr_det import TextDetector

            cfg = copy.deepcopy(self._ocr.cfg.Det)
            cfg.engine_cfg = self._ocr.cfg.EngineConfig[cfg.engine_type.value]
            cfg.model_root_dir = self._ocr.cfg.Global.model_root_dir
            cfg.limit_type, cfg.limit_side_len = "max", 4096
            self._det = TextDetector(cfg)
        return self._det


def _as_bgr(image: np.ndarray) -> np.ndarray:
    """RapidOCR works in OpenCV's BGR order; our images are RGB or grey."""
    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[:, :, None], 3, axis=2))
    return np.ascontiguousarray(image[:, :, 2::-1])


def _unit(score) -> float:
    s = float(score)
    return 0.0 if s != s else min(max(s, 0.0), 1.0)


def _char_boxes(text: str, word) -> tuple[tuple[BBox, ...] | None, tuple[float, ...] | None]:
    """Align RapidOCR's single-character boxes and scores to the characters of text (a space gets a gap box)."""
    if not word:
        return None, None
    items = [(str(ch), quad_to_bbox(box), _unit(sc)) for ch, sc, box in word if box is not None]
    if "".join(ch for ch, _, _ in items) != text.replace(" ", ""):
        return None, None
    boxes: list[BBox] = []
    scores: list[float] = []
    it = iter(items)
    for ch in text:
        if ch == " ":
            prev = boxes[-1] if boxes else None
            boxes.append((prev[2], prev[1], prev[2], prev[3]) if prev else (0.0, 0.0, 0.0, 0.0))
            scores.append(1.0)
            continue
        _, box, sc = next(it)
        boxes.append(box)
        scores.append(sc)
    # a leading space borrows the next box's left edge
    for k, ch in enumerate(text):
        if ch == " " and boxes[k] == (0.0, 0.0, 0.0, 0.0) and k + 1 < len(boxes):
            nb = boxes[k + 1]
            boxes[k] = (nb[0], nb[1], nb[0], nb[3])
    return tuple(boxes), tuple(scores)


def model_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).resolve().parent / "models"
