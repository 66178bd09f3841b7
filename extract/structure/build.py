"""One page's ruled tables, wired from the structure stages.

``build_page_tables(page_info, spans, rulings, id_prefix="t", options=None) -> PageTables``:
cut_text_strokes -> find_table_regions -> rulings_to_grid -> find_merged_cells -> assign_text, one ``Table``
per region
(cells row-major, ``pages=(page,)``, ``structure="ruled"``, ids ``{id_prefix}1``, ``{id_prefix}2``... top to
bottom). ``PageTables.outside_spans`` holds the spans (whole or the pieces of split ones) that fall in no
table, e.g. title lines and narrative text. Table confidence: ``table_confidence(cells)`` (mean cell
confidence, lowered for a mostly empty grid such as chart gridlines).
"""
from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from extract.structure.assign import fill_cell, route_spans
from extract.structure.grid import find_table_regions, rulings_to_grid
from extract.structure.merged import cells_from_coverage, coverage_index, open_border_cols
from extract.structure.options import StructureOptions
from extract.structure.strokes import cut_text_strokes
from extract.types import BBox, Cell, PageInfo, Ruling, Table, TableRegion, TextSpan


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


def _centre_in(span: TextSpan, box: BBox) -> bool:
    x = (span.bbox[0] + span.bbox[2]) / 2
    y = (span.bbox[1] + span.bbox[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def build_page_tables(page_info: PageInfo, spans: Sequence[TextSpan], rulings: Sequence[Ruling],
                      id_prefix: str = "t", options: StructureOptions | None = None) -> PageTables:
    """Ruled tables of one page, and the spans outside them."""
    opts = options or StructureOptions()
    rulings = cut_text_strokes(rulings, spans)
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
