"""Tolerances for rebuilding ruled tables: one frozen model, unknown keys rejected.

These are geometric tolerances in PDF points, not confidence thresholds (those live in extract/review.py).
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StructureOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    snap_tol: float = Field(
        3.0,
        description="line positions closer than this are one grid line: double lines are drawn 1-2pt apart and "
        "per-cell segments of one border are misaligned by up to 2pt; real rows are >= ~8pt high",
    )
    join_gap: float = Field(
        3.0, description="collinear segments with a gap up to this are one line (raster lines break by ~2pt)"
    )
    edge_coverage: float = Field(
        0.5, description="share of a cell edge that rulings must cover for the edge to separate two cells"
    )
    open_edge_min: float = Field(
        6.0,
        description="lines that run past the outermost perpendicular line by more than this (two at least) mark "
        "an unruled outer border, e.g. a table cut at the top of a continuation page",
    )
    min_cell: float = Field(
        4.5, description="grid lines closer than this are one line (a double border drawn 3-4pt apart); no row "
        "of text is this thin"
    )
    outer_coverage: float = Field(
        0.3,
        description="an outermost line drawn along less than this share of the table is a stray stroke "
        "(raster rulings pick up strokes of large title characters next to the table)",
    )
    stitch_tol: float = Field(4.0, description="column edges on consecutive pages closer than this are the same")
