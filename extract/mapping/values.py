"""A cell read as a declared value type -> Field (Money for amounts), confidence = cell x label x parse."""
from __future__ import annotations

import re
from typing import Any
from decimal import Decimal

from extract.mapping.coerce import (
    FAILED_QUALITY, _fold, collapse_ws, is_blank, normalise_comparator, parse_decimal, parse_target, plain_decimal,
)
from extract.mapping.fields import clamp, count_field, money_field, raw_of, source_of, text_field, value_field
from extract.types import Cell, Table
from models.fields import Field

# A percentage column printing a bare 1 (or 0.95) for 100% (95%): read as a share; the form did not say
# which it meant, so the value is less sure than one printed with its % sign.
PERCENT_SHARE_QUALITY = 0.9
_CODE_RE = re.compile(r"\d{2,12}")
_GLYPHS = str.maketrans({"≧": "≥", "≦": "≤"})


def _derived(table: Table, cell: Cell | None, value: str | None, quality: float) -> Field[str]:
    return value_field(table, cell, value, quality)


def percent_value(text: str | None) -> tuple[str | None, float]:
    """``95%`` -> 95; ``1`` or ``0.95`` in a percentage column -> 100, 95 (a share, less sure)."""
    if is_blank(text):
        return None, 1.0
    s = _fold(collapse_ws(text)).replace(" ", "")
    has_sign = s.endswith("%")
    number, q = parse_decimal(s.rstrip("%"))
    if number is None:
        return None, q
    if not has_sign and Decimal(0) < number <= 1:
        return plain_decimal(number * 100), q * PERCENT_SHARE_QUALITY
    return plain_decimal(number), q


def code_value(text: str | None) -> tuple[str | None, float]:
    """A classification code (201, 20101, 2010101): digits only, spaces dropped."""
    if is_blank(text):
        return None, 1.0
    s = _fold(collapse_ws(text)).replace(" ", "")
    return (s, 1.0) if _CODE_RE.fullmatch(s) else (s or None, FAILED_QUALITY)


def read_value(table: Table, cell: Cell | None, value_type: str, quality: float = 1.0,
               unit: str | None = None) -> Field[Any]:
    """The cell as ``value_type``; a None cell is an unread Field (confidence 0)."""
    if value_type == "money":
        return money_field(table, cell, unit, quality)
    if value_type in ("int", "year"):
        return count_field(table, cell, quality)
    if value_type == "target" and cell is not None:
        # ≧/≦ and ≥/≤ are one symbol in two glyphs (OCR reads them alike): the same text from print and scan
        fld = text_field(table, cell, quality)
        return fld if fld.value is None else fld.model_copy(update={"value": fld.value.translate(_GLYPHS)})
    if value_type in ("text", "target") or cell is None:
        return text_field(table, cell, quality) if value_type in ("text", "target") else Field()
    if value_type == "comparator":
        v = normalise_comparator(cell.text)
        q = 1.0 if v is not None or is_blank(cell.text) else FAILED_QUALITY
        return value_field(table, cell, v, quality * q)
    if value_type == "percent":
        v, q = percent_value(cell.text)
    elif value_type == "code":
        v, q = code_value(cell.text)
    else:  # decimal
        d, q = parse_decimal(cell.text)
        v = plain_decimal(d) if d is not None else None
    return Field[str](value=v, raw=raw_of(cell), confidence=clamp(cell.confidence * quality * q),
                      source=source_of(table, cell))


def derive_value(table: Table, cell: Cell | None, what: str, quality: float) -> Field[str]:
    """comparator / value_min / value_max / unit parsed out of a numeric target text (≥90% -> ≥, 90, 90, %)."""
    if cell is None:
        return Field[str]()
    target = parse_target(cell.text)
    return _derived(table, cell, getattr(target, what), quality)
