"""A detector box round two stacked lines (部门 over 名称 in a narrow cell) read as one blend ("部称") is split
at the valley of its ink profile and each line read on its own, on real pixels and the real recogniser."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extract.ocr.base import OcrLine
from extract.ocr.stacked import bands, split_stacked

from tests.scan_pages import FONT_PATH, ocr_engine

DPI = 200.0
PX = DPI / 72.0


def _label_image() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A white strip with a cell border and 部门 / 名称 stacked tight (no blank row between), plus six
    single-line labels to the right that give the page its usual line height."""
    img = Image.new("L", (900, 200), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT_PATH, 27)
    d.rectangle((20, 10, 110, 190), outline=0, width=3)
    d.text((38, 48), "部门", font=font, fill=0)
    d.text((38, 75), "名称", font=font, fill=0)
    for i, word in enumerate(("财政拨款", "基本支出", "项目支出", "其他资金", "人员数", "合计")):
        d.text((160 + (i % 3) * 240, 40 + (i // 3) * 70), word, font=font, fill=0)
    return np.asarray(img), (30, 44, 100, 108)


class _BlendingEngine:
    """The real recogniser behind a detector that drew one box round the stacked label."""

    def __init__(self, box: tuple[int, int, int, int]):
        self.real = ocr_engine()
        self.box = box

    def recognize(self, image, text_height=None):
        lines = [ln for ln in self.real.recognize(image) if ln.bbox[0] > 130]
        blend = OcrLine(text="部称", bbox=tuple(float(v) for v in self.box), score=0.75)
        return [blend] + lines

    def recognize_boxes(self, image, boxes):
        return self.real.recognize_boxes(image, boxes)

    def recognize_crops(self, images):
        return self.real.recognize_crops(images)

    def detect(self, image):
        return self.real.detect(image)


def test_a_box_of_two_stacked_lines_is_split_and_each_line_read():
    grey, box = _label_image()
    engine = _BlendingEngine(box)
    lines = engine.recognize(grey)
    assert len(lines) >= 6, [ln.text for ln in lines]
    out = split_stacked(grey, lines, engine)
    texts = [ln.text for ln in out]
    assert "部称" not in texts
    assert "部门" in texts and "名称" in texts
    top = next(ln for ln in out if ln.text == "部门")
    low = next(ln for ln in out if ln.text == "名称")
    assert top.bbox[3] <= low.bbox[1] + 0.3 * (low.bbox[3] - low.bbox[1])  # one above the other
    # the single-line labels are left exactly as read
    assert [ln for ln in out if ln.bbox[0] > 130] == lines[1:]


def test_a_tall_box_of_one_large_line_is_not_cut():
    img = Image.new("L", (600, 160), 255)
    ImageDraw.Draw(img).text((20, 20), "绩效目标表", font=ImageFont.truetype(FONT_PATH, 90), fill=0)
    grey = np.asarray(img)
    assert bands(grey, (10, 10, 560, 140), 40.0) == []
