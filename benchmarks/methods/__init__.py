"""The methods compared: ours and its peers, each behind one function ``predict(path) -> Prediction``.

A method that cannot take a kind of input (a PDF-only peer on an image) is not run on it: the report
shows a dash. A method that cannot be installed here is listed in :data:`UNAVAILABLE` with the reason.
"""
from __future__ import annotations

from benchmarks.methods.base import INPUT_KINDS, Method, Prediction

UNAVAILABLE = {
    "paddleocr": "PaddleOCR's table pipeline downloads its models at run time; this benchmark runs offline, "
                 "so it is not installed and shows a dash.",
}


def registry() -> dict[str, Method]:
    """Every runnable method by name (imports are lazy: a peer's package loads only when it runs)."""
    from benchmarks.methods import camelot_, img2table_, ours, pdfplumber_

    return {m.name: m for m in (ours.METHOD, pdfplumber_.METHOD, camelot_.LATTICE, camelot_.HYBRID, img2table_.METHOD,
                                    img2table_.RAPIDOCR)}


__all__ = ["INPUT_KINDS", "Method", "Prediction", "UNAVAILABLE", "registry"]
