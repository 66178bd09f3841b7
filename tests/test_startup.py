"""Start fast (issue 16.3): the help and a born-digital run load none of the OCR, layout, Ray or Arrow
packages, and a scanned input without the OCR extra fails with the install command.

The timings themselves are a benchmark (``python -m benchmarks.startup``), not a test.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.startup import CLI, one_page_pdf

REPO = Path(__file__).resolve().parents[1]
NEVER_FOR_TEXT = {"onnxruntime", "rapidocr", "rapid_layout", "ray", "pyarrow", "openpyxl", "pandas", "pdfplumber"}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if (REPO / "extract").is_dir():  # run from a checkout: the checkout's extract
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def _modules_after(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.txt"
    proc = subprocess.run([sys.executable, "-c", CLI, *args], env={**_env(), "EXTRACT_MODULES_OUT": str(out)},
                          capture_output=True, text=True, timeout=120)
    return proc, set(out.read_text().split()) if out.exists() else set()


def test_help_loads_no_heavy_module(tmp_path):
    proc, modules = _modules_after(tmp_path, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "run" in proc.stdout and "batch" in proc.stdout
    assert modules and not modules & NEVER_FOR_TEXT, sorted(modules & NEVER_FOR_TEXT)


def test_born_digital_run_loads_no_ocr(tmp_path):
    pdf = one_page_pdf(tmp_path / "one.pdf")
    proc, modules = _modules_after(tmp_path, "run", str(pdf), "-o", str(tmp_path / "one.json"), "-q",
                                   "--format", "json,csv,md,html")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "one.json").stat().st_size > 1000
    assert "extract" in modules and not modules & NEVER_FOR_TEXT, sorted(modules & NEVER_FOR_TEXT)


def test_a_scan_without_the_ocr_extra_fails_with_the_install_command(tmp_path):
    """Where the OCR extra is missing (the core-only run), a scanned page fails in one line that says how
    to install it; where it is installed, the same input is read."""
    pytest.importorskip("PIL")
    from PIL import Image

    from PIL import ImageDraw

    img = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(img)
    for k in range(4):  # a small ruled table with digits, so that the page is a scan with ink, not empty
        draw.line((100, 100 + 80 * k, 700, 100 + 80 * k), fill="black", width=3)
        draw.text((120, 125 + 80 * k), f"{k + 1} 2026 {k * 37}", fill="black")
    draw.line((100, 100, 100, 340), fill="black", width=3)
    draw.line((700, 100, 700, 340), fill="black", width=3)
    path = tmp_path / "scan.png"
    img.save(path)
    proc = subprocess.run([sys.executable, "-c", CLI, "run", str(path), "-o", str(tmp_path / "scan.json"), "-q"],
                          env=_env(), capture_output=True, text=True, timeout=300)
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 1
        assert len(lines) == 1 and "pip install 'extract[ocr]'" in lines[0], proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
