"""extract: tables from PDFs and scans into checked, structured data.

Public API: ``extract_file(path, options) -> Result``.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extract.options import ExtractOptions
    from extract.types import Result


def extract_file(path: str | Path, options: ExtractOptions | None = None) -> Result:
    from extract.options import ExtractOptions
    from extract.pipeline import extract_file as _run

    return _run(path, options or ExtractOptions())


def __getattr__(name: str) -> Any:
    """``extract.ExtractOptions`` and ``extract.Result`` load their pydantic models on first use, so that
    importing any part of the package (``extract --help``) does not build every model."""
    if name == "ExtractOptions":
        from extract.options import ExtractOptions

        return ExtractOptions
    if name == "Result":
        from extract.types import Result

        return Result
    raise AttributeError(f"module 'extract' has no attribute {name!r}")


__all__ = ["ExtractOptions", "Result", "extract_file"]
