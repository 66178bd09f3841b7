"""img2table on images and scanned PDFs with Tesseract (chi_sim) or RapidOCR (PP-OCR, the same OCR
models as ours, through img2table's own ``RapidOCR`` interface); merged cells are the repeated
cell objects it returns. Scanned documents (PDF, TIFF) are straightened by its ``detect_rotation``. Its own ``min_confidence`` filter stays at the library default (50). It looks
for ruled tables first and, on a page where it finds none, for borderless ones (PubTabNet is unruled)."""
from __future__ import annotations

import io

from benchmarks.methods.base import Method, Prediction
from benchmarks.methods.grid import boxes_to_table
from extract.types import PageInfo, Table

PDF_DPI = 200.0  # img2table renders PDF pages at 200 dpi (img2table/document/pdf.py)
TESSERACT_LANG = "chi_sim"  # as the issue specifies; it also reads Latin letters and digits


OCR_KIND = {"name": "tesseract"}  # set per method below; a worker process runs one method only


def _ocr():
    if OCR_KIND["name"] == "rapidocr":
        import logging

        from img2table.ocr import RapidOCR
        from rapidocr import LangRec

        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        # Chinese recogniser (reads Latin and digits too); one ONNX thread, as Tesseract gets one.
        return RapidOCR(params={"Rec.lang_type": LangRec.CH, "Global.log_level": "error",
                                "EngineConfig.onnxruntime.intra_op_num_threads": 1})
    from img2table.ocr import TesseractOCR

    return TesseractOCR(n_threads=1, lang=TESSERACT_LANG)


def _to_tables(extracted, page: int, scale: float) -> list[Table]:
    out = []
    for k, t in enumerate(extracted):
        boxes = []
        for row in t.content.values():
            for cell in row:
                b = cell.bbox
                boxes.append(((b.x1 * scale, b.y1 * scale, b.x2 * scale, b.y2 * scale), cell.value or ""))
        table = boxes_to_table(boxes, f"p{page}t{k + 1}", page)
        if table is not None:
            out.append(table)
    return out


def _predict_pdf(path: str) -> Prediction:
    import pypdfium2
    from img2table.document import PDF

    doc = pypdfium2.PdfDocument(path)
    pages = [PageInfo(page=i + 1, width=float(doc[i].get_width()), height=float(doc[i].get_height()), kind="scanned")
             for i in range(len(doc))]
    doc.close()
    ocr = _ocr()
    document = PDF(src=path, pdf_text_extraction=False, detect_rotation=True)
    found = document.extract_tables(ocr=ocr)
    if not any(found.values()):  # nothing ruled: let it look for borderless tables too
        found = document.extract_tables(ocr=ocr, borderless_tables=True)
    tables = [t for index, ts in sorted(found.items()) for t in _to_tables(ts, index + 1, 72.0 / PDF_DPI)]
    return Prediction(tables=tables, pages=pages)


def _predict_image(path: str) -> Prediction:
    """Pixel coordinates (a page is its image size), every frame of a multi-page TIFF.

    A TIFF is a scanned document, so img2table straightens it first (``detect_rotation``); PNG and JPEG
    inputs here are upright crops and pages, where a rotation guess could only move the cells.
    """
    from img2table.document import Image
    from PIL import Image as PILImage, ImageSequence

    tables: list[Table] = []
    pages = []
    ocr = _ocr()
    scanned = path.lower().endswith((".tif", ".tiff"))
    with PILImage.open(path) as img:
        for number, frame in enumerate(ImageSequence.Iterator(img), 1):
            buf = io.BytesIO()
            frame.convert("RGB").save(buf, format="PNG")
            pages.append(PageInfo(page=number, width=float(frame.width), height=float(frame.height), kind="scanned"))
            image = Image(src=buf.getvalue(), detect_rotation=scanned)
            found = image.extract_tables(ocr=ocr)
            if not found:  # nothing ruled: let it look for borderless tables too
                found = image.extract_tables(ocr=ocr, borderless_tables=True)
            tables.extend(_to_tables(found, number, 1.0))
    return Prediction(tables=tables, pages=pages)


def predict(path: str) -> Prediction:
    from benchmarks.methods import ximgproc_shim
    from benchmarks.methods.peer_forms import map_peer_tables

    ximgproc_shim.install()  # img2table's one contrib call, on the headless OpenCV every install has
    prediction = _predict_pdf(path) if path.lower().endswith(".pdf") else _predict_image(path)
    tables, documents = map_peer_tables(path, prediction.tables)
    return prediction.model_copy(update={"tables": tables, "documents": documents})


def predict_rapidocr(path: str) -> Prediction:
    OCR_KIND["name"] = "rapidocr"
    return predict(path)


METHOD = Method("img2table", frozenset({"pdf_scan", "image"}), predict,
                note="Tesseract chi_sim; scans and images only")
RAPIDOCR = Method("img2table-rapidocr", frozenset({"pdf_scan", "image"}), predict_rapidocr,
                  note="RapidOCR (PP-OCR, Chinese recogniser); scans and images only")
