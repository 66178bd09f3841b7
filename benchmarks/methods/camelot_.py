"""camelot 2.0, lattice (ruling lines) and hybrid (lines + text alignment) flavours.

camelot keeps a grid of cells with flags for the borders it saw; a missing inner border between two
grid cells means they are one merged cell (lattice only: hybrid's flags describe text gaps, not lines).
"""
from __future__ import annotations

from benchmarks.methods.base import Method, Prediction
from extract.types import Cell, PageInfo, Table


def _components(grid) -> dict[tuple[int, int], tuple[int, int]]:
    """Union of grid positions joined by a missing inner border -> root position for each."""
    parent = {(r, c): (r, c) for r in range(len(grid)) for c in range(len(grid[r]))}

    def find(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if c + 1 < len(row) and not cell.right and not row[c + 1].left:
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < len(grid) and c < len(grid[r + 1]) and not cell.bottom and not grid[r + 1][c].top:
                parent[find((r + 1, c))] = find((r, c))
    return {p: find(p) for p in parent}


def camelot_table_to_table(found, table_id: str, page: int, page_height: float, use_borders: bool) -> Table:
    grid = found.cells
    roots = _components(grid) if use_borders else {(r, c): (r, c) for r in range(len(grid)) for c in range(len(grid[r]))}
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for pos, root in roots.items():
        groups.setdefault(root, []).append(pos)
    cells = []
    for members in groups.values():
        members.sort()
        r0, c0 = members[0]
        r1 = max(r for r, _ in members)
        c1 = max(c for _, c in members)
        parts = [grid[r][c] for r, c in members]
        x0, x1 = min(p.x1 for p in parts), max(p.x2 for p in parts)
        top, bottom = page_height - max(p.y2 for p in parts), page_height - min(p.y1 for p in parts)
        text = "\n".join(p.text.strip() for p in parts if p.text.strip())
        cells.append(Cell(row=r0, col=min(c for _, c in members), row_span=r1 - r0 + 1,
                          col_span=c1 - min(c for _, c in members) + 1, text=text, page=page,
                          bbox=(x0, top, x1, bottom)))
    n_rows, n_cols = len(grid), max((len(r) for r in grid), default=0)
    xs = [c.bbox for c in cells]
    bbox = (min(b[0] for b in xs), min(b[1] for b in xs), max(b[2] for b in xs), max(b[3] for b in xs)) if xs else None
    return Table(id=table_id, pages=(page,), n_rows=n_rows, n_cols=n_cols,
                 cells=tuple(sorted(cells, key=lambda c: (c.row, c.col))), bbox=bbox)


def _page_infos(path: str) -> list[PageInfo]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return [PageInfo(page=i + 1, width=float(pdf[i].get_width()), height=float(pdf[i].get_height()))
                for i in range(len(pdf))]
    finally:
        pdf.close()


def _predict(path: str, flavor: str) -> Prediction:
    import warnings

    import camelot

    from benchmarks.methods.peer_forms import map_peer_tables

    pages = _page_infos(path)
    height = {p.page: p.height for p in pages}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = camelot.read_pdf(path, pages="all", flavor=flavor, suppress_stdout=True)
    tables = []
    for k, t in enumerate(found):
        page = int(t.page)
        tables.append(camelot_table_to_table(t, f"p{page}t{k + 1}", page, height[page], flavor == "lattice"))
    tables, documents = map_peer_tables(path, tables)
    return Prediction(tables=tables, documents=documents, pages=pages)


LATTICE = Method("camelot-lattice", frozenset({"pdf_text"}), lambda p: _predict(p, "lattice"),
                 note="text-layer PDFs only; merged cells from missing inner borders")
HYBRID = Method("camelot-hybrid", frozenset({"pdf_text"}), lambda p: _predict(p, "hybrid"),
                note="text-layer PDFs only; reports no merged cells")
