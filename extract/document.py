"""Open a PDF or image, classify its pages, read the text layer and vector rulings, render pages.

``open_document(path)`` checks the input up front and raises ``InputError`` with a one-line,
human reason: only regular files are opened (a FIFO, device or socket is refused before any read), and
each budget (pages, pixels per page, pixels per document) is a ``BudgetError`` naming the option that
raises it. Oddities that are accepted (an empty user password, a rebuilt cross-reference table) are
listed in ``Document.warnings``. ``Document.iter_pages()`` loads one page at a time and releases pdfium's page and
text-page objects before the next one, so memory stays flat on long documents.
"""
from __future__ import annotations

import ctypes
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

if TYPE_CHECKING:  # numpy loads where a page is rendered: a text-layer page never is
    import numpy as np

from extract.geometry import PageFrame, area
from extract.imagedpi import DEFAULT_IMAGE_DPI, image_dpi  # a stated dpi, else the paper's, else 200
from extract.layout.rulings import page_rulings
from extract.textlayer import CharBox, chars_to_spans, diagonal_count, garbled_share, read_chars
from extract.types import PageInfo, Ruling, TextSpan

# A page whose text layer has at least this many readable characters is a text page even when
# it also holds a large image (a letterhead, a stamp); below it, a large image makes it a scan.
MIN_TEXT_CHARS = 20
# An image object covering this share of the page makes a text-poor page a scan.
SCAN_IMAGE_SHARE = 0.5
# On a page under a large image, text covering less than this share of the page is a stamp or a
# header line on a scan; a text page's characters cover ~5-30% of it.
SCAN_TEXT_COVER = 0.01
# A page without text or images is a scan (text drawn as outlines, say) when this share of a
# low-resolution render is ink; otherwise it is empty.
INK_SHARE = 0.002
INK_DPI = 24.0


class InputError(Exception):
    """The input cannot be read. ``str(err)`` is one line meant for a person."""


class BudgetError(InputError):
    """The input would cost more than a budget allows; ``option`` is the command-line option that raises it."""

    def __init__(self, message: str, option: str):
        super().__init__(f"{message} (raise the budget with {option})")
        self.option = option


def _pixels(n: float) -> str:
    return f"{n / 1e6:,.0f} Mpx" if n >= 1e7 else f"{n:,.0f} px"


def _sniff(path: Path, max_bytes: int | None = None) -> str:
    """'pdf' | 'image' from the first bytes, else InputError. Regular files only (symlinks followed)."""
    from extract.names import NotRegularFile, open_regular

    try:
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            if size == 0:
                raise InputError("empty file (0 bytes)")
            if max_bytes is not None and size > max_bytes:
                raise BudgetError(f"file too large ({size / 2**20:,.0f} MiB > {max_bytes / 2**20:,.0f} MiB)",
                                  "--max-file-mb")
            head = f.read(1024)
    except NotRegularFile as e:
        raise InputError(str(e)) from None
    except OSError as e:
        raise InputError(f"cannot read file: {(e.strerror or str(e)).lower()}") from None
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    raise InputError("not a PDF or image (PNG, JPEG, TIFF)")


def _sha256(path: Path) -> str:
    from extract.names import sha256_file

    return sha256_file(path)


def _open_pdf(path: Path, max_pages: int) -> pdfium.PdfDocument:
    from extract.names import is_text, open_regular

    try:  # pdfium opens a path itself only when the name is UTF-8; other names go in as an open file
        pdf = pdfium.PdfDocument(str(path) if is_text(path) else open_regular(path), autoclose=True)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError("encrypted PDF (password required)") from None
        reason = msg.split("(PDFium: ")[-1].rstrip(").") if "PDFium" in msg else msg
        raise InputError(f"truncated or corrupt PDF: {reason.lower()}") from None
    n = len(pdf)
    if n == 0:
        pdf.close()
        raise InputError("truncated or corrupt PDF: no pages")
    if n > max_pages:
        pdf.close()
        raise BudgetError(f"too many pages ({n} > {max_pages})", "--max-pages")
    return pdf


def _pdf_warnings(pdf: pdfium.PdfDocument) -> list[str]:
    """What the reader accepted without a word: an empty user password, a damaged cross-reference table."""
    out = []
    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        out.append("encrypted PDF opened with an empty user password (its permissions are not enforced here)")
    if not pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(pdf.raw):
        out.append("damaged cross-reference table: the reader rebuilt it (objects may be missing or stale)")
    return out


def _open_image(path: Path, max_pages: int, max_pixels: int) -> Any:
    from PIL import Image, UnidentifiedImageError

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # our own size check below runs before any decoding
    try:
        img = Image.open(path)
    except UnidentifiedImageError:
        raise InputError("unreadable image: unknown or damaged image header") from None
    except Exception as e:  # Pillow raises many kinds for a bad header
        detail = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"unreadable image: {detail}") from None
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    w, h = img.size
    if w * h > max_pixels:
        img.close()
        raise BudgetError(f"image too large ({w}×{h} = {_pixels(w * h)} > {_pixels(max_pixels)} per page)",
                          "--max-page-pixels")
    try:
        n = getattr(img, "n_frames", 1)
    except Exception as e:  # noqa: BLE001 - counting frames reads the whole file; a damaged one raises
        img.close()
        raise InputError(f"unreadable image: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    if n > max_pages:
        img.close()
        raise BudgetError(f"too many pages ({n} > {max_pages})", "--max-pages")
    return img, n


def _image_dpi(img: Any) -> float:
    dpi = img.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return image_dpi(value, *img.size)


class Page:
    """One page: its info, text-layer spans, vector rulings (merged), and a renderer.

    For a PDF page, ``spans``/``rulings`` are read when the page is loaded; ``render`` works while
    the document is open. ``text_quality`` is the share of text-layer characters that read
    cleanly (1.0 = none garbled); ``garbled_share`` is the rest. ``diagonal_chars`` counts
    characters set at an angle (watermarks), which are kept out of ``spans``.
    """

    def __init__(self, doc: Document, index: int, info: PageInfo, spans: list[TextSpan],
                 rulings: list[Ruling], garbled: float, image_dpi: float | None = None,
                 diagonal_chars: int = 0):
        self._doc = doc
        self._index = index
        self.info = info
        self.spans = spans
        self.rulings = rulings
        self.garbled_share = garbled
        self.text_quality = 1.0 - garbled
        self.diagonal_chars = diagonal_chars  # text set at an angle (watermarks): not in spans
        self._image_dpi = image_dpi

    @property
    def number(self) -> int:
        return self.info.page

    @property
    def native_dpi(self) -> float | None:
        """The image's own resolution (render at it to avoid resampling); None for PDF pages."""
        return self._image_dpi

    def render(self, dpi: float) -> np.ndarray:
        """The displayed page as an RGB uint8 array (height, width, 3) at ``dpi``; BudgetError when that is more
        pixels than one page may have, or than the document has left."""
        self._doc.spend_pixels(self.info.page, self.info.width * dpi / 72.0 * self.info.height * dpi / 72.0)
        if self._doc.kind == "pdf":
            return self._doc._render_pdf(self._index, dpi)
        return self._doc._render_image(self._index, dpi, self._image_dpi or DEFAULT_IMAGE_DPI)


class Document:
    """An open input. Use as a context manager; pages load one at a time via ``iter_pages``."""

    def __init__(self, path: Path, kind: str, page_count: int, pdf: Any = None, image: Any = None,
                 max_pixels: int = 200_000_000, max_document_pixels: int | None = None):
        self.path = path
        self.max_pixels = max_pixels
        self.max_document_pixels = max_document_pixels
        self.pixels_spent = 0.0
        self.kind = kind
        self.page_count = page_count
        self._pdf = pdf
        self._image = image
        self._sha256: str | None = None
        self.warnings: list[str] = _pdf_warnings(pdf) if pdf is not None else []

    def spend_pixels(self, page: int, pixels: float) -> None:
        """Count a render against the budgets (per page, per document) before it allocates anything."""
        if pixels > self.max_pixels:
            raise BudgetError(f"page {page} would render at {_pixels(pixels)}, over the page budget of "
                              f"{_pixels(self.max_pixels)}", "--max-page-pixels")
        if self.max_document_pixels is not None and self.pixels_spent + pixels > self.max_document_pixels:
            raise BudgetError(f"page {page}: the document has used {_pixels(self.pixels_spent)} of its "
                              f"{_pixels(self.max_document_pixels)} budget", "--max-document-pixels")
        self.pixels_spent += pixels

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = _sha256(self.path)
        return self._sha256

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        if self._image is not None:
            self._image.close()
            self._image = None

    def iter_pages(self, pages: Iterable[int] | None = None,
                   on_error: Callable[[int, Exception], object] | None = None) -> Iterator[Page]:
        """Pages in the order asked (1-based); numbers outside 1..page_count are skipped. A page that fails to
        load raises, or with ``on_error`` is reported as ``on_error(number, exc)`` and skipped."""
        numbers = range(1, self.page_count + 1) if pages is None else pages
        for n in numbers:
            if not 1 <= n <= self.page_count:
                continue
            if on_error is None:
                yield self._load_pdf_page(n - 1) if self.kind == "pdf" else self._load_image_page(n - 1)
                continue
            try:
                page = self._load_pdf_page(n - 1) if self.kind == "pdf" else self._load_image_page(n - 1)
            except Exception as exc:  # noqa: BLE001 - reported; the next page may load
                on_error(n, exc)
                continue
            yield page

    # --- PDF ---------------------------------------------------------------------------

    def _load_pdf_page(self, index: int) -> Page:
        try:
            page = self._pdf[index]
        except pdfium.PdfiumError as e:
            raise InputError(f"page {index + 1} unreadable: {e}") from None
        try:
            frame = PageFrame(page.get_cropbox(), page.get_rotation(), page.get_mediabox())
            textpage = page.get_textpage()
            try:
                chars = read_chars(textpage, frame)
                spans = chars_to_spans(chars, lambda i: pdfium_c.FPDFText_GetFontSize(textpage.raw, i))
            finally:
                textpage.close()
            rulings = page_rulings(page, frame)
            kind = self._pdf_kind(page, frame, chars)
        finally:
            page.close()
        width, height = frame.size
        info = PageInfo(page=index + 1, width=round(width, 3), height=round(height, 3),
                        kind=kind, rotation=frame.rotation)
        return Page(self, index, info, spans, rulings, garbled_share(chars), diagonal_chars=diagonal_count(chars))

    def _pdf_kind(self, page: Any, frame: PageFrame, chars: list[CharBox]) -> str:
        readable = sum(1 for c in chars if not c.garbled)
        share, visible_text = _page_objects_summary(page, frame)
        big_image = share >= SCAN_IMAGE_SHARE
        if big_image and not visible_text:
            return "scanned"  # a scan, perhaps under an invisible OCR text layer (kept as spans)
        if big_image and _ink_of_chars(chars, frame) < SCAN_TEXT_COVER:
            return "scanned"  # a scan with a line of real text on it (a stamp, a scanner's header)
        if readable >= MIN_TEXT_CHARS or (readable and not big_image):
            return "text"
        if big_image:
            return "scanned"
        pw, ph = frame.size
        if pw * ph * (INK_DPI / 72.0) ** 2 > self.max_pixels:
            raise BudgetError(f"page too large ({pw:,.0f}×{ph:,.0f} pt)", "--max-page-pixels")
        ink = _ink_share(page.render(scale=INK_DPI / 72.0, grayscale=True).to_numpy())
        return "scanned" if ink >= INK_SHARE else "empty"

    def _render_pdf(self, index: int, dpi: float) -> np.ndarray:
        import numpy as np

        if self._pdf is None:
            raise ValueError("document is closed")
        page = self._pdf[index]
        try:
            bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)
            arr = bitmap.to_numpy()
            out = np.ascontiguousarray(arr[:, :, :3])
            bitmap.close()
            return out
        finally:
            page.close()

    # --- images ------------------------------------------------------------------------

    def _frame(self, index: int) -> Any:
        from PIL import ImageOps

        self._image.seek(index)
        return ImageOps.exif_transpose(self._image)

    def _load_image_page(self, index: int) -> Page:
        try:
            self._image.seek(index)
            dpi = _image_dpi(self._image)
            orientation = self._image.getexif().get(0x0112, 1)  # PNG decodes the image here
        except (OSError, EOFError) as e:
            raise InputError(f"damaged image data (page {index + 1}): {str(e).splitlines()[0]}") from None
        w, h = self._image.size
        if w * h > self.max_pixels:
            raise InputError(f"image too large (page {index + 1}: {w}×{h} px > {self.max_pixels} px)")
        if orientation in (5, 6, 7, 8):
            w, h = h, w
        rotation = {3: 180, 6: 90, 8: 270}.get(orientation, 0)
        info = PageInfo(page=index + 1, width=round(w * 72.0 / dpi, 3), height=round(h * 72.0 / dpi, 3),
                        kind="scanned", rotation=rotation)
        return Page(self, index, info, [], [], 0.0, image_dpi=dpi)

    def _render_image(self, index: int, dpi: float, own_dpi: float) -> np.ndarray:
        import numpy as np

        if self._image is None:
            raise ValueError("document is closed")
        try:
            img = _to_rgb(self._frame(index))
        except OSError as e:
            raise InputError(f"damaged image data (page {index + 1}): {str(e).splitlines()[0]}") from None
        if abs(dpi - own_dpi) / own_dpi > 0.01:
            from PIL import Image

            w, h = img.size
            size = (max(1, round(w * dpi / own_dpi)), max(1, round(h * dpi / own_dpi)))
            img = img.resize(size, Image.Resampling.LANCZOS if dpi < own_dpi else Image.Resampling.BICUBIC)
        return np.asarray(img, dtype=np.uint8)


def _page_objects_summary(page: Any, frame: PageFrame) -> tuple[float, bool]:
    """(largest share of the page one top-level image covers, whether any text object is visible)."""
    pw, ph = frame.size
    best, visible_text = 0.0, False
    raw = page.raw
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = pdfium_c.FPDFPage_GetObject(raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
            visible_text |= mode != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            visible_text = True  # text inside forms is not inspected; assume visible
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            box = frame.box(left.value, bottom.value, right.value, top.value)
            clipped = (max(box[0], 0), max(box[1], 0), min(box[2], pw), min(box[3], ph))
            best = max(best, area(clipped) / max(pw * ph, 1e-9))
    return best, visible_text


def _to_rgb(img: Any) -> Any:
    """RGB for any Pillow mode: transparency over white, 16/32-bit grey scaled down, not clipped."""
    import numpy as np
    from PIL import Image

    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        grey = (arr * (255.0 / (65535.0 if top > 255 else 255.0))).clip(0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")


def _ink_of_chars(chars: list[CharBox], frame: PageFrame) -> float:
    """Share of the page area covered by character boxes."""
    pw, ph = frame.size
    return sum((c.box[2] - c.box[0]) * c.height for c in chars) / max(pw * ph, 1e-9)


def _ink_share(gray: np.ndarray) -> float:
    if gray.ndim == 3:
        gray = gray[:, :, 0]
    return float((gray < 200).mean()) if gray.size else 0.0


def open_document(path: str | Path, *, max_pages: int = 2000, max_pixels: int = 200_000_000,
                  max_document_pixels: int | None = None, max_bytes: int | None = None) -> Document:
    """Open a PDF, PNG, JPEG or TIFF (multi-page too). Raises InputError for bad input, BudgetError (an
    InputError) for input over a budget."""
    path = Path(path)
    kind = _sniff(path, max_bytes)
    if kind == "pdf":
        pdf = _open_pdf(path, max_pages)
        return Document(path, "pdf", len(pdf), pdf=pdf, max_pixels=max_pixels,
                        max_document_pixels=max_document_pixels)
    img, n = _open_image(path, max_pages, max_pixels)
    return Document(path, "image", n, image=img, max_pixels=max_pixels, max_document_pixels=max_document_pixels)


__all__ = ["BudgetError", "Document", "InputError", "Page", "open_document"]
