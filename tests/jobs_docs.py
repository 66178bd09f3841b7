"""Generated documents for the job and review tests: the corpus generator's forms (real PDFs)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generate_forms(out: Path, n: int, seed: int = 7) -> list[Path]:
    """``python -m corpus generate --out OUT --n N``: N distinct department forms as PDFs."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "corpus", "generate", "--out", str(out), "--n", str(n),
                    "--seed", str(seed)], check=True, cwd=ROOT, capture_output=True)
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) >= n, f"generator wrote {len(pdfs)} PDFs, asked for {n}"
    return pdfs[:n]


def simple_table_pdf(path: Path, rows: list[list[str]]) -> Path:
    """A one-page ruled table with a CJK font (for quick tests that need a real, distinct PDF)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"))
    canvas = Canvas(str(path), pagesize=A4)
    width, height = A4
    x0, y0, cw, rh = 60, height - 80, 150, 24
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            canvas.rect(x0 + c * cw, y0 - (r + 1) * rh, cw, rh)
            canvas.setFont("WQY", 10)
            canvas.drawString(x0 + c * cw + 4, y0 - (r + 1) * rh + 8, text)
    canvas.save()
    return path


def misprinted_dongguan(out: Path, wrong_basic: str = "44938500.00") -> tuple[Path, str]:
    """The Dongguan seed form with 基本支出 printed wrong (so its sum check fails); returns (pdf, right value)."""
    from corpus.generate import write_document
    from corpus.layout import form_blocks
    from corpus.render import PageStyle
    from corpus.seeds import SEEDS

    out.mkdir(parents=True, exist_ok=True)
    spec = SEEDS["seed-dongguan-2024"]()
    right = spec.form.budget.basic_expenditure
    spec.form = spec.form.model_copy(update={"budget": spec.form.budget.model_copy(
        update={"basic_expenditure": wrong_basic})})
    blocks, _ = form_blocks(spec)
    write_document("dongguan-misprint", blocks, PageStyle(), [(spec, range(len(blocks)))], out)
    return out / "dongguan-misprint.pdf", right
