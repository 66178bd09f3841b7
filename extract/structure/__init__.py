"""Ruled tables rebuilt from rulings and text, and tables joined across pages.

Pipeline order (each a pure function; see each module's docstring):
  cut_text_strokes(rulings, spans) -> list[Ruling]                  strokes.py (raster rulings only)
  find_table_regions(rulings, page) -> list[TableRegion]            grid.py
  rulings_to_grid(rulings, region) -> Grid                          grid.py
  find_merged_cells(grid, rulings, page) -> list[Cell]              merged.py
  assign_text(cells, spans) -> list[Cell]                           assign.py
  build_page_tables(page_info, spans, rulings, id_prefix) -> PageTables(tables, outside_spans)   build.py
  stitch_tables(tables, lines_by_page=None) -> list[Table]          stitch.py
Tolerances: StructureOptions (options.py).
"""
from extract.structure.assign import assign_text, route_spans, split_span
from extract.structure.build import PageTables, build_page_tables, table_confidence
from extract.structure.grid import find_table_regions, rulings_to_grid
from extract.structure.merged import find_merged_cells, open_border_cols
from extract.structure.options import StructureOptions
from extract.structure.stitch import stitch_tables
from extract.structure.strokes import cut_text_strokes

__all__ = [
    "PageTables", "StructureOptions", "assign_text", "build_page_tables", "cut_text_strokes",
    "find_merged_cells", "find_table_regions", "open_border_cols", "route_spans", "rulings_to_grid",
    "split_span", "stitch_tables", "table_confidence",
]
