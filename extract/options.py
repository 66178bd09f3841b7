"""Options: one frozen model, unknown keys rejected, each field described."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ExtractOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    form: str = Field("auto", description="auto: detect known forms; none: tables only; a form name; or a "
                      "form file (.yaml/.yml/.toml) declaring one")
    forms_dirs: tuple[str, ...] = Field((), description="folders of form files whose forms join the known ones")
    pages: tuple[int, ...] | None = Field(None, description="1-based pages to read; None reads all")
    ocr: Literal["auto", "always", "never"] = Field("auto", description="when to OCR a page")
    debug_dir: Path | None = Field(None, description="write stage drawings here")
    max_pages: int = Field(2000, description="refuse documents with more pages than this")
    max_pixels: int = Field(200_000_000, description="refuse images with more pixels than this")


def parse_page_ranges(spec: str) -> tuple[int, ...]:
    """'1-3,7' -> (1, 2, 3, 7). Raises ValueError on anything else."""
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
            pages.update(range(lo, hi + 1))
        else:
            n = int(part)
            if n < 1:
                raise ValueError(f"bad page number {part!r}")
            pages.add(n)
    if not pages:
        raise ValueError(f"no pages in {spec!r}")
    return tuple(sorted(pages))
