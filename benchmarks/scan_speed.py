"""Seconds per scanned page: ``read_scanned_page`` against RapidOCR alone on the same full page, same run.

``python -m benchmarks.scan_speed [--pdf FILE --page N] [--dpi 200] [--reps 5]``

The page defaults to the densest table page of the first generated born-digital document (else a small test
table). Each timing is the minimum over the repetitions (the machine is shared; the minimum is the least
disturbed run); the median is printed beside it. Both sides use 2 onnxruntime threads, models loaded before.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from extract.types import PageInfo

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "generated" / "born_digital"


def _render(pdf: Path, page: int | None, dpi: float) -> tuple[np.ndarray, PageInfo]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        if page is None:  # the page with most vector paths: the densest table
            page = max(range(len(doc)), key=lambda i: sum(1 for _ in doc[i].get_objects()))
        p = doc[page]
        w, h = p.get_size()
        rgb = np.ascontiguousarray(p.render(scale=dpi / 72.0, rev_byteorder=True).to_numpy()[:, :, :3])
        return rgb, PageInfo(page=page + 1, width=w, height=h, kind="scanned")
    finally:
        doc.close()


def _timed(fn, reps: int) -> tuple[float, float, object]:
    times, out = [], None
    for _ in range(reps):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scan_speed")
    ap.add_argument("--pdf", type=Path, default=None)
    ap.add_argument("--page", type=int, default=None, help="1-based page (default: densest)")
    ap.add_argument("--dpi", type=float, default=200.0)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    pdf = args.pdf or next(iter(sorted(CORPUS.glob("*.pdf"))), None)
    if pdf is None:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from scan_pages import make_table_pdf

        pdf = Path("/tmp/scan_speed_table.pdf")
        pdf.write_bytes(make_table_pdf().pdf)
    rgb, info = _render(pdf, None if args.page is None else args.page - 1, args.dpi)

    from rapidocr import RapidOCR

    from extract.layout.model import LayoutModel
    from extract.ocr.rapid import RapidOcrEngine
    from extract.scan import read_scanned_page

    plain = RapidOCR(params={"Global.log_level": "error",
                             "EngineConfig.onnxruntime.intra_op_num_threads": 2})
    engine, layout = RapidOcrEngine(), LayoutModel()
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    plain(bgr), read_scanned_page(rgb, info, args.dpi, engine, layout)  # warm-up
    base_min, base_med, base = _timed(lambda: plain(bgr), args.reps)
    ours_min, ours_med, page = _timed(lambda: read_scanned_page(rgb, info, args.dpi, engine, layout), args.reps)
    h, w = rgb.shape[:2]
    print(f"page {pdf.name} p{info.page} at {args.dpi:.0f} dpi ({w}x{h} px), {len(base.txts or ())} lines; "
          f"min of {args.reps} (median)")
    print(f"RapidOCR alone, full page : {base_min:6.2f} s ({base_med:.2f})")
    print(f"read_scanned_page         : {ours_min:6.2f} s ({ours_med:.2f})  "
          f"[{len(page.spans)} spans, {len(page.rulings)} rulings, {len(page.regions)} regions]")
    print(f"ratio                     : {ours_min / base_min:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
