"""Loading: PDFs and images open, pages classify, text layer becomes spans, bad input is refused."""
from __future__ import annotations

import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extract.document import InputError, open_document
from extract.geometry import contains

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
W, H = 595.0, 842.0


@pytest.fixture(scope="module", autouse=True)
def _cjk_font():
    if "zh" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("zh", FONT, subfontIndex=0))


def _pdf(path, pages, pagesize=(W, H), **kw):
    c = canvas.Canvas(str(path), pagesize=pagesize, **kw)
    for draw in pages:
        draw(c)
        c.showPage()
    c.save()
    return path


CELLS = [["部门名称", "东莞市应急管理局", "年度"], ["基本支出", "4,393.85", "2024"], ["项目支出", "2,804.13", "total amount"]]
X0, TOP, CW, RH = 72.0, 100.0, 150.0, 30.0  # grid origin in displayed (top-left) coordinates


def _grid_table(c, size=12):
    c.setLineWidth(0.75)
    for r in range(4):
        c.line(X0, H - TOP - r * RH, X0 + 3 * CW, H - TOP - r * RH)
    for k in range(4):
        c.line(X0 + k * CW, H - TOP, X0 + k * CW, H - TOP - 3 * RH)
    c.setFont("zh", size)
    for r, row in enumerate(CELLS):
        for k, text in enumerate(row):
            c.drawString(X0 + k * CW + 4, H - TOP - r * RH - 20, text)


def test_grid_table_spans_and_rulings(tmp_path):
    path = _pdf(tmp_path / "grid.pdf", [_grid_table])
    with open_document(path) as doc:
        assert (doc.kind, doc.page_count) == ("pdf", 1)
        assert len(doc.sha256) == 64
        (page,) = list(doc.iter_pages())
    assert (page.info.page, page.info.width, page.info.height, page.info.kind) == (1, W, H, "text")
    assert page.text_quality == 1.0
    texts = [s.text for s in page.spans]
    assert texts == [t for row in CELLS for t in row]
    for s in page.spans:
        r, k = next((r, k) for r, row in enumerate(CELLS) for k, t in enumerate(row) if t == s.text)
        cell = (X0 + k * CW, TOP + r * RH, X0 + (k + 1) * CW, TOP + (r + 1) * RH)
        assert contains(cell, s.bbox), (s.text, s.bbox, cell)
        assert s.bbox[0] == pytest.approx(cell[0] + 4, abs=0.5)
        assert s.confidence == 1.0 and s.source == "pdf" and s.font_size == pytest.approx(12)
        assert len(s.char_boxes) == len(s.text)
        xs = [b[0] for b in s.char_boxes]
        assert xs == sorted(xs)
    h = sorted(round((r.bbox[1] + r.bbox[3]) / 2, 2) for r in page.rulings if r.orientation == "h")
    v = sorted(round((r.bbox[0] + r.bbox[2]) / 2, 2) for r in page.rulings if r.orientation == "v")
    assert h == [TOP + r * RH for r in range(4)]
    assert v == [X0 + k * CW for k in range(4)]


def test_one_line_splits_at_wide_gaps_and_keeps_word_spaces(tmp_path):
    def draw(c):
        c.setFont("zh", 10)
        c.drawString(100, 700, "合计 total 12.5")
        c.drawString(300, 700, "万元")
    with open_document(_pdf(tmp_path / "gap.pdf", [draw])) as doc:
        spans = next(doc.iter_pages()).spans
    assert [s.text for s in spans] == ["合计 total 12.5", "万元"]
    assert spans[1].bbox[0] == pytest.approx(300, abs=0.5)
    assert spans[0].bbox[1] == pytest.approx(spans[1].bbox[1], abs=0.5)


def test_rotated_page_reads_upright(tmp_path):
    # reportlab: pagesize (595, 842) + rotation 90 gives user space 842 x 595, shown as 595 x 842.
    # Content is drawn rotated so that it reads upright once the viewer applies /Rotate.
    def draw(c):
        c.setPageRotation(90)
        c.translate(842, 0)
        c.rotate(90)  # local coords: an upright 595 x 842 page, bottom-left origin
        c.setFont("zh", 14)
        c.drawString(100, 842 - 200, "横向表格")
        c.line(100, 842 - 300, 400, 842 - 300)
    with open_document(_pdf(tmp_path / "rot.pdf", [draw])) as doc:
        page = next(doc.iter_pages())
        img = page.render(36)
    assert (page.info.rotation, page.info.width, page.info.height) == (90, 595.0, 842.0)
    assert [s.text for s in page.spans] == ["横向表格"]
    x0, y0, x1, y1 = page.spans[0].bbox
    assert x0 == pytest.approx(100, abs=0.5) and y0 < 200 < y1 and x1 == pytest.approx(156, abs=1)
    [r] = page.rulings
    assert r.orientation == "h" and r.bbox[0] == pytest.approx(100) and r.bbox[2] == pytest.approx(400)
    assert (r.bbox[1] + r.bbox[3]) / 2 == pytest.approx(300)
    assert img.shape == (round(842 / 2), round(595 / 2), 3)


def test_radicals_in_text_layer_are_repaired(tmp_path):
    def draw(c):
        c.setFont("zh", 12)
        c.drawString(100, 700, "部⻔预算⾦额")  # U+2ED4 (supplement) and U+2FA6 (Kangxi)
        c.drawString(100, 650, "部门预算")
    with open_document(_pdf(tmp_path / "kangxi.pdf", [draw])) as doc:
        spans = next(doc.iter_pages()).spans
    assert [(s.text, s.confidence) for s in spans] == [("部门预算金额", 0.97), ("部门预算", 1.0)]


def test_page_kinds_and_render_colours(tmp_path):
    scan = tmp_path / "scan.png"
    Image.fromarray(np.full((400, 300, 3), 90, np.uint8)).save(scan)

    def text_page(c):
        c.setFillColorRGB(1, 0, 0)
        c.rect(100, 100, 100, 100, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("zh", 12)
        c.drawString(100, 700, "部门整体预算绩效目标表")

    def scanned_page(c):
        c.drawImage(str(scan), 0, 0, W, H)
        c.setFont("zh", 9)  # a scanner's header line does not make a scan a text page
        c.drawString(20, 830, "扫描件 Scanned by OfficeScanner 2024-05-01 第1页")

    def outlined_page(c):  # no text layer, no image, but ink: needs OCR
        c.setLineWidth(3)
        for i in range(20):
            c.line(100, 100 + 30 * i, 500, 100 + 30 * i)

    path = _pdf(tmp_path / "kinds.pdf", [text_page, scanned_page, outlined_page, lambda c: None])
    with open_document(path) as doc:
        pages = list(doc.iter_pages())
        img = pages[0].render(72)
    assert [p.info.kind for p in pages] == ["text", "scanned", "scanned", "empty"]
    assert img.dtype == np.uint8 and img.shape == (842, 595, 3)
    assert tuple(img[842 - 150, 150]) == (255, 0, 0)  # RGB order, not BGR
    assert tuple(img[10, 10]) == (255, 255, 255)


def test_garbled_text_lowers_quality(tmp_path):
    def draw(c):
        c.setFont("zh", 12)
        c.drawString(100, 700, "预算\ue000\ue001\ue002金额")
    with open_document(_pdf(tmp_path / "pua.pdf", [draw])) as doc:
        page = next(doc.iter_pages())
    # reportlab writes the three glyph-less private-use characters as one unmapped code
    [span] = page.spans
    assert span.text.startswith("预算") and span.text.endswith("金额") and "\ufffd" in span.text
    garbled = sum(ch == "\ufffd" for ch in span.text)
    assert page.garbled_share == pytest.approx(garbled / (4 + garbled))
    assert page.text_quality == pytest.approx(1 - page.garbled_share)
    assert span.confidence < 0.97


def test_page_selection(tmp_path):
    def numbered(i):
        return lambda c: (c.setFont("zh", 12), c.drawString(100, 700, f"第{i}页"))
    path = _pdf(tmp_path / "three.pdf", [numbered(i) for i in (1, 2, 3)])
    with open_document(path) as doc:
        got = [(p.info.page, p.spans[0].text) for p in doc.iter_pages([3, 1, 9])]
    assert got == [(3, "第3页"), (1, "第1页")]


def test_images_png_jpeg_tiff(tmp_path):
    arr = np.full((600, 450, 3), 255, np.uint8)
    arr[100:200, 50:150] = (0, 0, 255)
    png = tmp_path / "a.png"
    Image.fromarray(arr).save(png, dpi=(300, 300))
    jpg = tmp_path / "a.jpg"
    Image.fromarray(arr).save(jpg)  # no dpi: 200 assumed
    tif = tmp_path / "a.tif"
    Image.fromarray(arr).save(tif, save_all=True, append_images=[Image.fromarray(arr[:300])], dpi=(150, 150))

    with open_document(png) as doc:
        (page,) = list(doc.iter_pages())
        full, half = page.render(300), page.render(150)
    assert (doc.kind, page.info.kind, page.spans, page.rulings) == ("image", "scanned", [], [])
    assert (page.info.width, page.info.height) == (450 * 72 / 300, 600 * 72 / 300)
    assert full.shape == (600, 450, 3) and half.shape == (300, 225, 3)
    assert tuple(full[150, 100]) == (0, 0, 255)
    with open_document(jpg) as doc:
        assert next(doc.iter_pages()).info.width == pytest.approx(450 * 72 / 200)
    with open_document(tif) as doc:
        pages = list(doc.iter_pages())
        shapes = [p.render(150).shape for p in pages]
    assert doc.page_count == 2 and shapes == [(600, 450, 3), (300, 450, 3)]


def _png_header(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("case, message", [
    ("empty", "empty file (0 bytes)"),
    ("random", "not a PDF or image"),
    ("truncated", "truncated or corrupt PDF"),
    ("encrypted", "encrypted PDF (password required)"),
    ("huge_image", "image too large (100000×100000 = 10,000 Mpx > 200 Mpx per page) (raise the budget with "
                   "--max-page-pixels)"),
    ("bad_image", "unreadable image"),
    ("too_many_pages", "too many pages (3 > 2) (raise the budget with --max-pages)"),
    ("missing", "cannot read file: no such file or directory"),
    ("directory", "not a regular file: a directory"),
    ("fifo", "not a regular file: a FIFO"),  # refused before the open, which would block forever
    ("device", "not a regular file: a character device"),  # a symlink to /dev/zero is never read
    ("socket", "not a regular file: a socket"),
])
def test_bad_inputs_raise_one_line_input_error(tmp_path, case, message):
    path = tmp_path / f"{case}.bin"
    if case == "empty":
        path.write_bytes(b"")
    elif case == "random":
        path.write_bytes(os.urandom(4096).replace(b"%PDF-", b"xxxxx"))
    elif case == "truncated":
        full = _pdf(tmp_path / "full.pdf", [_grid_table]).read_bytes()
        path.write_bytes(full[: len(full) * 2 // 3])
    elif case == "encrypted":
        _pdf(path, [_grid_table], encrypt="secret")
    elif case == "huge_image":
        path.write_bytes(_png_header(100_000, 100_000))
    elif case == "missing":
        pass
    elif case == "directory":
        path.mkdir()
    elif case == "fifo":
        os.mkfifo(path)
    elif case == "device":
        os.symlink("/dev/zero", path)
    elif case == "socket":
        import socket

        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    elif case == "bad_image":
        path.write_bytes(b"\xff\xd8\xff" + os.urandom(100))
    else:
        _pdf(path, [lambda c: None] * 3)
    with pytest.raises(InputError) as err:
        open_document(path, max_pages=2 if case == "too_many_pages" else 2000)
    text = str(err.value)
    assert text.startswith(message) and "\n" not in text


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_500_pages_iterate_with_flat_memory(tmp_path):
    def page(c):
        _grid_table(c, size=10)
    path = _pdf(tmp_path / "long.pdf", [page] * 500)
    with open_document(path) as doc:
        assert doc.page_count == 500
        n = 0
        for p in doc.iter_pages():
            n += len(p.spans)
            if p.info.page == 50:
                rss_50 = _rss_mb()
        growth = _rss_mb() - rss_50
    assert n == 500 * 9
    # holding every pdfium page and text page open grows RSS by ~13 MB here; we stay near 1 MB
    assert growth < 6, f"RSS grew {growth:.1f} MB over 450 pages"


def test_scan_under_invisible_ocr_layer_is_scanned_with_spans_kept(tmp_path):
    scan = tmp_path / "scan.png"
    Image.fromarray(np.full((400, 300, 3), 200, np.uint8)).save(scan)

    def draw(c):
        c.drawImage(str(scan), 0, 0, W, H)
        t = c.beginText(100, 700)
        t.setTextRenderMode(3)  # invisible, as scanner OCR writes it
        t.setFont("zh", 12)
        t.textLine("部门整体预算绩效目标表部门名称东莞市应急管理局")
        c.drawText(t)
    with open_document(_pdf(tmp_path / "ocr.pdf", [draw])) as doc:
        page = next(doc.iter_pages())
    assert page.info.kind == "scanned"
    assert [s.text for s in page.spans] == ["部门整体预算绩效目标表部门名称东莞市应急管理局"]


def test_image_orientation_alpha_depth_and_damage(tmp_path):
    arr = np.full((200, 100, 3), 255, np.uint8)
    arr[:20, :10] = 0  # a dark mark top-left as stored
    jpg = tmp_path / "rot.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90° clockwise to show
    Image.fromarray(arr).save(jpg, exif=exif, dpi=(200, 200), quality=95)
    with open_document(jpg) as doc:
        page = next(doc.iter_pages())
        img = page.render(200)
    assert (page.info.rotation, page.info.width, page.info.height) == (90, 200 * 72 / 200, 100 * 72 / 200)
    assert img.shape == (100, 200, 3) and img[5, 195].max() < 60 and img[5, 5].min() > 200  # mark now top-right
    assert page.native_dpi == 200

    rgba = np.zeros((50, 50, 4), np.uint8)  # fully transparent black
    png = tmp_path / "alpha.png"
    Image.fromarray(rgba).save(png)
    deep = tmp_path / "deep.png"
    Image.fromarray(np.full((50, 50), 40000, np.uint16)).save(deep)
    with open_document(png) as doc:
        assert next(doc.iter_pages()).render(200).min() == 255  # shown on white paper
    with open_document(deep) as doc:
        assert next(doc.iter_pages()).render(200)[0, 0, 0] == 40000 * 255 // 65535

    noise = np.random.default_rng(0).integers(0, 255, (400, 400, 3), np.uint8)
    for name in ("cut.jpg", "cut.png"):
        cut = tmp_path / name
        Image.fromarray(noise).save(cut)
        cut.write_bytes(cut.read_bytes()[:3000])
        with open_document(cut) as doc:  # the header reads fine; the damage shows when decoding
            with pytest.raises(InputError, match=r"^damaged image data \(page 1\)"):
                next(doc.iter_pages()).render(200)


def test_sideways_text_reads_along_its_direction_and_watermarks_stay_out(tmp_path):
    def draw(c):
        c.setFont("zh", 12)
        c.drawString(100, 700, "部门名称")
        for angle, x, text in ((90, 300, "Total 合计"), (270, 400, "预算金额")):
            c.saveState()
            c.translate(x, 400)
            c.rotate(angle)
            c.drawString(0, 0, text)
            c.restoreState()
        c.saveState()
        c.translate(150, 200)
        c.rotate(35)
        c.setFont("zh", 40)
        c.drawString(0, 0, "内部资料")  # a watermark
        c.restoreState()
    with open_document(_pdf(tmp_path / "turned.pdf", [draw])) as doc:
        page = next(doc.iter_pages())
    by_text = {s.text: s for s in page.spans}
    assert sorted(by_text) == sorted(["部门名称", "Total 合计", "预算金额"])
    assert page.diagonal_chars == 4
    up, down = by_text["Total 合计"], by_text["预算金额"]
    for span, x in ((up, 300), (down, 400)):
        x0, y0, x1, y1 = span.bbox
        assert y1 - y0 > 3 * (x1 - x0)  # a tall, narrow span
        assert x0 < x < x1  # the baseline runs through it
    ups = [b[1] for b in up.char_boxes]
    downs = [b[1] for b in down.char_boxes]
    assert ups == sorted(ups, reverse=True)  # read bottom to top
    assert downs == sorted(downs)  # read top to bottom
    assert up.bbox[3] == pytest.approx(H - 400, abs=1) and down.bbox[1] == pytest.approx(H - 400, abs=1)


def test_budgets_and_accepted_oddities_are_named(tmp_path):
    from extract.document import BudgetError
    from hostile_inputs import encrypted_pdf, one_page_pdf

    (tmp_path / "open.pdf").write_bytes(encrypted_pdf(""))
    (tmp_path / "xref.pdf").write_bytes(one_page_pdf(xref=False))
    (tmp_path / "wide.pdf").write_bytes(one_page_pdf(media=b"[0 0 14400 14400]"))
    with open_document(tmp_path / "open.pdf") as doc:
        assert any("empty user password" in w for w in doc.warnings)
    with open_document(tmp_path / "xref.pdf") as doc:
        assert any("cross-reference" in w for w in doc.warnings)
    with open_document(tmp_path / "wide.pdf", max_pixels=50_000_000, max_document_pixels=60_000_000) as doc:
        page = next(doc.iter_pages())
        with pytest.raises(BudgetError, match="over the page budget.*--max-page-pixels"):
            page.render(36)  # 7200² = 51.8 Mpx, refused before pdfium allocates it
        assert page.render(24).shape == (4800, 4800, 3) and page.render(24).shape == (4800, 4800, 3)
        with pytest.raises(BudgetError, match="--max-document-pixels"):
            page.render(24)  # a third 23 Mpx render is over the document's 60 Mpx


def test_text_drawn_outside_its_clip_is_not_read(tmp_path):
    """A spreadsheet printer draws a merged cell's whole text clipped to the part of the cell on the page;
    the part cut away is not printed and is no text of the page."""
    def draw(c):
        c.setFont("zh", 12)
        c.saveState()
        p = c.beginPath()
        p.rect(X0, H - 130, 200, 30)  # the visible part of the cell
        c.clipPath(p, stroke=0, fill=0)
        c.drawString(X0 + 4, H - 120, "可见文字")
        c.drawString(X0 + 4, H - 160, "裁掉文字")  # below the clip: hidden
        c.restoreState()
        c.drawString(X0 + 4, H - 200, "普通文字")

    path = _pdf(tmp_path / "clip.pdf", [draw])
    with open_document(path) as doc:
        (page,) = list(doc.iter_pages())
    text = "".join(s.text for s in page.spans)
    assert "可见文字" in text and "普通文字" in text
    assert "裁掉" not in text
