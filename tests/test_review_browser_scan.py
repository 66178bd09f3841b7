"""A sideways, crooked scan in the review app (real Chromium): the crop and the whole-page view are shown in
the upright, levelled frame the reader used, so the outlined region holds the value (read back by OCR)."""
from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.store import connect
from review_client import PASSWORD, Running, add_users
from rotated_scan import rotated_skewed_scan
from scan_pages import ocr_engine
from test_review_browser import ARGS, CHROMIUM, SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan-review")
    png, _ = rotated_skewed_scan(folder)
    db = folder / "r.db"
    assert run_batch(db, [str(png)], JobOptions(workers=1))["done"] == 1
    con = connect(db)
    rotation, skew = con.execute("SELECT rotation, skew FROM pages").fetchone()
    # whether a paragraph waits in the queue depends on the calibrated confidence; the multi-line editor is
    # tested on the first goal, so it is put below the threshold before the app starts
    with con:
        con.execute("UPDATE fields SET confidence = 0.3 WHERE path = 'overall_goals[0]'")
    con.close()
    assert rotation == 270 and abs(skew + 2.0) < 0.3  # read after a quarter turn back and a levelling
    add_users(db, "王会计")
    srv = Running(db)
    srv.store = db
    yield srv
    srv.stop()


def inside_red_outline(png: bytes) -> np.ndarray:
    """The part of an image inside its red rectangle (the outline the app draws around the cell)."""
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    red = (px[..., 0] > 180) & (px[..., 1] < 60) & (px[..., 2] < 60)
    ys, xs = np.nonzero(red)
    assert len(xs) > 100, "no red outline"
    return px[ys.min() + 5: ys.max() - 4, xs.min() + 5: xs.max() - 4].astype(np.uint8)


def read(region: np.ndarray) -> str:
    return "".join(line.text for line in ocr_engine().recognize(np.ascontiguousarray(region)))


def test_outline_on_a_sideways_skewed_scan_holds_the_value(scanned, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
        page.goto(scanned.base + "/")
        page.fill("#login-name", "王会计")
        page.fill("#login-password", PASSWORD)
        page.click("#login-go")
        page.locator("#queue li", has_text="基本支出").click()
        expect(page.locator("#item-label")).to_have_text("基本支出")
        value = page.locator("#item-value").inner_text().split()[0]  # as printed: 4,493.85 (万元)
        assert re.fullmatch(r"[\d,]+\.\d\d", value), value
        page.wait_for_function("() => document.getElementById('crop').naturalWidth > 0")
        crop = page.locator("#crop").screenshot()
        assert read(inside_red_outline(crop)).replace(" ", "") == value

        page.keyboard.press("Alt+p")  # the whole page, the current cell outlined where it is on the image
        page.wait_for_function("() => document.getElementById('page-img').naturalWidth > 0")
        expect(page.locator("#page-cells div.current")).to_have_count(1)
        page.evaluate("() => document.querySelectorAll('#page-cells div').forEach(d => d.style.opacity = 0)")
        region = page.locator("#page-cells div.current").screenshot()
        text = read(np.asarray(Image.open(io.BytesIO(region)).convert("RGB")))
        assert text.replace(" ", "") == value
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("() => document.querySelectorAll('#page-cells div').forEach(d => d.style.opacity = '')")
        page.screenshot(path=str(SHOTS / "scan-rotated-zh.png"), full_page=True)
        page.keyboard.press("Alt+p")

        # a long paragraph is corrected in a multi-line editor: Enter is a new line, Ctrl+Enter saves
        label = "总体绩效目标 1"
        page.locator("#queue li", has_text=label).first.click()
        expect(page.locator("#value-long")).to_be_visible()
        expect(page.locator("#value")).to_be_hidden()
        page.locator("#value-long").press("End")
        page.keyboard.press("Enter")
        page.keyboard.type("（补充一行）")
        page.keyboard.press("Control+Enter")
        expect(page.locator("#message")).to_contain_text(f"已更正 {label}")
        browser.close()
    con = connect(scanned.store)
    value = con.execute("SELECT value_after FROM decisions WHERE key = 'overall_goals[0]'").fetchone()[0]
    con.close()
    assert value.endswith('\\n（补充一行）"'), value  # the line break is kept
