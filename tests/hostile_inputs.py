"""Hostile inputs, generated: what a careless or malicious folder holds. Used by the fuzz test and by
``benchmarks/jobs_faults.py``.

``hostile_inputs(folder, n_random, seed)`` writes a fixed set of named hazards (file kinds, names, page trees,
encryption, budgets) plus ``n_random`` mutations of real PDFs and images (truncations, bit flips, spliced
garbage), and returns ``[(path, family)]``. Every input is small on disk; the expensive ones are expensive
only when opened (a 20,000 x 20,000 PNG of 400 KB, a 3,000-deep page tree, a page 200 inches wide, a
sparse 64 GiB file).
"""
from __future__ import annotations

import io
import os
import random
import socket
import zlib
from pathlib import Path


def raw_pdf(objects: list[bytes], root: int = 1, xref: bool = True, trailer_extra: bytes = b"") -> bytes:
    """A PDF from numbered objects (1-based, in order); a correct xref table unless ``xref`` is False."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    start = out.tell()
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for off in offsets:
            out.write(b"%010d 00000 n \n" % off)
    else:  # an xref that points nowhere: readers must rebuild it from the objects
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for _ in offsets:
            out.write(b"%010d 00000 n \n" % 999999)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, trailer_extra, start))
    return out.getvalue()


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


PAGE_TEXT = b"BT /F1 12 Tf 72 720 Td (Hostile input page) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page_pdf(media: bytes = b"[0 0 612 792]", content: bytes = PAGE_TEXT, count: int = 1,
                 xref: bool = True) -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
                    b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
                    % media, _stream(content), FONT], xref=xref)


def circular_tree_pdf() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
                    b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 2 >>",
                    b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
                    b" /Resources << /Font << /F1 6 0 R >> >> >>", _stream(PAGE_TEXT), FONT])


def deep_tree_pdf(depth: int = 3000) -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):  # objects 2 .. depth+1 are /Pages nodes, each the only kid of the one before
        me, kid = level + 2, level + 3
        parent = b" /Parent %d 0 R" % (me - 1) if level else b""
        objs.append(b"<< /Type /Pages%s /Kids [%d 0 R] /Count 1 >>" % (parent, kid))
    page = depth + 2
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
                b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2))
    objs += [_stream(PAGE_TEXT), FONT]
    return raw_pdf(objs)


def many_pages_pdf(n: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
    content, font = 3 + n, 4 + n
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
             b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font) for _ in range(n)]
    objs += [_stream(PAGE_TEXT), FONT]
    return raw_pdf(objs)


def encrypted_pdf(user_password: str) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, encrypt=pdfencrypt.StandardEncryption(user_password, ownerPassword="owner-secret",
                                                               strength=128))
    canvas.drawString(72, 720, "Encrypted page")
    canvas.save()
    return buf.getvalue()


def png_bytes(width: int, height: int, rows: bytes | None = None) -> bytes:
    """A grey PNG of any declared size; a huge one compresses to almost nothing (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    raw = rows if rows is not None else b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def bomb_png(width: int, height: int) -> bytes:
    comp = zlib.compressobj(9)
    line = b"\x00" + b"\xff" * width
    per = max(1, (1 << 22) // len(line))  # lines per block fed to zlib
    block = line * per
    parts = [comp.compress(block) for _ in range(height // per)]
    data = b"".join(parts) + comp.compress(line * (height % per)) + comp.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def tiff_pages(n: int, size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    frames = [Image.new("L", size, 255 - (i % 200)) for i in range(n)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (250, 250, 250)).save(buf, format="JPEG")
    return buf.getvalue()


def _named(folder: Path) -> list[tuple[Path, str, bytes | None]]:
    """(path, family, bytes or None for entries made another way)."""
    good = one_page_pdf()
    long_stem = "长" * 78 + "x" * 17  # a 255-byte name with .pdf: its .json would not fit in one
    items = [
        ("empty.pdf", "content", b""),
        ("one-byte.pdf", "content", b"%"),
        ("text.pdf", "content", b"hello, I am not a PDF\n" * 10),
        ("header-only.pdf", "content", b"%PDF-1.7\n"),
        ("lying-count.pdf", "page-tree", one_page_pdf(count=5)),
        ("circular-tree.pdf", "page-tree", circular_tree_pdf()),
        ("deep-tree.pdf", "page-tree", deep_tree_pdf(3000)),
        ("zero-count.pdf", "page-tree", one_page_pdf(count=0)),
        ("broken-xref.pdf", "xref", one_page_pdf(xref=False)),
        ("no-xref.pdf", "xref", good[: good.rindex(b"xref")] + b"%%EOF\n"),
        ("empty-password.pdf", "encryption", encrypted_pdf("")),
        ("password.pdf", "encryption", encrypted_pdf("secret")),
        ("huge-page.pdf", "budget", one_page_pdf(media=b"[0 0 14400 14400]")),
        ("giant-page.pdf", "budget", one_page_pdf(media=b"[0 0 1000000 1000000]")),
        ("zero-page.pdf", "budget", one_page_pdf(media=b"[0 0 0 0]")),
        ("negative-page.pdf", "budget", one_page_pdf(media=b"[0 0 -612 -792]")),
        ("too-many-pages.pdf", "budget", many_pages_pdf(2100)),
        ("bomb.png", "budget", bomb_png(20000, 20000)),
        ("tall.png", "budget", bomb_png(2, 30_000_000)),
        ("many-pages.tiff", "budget", tiff_pages(300)),
        ("declared-huge.png", "content", png_bytes(60000, 60000, rows=b"\x00\x00")),
        ("tiny.png", "content", png_bytes(1, 1)),
        ("truncated.jpg", "content", jpeg_bytes()[:200]),
        ("png-named.pdf", "content", png_bytes(10, 10)),
        ("pdf-named.png", "content", good),
        (long_stem + ".pdf", "name", good),
        ("new\nline.pdf", "name", good + b"%1"),
        ("-o.pdf", "name", good + b"%2"),
        ("tab\tand space .pdf", "name", good + b"%3"),
    ]
    out = [(folder / name, family, data) for name, family, data in items]
    out.append((Path(os.fsdecode(bytes(folder) + b"/bad-\xff\xfe-name.pdf")), "name", good + b"%4"))
    out.append((Path(os.fsdecode(bytes(folder) + b"/latin1-caf\xe9.png")), "name", png_bytes(30, 20)))
    for kind in ("fifo.pdf", "zero-link.pdf", "null-link.pdf", "socket.pdf", "dir.pdf", "dangling.pdf", "sparse.pdf"):
        out.append((folder / kind, "file-kind", None))
    return out


def _make_special(path: Path) -> bool:
    name = path.name
    try:
        if name == "fifo.pdf":
            os.mkfifo(path)
        elif name == "zero-link.pdf":
            os.symlink("/dev/zero", path)
        elif name == "null-link.pdf":
            os.symlink("/dev/null", path)
        elif name == "socket.pdf":
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(path))
            sock.close()
        elif name == "dir.pdf":
            path.mkdir()
        elif name == "dangling.pdf":
            os.symlink(path.with_name("does-not-exist"), path)
        elif name == "sparse.pdf":  # 64 GiB that take no disk: hashing it would read them all
            with open(path, "wb") as fh:
                fh.write(b"%PDF-1.7\n")
                fh.truncate(64 << 30)
        return True
    except OSError:  # a file system without FIFOs or sockets: that hazard is skipped
        return False


def _mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    how = rng.choice(["truncate", "flip", "splice", "zero-run", "duplicate"])
    b = bytearray(data)
    if how == "truncate":
        return bytes(b[: rng.randrange(1, len(b))]), how
    if how == "flip":
        for _ in range(rng.randint(1, 40)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b), how
    if how == "splice":
        at = rng.randrange(len(b))
        return bytes(b[:at]) + rng.randbytes(rng.randint(1, 4000)) + bytes(b[at:]), how
    if how == "zero-run":
        at = rng.randrange(len(b))
        n = rng.randint(1, 2000)
        return bytes(b[:at]) + b"\x00" * n + bytes(b[at + n:]), how
    at, n = rng.randrange(len(b)), rng.randint(1, 3000)
    return bytes(b[:at]) + bytes(b[at: at + n]) * rng.randint(2, 50) + bytes(b[at:]), how


def seeds() -> list[tuple[str, bytes]]:
    """Real inputs to mutate: a born-digital table PDF, a small page tree, PNG, JPEG and TIFF images."""
    import tempfile

    from reportlab import rl_config

    from jobs_docs import simple_table_pdf

    invariant, rl_config.invariant = rl_config.invariant, 1  # no dates or random ids: the same bytes each run
    try:
        with tempfile.TemporaryDirectory() as tmp:
            table = simple_table_pdf(Path(tmp) / "t.pdf", [["部门名称", "东莞市应急管理局"], ["基本支出", "4,393.85"],
                                                           ["项目支出", "1,200.00"]]).read_bytes()
    finally:
        rl_config.invariant = invariant
    return [("pdf", table), ("pdf", one_page_pdf()), ("pdf", many_pages_pdf(3)), ("png", png_bytes(80, 60)),
            ("jpg", jpeg_bytes()), ("tiff", tiff_pages(3))]


def hostile_inputs(folder: Path, n_random: int = 240, seed: int = 14) -> list[tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    made: list[tuple[Path, str]] = []
    for path, family, data in _named(folder):
        if data is None:
            if _make_special(path):
                made.append((path, family))
            continue
        with open(path, "wb") as fh:
            fh.write(data)
        made.append((path, family))
    rng = random.Random(seed)
    bases = seeds()
    for i in range(n_random):
        ext, data = bases[i % len(bases)]
        mutated, how = _mutate(data, rng)
        path = folder / f"mut-{i:04d}-{how}.{ext}"
        path.write_bytes(mutated)
        made.append((path, f"mutation-{ext}"))
    return made
