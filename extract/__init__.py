"""extract: tables from PDFs and scans into checked, structured data.

Public API: ``extract_file(path, options) -> Result``.
"""
from pathlib import Path

from extract.options import ExtractOptions
from extract.types import Result


def extract_file(path: str | Path, options: ExtractOptions | None = None) -> Result:
    from extract.pipeline import extract_file as _run

    return _run(path, options or ExtractOptions())


__all__ = ["ExtractOptions", "Result", "extract_file"]
