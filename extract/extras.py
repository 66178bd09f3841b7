"""Optional parts of the install: a missing one fails with the one line that installs it.

The core reads born-digital PDFs; OCR, the layout model, Ray, Excel and Parquet writers are extras
(``pyproject.toml``), imported only where a page or a command needs them.
"""
from __future__ import annotations


class MissingExtra(RuntimeError):
    """An optional dependency a page or command needs is not installed."""

    def __init__(self, what: str, extra: str, cause: BaseException | None = None) -> None:
        detail = f" ({cause})" if cause is not None else ""
        super().__init__(f"{what} needs the '{extra}' extra, which is not installed{detail}; "
                         f"run: pip install 'extract[{extra}]'")
        self.extra = extra


def require(module: str, what: str, extra: str) -> None:
    """Import ``module`` (to check it is there) or raise :class:`MissingExtra` naming ``extra``."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(what, extra, exc) from exc
