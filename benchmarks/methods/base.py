"""What a method returns for one input, in our own types so every metric reads one shape."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from extract.types import Issue, PageInfo, Table

InputKind = Literal["pdf_text", "pdf_scan", "image"]
INPUT_KINDS: tuple[InputKind, ...] = ("pdf_text", "pdf_scan", "image")


class Prediction(BaseModel):
    """Tables (PDF points, top-left origin), form documents (result-contract dicts), page sizes, and the
    issues (completeness items among them: the review queue shows them first, ``metrics.review``)."""

    model_config = ConfigDict(extra="forbid")

    tables: list[Table] = []
    documents: list[dict[str, Any]] = []
    pages: list[PageInfo] = []
    issues: list[Issue] = []
    error: str | None = None


@dataclass(frozen=True)
class Method:
    name: str
    accepts: frozenset[InputKind]
    predict: Callable[[str], Prediction]
    has_confidence: bool = False
    note: str = ""
