"""A scanned copy of the misprinted Dongguan form turned a quarter and skewed: what a flatbed gives when the
sheet goes in sideways and crooked."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from jobs_docs import misprinted_dongguan
from scan_pages import render_pdf

SCAN_DPI = 150.0
SKEW_DEG = 2.0


def rotated_skewed_scan(out: Path, quarter: int = 90, skew: float = SKEW_DEG) -> tuple[Path, str]:
    """A PNG of page 1 turned ``quarter`` degrees clockwise and ``skew`` degrees more; (path, right 基本支出)."""
    from PIL import Image

    from extract.cleanup import level_page

    pdf, right = misprinted_dongguan(out / "src")
    page = render_pdf(pdf.read_bytes(), SCAN_DPI)
    turned = np.rot90(page, k=-(quarter // 90))  # clockwise
    crooked = level_page(np.ascontiguousarray(turned), skew)
    path = out / "scanned-sideways.png"
    Image.fromarray(crooked).save(path, dpi=(SCAN_DPI, SCAN_DPI))
    return path, right
