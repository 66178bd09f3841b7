"""Draw documents with reportlab: titles, paragraphs and ruled tables that run over pages.

A document is a list of blocks (:class:`Title`, :class:`Paragraph`, :class:`TableBlock`, :class:`PageBreak`)
laid out top to bottom. Tables are drawn cell by cell from a :class:`~corpus.sheet.Sheet`; a row is
never split across pages; a merged cell cut by a page break continues on the next page without a top
border; the block's header row can be repeated at the top of the next page (not a row of the truth).
:func:`render_document` returns, per table block, the page of every row, from which the truth is built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from corpus.fonts import FONTS, KANGXI_FONTS, draw_string, register_fonts, to_kangxi, wrap_text
from corpus.sheet import Sheet, SheetCell

__all__ = ["FONTS", "KANGXI_FONTS", "Block", "PageBreak", "PageStyle", "Paragraph", "TableBlock", "Title",
           "render_document"]


@dataclass(frozen=True)
class Title:
    text: str
    size: float = 18.0
    space_after: float = 8.0


@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float = 10.5
    indent: bool = True
    space_after: float = 6.0


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass
class TableBlock:
    sheet: Sheet
    font_size: float = 10.0
    repeat_header: bool = True
    continued_top_border: bool = False
    line_width: float = 0.75
    space_after: float = 10.0
    row_pages: list[int] = field(default_factory=list)  # filled by render_document
    cell_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # per sheet cell, first part


@dataclass(frozen=True)
class PageStyle:
    font: str = "wqy-zenhei"
    latin_font: str | None = None  # None: the CJK font draws everything (droid always gets one)
    size: str = "A4"  # "A4" or "A4-landscape"
    margin_x: float = 56.0
    margin_top: float = 60.0
    margin_bottom: float = 56.0
    kangxi: bool = False
    pad: float = 3.0
    line_gap: float = 1.3


Block = Title | Paragraph | PageBreak | TableBlock


def _key(style: PageStyle) -> str:
    return register_fonts(style.font, style.latin_font)


def page_dims(style: PageStyle) -> tuple[float, float]:
    return landscape(A4) if style.size == "A4-landscape" else A4


def _cell_lines(cell: SheetCell, widths: tuple[float, float], font: str, size: float, pad: float) -> list[str]:
    return wrap_text(cell.text, font, size, max(widths[1] - widths[0] - 2 * pad, size))


def row_heights(block: TableBlock, x_of, style: PageStyle) -> list[float]:
    """Height of every row: tallest single-row cell; a merged cell's deficit goes to its last row."""
    size, pad = block.font_size, style.pad
    lead = size * style.line_gap
    base = lead + 2 * pad + 4
    heights = [base] * block.sheet.n_rows
    need = {}
    for c in block.sheet.cells:
        n = len(_cell_lines(c, (x_of(c.x0), x_of(c.x1)), _key(style), size, pad))
        h = n * lead + 2 * pad + 4
        if c.row_span == 1:
            heights[c.row] = max(heights[c.row], h)
        else:
            need[c] = h
    for c, h in need.items():
        have = sum(heights[c.row:c.row + c.row_span])
        if h > have:
            heights[c.row + c.row_span - 1] += h - have
    return heights


def _draw_text(canvas: Canvas, lines: list[str], box: tuple[float, float, float, float], align: str,
               font: str, size: float, style: PageStyle, page_h: float) -> None:
    x0, y0, x1, y1 = box
    lead = size * style.line_gap
    top = (y0 + y1) / 2 - len(lines) * lead / 2
    x = {"center": (x0 + x1) / 2, "right": x1 - style.pad}.get(align, x0 + style.pad)
    for i, line in enumerate(lines):
        baseline = top + i * lead + size * 1.0
        text = to_kangxi(line) if style.kangxi else line
        draw_string(canvas, x, page_h - baseline, text, font, size, align)


def _draw_box(canvas: Canvas, box: tuple[float, float, float, float], page_h: float, top: bool,
              width: float = 0.75) -> None:
    x0, y0, x1, y1 = box
    canvas.setLineWidth(width)
    segs = [(x0, y0, x0, y1), (x1, y0, x1, y1), (x0, y1, x1, y1)]
    if top:
        segs.append((x0, y0, x1, y0))
    for a, b, c, d in segs:
        canvas.line(a, page_h - b, c, page_h - d)


@dataclass
class _Piece:
    """The part of the table on one page: rows [r0, r1), drawn from y, with an optional repeated header."""

    page: int
    r0: int
    r1: int
    y: float
    header: int | None = None


def paginate(block: TableBlock, heights: list[float], y: float, page: int,
             y_top: float, y_max: float) -> list[_Piece]:
    """Split the rows over pages: a row never splits; forced breaks in ``sheet.break_before``."""
    sheet = block.sheet
    if y + heights[0] > y_max and y > y_top + 1:
        page, y = page + 1, y_top
    pieces, cur, cy = [], _Piece(page, 0, 0, y), y
    for r in range(sheet.n_rows):
        forced = r in sheet.break_before
        if (cy + heights[r] > y_max or forced) and cur.r1 > cur.r0:
            pieces.append(cur)
            page, cy = page + 1, y_top
            cur = _Piece(page, r, r, cy)
            hdr = sheet.header_of.get(r)
            if block.repeat_header and hdr is not None and hdr < r:
                cur.header = hdr
                cy += heights[hdr]
        cur.r1, cy = r + 1, cy + heights[r]
    pieces.append(cur)
    return pieces


def _row_tops(piece: _Piece, heights: list[float]) -> dict[int, float]:
    y = piece.y + (heights[piece.header] if piece.header is not None else 0)
    tops = {}
    for r in range(piece.r0, piece.r1 + 1):
        tops[r] = y
        if r < piece.r1:
            y += heights[r]
    return tops


def _visible(c: SheetCell, piece: _Piece) -> tuple[int, int] | None:
    a, b = max(c.row, piece.r0), min(c.row + c.row_span, piece.r1)
    return (a, b) if a < b else None


def draw_table(pages: _Pages, block: TableBlock, pieces: list[_Piece], heights: list[float],
               x_of, style: PageStyle, page_h: float) -> None:
    """Draw every piece of a table, page by page; each cell's text goes in its tallest visible part."""
    sheet, font, size = block.sheet, _key(style), block.font_size
    tops = [_row_tops(p, heights) for p in pieces]
    ops: list[tuple[int, object]] = []  # (page, draw(canvas)); pages can only be drawn in order
    block.cell_boxes = []
    for c in sheet.cells:
        parts = []
        for p, t in zip(pieces, tops):
            vis = _visible(c, p)
            if vis is None:
                continue
            top = t[vis[0]]
            continued = c.row < p.r0
            if continued and p.header is not None and not _overlaps_header(c, sheet, p.header):
                top = p.y
            parts.append((p, (x_of(c.x0), top, x_of(c.x1), t[vis[1]]), continued))
        block.cell_boxes.append(tuple(round(v, 2) for v in parts[0][1]))  # type: ignore[arg-type]
        for p, box, continued in parts:
            with_top = not continued or block.continued_top_border
            ops.append((p.page, lambda cv, box=box, with_top=with_top: _draw_box(cv, box, page_h, with_top,
                                                                                 block.line_width)))
        if c.text and parts:
            p, box, lines = _text_part(c, parts, font, size, style)
            ops.append((p.page, lambda cv, lines=lines, box=box, c=c: _draw_text(cv, lines, box, c.align, font,
                                                                                 size, style, page_h)))
    for p in pieces:
        if p.header is not None:
            ops.append((p.page, lambda cv, p=p: _draw_header(cv, block, p, heights, x_of, style, page_h)))
    for page, op in sorted(ops, key=lambda o: o[0]):
        op(pages(page))  # type: ignore[operator]


def _text_part(c: SheetCell, parts: list, font: str, size: float, style: PageStyle):
    """Where a cell's text goes: its first part when the text fits there (as Word does), else its tallest."""
    p, box, _ = parts[0]
    lines = _cell_lines(c, (box[0], box[2]), font, size, style.pad)
    if len(lines) * size * style.line_gap + 2 * style.pad > box[3] - box[1]:
        p, box, _ = max(parts, key=lambda part: part[1][3] - part[1][1])
    return p, box, lines


def _overlaps_header(c: SheetCell, sheet: Sheet, header: int) -> bool:
    return any(h.row == header and h.x0 < c.x1 and c.x0 < h.x1 for h in sheet.cells)


def _draw_header(canvas: Canvas, block: TableBlock, p: _Piece, heights: list[float], x_of,
                 style: PageStyle, page_h: float) -> None:
    for h in block.sheet.cells:
        if h.row == p.header and h.row_span == 1:
            box = (x_of(h.x0), p.y, x_of(h.x1), p.y + heights[h.row])
            _draw_box(canvas, box, page_h, True, block.line_width)
            lines = _cell_lines(h, (box[0], box[2]), _key(style), block.font_size, style.pad)
            _draw_text(canvas, lines, box, h.align, _key(style), block.font_size, style, page_h)


# ---------------------------------------------------------------- documents


class _Pages:
    """One reportlab canvas whose pages are opened on demand, in order."""

    def __init__(self, path: Path, dims: tuple[float, float]):
        self.canvas = Canvas(str(path), pagesize=dims, invariant=1)
        self.current = 1

    def __call__(self, page: int) -> Canvas:
        while self.current < page:
            self.canvas.showPage()
            self.current += 1
        return self.canvas


def render_document(blocks: list[Block], style: PageStyle, path: Path) -> list[tuple[int, int]]:
    """Draw the blocks into ``path``; returns (first page, last page) per block and fills row_pages."""
    font = _key(style)
    width, height = page_dims(style)
    y_top, y_max = style.margin_top, height - style.margin_bottom
    table_w = width - 2 * style.margin_x
    pages = _Pages(path, (width, height))
    page, y, spans = 1, y_top, []
    for i, block in enumerate(blocks):
        first = page
        if isinstance(block, PageBreak):
            page, y = page + 1, y_top
            first = page
        elif isinstance(block, Title):
            keep = 80.0 if i + 1 < len(blocks) and isinstance(blocks[i + 1], TableBlock) else 0.0
            if y + block.size * 1.5 + keep > y_max:
                page, y = page + 1, y_top
                first = page
            c = pages(page)
            text = to_kangxi(block.text) if style.kangxi else block.text
            draw_string(c, width / 2, height - (y + block.size), text, font, block.size, "center")
            y += block.size * 1.4 + block.space_after
        elif isinstance(block, Paragraph):
            page, y, first = _draw_paragraph(pages, block, style, font, page, y, (y_top, y_max), table_w)
        else:
            def x_of(f: float) -> float:
                return style.margin_x + f * table_w
            heights = row_heights(block, x_of, style)
            pieces = paginate(block, heights, y, page, y_top, y_max)
            draw_table(pages, block, pieces, heights, x_of, style, height)
            block.row_pages = [p.page for p in pieces for _ in range(p.r0, p.r1)]
            first, page = pieces[0].page, pieces[-1].page
            y = _row_tops(pieces[-1], heights)[pieces[-1].r1] + block.space_after
        spans.append((first, page))
    pages(page)
    pages.canvas.showPage()
    pages.canvas.save()
    return spans


def _draw_paragraph(pages: _Pages, block: Paragraph, style: PageStyle, font: str, page: int, y: float,
                    limits: tuple[float, float], width: float) -> tuple[int, float, int]:
    y_top, y_max = limits
    lead = block.size * 1.6
    indent = "\u3000\u3000" if block.indent else ""
    lines = wrap_text(indent + block.text, font, block.size, width)
    first = page if y + lead <= y_max else page + 1
    for line in lines:
        if y + lead > y_max:
            page, y = page + 1, y_top
        c = pages(page)
        text = to_kangxi(line) if style.kangxi else line
        draw_string(c, style.margin_x, pages_height(c) - (y + block.size), text, font, block.size)
        y += lead
    return page, y + block.space_after, first


def pages_height(canvas: Canvas) -> float:
    return canvas._pagesize[1]
