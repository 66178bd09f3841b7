"""Seconds per scanned page, against RapidOCR alone on the same full page in the same run: the page reader
(``read_scanned_page``) and the whole job on the page saved as an image (clean-up, OCR, second cell reading,
grid, mapping).

``python -m benchmarks.scan_speed [--pdf FILE --page N] [--dpi 200] [--reps 5]``

The page defaults to the densest table page of the first generated born-digital document (else a small test
table). Each timing is the minimum over the repetitions (the machine is shared; the minimum is the least
disturbed run); the median is printed beside it, and the CPU time (user + sys of the process, all threads:
what a busy shared machine does not inflate as much as wall time). Both sides use 2 onnxruntime threads,
models loaded before. ``--mild N`` adds the mean over the first N pages of the mild scan set (each page timed
once, RapidOCR alone on the same page image beside it).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scan_speed")
    ap.add_argument("--pdf", type=Path, default=None)
    ap.add_argument("--page", type=int, default=None, help="1-based page (default: densest)")
    ap.add_argument("--dpi", type=float, default=200.0)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--mild", type=int, default=0, help="also time the first N pages of the mild scan set")
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
    from extract.options import ExtractOptions
    from extract.pipeline import Engines, extract_file

    engines = Engines()
    engines._ocr, engines._layout = engine, layout
    whole = Path(tempfile.mkdtemp()) / "page.png"  # the page as a scan: an image file at the page's dpi
    Image.fromarray(rgb).save(whole, dpi=(args.dpi, args.dpi))
    runs = {
        "RapidOCR alone, full page": lambda: plain(bgr),
        "read_scanned_page": lambda: read_scanned_page(rgb, info, args.dpi, engine, layout),
        "extract_file (whole job)": lambda: extract_file(whole, ExtractOptions(), engines),
    }
    times: dict[str, list[float]] = {k: [] for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    outs = {k: fn() for k, fn in runs.items()}  # warm-up
    for _ in range(args.reps):  # interleaved, so a busy moment of the shared machine hits all alike
        for k, fn in runs.items():
            start, c0 = time.perf_counter(), time.process_time()
            fn()
            times[k].append(time.perf_counter() - start)
            cpu[k].append(time.process_time() - c0)
    h, w = rgb.shape[:2]
    base = min(times["RapidOCR alone, full page"])
    base_cpu = min(cpu["RapidOCR alone, full page"])
    print(f"page {pdf.name} p{info.page} at {args.dpi:.0f} dpi ({w}x{h} px), "
          f"{len(outs['RapidOCR alone, full page'].txts or ())} lines; min of {args.reps} (median), ratio to RapidOCR")
    for k, ts in times.items():
        print(f"{k:27s}: {min(ts):6.2f} s ({statistics.median(ts):.2f})  x{min(ts) / base:.2f}   "
              f"cpu {min(cpu[k]):5.2f} s  x{min(cpu[k]) / base_cpu:.2f}")
    page = outs["read_scanned_page"]
    result = outs["extract_file (whole job)"]
    print(f"[{len(page.spans)} spans, {len(page.rulings)} rulings, {len(page.regions)} regions; "
          f"{len(result.tables)} tables, {sum(len(t.cells) for t in result.tables)} cells]")
    if args.mild:
        _mild(args.mild, plain, engines)
    return 0


def _mild(n: int, plain, engines) -> None:
    """Mean s/page (wall and CPU) over the first n pages of the mild scan set, RapidOCR alone beside it."""
    import pypdfium2 as pdfium

    from extract.options import ExtractOptions
    from extract.pipeline import extract_file

    pages = []
    for pdf in sorted((CORPUS.parent / "scan_mild").glob("*.pdf")):
        pages += [(pdf, i) for i in range(len(pdfium.PdfDocument(str(pdf))))]
    folder = Path(tempfile.mkdtemp())
    sums = {"RapidOCR alone": [0.0, 0.0], "extract_file": [0.0, 0.0]}
    for k, (pdf, i) in enumerate(pages[:n]):
        rgb, _ = _render(pdf, i, 200.0)
        path = folder / f"p{k}.png"
        Image.fromarray(rgb).save(path, dpi=(200, 200))
        bgr = np.ascontiguousarray(rgb[:, :, ::-1])
        for name, fn in (("RapidOCR alone", lambda bgr=bgr: plain(bgr)),
                         ("extract_file", lambda path=path: extract_file(path, ExtractOptions(), engines))):
            start, c0 = time.perf_counter(), time.process_time()
            fn()
            sums[name][0] += time.perf_counter() - start
            sums[name][1] += time.process_time() - c0
    m = min(n, len(pages))
    b = sums["RapidOCR alone"]
    print(f"mild scan set, first {m} pages at 200 dpi, mean per page (one run each):")
    for name, (w, c) in sums.items():
        print(f"{name:27s}: {w / m:6.2f} s  x{w / b[0]:.2f}   cpu {c / m:5.2f} s  x{c / b[1]:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
