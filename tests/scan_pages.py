"""Test pages for the scanned-document tests: a ruled CJK table drawn with reportlab, rendered with pypdfium2.

The page is small and known: the title, the grid edges (points) and each cell's text are returned with it,
so a test can compare what the scanned path reads against what was printed.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
A4 = (595.28, 841.89)

TITLE = "东莞市部门整体预算绩效目标表"
ROWS = (
    ("部门名称", "东莞市应急管理局", "人员数", "124"),
    ("基本支出", "4,393.85", "财政拨款", "8,864.78"),
    ("项目支出", "2,804.13", "其他资金", "0.00"),
    ("专项资金", "1,662.00", "转移支付", ""),
    ("考试人数", "约25000人", "完成率", "100%"),
    ("检查企业", "约650家", "满意度", "≥90%"),
)
COL_EDGES = (60.0, 170.0, 330.0, 430.0, 535.0)
ROW_TOP = 140.0
ROW_H = 34.0


@dataclass(frozen=True)
class TablePage:
    pdf: bytes
    col_edges: tuple[float, ...]
    row_edges: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str


def make_table_pdf(rows=ROWS, col_edges=COL_EDGES, title=TITLE) -> TablePage:
    from reportlab.lib.colors import black
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", FONT_PATH))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    c.setFont("WQY", 18)
    c.drawCentredString(w / 2, h - 90, title)
    row_edges = tuple(ROW_TOP + i * ROW_H for i in range(len(rows) + 1))
    c.setStrokeColor(black)
    c.setLineWidth(0.8)
    for y in row_edges:
        c.line(col_edges[0], h - y, col_edges[-1], h - y)
    for x in col_edges:
        c.line(x, h - row_edges[0], x, h - row_edges[-1])
    c.setFont("WQY", 11)
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            if text:
                c.drawString(col_edges[k] + 6, h - (row_edges[r] + ROW_H / 2 + 4), text)
    c.setFont("WQY", 10)
    c.drawString(col_edges[0], h - (row_edges[-1] + 30), "注：本表金额单位为万元。")
    c.showPage()
    c.save()
    return TablePage(buf.getvalue(), tuple(col_edges), row_edges, tuple(rows), title)


def render_pdf(pdf: bytes, dpi: float = 200.0, page: int = 0) -> np.ndarray:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        bitmap = doc[page].render(scale=dpi / 72.0)
        return np.asarray(bitmap.to_pil().convert("RGB")).copy()
    finally:
        doc.close()


@lru_cache(maxsize=1)
def ocr_engine():
    """One RapidOCR engine for all scan tests (models load once)."""
    from extract.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine()


@lru_cache(maxsize=1)
def layout_model():
    from extract.layout.model import LayoutModel

    return LayoutModel()


@lru_cache(maxsize=4)
def table_image(dpi: float = 200.0) -> tuple[TablePage, np.ndarray]:
    page = make_table_pdf()
    return page, render_pdf(page.pdf, dpi)


def stamp_red_seal(rgb: np.ndarray, centre: tuple[int, int], radius: int) -> np.ndarray:
    """A red ring and star multiplied onto the page (ink over ink, as a real stamp)."""
    import cv2

    layer = np.zeros(rgb.shape[:2], np.uint8)
    cv2.circle(layer, centre, radius, 255, max(3, radius // 14))
    cx, cy = centre
    star = np.array([[cx + radius * 0.35 * (1 if k % 2 == 0 else 0.4) * np.cos(np.radians(-90 + 36 * k)),
                      cy + radius * 0.35 * (1 if k % 2 == 0 else 0.4) * np.sin(np.radians(-90 + 36 * k))]
                     for k in range(10)], np.int32)
    cv2.fillPoly(layer, [star], 255)
    cv2.putText(layer, "SEAL", (cx - radius // 2, cy + radius // 2), cv2.FONT_HERSHEY_SIMPLEX, radius / 60, 255, 3)
    a = (layer.astype(np.float32) / 255.0 * 0.9)[:, :, None]
    red = np.array([225, 35, 40], np.float32) / 255.0
    return np.clip(rgb.astype(np.float32) * (1 - a + a * red), 0, 255).astype(np.uint8)
