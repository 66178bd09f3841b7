"""pdfplumber's default table finder (ruling lines), merged cells read from its cell boxes."""
from __future__ import annotations

import contextlib
import logging

from benchmarks.methods.base import Method, Prediction
from benchmarks.methods.grid import boxes_to_table
from extract.types import PageInfo, Table


@contextlib.contextmanager
def open_quietly(path: str):
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(path) as pdf:
        yield pdf


def page_tables(page, number: int) -> list[Table]:
    out = []
    for k, found in enumerate(page.find_tables()):
        texts = found.extract()
        boxes = []
        for row, row_texts in zip(found.rows, texts):
            for bbox, text in zip(row.cells, row_texts):
                if bbox is not None:
                    boxes.append((tuple(bbox), text or ""))
        table = boxes_to_table(boxes, f"p{number}t{k + 1}", number)
        if table is not None:
            out.append(table)
    return out


def predict(path: str) -> Prediction:
    from benchmarks.methods.peer_forms import map_peer_tables

    tables: list[Table] = []
    pages = []
    with open_quietly(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            pages.append(PageInfo(page=number, width=float(page.width), height=float(page.height)))
            tables.extend(page_tables(page, number))
    tables, documents = map_peer_tables(path, tables)
    return Prediction(tables=tables, documents=documents, pages=pages)


METHOD = Method("pdfplumber", frozenset({"pdf_text"}), predict,
                note="text-layer PDFs only; merged cells from its cell boxes")
