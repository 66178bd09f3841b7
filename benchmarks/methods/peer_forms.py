"""Peers find tables, not forms. To compare field accuracy fairly, their tables go through the same
stitching and form mapper as ours, with the page's text lines outside their tables (from pdfplumber's
text layer; a scan has none, so title/region/year are missing for peers on scans)."""
from __future__ import annotations

from extract.types import Table, TextSpan


def text_lines_outside(path: str, tables: list[Table]) -> dict[int, list[TextSpan]]:
    from benchmarks.methods.pdfplumber_ import open_quietly

    out: dict[int, list[TextSpan]] = {}
    if not path.lower().endswith(".pdf"):
        return out
    with open_quietly(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            boxes = [t.bbox for t in tables if t.bbox and t.pages and t.pages[0] == number]
            spans = []
            for line in page.extract_text_lines():
                cx, cy = (line["x0"] + line["x1"]) / 2, (line["top"] + line["bottom"]) / 2
                if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
                    continue
                spans.append(TextSpan(text=line["text"], bbox=(line["x0"], line["top"], line["x1"], line["bottom"])))
            out[number] = spans
    return out


def stitch(tables: list[Table]) -> list[Table]:
    try:
        from extract.structure.stitch import stitch_tables
    except ImportError:
        return tables
    return list(stitch_tables(tables))


def map_peer_tables(path: str, tables: list[Table]) -> tuple[list[Table], list[dict]]:
    """(stitched tables, form documents as result-contract dicts) from a peer's page-level tables."""
    lines = text_lines_outside(path, tables)
    stitched = stitch(tables)
    try:
        from extract.mapping import map_documents
    except ImportError:
        return stitched, []
    documents = map_documents(stitched, lines)
    return stitched, [d.model_dump(mode="json") for d in documents]
