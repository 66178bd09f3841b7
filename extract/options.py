"""Options: one frozen model, unknown keys rejected, each field described."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ExtractOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    form: str = Field("auto", description="auto: detect known forms; none: tables only; or a form name")
    pages: tuple[int, ...] | None = Field(None, description="1-based pages to read; None reads all")
    ocr: Literal["auto", "always", "never"] = Field("auto", description="when to OCR a page")
    debug_dir: Path | None = Field(None, description="write stage drawings here")
    # Budgets: a file over one is refused (or the page is skipped) with a BudgetError naming the option.
    max_pages: int = Field(2000, ge=1, description="refuse documents with more pages than this")
    # Peak memory is ~19 bytes per pixel of the largest page (a 196 Mpx PNG peaked at 3.7 GiB), so 100 Mpx
    # (A3 at 600 dpi is 70 Mpx) stays near 2 GiB, inside the default 4 GiB per-file memory budget.
    max_pixels: int = Field(100_000_000, ge=1, description="pixels one page may decode or render to")
    # Scans read at ~1.4 Mpx/s (2.7 s per 200-dpi A4 page), so the default time budget (300 s) ends long
    # before 2 Gpx (~540 A4 pages at 200 dpi): this bounds documents given more time, not the usual run.
    max_document_pixels: int = Field(2_000_000_000, ge=1, description="pixels all pages of one document may render to")
    # Hashing reads every byte (a sparse 1 TB file took hours): 2 GiB is ~10x the largest budget PDF seen.
    max_file_mb: int = Field(2048, ge=1, description="bytes (MiB) one input file may have")


def parse_page_ranges(spec: str, max_page: int | None = None) -> tuple[int, ...]:
    """'1-3,7' -> (1, 2, 3, 7). Raises ValueError on anything else.

    With ``max_page`` (the page budget), numbers above it collapse to ``max_page + 1``: no accepted document
    has such a page, so '1-100000000' costs 2,001 numbers, not 10^8, and still says pages were asked beyond
    the end."""
    pages: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            lo, hi = int(a), int(b)
            if lo < 1 or hi < lo:
                raise ValueError(f"bad page range {part!r}")
            if max_page is not None:
                lo, hi = min(lo, max_page + 1), min(hi, max_page + 1)
            pages.update(range(lo, hi + 1))
        else:
            n = int(part)
            if n < 1:
                raise ValueError(f"bad page number {part!r}")
            pages.add(n if max_page is None else min(n, max_page + 1))
    if not pages:
        raise ValueError(f"no pages in {spec!r}")
    return tuple(sorted(pages))
