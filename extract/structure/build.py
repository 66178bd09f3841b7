"""One page's ruled tables, wired from the structure stages.

``build_page_tables(page_info, spans, rulings, id_prefix="t", options=None) -> PageTables``:
drop_text_strokes -> find_table_regions -> rulings_to_grid -> find_merged_cells -> assign_text, one ``Table`` per region
(cells row-major, ``pages=(page,)``, ``structure="ruled"``, ids ``{id_prefix}1``, ``{id_prefix}2``... top to
bottom). ``PageTables.outside_spans`` holds the spans (whole or the pieces of split ones) that fall in no
table, e.g. title lines and narrative text. Table confidence: ``table_confidence(cells)`` (mean cell
confidence, lowered for a mostly empty grid such as chart gridlines).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from extract.structure.assign import fill_cell, route_spans
from extract.structure.grid import find_table_regions, rulings_to_grid
from extract.structure.merged import cells_from_coverage, coverage_index, open_border_cols
from extract.structure.options import StructureOptions
from extract.types import Cell, PageInfo, Ruling, Table, TableRegion, TextSpan


class PageTables(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tables: tuple[Table, ...] = ()
    outside_spans: tuple[TextSpan, ...] = ()


def table_confidence(cells: Sequence[Cell]) -> float:
    """Mean cell confidence, lowered for a grid that is mostly empty (chart gridlines, drawing frames):
    x min(1, 0.5 + share of cells with text). Forms with many blank value cells stay at 1.0 down to
    half of their cells empty."""
    if not cells:
        return 0.0
    mean = sum(c.confidence for c in cells) / len(cells)
    filled = sum(1 for c in cells if c.text.strip()) / len(cells)
    return mean * min(1.0, 0.5 + filled)


def _region_table(region: TableRegion, rulings: Sequence[Ruling], spans: Sequence[TextSpan], table_id: str,
                  opts: StructureOptions) -> tuple[Table | None, list[TextSpan]]:
    """The table in one region, and the spans handed to it that no cell took."""
    grid = rulings_to_grid(rulings, region, opts)
    if grid.n_rows == 0 or grid.n_cols == 0:
        return None, list(spans)
    index = coverage_index(grid, rulings, opts)
    cells = cells_from_coverage(grid, index, region.page, opts)
    per_cell, outside = route_spans(cells, spans)
    filled = sorted((fill_cell(c, p) for c, p in zip(cells, per_cell)), key=lambda c: (c.row, c.col))
    table = Table(
        id=table_id, pages=(region.page,), n_rows=grid.n_rows, n_cols=grid.n_cols,
        confidence=table_confidence(filled), cells=tuple(filled),
        bbox=(grid.col_edges[0], grid.row_edges[0], grid.col_edges[-1], grid.row_edges[-1]),
        structure="ruled",
        open_top_cols=open_border_cols(grid, index, "top", opts),
        open_bottom_cols=open_border_cols(grid, index, "bottom", opts),
    )
    return table, outside


_STROKE_INSIDE = 0.5  # share of a raster "ruling" inside one text line (at mid-height) that makes it a text stroke


def _through_text(r: Ruling, spans: list[TextSpan], ys: list[float], tallest: float) -> bool:
    """True when text lines cover at least ``_STROKE_INSIDE`` of the ruling's length, the ruling running
    through their middle (h) or between their ends (v)."""
    x0, y0, x1, y1 = r.bbox
    lo = bisect_left(ys, y0 - tallest)
    hi = bisect_right(ys, y1 + tallest)
    covered = 0.0
    for s in spans[lo:hi]:
        sx0, sy0, sx1, sy1 = s.bbox
        if r.orientation == "h":
            pad = 0.15 * (sy1 - sy0)
            if sy0 + pad <= (y0 + y1) / 2 <= sy1 - pad:
                covered += max(min(x1, sx1) - max(x0, sx0), 0.0)
        elif sx0 < (x0 + x1) / 2 < sx1:
            covered += max(min(y1, sy1) - max(y0, sy0), 0.0)
    length = (x1 - x0) if r.orientation == "h" else (y1 - y0)
    return covered >= _STROKE_INSIDE * max(length, 1e-6)


def drop_text_strokes(rulings: Sequence[Ruling], spans: Sequence[TextSpan]) -> list[Ruling]:
    """Raster rulings lying mostly inside one text line are strokes of its characters, not lines.
    Vector rulings are kept as drawn."""
    if not spans or all(r.source == "vector" for r in rulings):
        return list(rulings)
    ordered = sorted(spans, key=lambda s: (s.bbox[1] + s.bbox[3]) / 2)
    ys = [(s.bbox[1] + s.bbox[3]) / 2 for s in ordered]
    tallest = max(s.bbox[3] - s.bbox[1] for s in ordered)
    return [r for r in rulings if r.source == "vector" or not _through_text(r, ordered, ys, tallest)]


def _centre_in(span: TextSpan, box) -> bool:
    x = (span.bbox[0] + span.bbox[2]) / 2
    y = (span.bbox[1] + span.bbox[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def build_page_tables(page_info: PageInfo, spans: Sequence[TextSpan], rulings: Sequence[Ruling],
                      id_prefix: str = "t", options: StructureOptions | None = None) -> PageTables:
    """Ruled tables of one page, and the spans outside them."""
    opts = options or StructureOptions()
    rulings = drop_text_strokes(rulings, spans)
    regions = find_table_regions(rulings, page_info, opts)
    pending = list(spans)
    tables: list[Table] = []
    outside: list[TextSpan] = []
    for region in regions:
        mine = [s for s in pending if _centre_in(s, region.bbox)]
        taken = {id(s) for s in mine}
        pending = [s for s in pending if id(s) not in taken]
        table, rest = _region_table(region, rulings, mine, f"{id_prefix}{len(tables) + 1}", opts)
        if table is not None:
            tables.append(table)
        outside.extend(rest)
    outside.extend(pending)
    outside.sort(key=lambda s: (s.bbox[1], s.bbox[0]))
    return PageTables(tables=tuple(tables), outside_spans=tuple(outside))
