"""Tables and page lines -> one reading-order stream of rows, and the text lines around them.

A :class:`Row` is one grid row of one table seen as its distinct cells from left to right: a cell merged
over several rows or columns appears in every row it covers (once per row), so a vertically merged label
is present on each row it labels.
"""
from __future__ import annotations

from dataclasses import dataclass

from extract.text import join_lines
from extract.types import Cell, Table, TextSpan


@dataclass(frozen=True)
class Row:
    table: Table
    index: int
    cells: tuple[Cell, ...]
    dense: tuple[Cell | None, ...]  # the cell covering each grid column (None where none does)

    @property
    def page(self) -> int:
        """The page this row is printed on (a merged cell from an earlier page does not count)."""
        own = [c for c in self.cells if c.row == self.index] or list(self.cells)
        return own[0].page if own else self.table.pages[0]

    @property
    def top(self) -> float:
        own = [c.bbox[1] for c in self.cells if c.row == self.index]
        return min(own) if own else min((c.bbox[1] for c in self.cells), default=0.0)

    @property
    def bottom(self) -> float:
        own = [c.bbox[3] for c in self.cells if c.row + c.row_span - 1 == self.index]
        return max(own) if own else max((c.bbox[3] for c in self.cells), default=0.0)

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def at(self, col: int) -> Cell | None:
        return self.dense[col] if 0 <= col < len(self.dense) else None


@dataclass(frozen=True)
class Line:
    """One printed text line outside (or inside) the tables, spans on the same baseline joined."""

    text: str
    page: int
    top: float
    bottom: float
    confidence: float


def table_rows(table: Table) -> list[Row]:
    """The rows of ``table`` top to bottom; rows no cell covers are left out."""
    dense = table.dense()
    rows = []
    for r, line in enumerate(dense):
        distinct: list[Cell] = []
        for cell in line:
            if cell is not None and (not distinct or distinct[-1] is not cell):
                distinct.append(cell)
        if distinct:
            rows.append(Row(table, r, tuple(distinct), tuple(line)))
    return rows


def _table_order(item: tuple[int, Table]) -> tuple[int, float, int]:
    i, t = item
    top = t.bbox[1] if t.bbox else min((c.bbox[1] for c in t.cells if c.page == t.pages[0]), default=0.0)
    return (t.pages[0] if t.pages else 0, top, i)


def reading_order(tables: list[Table] | tuple[Table, ...]) -> list[Row]:
    """Every row of every table, tables ordered by first page then by their top edge."""
    ordered = [t for _, t in sorted(enumerate(tables), key=_table_order)]
    return [row for t in ordered for row in table_rows(t)]


def page_lines(spans: list[TextSpan] | tuple[TextSpan, ...], page: int) -> list[Line]:
    """Spans grouped into lines (vertical overlap over half the shorter height), top to bottom."""
    groups: list[list[TextSpan]] = []
    for span in sorted(spans, key=lambda s: (s.bbox[1], s.bbox[0])):
        for group in groups:
            g0, g1 = min(s.bbox[1] for s in group), max(s.bbox[3] for s in group)
            overlap = min(g1, span.bbox[3]) - max(g0, span.bbox[1])
            if overlap > 0.5 * min(g1 - g0, span.bbox[3] - span.bbox[1]):
                group.append(span)
                break
        else:
            groups.append([span])
    lines = []
    for group in groups:
        group.sort(key=lambda s: s.bbox[0])
        text = join_lines([s.text for s in group])
        if text:
            conf = min(s.confidence for s in group)
            lines.append(Line(text, page, min(s.bbox[1] for s in group), max(s.bbox[3] for s in group), conf))
    return sorted(lines, key=lambda ln: ln.top)


# A continuation cell belongs to the header column it overlaps by at least this share of its width.
MIN_X_OVERLAP = 0.5

XSpans = tuple[tuple[float, float, str], ...]  # (x0, x1, role) of each header cell


def header_spans(cells: dict[str, Cell]) -> XSpans:
    return tuple((c.bbox[0], c.bbox[2], role) for role, c in cells.items())


def align_by_x(cells: list[Cell], spans: XSpans) -> dict[str, Cell] | None:
    """Cells of a continuation row (no header of its own) -> header role by horizontal overlap.

    None when a filled cell lines up with no header column (another layout: read it by position).
    """
    out: dict[str, Cell] = {}
    for cell in cells:
        width = max(cell.bbox[2] - cell.bbox[0], 1e-6)
        best, share = None, 0.0
        for x0, x1, role in spans:
            s = (min(x1, cell.bbox[2]) - max(x0, cell.bbox[0])) / width
            if s > share:
                best, share = role, s
        if best is None or share < MIN_X_OVERLAP:
            if cell.text.strip():
                return None
            continue
        if best not in out or not out[best].text.strip():
            out[best] = cell
    return out
