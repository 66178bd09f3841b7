"""Boundary types between pipeline stages.

Conventions (every stage relies on them):
- coordinates are PDF points with a top-left origin, on the page as displayed (after /Rotate);
- a BBox is ``(x0, y0, x1, y1)`` with ``x0 <= x1`` and ``y0 <= y1``;
- pages are numbered from 1; rows and columns from 0;
- every confidence is in ``[0, 1]``; a text-layer character is 1.0 unless it was repaired.

All types are frozen pydantic models, so any stage's output can be dumped to JSON and compared.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

BBox = tuple[float, float, float, float]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PageInfo(Frozen):
    page: int = Field(description="1-based page number in the source")
    width: float
    height: float
    kind: Literal["text", "scanned", "empty"] = "text"
    rotation: int = Field(0, description="rotation applied to show the page upright: 0/90/180/270")
    skew: float = Field(0.0, description="degrees (counter-clockwise +) a scanned page was turned after its "
                        "quarter turn to level its lines; bboxes are in that upright, levelled frame")


class TextSpan(Frozen):
    """A run of characters on one line, from the text layer or from OCR."""

    text: str
    bbox: BBox
    confidence: float = 1.0
    source: Literal["pdf", "ocr"] = "pdf"
    char_boxes: tuple[BBox, ...] | None = Field(
        None, description="one box per character of text, when known (lets a span be split at a ruling)"
    )
    font_size: float | None = None


class Ruling(Frozen):
    orientation: Literal["h", "v"]
    bbox: BBox
    source: Literal["vector", "raster", "inferred"] = "vector"


class TableRegion(Frozen):
    page: int
    bbox: BBox
    score: float = 1.0
    detector: str = "rulings"


class Grid(Frozen):
    row_edges: tuple[float, ...]
    col_edges: tuple[float, ...]

    @property
    def n_rows(self) -> int:
        return max(len(self.row_edges) - 1, 0)

    @property
    def n_cols(self) -> int:
        return max(len(self.col_edges) - 1, 0)


class CellEvidence(Frozen):
    """What later stages need to know about how a cell's text was read, kept through JSON (``Cell.spans``
    is not): mapping a stored result then gives the confidences it gave in process."""

    source: Literal["pdf", "ocr", "mixed"] = Field(description="text layer, OCR, or both")
    weakest: float = Field(1.0, description="lowest span score (an OCR line's score carries its weakest "
                                            "character's); 1.0 for a clean text layer")
    agreement: float | None = Field(None, description="second reading from the cell's own crop: 1.0 same, "
                                                      "0.5 punctuation differs, 0.0 characters differ; None: not re-read")


def evidence_of_spans(spans: tuple[TextSpan, ...], agreement: float | None = None) -> CellEvidence | None:
    if not spans:
        return None
    kinds = {s.source for s in spans}
    source = "mixed" if len(kinds) > 1 else next(iter(kinds))
    return CellEvidence(source=source, weakest=round(min(s.confidence for s in spans), 4), agreement=agreement)


class Cell(Frozen):
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    text: str = ""
    confidence: float = 1.0
    page: int = 1
    bbox: BBox
    spans: tuple[TextSpan, ...] = Field((), exclude=True, description="evidence; not written to JSON")
    evidence: CellEvidence | None = Field(
        None, description="how the text was read (see CellEvidence); derived from spans when they are at hand")

    @property
    def ev(self) -> CellEvidence | None:
        """The cell's evidence: from its spans in process (the agreement of a second reading kept from
        ``evidence``), from the stored ``evidence`` after a JSON round trip."""
        if self.spans:
            return evidence_of_spans(self.spans, self.evidence.agreement if self.evidence else None)
        return self.evidence

    @property
    def read_by_ocr(self) -> bool:
        ev = self.ev
        return ev is not None and ev.source != "pdf"

    @model_serializer(mode="wrap")
    def _with_evidence(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and self.spans:
            ev = self.ev
            data["evidence"] = ev.model_dump() if ev is not None else None
        return data


class Table(Frozen):
    id: str
    pages: tuple[int, ...]
    n_rows: int
    n_cols: int
    confidence: float = 1.0
    cells: tuple[Cell, ...]
    bbox: BBox | None = Field(None, description="bbox on the first page")
    structure: Literal["ruled", "partly_ruled", "unruled"] = "ruled"
    notes: tuple[str, ...] = Field(
        (), description="units lines (单位：万元) and footnotes found beside the table, kept out of its cells"
    )
    open_top_cols: tuple[int, ...] = Field(
        (), exclude=True, description="columns whose top border is not ruled (may continue from the previous page)"
    )
    open_bottom_cols: tuple[int, ...] = Field(
        (), exclude=True, description="columns whose bottom border is not ruled (may continue on the next page)"
    )

    def cell_at(self, row: int, col: int) -> Cell | None:
        """The cell covering (row, col), merged cells included."""
        for c in self.cells:
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                return c
        return None

    def dense(self) -> list[list[Cell | None]]:
        """Row-major grid where a merged cell appears at every position it covers."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.row_span, self.n_rows)):
                for k in range(c.col, min(c.col + c.col_span, self.n_cols)):
                    grid[r][k] = c
        return grid


class Check(Frozen):
    rule: str
    passed: bool
    detail: str = ""
    fields: tuple[str, ...] = ()


class FormDocument(Frozen):
    form: str
    pages: tuple[int, ...]
    confidence: float
    data: dict[str, Any]
    checks: tuple[Check, ...] = ()


class Issue(Frozen):
    stage: str
    page: int | None = None
    message: str
    severity: Literal["info", "warning", "error"] = "warning"
    bbox: BBox | None = Field(None, description="the page region the issue points at, when it has one")
    document: int | None = Field(None, description="index into Result.documents of the form it concerns")
    fields: tuple[str, ...] = Field((), description="form field paths or sections it concerns (key_tasks, indicators)")
    kind: str | None = Field(None, description="machine-readable kind (completeness: seq_gap, sum_short, ...)")


class SourceInfo(Frozen):
    path: str
    sha256: str
    page_count: int


class Result(Frozen):
    status: Literal["ok", "partial", "failed"] = "ok"
    source: SourceInfo
    pages: tuple[PageInfo, ...] = ()
    tables: tuple[Table, ...] = ()
    documents: tuple[FormDocument, ...] = ()
    issues: tuple[Issue, ...] = ()
    timings: dict[str, float] = Field(default_factory=dict)
