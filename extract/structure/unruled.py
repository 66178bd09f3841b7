"""Tables without full rulings: structure implied by alignment and whitespace, helped by whatever rulings exist.

``find_unruled_tables(page_info, spans, rulings, exclude)`` is the stage: spans -> words -> lines ->
blocks of consecutive lines that share column corridors -> header lines above -> Table with
``structure='unruled'`` (or ``'partly_ruled'`` when rulings shaped the grid). Ordinary paragraphs (one
segment per line), lists and two-column running text (two columns of long prose) are not tables.
Units lines (单位：万元, "in millions") above and notes/sources below are recorded in ``Table.notes``.
Confidence is lower than for ruled tables: the grid is inferred, not drawn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from pydantic import BaseModel, ConfigDict, Field

from extract.structure.unruled_grid import (Gap, add_ruling_gaps, body_rows, column_extents, column_gaps, header_rows,
                                            ruled_row_bands, rows_from_bands, rows_to_cells)
from extract.structure.unruled_lines import Line, spans_to_words, text_rules, words_to_lines
from extract.structure.unruled_notes import CAPTION, NOTE, UNITS
from extract.types import BBox, PageInfo, Ruling, Table, TextSpan

class UnruledOptions(BaseModel):
    """Tunables of unruled table finding; each names the evidence it weighs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_row_gap: float = Field(1.9, description="x line height: a wider vertical gap ends a block")
    max_ruled_gap: float = Field(4.0, description="x line height: wider gap allowed when a ruling sits in it")
    max_section_gap: float = Field(4.5, description="x line height: widest gap around a section label inside a table")
    max_single_lines: int = Field(3, description="consecutive one-segment lines a block may hold")
    max_header_lines: int = Field(6, description="lines above the body taken as header at most")
    min_body_lines: int = Field(2, description="lines with two or more segments a table needs")
    corridor_tolerance: float = Field(0.1, description="share of body lines allowed to cross a column gap")
    prose_words: float = Field(4.5, description="median words per cell above which 2-column text is prose")
    unruled_confidence: float = Field(0.8, description="cell confidence factor where the grid is inferred")
    partly_ruled_confidence: float = Field(0.88, description="factor where rulings confirmed part of the grid")


@dataclass
class Block:
    lines: list[Line]
    n_header: int = 0
    gaps: list[Gap] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        bs = [ln.bbox for ln in self.lines]
        return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def _gap_bridged(upper: BBox, lower: BBox, rulings: list[Ruling]) -> bool:
    for r in rulings:
        y = (r.bbox[1] + r.bbox[3]) / 2
        if r.orientation == "h" and upper[3] - 1 <= y <= lower[1] + 1 and r.bbox[2] - r.bbox[0] > 30:
            return True
    return False


def _close_enough(upper: Line, lower: Line, h: float, rulings: list[Ruling], opts: UnruledOptions) -> bool:
    gap = lower.bbox[1] - upper.bbox[3]
    if gap <= opts.max_row_gap * h:
        return True
    return gap <= opts.max_ruled_gap * h and _gap_bridged(upper.bbox, lower.bbox, rulings)


def _split_at_wide_gaps(run: list[int], lines: list[Line], h: float) -> list[list[int]]:
    """A blank line between two tables is wide compared with the run's usual line spacing."""
    gaps = [lines[b].bbox[1] - lines[a].bbox[3] for a, b in zip(run, run[1:])]
    if len(gaps) < 3:
        return [run]
    usual = median(gaps)
    parts, cur = [], [run[0]]
    for i, g in zip(run[1:], gaps):
        if g > max(0.8 * h, 2.5 * usual + 0.2 * h):
            parts.append(cur)
            cur = []
        cur.append(i)
    return parts + [cur]


def _split_unless_aligned(run: list[int], lines: list[Line], rulings: list[Ruling], h: float,
                          opts: UnruledOptions) -> list[list[int]]:
    """Split at wide gaps, but keep parts together whose columns line up (sections of one table)."""
    parts = _split_at_wide_gaps(run, lines, h)
    out = [parts[0]]
    for part in parts[1:]:
        a = [lines[i] for i in out[-1]]
        b = [lines[i] for i in part]
        if _columns_agree(_gaps_of(a, rulings, h, opts), _gaps_of(b, rulings, h, opts)):
            out[-1] = out[-1] + part
        else:
            out.append(part)
    return out


def _gaps_of(lines: list[Line], rulings: list[Ruling], h: float, opts: UnruledOptions) -> list[Gap]:
    body = lines[body_start(lines):]
    return _columns(body, rulings, h, opts) if any(len(ln.segments) >= 2 for ln in body) else []


def _columns_agree(a: list[Gap], b: list[Gap]) -> bool:
    """Most column gaps of the smaller set overlap a gap of the other."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not small:
        return True
    hits = sum(1 for g in small if any(min(g.x1, o.x1) - max(g.x0, o.x0) > 0 for o in large))
    return hits >= 0.8 * len(small)


def candidate_runs(lines: list[Line], rulings: list[Ruling], h: float, opts: UnruledOptions) -> list[list[int]]:
    """Runs of nearby lines, each starting and ending with a multi-segment line."""
    runs: list[list[int]] = []
    cur: list[int] = []
    singles = 0
    for i, ln in enumerate(lines):
        multi = len(ln.segments) >= 2
        if cur and _close_enough(lines[cur[-1]], ln, h, rulings, opts) and (multi or singles < opts.max_single_lines):
            cur.append(i)
            singles = 0 if multi else singles + 1
            continue
        if cur:
            runs.append(cur)
        cur, singles = ([i], 0) if multi else ([], 0)
    if cur:
        runs.append(cur)
    out = []
    for run in [part for r in runs for part in _split_unless_aligned(r, lines, rulings, h, opts)]:
        cut = next((k for k, i in enumerate(run) if k >= 2 and NOTE.match(lines[i].text.strip())), len(run))
        del run[cut:]  # "Source: ..." / "Note: ..." under the body ends the table
        while run and len(lines[run[-1]].segments) < 2:
            run.pop()
        if sum(1 for i in run if len(lines[i].segments) >= 2) >= opts.min_body_lines:
            out.append(run)
    return _join_sections(out, lines, rulings, h, opts)


def _join_sections(runs: list[list[int]], lines: list[Line], rulings: list[Ruling], h: float,
                   opts: UnruledOptions) -> list[list[int]]:
    """Runs parted by a section label ("Female") with a blank line around it, whose columns agree, are one table."""
    out: list[list[int]] = []
    for run in runs:
        if out:
            prev = out[-1]
            between = list(range(prev[-1] + 1, run[0]))
            span = lines[run[0]].bbox[1] - lines[prev[-1]].bbox[3]
            a = _gaps_of([lines[i] for i in prev], rulings, h, opts)
            b = _gaps_of([lines[i] for i in run], rulings, h, opts)
            if len(between) <= 2 and all(len(lines[i].segments) == 1 for i in between) \
                    and span <= opts.max_section_gap * h and a and b and _columns_agree(a, b):
                out[-1] = prev + between + run
                continue
        out.append(run)
    return out


def body_start(lines: list[Line]) -> int:
    """First line whose segments include a number (years in a header do not count), when two lines do."""
    numeric = [i for i, ln in enumerate(lines) if len(ln.segments) >= 2
               and any(s.numeric and not _YEAR.match(s.text) for s in ln.segments)]
    return numeric[0] if len(numeric) >= 2 else 0


_YEAR = re.compile(r"^(19|20)\d\d\*?$")


_ENUMERATOR = re.compile(r"^[(\[]?(\d{1,3}(\.\d{1,3}){0,3}|[a-zA-Z]|[ivxIVX]{1,5})[.):\]]?$")


def _is_prose(lines: list[Line], gaps: list[Gap], opts: UnruledOptions) -> bool:
    """Two columns of running text; enumerators ("1.", "3.2.1", "(a)") do not count as cells, so a
    numbered list or numbered paragraphs and section headings read as the prose they are (ICDAR tuning
    half: paragraphs "33." "34." and steps "1." "2." became two-column tables)."""
    segs = [s for ln in lines for s in ln.segments]
    enumerated = [s for s in segs if _ENUMERATOR.match(s.text.strip())]
    if len(gaps) == 1 and len(enumerated) * 2 >= len(lines) and len(segs) > len(enumerated):
        segs = [s for s in segs if not _ENUMERATOR.match(s.text.strip())]  # the list's markers
    words = sorted(len(s.words) for s in segs)
    numeric = sum(1 for s in segs if s.numeric) / max(len(segs), 1)
    return len(gaps) == 1 and numeric < 0.3 and words[len(words) // 2] > opts.prose_words


def region_columns(body: list[Line], rulings: list[Ruling], opts: UnruledOptions) -> list[Gap]:
    """Column gaps of a known table region (all its lines are table lines)."""
    return _columns(body, rulings, median(ln.height for ln in body), opts)


def _columns(body: list[Line], rulings: list[Ruling], h: float, opts: UnruledOptions) -> list[Gap]:
    multi = [ln for ln in body if len(ln.segments) >= 2]
    x0 = min(ln.bbox[0] for ln in body)
    x1 = max(ln.bbox[2] for ln in body)
    allow = int(opts.corridor_tolerance * len(multi))
    gaps = column_gaps(multi, x0, x1, allow, 0.4 * h)
    box = (x0, min(ln.bbox[1] for ln in body), x1, max(ln.bbox[3] for ln in body))
    return add_ruling_gaps(gaps, rulings, box)


def _extend_up(lines: list[Line], top: int, block_box: BBox, h: float, rulings: list[Ruling],
               opts: UnruledOptions, taken: set[int]) -> tuple[int, list[str]]:
    """Header lines above the block; a units line above them is returned as a note."""
    notes: list[str] = []
    width = block_box[2] - block_box[0]
    i = top
    while i - 1 >= 0 and (i - 1) not in taken and top - (i - 1) <= opts.max_header_lines:
        ln = lines[i - 1]
        text = ln.text.strip()
        if CAPTION.match(text) and _close_enough(ln, lines[i], h, rulings, opts):
            i = _after_caption(lines, i - 1, top, h)
            break
        if not _close_enough(ln, lines[i], h, rulings, opts):
            break
        if UNITS.match(text):
            notes.append(text)
            break
        b = ln.bbox
        inside = b[0] >= block_box[0] - 0.25 * width and b[2] <= block_box[2] + 0.1 * width
        prose = len(ln.segments) == 1 and len(ln.words) > 8 and (b[2] - b[0]) > 0.6 * width
        if not inside or prose:
            break
        i -= 1
    return i, notes


def _after_caption(lines: list[Line], caption: int, top: int, h: float) -> int:
    """The first line below a caption that is not its wrapped continuation: one segment, starting where the
    caption starts (ICDAR tuning half: a caption's second line, "to three questions on the ... task",
    became the table's first row)."""
    i, x0 = caption + 1, lines[caption].bbox[0]
    while i < top and len(lines[i].segments) == 1 and abs(lines[i].bbox[0] - x0) <= h \
            and lines[i].bbox[1] - lines[i - 1].bbox[3] <= 0.8 * h:
        i += 1
    return i


def _notes_below(lines: list[Line], bottom: int, h: float) -> list[str]:
    notes = []
    for ln in lines[bottom + 1: bottom + 4]:
        if ln.bbox[1] - lines[bottom].bbox[3] > 6 * h or not NOTE.match(ln.text.strip()):
            break
        notes.append(ln.text.strip())
        bottom += 1
    return notes


def find_blocks(lines: list[Line], rulings: list[Ruling], opts: UnruledOptions) -> list[Block]:
    if not lines:
        return []
    h = median(ln.height for ln in lines)
    blocks: list[Block] = []
    taken: set[int] = set()
    for run in candidate_runs(lines, rulings, h, opts):
        run_lines = [lines[i] for i in run]
        start = body_start(run_lines)
        body = run_lines[start:]
        gaps = _columns(body, rulings, h, opts)
        if not gaps or _is_prose(body, gaps, opts):
            continue
        box = Block(body).bbox
        top, notes = _extend_up(lines, run[0], box, h, rulings, opts, taken)
        header = lines[top:run[0]] + run_lines[:start]
        taken.update(range(top, run[-1] + 1))
        blk = Block(header + body, n_header=len(header), gaps=gaps, notes=notes)
        blk.notes += _notes_below(lines, run[-1], h)
        blocks.append(blk)
    return blocks


def _ruling_used(blk: Block, rulings: list[Ruling]) -> bool:
    b = blk.bbox
    for r in rulings:
        rb = r.bbox
        if min(rb[2], b[2]) - max(rb[0], b[0]) > 0.5 * (b[2] - b[0]) and b[1] - 8 <= rb[1] <= b[3] + 8:
            return True
    return any(g.x0 == g.x1 for g in blk.gaps)


def _stub_only(line: Line, gaps: list[Gap]) -> bool:
    return len(line.segments) == 1 and not line.segments[0].numeric and line.segments[0].bbox[2] < gaps[0].centre


def block_to_table(blk: Block, rulings: list[Ruling], page: PageInfo, table_id: str,
                   opts: UnruledOptions) -> Table | None:
    n_cols = len(blk.gaps) + 1
    header_lines, body = blk.lines[:blk.n_header], blk.lines[blk.n_header:]
    while len(header_lines) > 1 and _stub_only(header_lines[-1], blk.gaps):
        body = [header_lines.pop()] + body  # a section label ("Male") under the header starts the body
    box = blk.bbox
    bands = ruled_row_bands(body, rulings, Block(body).bbox)
    if bands:
        body_placed = rows_from_bands(body, blk.n_header, blk.gaps, bands)
    else:
        body_placed = body_rows(body, blk.n_header, blk.gaps, rulings)
    extents = column_extents(body_placed, blk.gaps, box[0], box[2])
    head = header_rows(header_lines, extents, rulings) if header_lines else []
    if not header_lines and body_placed and len(body_placed) > 2:
        head, body_placed = body_placed[:1], body_placed[1:]
    rows = [r for r in head + body_placed if r]
    if len(rows) < 2:
        return None
    partly = _ruling_used(blk, rulings)
    factor = opts.partly_ruled_confidence if partly else opts.unruled_confidence
    col_edges = [box[0]] + [g.centre for g in blk.gaps] + [box[2]]
    cells = rows_to_cells(rows, n_cols, len(head), col_edges, page.page, factor)
    filled = [c for c in cells if c.text]
    fill_share = len(filled) / max(len(rows) * n_cols, 1)
    conf = factor * (0.7 + 0.3 * min(1.0, fill_share / 0.6))
    return Table(id=table_id, pages=(page.page,), n_rows=len(rows), n_cols=n_cols, confidence=round(conf, 4),
                 cells=tuple(cells), bbox=box, structure="partly_ruled" if partly else "unruled",
                 notes=tuple(blk.notes))


def find_unruled_tables(page_info: PageInfo, spans: list[TextSpan], rulings: list[Ruling], exclude: list[BBox],
                        options: UnruledOptions | None = None) -> list[Table]:
    """Tables implied by alignment on one page, outside the ``exclude`` regions (ruled tables)."""
    opts = options or UnruledOptions()
    lines, drawn = text_rules(words_to_lines(spans_to_words(list(spans), list(exclude))))
    free_rulings = [r for r in rulings if not any(_inside(r.bbox, b) for b in exclude)]
    free_rulings += [Ruling(orientation="h", bbox=b, source="inferred") for b in drawn]
    tables: list[Table] = []
    for blk in find_blocks(lines, free_rulings, opts):
        t = block_to_table(blk, free_rulings, page_info, f"p{page_info.page}u{len(tables) + 1}", opts)
        if t is not None:
            tables.append(t)
    return tables


def _inside(box: BBox, region: BBox, tol: float = 2.0) -> bool:
    return box[0] >= region[0] - tol and box[1] >= region[1] - tol and box[2] <= region[2] + tol \
        and box[3] <= region[3] + tol
