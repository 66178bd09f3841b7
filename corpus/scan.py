"""Scanned versions of the born-digital corpus: same documents, same truth, printed-and-scanned pixels.

``python -m corpus.scan --src corpus/generated/born_digital --out corpus/generated/scan_mild --profile mild``

Each page is rendered, then degraded in the order a real scan is: red seals stamped on the paper, rulings
faded and broken (worn toner), paper yellowed and lit unevenly, the sheet placed crooked (or upside down),
optics blur, sensor noise, JPEG compression. Documents come out alternately as image-only PDFs (JPEG pages,
same page size in points as the original) and multi-page TIFFs; ``<doc>.truth.json`` is copied unchanged,
since the truth is about the upright page. ``scan_manifest.json`` records what was done to every page.
Profiles: ``mild``, ``harsh`` (the main corpus), ``noisy`` (wide noise/JPEG/dpi ranges, for sources with
thin grey rulings) and ``bitonal`` (1-bit CCITT G4 TIFF and PDF pages, as archives store scans).
"""
from __future__ import annotations

import argparse
import io
import json
import math
import shutil
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from pydantic import BaseModel, ConfigDict, Field

SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SEAL_TEXTS = ("东莞市财政局", "部门预算专用章", "揭阳市应急管理局", "财务专用章")


class Profile(BaseModel):
    """Ranges a page's degradations are drawn from (uniformly)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dpi: tuple[float, float]
    skew_deg: float = Field(description="|skew| drawn from [0, skew_deg], random sign")
    blur_sigma: tuple[float, float]
    noise_sigma: tuple[float, float]
    jpeg_quality: tuple[int, int]
    seal_prob: float
    fade: tuple[float, float] = Field(description="share of a ruling's darkness removed")
    breaks_per_100pt: float = Field(description="gaps cut into rulings per 100pt of length")
    break_pt: tuple[float, float] = (3.0, 10.0)
    lighting: tuple[float, float] = Field(description="darkening at the dim corner")
    yellow: tuple[float, float] = Field(description="blue-channel loss of yellowed paper")
    upside_down_prob: float = 0.0
    bitonal: bool = False  # 1-bit pages (CCITT G4), thresholded at a level drawn from ``threshold``
    threshold: tuple[float, float] = (128.0, 128.0)


PROFILES = {
    "mild": Profile(dpi=(200, 300), skew_deg=1.0, blur_sigma=(0.0, 0.6), noise_sigma=(1.0, 4.0),
                    jpeg_quality=(75, 92), seal_prob=0.3, fade=(0.0, 0.2), breaks_per_100pt=0.0,
                    lighting=(0.0, 0.1), yellow=(0.0, 0.08)),
    "harsh": Profile(dpi=(150, 150), skew_deg=2.5, blur_sigma=(0.5, 1.0), noise_sigma=(4.0, 9.0),
                     jpeg_quality=(35, 55), seal_prob=0.8, fade=(0.35, 0.65), breaks_per_100pt=1.0,
                     lighting=(0.1, 0.3), yellow=(0.05, 0.2), upside_down_prob=0.3),
    # For sources with thin (0.5 pt) or grey rulings (the independent routes): the wide ranges issue 10
    # names, noise σ 6-14 on 0-255, JPEG 35-90, 150-300 dpi; rulings only lightly worn, since thinness and
    # greyness already come from the source.
    "noisy": Profile(dpi=(150, 300), skew_deg=1.5, blur_sigma=(0.2, 0.8), noise_sigma=(6.0, 14.0),
                     jpeg_quality=(35, 90), seal_prob=0.4, fade=(0.0, 0.3), breaks_per_100pt=0.3,
                     lighting=(0.0, 0.2), yellow=(0.0, 0.12), upside_down_prob=0.1),
    # Archive scans: 1-bit pages as CCITT G4 TIFF or PDF; a fixed scanner threshold turns light grey ink
    # (thin grey rulings, faded strokes) into broken or missing lines and speckle into dots.
    "bitonal": Profile(dpi=(200, 300), skew_deg=1.0, blur_sigma=(0.2, 0.7), noise_sigma=(3.0, 8.0),
                       jpeg_quality=(95, 95), seal_prob=0.2, fade=(0.0, 0.15), breaks_per_100pt=0.0,
                       lighting=(0.0, 0.1), yellow=(0.0, 0.05), bitonal=True, threshold=(150.0, 185.0)),
}


def _u(rng: np.random.Generator, lo_hi) -> float:
    lo, hi = lo_hi
    return float(lo if hi <= lo else rng.uniform(lo, hi))


def ruling_masks(rgb: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of long straight horizontal and of vertical lines (the table's rulings) on a clean render."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    ink = (grey < 160).astype(np.uint8)
    n = max(15, int(dpi * 0.5))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    return h.astype(bool), v.astype(bool)


def ruling_mask(rgb: np.ndarray, dpi: float) -> np.ndarray:
    h, v = ruling_masks(rgb, dpi)
    return h | v


def _cut_gaps(out: np.ndarray, line_mask: np.ndarray, across: bool, dpi: float, p: Profile, rng) -> None:
    """Paper-white gaps along each ruling of one orientation (each line cut on its own, not the grid)."""
    px = dpi / 72.0
    n, _, stats, _ = cv2.connectedComponentsWithStats(line_mask.astype(np.uint8), connectivity=8)
    for x, y, w, h, _a in stats[1:n]:
        length = (w if across else h) / px
        for _ in range(rng.poisson(p.breaks_per_100pt * length / 100.0)):
            gap = int(_u(rng, p.break_pt) * px)
            if across:
                x0 = int(rng.integers(x, max(x + 1, x + w - gap)))
                window = (slice(y, y + h), slice(x0, x0 + gap))
            else:
                y0 = int(rng.integers(y, max(y + 1, y + h - gap)))
                window = (slice(y0, y0 + gap), slice(x, x + w))
            out[window][line_mask[window]] = 255.0


def fade_and_break_rulings(rgb: np.ndarray, masks: tuple[np.ndarray, np.ndarray], dpi: float, p: Profile,
                           rng) -> np.ndarray:
    """Lighten the rulings and cut short gaps into them (worn toner), leaving text untouched."""
    h, v = masks
    mask = h | v
    out = rgb.astype(np.float32)
    fade = _u(rng, p.fade)
    out[mask] = out[mask] + (255.0 - out[mask]) * fade
    if p.breaks_per_100pt > 0:
        _cut_gaps(out, h, True, dpi, p, rng)
        _cut_gaps(out, v, False, dpi, p, rng)
    return np.clip(out, 0, 255).astype(np.uint8)


def draw_seal(diameter: int, text: str, rng) -> np.ndarray:
    """A red round stamp (ring, star, text around the rim) as an alpha mask in [0, 1]."""
    size = diameter + 8
    img = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(img)
    c, r = size / 2, diameter / 2
    ring = max(3, diameter // 28)
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    star = [(c + r * 0.28 * (1 if k % 2 == 0 else 0.4) * math.cos(math.radians(-90 + 36 * k)),
             c + r * 0.28 * (1 if k % 2 == 0 else 0.4) * math.sin(math.radians(-90 + 36 * k))) for k in range(10)]
    d.polygon(star, fill=255)
    font = ImageFont.truetype(SEAL_FONT, max(8, int(diameter * 0.13)))
    span = 220.0
    for k, ch in enumerate(text):
        ang = -90 - span / 2 + span * (k + 0.5) / len(text)
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size / 2, font.size / 2), ch, fill=255, font=font)
        glyph = glyph.rotate(-ang - 90, resample=Image.Resampling.BICUBIC)
        gx = c + (r - ring - font.size * 0.75) * math.cos(math.radians(ang)) - glyph.width / 2
        gy = c + (r - ring - font.size * 0.75) * math.sin(math.radians(ang)) - glyph.height / 2
        img.paste(255, (int(gx), int(gy)), glyph)
    alpha = np.asarray(img, dtype=np.float32) / 255.0
    wear = rng.uniform(0.55, 1.0, size=alpha.shape).astype(np.float32)  # uneven ink
    return alpha * cv2.GaussianBlur(wear, (0, 0), 3)


def stamp_seal(rgb: np.ndarray, mask: np.ndarray, dpi: float, rng) -> tuple[np.ndarray, list[float]]:
    """Multiply a red seal onto the page, centred on the table (over rulings and text)."""
    ys, xs = np.nonzero(mask)
    h, w = rgb.shape[:2]
    if len(xs):
        cx, cy = rng.uniform(xs.min(), xs.max()), rng.uniform(ys.min(), ys.max())
    else:
        cx, cy = rng.uniform(0.3 * w, 0.8 * w), rng.uniform(0.3 * h, 0.8 * h)
    diameter = int(dpi * rng.uniform(1.3, 1.7))
    alpha = draw_seal(diameter, str(rng.choice(SEAL_TEXTS)), rng)
    s = alpha.shape[0]
    x0, y0 = int(cx - s / 2), int(cy - s / 2)
    ax0, ay0, ax1, ay1 = max(0, -x0), max(0, -y0), min(s, w - x0), min(s, h - y0)
    if ax1 <= ax0 or ay1 <= ay0:
        return rgb, []
    a = alpha[ay0:ay1, ax0:ax1, None] * rng.uniform(0.7, 0.95)
    red = np.array([225, 35, 40], np.float32) / 255.0
    region = rgb[y0 + ay0:y0 + ay1, x0 + ax0:x0 + ax1].astype(np.float32)
    region = region * (1 - a + a * red)  # ink multiplies: black under the seal stays black
    out = rgb.copy()
    out[y0 + ay0:y0 + ay1, x0 + ax0:x0 + ax1] = np.clip(region, 0, 255).astype(np.uint8)
    return out, [round(cx * 72 / dpi, 1), round(cy * 72 / dpi, 1), round(diameter * 72 / dpi, 1)]


def age_paper(rgb: np.ndarray, p: Profile, rng) -> np.ndarray:
    """Yellowed paper and a lighting gradient from one corner."""
    h, w = rgb.shape[:2]
    dark = _u(rng, p.lighting)
    gx, gy = np.meshgrid(np.linspace(0, 1, w, dtype=np.float32), np.linspace(0, 1, h, dtype=np.float32))
    if rng.random() < 0.5:
        gx = 1 - gx
    light = 1.0 - dark * (gx * 0.6 + gy * 0.4)
    tint = np.array([1.0, 1.0 - _u(rng, p.yellow) * 0.4, 1.0 - _u(rng, p.yellow)], np.float32)
    return np.clip(rgb.astype(np.float32) * light[:, :, None] * tint, 0, 255).astype(np.uint8)


def place_crooked(rgb: np.ndarray, angle: float, upside_down: bool) -> np.ndarray:
    if upside_down:
        rgb = cv2.rotate(rgb, cv2.ROTATE_180)
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(250, 250, 248))


def blur_noise_jpeg(rgb: np.ndarray, p: Profile, rng) -> tuple[np.ndarray, bytes, int]:
    sigma = _u(rng, p.blur_sigma)
    out = cv2.GaussianBlur(rgb, (0, 0), sigma) if sigma > 0.05 else rgb
    noise = rng.normal(0.0, _u(rng, p.noise_sigma), size=out.shape[:2]).astype(np.float32)[:, :, None]
    out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    q = int(round(_u(rng, p.jpeg_quality)))
    ok, jpeg = cv2.imencode(".jpg", out[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, q])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)[:, :, ::-1].copy(), jpeg.tobytes(), q


def degrade_page(rgb: np.ndarray, dpi: float, p: Profile, rng) -> tuple[np.ndarray, bytes, dict]:
    """One clean render -> (scanned RGB, its JPEG bytes, record of what was done)."""
    masks = ruling_masks(rgb, dpi)
    mask = masks[0] | masks[1]
    page = fade_and_break_rulings(rgb, masks, dpi, p, rng)
    seal = []
    if rng.random() < p.seal_prob:
        page, seal = stamp_seal(page, mask, dpi, rng)
    page = age_paper(page, p, rng)
    angle = float(rng.uniform(-p.skew_deg, p.skew_deg))
    upside_down = bool(rng.random() < p.upside_down_prob)
    page = place_crooked(page, angle, upside_down)
    page, jpeg, q = blur_noise_jpeg(page, p, rng)
    return page, jpeg, {"skew": round(angle, 3), "upside_down": upside_down, "jpeg_quality": q, "seal": seal}


def degrade_bitonal(rgb: np.ndarray, dpi: float, p: Profile, rng) -> tuple[np.ndarray, dict]:
    """One clean render -> (1-bit page as a bool array, True = white; record), for the bitonal profile."""
    masks = ruling_masks(rgb, dpi)
    page = fade_and_break_rulings(rgb, masks, dpi, p, rng)
    seal = []
    if rng.random() < p.seal_prob:
        page, seal = stamp_seal(page, masks[0] | masks[1], dpi, rng)
    page = age_paper(page, p, rng)
    angle = float(rng.uniform(-p.skew_deg, p.skew_deg))
    upside_down = bool(rng.random() < p.upside_down_prob)
    page = place_crooked(page, angle, upside_down)
    grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY).astype(np.float32)
    sigma = _u(rng, p.blur_sigma)
    if sigma > 0.05:
        grey = cv2.GaussianBlur(grey, (0, 0), sigma)
    grey += rng.normal(0.0, _u(rng, p.noise_sigma), size=grey.shape).astype(np.float32)
    level = _u(rng, p.threshold)
    return grey >= level, {"skew": round(angle, 3), "upside_down": upside_down, "threshold": round(level, 1),
                           "seal": seal}


def write_bitonal(path: Path, pages: list[np.ndarray], dpi: float, as_tiff: bool) -> None:
    """Multi-page CCITT G4 TIFF, or a PDF of G4 pages at ``dpi`` (Pillow writes both with libtiff)."""
    frames = [Image.fromarray(p.astype(np.uint8) * 255).convert("1") for p in pages]
    if as_tiff:
        frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4", dpi=(dpi, dpi))
    else:
        frames[0].save(path, save_all=True, append_images=frames[1:], resolution=dpi)


def render_pages(pdf_path: Path, dpi: float):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for page in doc:
            w, h = page.get_size()
            bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)
            yield (w, h), np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])
            bitmap.close()
            page.close()
    finally:
        doc.close()


def write_image_pdf(path: Path, pages: list[tuple[tuple[float, float], bytes]]) -> None:
    """An image-only PDF: each page one JPEG (embedded as is) filling a page of the original size."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for (w, h), jpeg in pages:
        c.setPageSize((w, h))
        c.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=w, height=h)
        c.showPage()
    c.save()


def write_tiff(path: Path, images: list[np.ndarray], dpi: float) -> None:
    frames = [Image.fromarray(im) for im in images]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate", dpi=(dpi, dpi))


def scan_document(pdf_path: Path, out_dir: Path, p: Profile, rng, as_tiff: bool) -> dict:
    dpi = float(round(_u(rng, p.dpi) / 10) * 10)
    if p.bitonal:
        return _scan_bitonal(pdf_path, out_dir, p, rng, as_tiff, dpi)
    pages, images, records = [], [], []
    for size, rgb in render_pages(pdf_path, dpi):
        img, jpeg, rec = degrade_page(rgb, dpi, p, rng)
        pages.append((size, jpeg))
        images.append(img)
        records.append(rec)
    doc_id = pdf_path.stem
    target = out_dir / (f"{doc_id}.tif" if as_tiff else f"{doc_id}.pdf")
    if as_tiff:
        write_tiff(target, images, dpi)
    else:
        write_image_pdf(target, pages)
    truth = pdf_path.with_name(f"{doc_id}.truth.json")
    if truth.is_file():
        shutil.copyfile(truth, out_dir / truth.name)
    return {"file": target.name, "source": pdf_path.name, "dpi": dpi, "pages": records}


def _scan_bitonal(pdf_path: Path, out_dir: Path, p: Profile, rng, as_tiff: bool, dpi: float) -> dict:
    bits, records = [], []
    for _size, rgb in render_pages(pdf_path, dpi):
        page, rec = degrade_bitonal(rgb, dpi, p, rng)
        bits.append(page)
        records.append(rec)
    target = out_dir / (f"{pdf_path.stem}.tif" if as_tiff else f"{pdf_path.stem}.pdf")
    write_bitonal(target, bits, dpi, as_tiff)
    truth = pdf_path.with_name(f"{pdf_path.stem}.truth.json")
    if truth.is_file():
        shutil.copyfile(truth, out_dir / truth.name)
    return {"file": target.name, "source": pdf_path.name, "dpi": dpi, "pages": records}


def scan_corpus(src: Path, out: Path, profile: str, seed: int = 0, limit: int | None = None,
                tiff_every: int = 3) -> list[dict]:
    """Degrade every PDF in src into out; every tiff_every-th document becomes a multi-page TIFF."""
    p = PROFILES[profile]
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    pdfs = sorted(src.glob("*.pdf"))[:limit]
    manifest = [scan_document(pdf, out, p, rng, as_tiff=(k % tiff_every == tiff_every - 1))
                for k, pdf in enumerate(pdfs)]
    (out / "scan_manifest.json").write_text(json.dumps({"profile": profile, "seed": seed, "documents": manifest},
                                                       ensure_ascii=False, indent=1))
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpus.scan", description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=Path("corpus/generated/born_digital"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="mild")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    docs = scan_corpus(args.src, args.out, args.profile, args.seed, args.limit)
    print(f"{len(docs)} scanned documents ({args.profile}) in {args.out} ({time.perf_counter() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
