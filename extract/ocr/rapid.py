"""PP-OCR through RapidOCR + onnxruntime, models from the wheel (no downloads at run time).

Load once per process and reuse: ``RapidOcrEngine()`` builds the sessions on first use.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from extract.ocr.base import OcrLine, Quad, quad_to_bbox
from extract.types import BBox

if TYPE_CHECKING:
    from rapidocr.ch_ppocr_det import TextDetector
    from rapidocr.ch_ppocr_rec import TextRecInput, TextRecognizer, TextRecOutput
    from rapidocr.utils.output import RapidOCROutput

# One character from RapidOCR's single-character results: (char, score, its quad in crop pixels or None).
CharResult = tuple[str, float, Any]
# A read crop's characters as _line_at takes them: [char, score, box in crop pixels | None for a space] each.
CharPieces = list[list[Any]]

# onnxruntime intra-op threads: 2 matches the 2-core CI machines; 0 lets onnxruntime pick.
DEFAULT_THREADS = 2
# RapidOCR reads a page at most this many pixels on its longer side (its own default, kept explicit).
MAX_SIDE = 2000
# The detector finds lines as surely with text this many pixels high as with more (measured on 150-300 dpi
# scans: same lines, same text) and costs with the pixel count, so a page with larger text is detected on a
# smaller copy; recognition still reads crops at full resolution. The copy's short side stays at least
# DET_SHORT_SIDE, RapidOCR's own floor (below it, table crops and small page images lost lines: cTDaR cell F1
# 0.62 -> 0.58, PubTabNet TEDS 0.87 -> 0.85).
DET_TEXT_PX = 16.0
DET_SHORT_SIDE = 736
# Short cell lines packed side by side into strips (extract.ocr.pack): 1.72 vs 2.55 s CPU on the speed page's
# 79 cell crops with the same text, but on corpus-mild gen-0-0003 together with 2-D leftover parts a number
# went missing and which of the two lost it is not settled yet: off until it is measured on its own.
PACK_SHORT_LINES = False


def _missing(exc: Exception) -> RuntimeError:
    from extract.extras import MissingExtra

    return MissingExtra("reading a scanned page (OCR)", "ocr", exc)


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
            "Global.max_side_len": MAX_SIDE,
            "Global.use_cls": use_cls,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._params = params
        self._ocr = RapidOCR(params=params)
        self._threads = max(1, threads)
        self._rec: TextRecognizer | _ParallelRecognizer | None = None
        self._det: TextDetector | None = None

    # -- protocol -------------------------------------------------------------------------------
    def detect(self, image: np.ndarray) -> list[Quad]:
        """Line polygons at the image's own size: shrink it first for a quick look (orientation)."""
        det = self._detector()
        out = det(_as_bgr(image))
        if out.boxes is None:
            return []
        return [tuple((float(x), float(y)) for x, y in box) for box in out.boxes]  # type: ignore[misc]

    def recognize(self, image: np.ndarray, text_height: float | None = None) -> list[OcrLine]:
        self._recognizer()
        self._set_det_side(image.shape[:2], text_height)
        return self._read(image)

    def _read(self, image: np.ndarray) -> list[OcrLine]:
        # det + rec are both on (our params), so RapidOCR answers with its full-pipeline output
        res = cast("RapidOCROutput", self._ocr(_as_bgr(image), return_word_box=True, return_single_char_box=True))
        if res.boxes is None or res.txts is None or len(res.txts) == 0:
            return []
        # per line, RapidOCR's word_results hold one (char, score, quad) per character (its annotation says one)
        words = cast("Sequence[Sequence[CharResult] | None]", res.word_results) if len(res.word_results or ()) == len(res.txts) else [None] * len(res.txts)
        if res.scores is None:
            raise TypeError("RapidOCR returned texts without scores")
        lines = []
        for box, text, score, word in zip(res.boxes, res.txts, res.scores, words):
            quad = cast(Quad, tuple((float(x), float(y)) for x, y in box))
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

    def recognize_boxes(self, image: np.ndarray, boxes: Sequence[Sequence[int]]) -> list[OcrLine]:
        """Read each pixel box (x0, y0, x1, y1) of a grey image as one text line: OcrLines in pixels of image,
        with the character boxes and scores RapidOCR derives from the recogniser's time steps. Short lines
        are read packed side by side (see extract.ocr.pack); the rest one per run."""
        if not boxes:
            return []
        from extract.ocr import pack

        grey = image if image.ndim == 2 else cv2_grey(image)
        crops = [np.ascontiguousarray(grey[b[1]:b[3], b[0]:b[2]]) for b in boxes]
        lines: list[OcrLine | None] = [None] * len(boxes)
        strips, layout = pack.pack(crops) if PACK_SHORT_LINES else ([], [])
        single = pack.alone(crops) if PACK_SHORT_LINES else list(range(len(crops)))
        read = self._read_crops(strips + [crops[i] for i in single])
        piece: CharPieces | None
        for segs, (text, _, chars) in zip(layout, read[:len(strips)]):
            got = pack.unpack(text, chars or (), segs) if chars else None
            if got is None:
                single.extend(i for i, *_ in segs)
                continue
            for (i, *_), (seg_text, score, piece) in zip(segs, got):
                lines[i] = _line_at(boxes[i], seg_text, score, piece)
        rest = [i for i in single if lines[i] is None]
        again = read[len(strips):] if len(rest) == len(read) - len(strips) else self._read_crops([crops[i] for i in rest])
        for i, (text, score, chars) in zip(rest, again):
            piece = None
            if chars and "".join(str(c[0]) for c in chars if c[2] is not None) == text.replace(" ", ""):
                it = iter(c for c in chars if c[2] is not None)
                piece = []
                for ch in text:
                    if ch == " ":
                        piece.append([" ", 1.0, None])
                        continue
                    c, sc, quad = next(it)
                    xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
                    piece.append([ch, float(sc), (min(xs), min(ys), max(xs), max(ys))])
            lines[i] = _line_at(boxes[i], text, score, piece)
        return [ln for ln in lines if ln is not None]

    def _read_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float, Sequence[CharResult] | None]]:
        """(text, score, single-character results in the crop's pixels or None) per grey crop."""
        if not crops:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        rec = self._recognizer()
        bgr = [_as_bgr(c) for c in crops]
        out = rec(TextRecInput(img=bgr, return_word_box=True))
        chars: list[Sequence[CharResult] | None] = [None] * len(crops)
        if out.word_results and len(out.word_results) == len(crops) and all(out.word_results):
            quads = np.array([[[0, 0], [c.shape[1], 0], [c.shape[1], c.shape[0]], [0, c.shape[0]]] for c in crops],
                             dtype=np.float32)
            try:
                # one tuple of (char, score, quad) per crop, whatever rapidocr's annotation says
                got = cast("Sequence[Sequence[CharResult]]", self._ocr.cal_rec_boxes(bgr, quads, out, True).word_results)
                chars = list(got) if len(got) == len(crops) else chars
            except Exception:  # pragma: no cover - character boxes are a refinement; the text stands
                pass
        return [(t, _unit(sc), ch) for t, sc, ch in zip(out.txts or (), out.scores, chars)]

    def recognize_region(self, image: np.ndarray, text_height: float | None = None) -> list[OcrLine]:
        """recognize() for parts of a page pasted onto a canvas: the detector reads it at the page's own
        detection scale (text DET_TEXT_PX high), never enlarged to RapidOCR's short-side floor."""
        self._recognizer()
        det = self._det_model()
        cap = min(1.0, MAX_SIDE / max(image.shape[:2]))
        f = 1.0 if not text_height or text_height <= 0 else min(1.0, DET_TEXT_PX / (text_height * cap))
        det.limit_type, det.limit_side_len = "max", max(32, int(max(image.shape[:2]) * cap * f))
        return self._read(image)

    def _set_det_side(self, shape: tuple[int, int], text_height: float | None) -> None:
        """Detection resolution for this image: RapidOCR's own (short side brought up to DET_SHORT_SIDE), or,
        on a page whose text is larger than the detector needs, a copy shrunk until text is DET_TEXT_PX high
        or its short side reaches DET_SHORT_SIDE (small images and crops are never shrunk)."""
        det = self._det_model()
        det.limit_type, det.limit_side_len = "min", DET_SHORT_SIDE
        cap = min(1.0, MAX_SIDE / max(shape))  # RapidOCR first brings the page within MAX_SIDE
        short, long_ = min(shape) * cap, max(shape) * cap
        if not text_height or text_height <= 0 or short <= DET_SHORT_SIDE:
            return
        f = max(DET_TEXT_PX / (text_height * cap), DET_SHORT_SIDE / short)
        if f < 1.0:
            det.limit_type, det.limit_side_len = "max", int(long_ * f)

    # -- model access: the same sessions RapidOCR itself uses --------------------------------------
    def _det_model(self) -> TextDetector:
        """The detector RapidOCR's own pipeline calls (loaded on first use)."""
        return cast("TextDetector", self._ocr._load_det_model())  # type: ignore[no-untyped-call]  # rapidocr leaves it unannotated

    def _recognizer(self) -> TextRecognizer | _ParallelRecognizer:
        """The recogniser RapidOCR's own pipeline calls too: one single-threaded session per thread, each
        reading its share of the lines at once (text lines are small inputs, so one session on two threads
        leaves cores idle between its small kernels; measured 15% faster on a page's 83 lines)."""
        if self._rec is None:
            from rapidocr import RapidOCR

            # one line per run: no padding to the widest line of a batch (8% faster here), and a line reads
            # the same whatever lines it is read with
            one = dict(self._params, **{"EngineConfig.onnxruntime.intra_op_num_threads": 1,
                                        "Rec.rec_batch_num": 1})
            sessions: list[TextRecognizer] = [
                RapidOCR(params=one)._load_rec_model()  # type: ignore[no-untyped-call]  # rapidocr leaves it unannotated
                for _ in range(self._threads)]
            self._rec = sessions[0] if len(sessions) == 1 else _ParallelRecognizer(sessions)
            self._ocr.text_rec = self._rec  # type: ignore[assignment]  # rapidocr types text_rec by its initial None; RapidOCR loads lazily and keeps what is set here
        return self._rec

    def _detector(self) -> TextDetector:
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


class _ParallelRecognizer:
    """Stands in for RapidOCR's TextRecognizer: the lines are dealt, widest first, to several sessions that
    run side by side (onnxruntime lets go of the GIL while it computes); results come back in input order."""

    def __init__(self, sessions: list[TextRecognizer]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.sessions = sessions
        self._pool = ThreadPoolExecutor(len(sessions), thread_name_prefix="rec")

    def __getattr__(self, name: str) -> Any:  # rec_batch_num, cfg, ... as the first session has them
        return getattr(self.sessions[0], name)

    def __call__(self, args: TextRecInput) -> TextRecOutput:
        from rapidocr.ch_ppocr_rec import TextRecInput, TextRecOutput

        if args.img is None:
            raise TypeError("TextRecInput.img is None")
        imgs = [args.img] if isinstance(args.img, np.ndarray) else list(args.img)
        k = min(len(self.sessions), len(imgs))
        if k <= 1:
            return self.sessions[0](args)
        order = sorted(range(len(imgs)), key=lambda i: -imgs[i].shape[1] / max(imgs[i].shape[0], 1))
        shares = [order[j::k] for j in range(k)]
        futures = [self._pool.submit(sess, TextRecInput(img=[imgs[i] for i in share],
                                                        return_word_box=args.return_word_box))
                   for sess, share in zip(self.sessions, shares)]
        outs = [f.result() for f in futures]
        txts: list[str | None] = [None] * len(imgs)
        scores = [0.0] * len(imgs)
        words: list[Any] = [None] * len(imgs)
        for share, out in zip(shares, outs):
            if out.txts is None:
                raise TypeError("a recogniser session returned no texts")
            for j, i in enumerate(share):
                txts[i], scores[i], words[i] = out.txts[j], out.scores[j], out.word_results[j]
        # rapidocr annotates txts and word_results as 1-tuples (Tuple[str]); they hold one item per line
        return TextRecOutput(imgs, cast("tuple[str]", tuple(txts)), scores, cast("Any", tuple(words)),
                             max(o.elapse or 0.0 for o in outs), viser=outs[0].viser)


def cv2_grey(image: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)


def _line_at(box: Sequence[float], text: str, score: float, piece: CharPieces | None) -> OcrLine:
    """An OcrLine for a crop at box (page pixels): piece is [char, score, box in crop pixels | None for a
    space] per character of text, or None when the characters are not known."""
    x0, y0, x1, y1 = (float(v) for v in box)
    quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    boxes = scores = None
    if piece is not None and len(piece) == len(text):
        out: list[BBox] = []
        for _ch, _, b in piece:
            if b is None:  # a space: a gap box at the previous character's right edge
                prev = out[-1] if out else (x0, y0, x0, y1)
                out.append((prev[2], prev[1], prev[2], prev[3]))
            else:
                out.append((x0 + b[0], y0 + b[1], x0 + b[2], y0 + b[3]))
        boxes, scores = tuple(out), tuple(p[1] for p in piece)
    return OcrLine(text=text, bbox=(x0, y0, x1, y1), score=_unit(score), quad=quad, char_boxes=boxes,
                   char_scores=scores)


def _as_bgr(image: np.ndarray) -> np.ndarray:
    """RapidOCR works in OpenCV's BGR order; our images are RGB or grey."""
    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[:, :, None], 3, axis=2))
    return np.ascontiguousarray(image[:, :, 2::-1])


def _unit(score: float) -> float:
    s = float(score)
    return 0.0 if s != s else min(max(s, 0.0), 1.0)


def _char_boxes(text: str, word: Sequence[CharResult] | None) -> tuple[tuple[BBox, ...] | None, tuple[float, ...] | None]:
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
