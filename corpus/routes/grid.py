"""A form as a spreadsheet-like grid: cells on integer rows and columns with spans, as an author would
lay it out in Excel or an HTML table. Both routes print the same :class:`Grid`; nothing here knows how.

The grid is built from the structured content (``corpus.content.make_form``) and a :class:`RouteStyle`;
:func:`build_grids` also returns the form's truth with every printed target as printed (the truth of
``annual_target`` is the text on the page, its comparator/min/max/unit the meaning).
Column truth: a grid column boundary no cell uses is not a column on the page; :func:`table_truth`
keeps only the boundaries some cell starts or ends at, and for a browser's table merges the boundaries its
auto layout prints on one ruling, so truth columns are what rulings show.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from corpus.routes.wording import COMPARATOR_PRINT, TARGET_PRINT, bracket, money_text
from corpus.truth import CellTruth, FormTruth, IndicatorTruth, TableTruth

Role = Literal["label", "header", "text", "money", "count", "center", "blank"]


@dataclass
class GCell:
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    role: Role = "center"
    amount: str | None = None  # yuan truth of a money cell (an XLSX route may store it as a number)


@dataclass
class Grid:
    n_cols: int
    kind: str = "form"  # form | indicators
    cells: list[GCell] = field(default_factory=list)
    n_rows: int = 0
    header_rows: list[int] = field(default_factory=list)  # rows an author marks to repeat on every page
    caption: str = ""  # a line printed above the table (绩效指标 over a separate indicator table)

    def row(self, cells: list[tuple[int, int, str, Role]], amounts: dict[int, str | None] | None = None) -> int:
        r = self.n_rows
        for i, (c0, c1, text, role) in enumerate(cells):
            amount = (amounts or {}).get(i)
            self.cells.append(GCell(r, c0, text, 1, c1 - c0, role, amount))
        self.n_rows += 1
        return r

    def label(self, first: int, text: str) -> None:
        """The merged label column (col 0) over rows ``first`` .. the last row so far."""
        self.cells.append(GCell(first, 0, text, max(1, self.n_rows - first), 1, "label"))
        self.n_rows = max(self.n_rows, first + 1)


@dataclass(frozen=True)
class RouteStyle:
    """Structure and printing of one document (drawn per document from a family, see ``styles``)."""

    family: str
    indicators_separate: bool
    comparator_cols: bool
    seq: bool
    outcome: bool
    dev_rows: bool
    competent: bool
    year_line: bool
    budget_unit: str = "万元"
    task_unit: str = "元"
    money: str = "comma2"
    unit_note: bool = False  # units stated once in a note line above the table, not in the headers
    full_width: bool = False
    pct_one: bool = False  # a 100% target printed as "1" in a 指标值 column (unit column says %)
    other_header: bool = True


def _unit(label: str, unit: str, st: RouteStyle) -> str:
    return label if st.unit_note else bracket(f"{label}({unit})", st.full_width)


def _fmt_target(rng: random.Random, split: str, comp: str, lo: str, hi: str, unit: str) -> str:
    pool = TARGET_PRINT[split]
    if comp == "≈" and lo != hi:
        return rng.choice(pool["range"]).format(a=lo, b=hi, u=unit)
    return rng.choice(pool.get(comp, ("{v}{u}",))).format(v=lo, u=unit)


def reprint_indicator(ind: IndicatorTruth, st: RouteStyle, rng: random.Random, split: str) -> tuple[IndicatorTruth,
                                                                                                  list[str]]:
    """(truth as printed, printed texts after the level columns)."""
    numeric = ind.value_min is not None and ind.comparator is not None
    if st.comparator_cols:
        comp_txt, value = "", ind.annual_target or ""
        if numeric:
            comp_txt = rng.choice(COMPARATOR_PRINT[split].get(ind.comparator or "", (ind.comparator or "",)))
            value = ind.value_min or ""
            if st.pct_one and ind.unit == "%" and ind.comparator == "=" and value == "100":
                value = "1"  # the sheet stored 1 (100%) with no percent format
            elif rng.random() < 0.25:
                value = f"{Decimal(value):.2f}"
        upd = {"annual_target": value or None, "period_target": None,
               "explanation": ind.explanation or (f"反映{ind.level3}情况" if ind.level3 else None)}
        if not numeric:
            upd.update(comparator=None, unit=None, value_min=None, value_max=None)
        new = ind.model_copy(update=upd)
        return new, [new.level3 or "", new.explanation or "", comp_txt, value, new.unit or ""]
    text = ind.annual_target or ""
    if numeric:
        text = _fmt_target(rng, split, ind.comparator or "", ind.value_min or "", ind.value_max or "", ind.unit or "")
    new = ind.model_copy(update={"annual_target": text or None, "period_target": text or None, "explanation": None})
    return new, [new.level3 or "", text, text]


def _runs(keys: list) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i, k in enumerate(keys):
        if out and keys[out[-1][0]] == k:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((i, 1))
    return out


def indicator_block(g: Grid, inds: list[IndicatorTruth], texts: list[list[str]], st: RouteStyle,
                    lab: dict[str, str], x0: int) -> None:
    """Header row plus one row per indicator from column ``x0``; 一级/二级 merged over their runs."""
    if st.comparator_cols:
        spans = [(x0, x0 + 1), (x0 + 1, x0 + 2), (x0 + 2, x0 + 3), (x0 + 3, x0 + 4), (x0 + 4, x0 + 5),
                 (x0 + 5, x0 + 6), (x0 + 6, x0 + 7)]
        heads = [lab["level1"], lab["level2"], lab["level3"], lab["explanation"], lab["comparator"], lab["value"],
                 lab["unit"]]
        roles: list[Role] = ["text", "text", "center", "center", "center"]
    else:
        spans = [(x0, x0 + 1), (x0 + 1, x0 + 2), (x0 + 2, x0 + 4), (x0 + 4, x0 + 5), (x0 + 5, x0 + 7)]
        heads = [lab["level1"], lab["level2"], lab["level3"], lab["period"], lab["annual"]]
        roles = ["text", "text", "text"]
    hdr = g.row([(a, b, h, "header") for (a, b), h in zip(spans, heads)])
    g.header_rows.append(hdr)
    start = g.n_rows
    for row_texts in texts:
        g.row([(a, b, t, r) for (a, b), t, r in zip(spans[2:], row_texts, roles)])
    for s, n in _runs([i.level1 for i in inds]):
        g.cells.append(GCell(start + s, spans[0][0], inds[s].level1 or "", n, 1, "center"))
    for s, n in _runs([(i.level1, i.level2) for i in inds]):
        g.cells.append(GCell(start + s, spans[1][0], inds[s].level2 or "", n, 1, "center"))


def _money_row(g: Grid, items: list[tuple[str, str | None, str, str | None]], st: RouteStyle) -> None:
    for a, va, c, vc in items:
        g.row([(1, 3, a, "text"), (3, 4, money_text(va, st.budget_unit, st.money), "money"),
               (4, 6, c, "text"), (6, 8, money_text(vc, st.budget_unit, st.money), "money")], {1: va, 3: vc})


def _tasks(g: Grid, tasks, st: RouteStyle, lab: dict[str, str], other: bool) -> None:
    first = g.n_rows
    amount_head = _unit(lab["amount"], st.task_unit, st)
    content = lab["other_content"] if other else lab["content"]
    if st.seq and st.outcome:
        cols = [(1, 2), (2, 3), (3, 5), (5, 6), (6, 8)]
        head = [lab["seq"], lab["name"], content, amount_head, "" if other else lab["outcome"]]
    elif st.seq:
        cols = [(1, 2), (2, 3), (3, 6), (6, 8)]
        head = [lab["seq"], lab["name"], content, amount_head]
    else:
        cols = [(1, 2), (2, 5), (5, 6), (6, 8)]
        head = [lab["name"], content, amount_head, "" if other else lab["outcome"]]
    if not other or st.other_header:
        g.row([(a, b, h, "header" if h else "blank") for (a, b), h in zip(cols, head)])
    for t in tasks:
        money = money_text(t.amount, st.task_unit, st.money)
        vals: list[tuple[str, Role]] = []
        if st.seq:
            vals.append((str(t.seq), "center"))
        vals += [(t.name or "", "text"), (t.content or "", "text"), (money, "money")]
        if st.outcome or not st.seq:
            vals.append(("" if other else (t.expected_outcome or ""), "text"))
        g.row([(a, b, v, r) for (a, b), (v, r) in zip(cols, vals)], {len(vals) - 1 - (st.outcome or not st.seq): t.amount})
    if g.n_rows == first:
        g.row([(1, 8, "", "blank")])
    g.label(first, bracket(lab["other_tasks"] if other else lab["key_tasks"], st.full_width))


def verbatim_indicator(ind: IndicatorTruth, st: RouteStyle) -> tuple[IndicatorTruth, list[str]]:
    """A transcribed indicator (a seed's) printed exactly as its truth says."""
    if st.comparator_cols:
        return ind, [ind.level3 or "", ind.explanation or "", ind.comparator or "", ind.annual_target or "", ind.unit or ""]
    return ind, [ind.level3 or "", ind.period_target or "", ind.annual_target or ""]


def build_grids(form: FormTruth, st: RouteStyle, lab: dict[str, str], rng: random.Random,
                split: str, verbatim: bool = False) -> tuple[FormTruth, list[Grid]]:
    """The printed tables of one form and its truth (targets as printed, blank indicator rows dropped);
    ``verbatim`` prints the indicators' targets as the truth has them (transcribed seeds)."""
    printed = [verbatim_indicator(i, st) if verbatim else reprint_indicator(i, st, rng, split) for i in form.indicators]
    inds = [p[0] for p in printed]
    texts = [p[1] for p in printed]
    g = Grid(8)
    m = form.budget
    if st.competent:
        g.row([(0, 1, lab["department"], "label"), (1, 4, form.department or "", "text"),
               (4, 6, lab["competent"], "label"), (6, 8, form.competent_department or "", "text")])
    else:
        g.row([(0, 1, lab["department"], "label"), (1, 8, form.department or "", "text")])
    r = g.row([(1, 3, lab["staff"], "text"), (3, 4, _num(form.staff_count), "count"),
               (4, 6, lab["units"], "text"), (6, 8, _num(form.subordinate_units), "count")])
    g.label(r, lab["basic_info"])
    first = g.n_rows
    amount_col = _unit(lab["amount_col"], st.budget_unit, st)
    g.row([(1, 3, lab["class"], "header"), (3, 4, amount_col, "header"), (4, 6, lab["income"], "header"),
           (6, 8, amount_col, "header")])
    _money_row(g, [(lab["basic"], m.basic_expenditure, lab["fiscal"], m.fiscal_appropriation),
                   (lab["project"], m.project_expenditure, lab["other_funds"], m.other_funds)], st)
    if st.dev_rows:
        g.row([(1, 3, lab["dev"], "header"), (3, 4, amount_col, "header"), (4, 6, lab["levels"], "header"),
               (6, 8, amount_col, "header")])
        _money_row(g, [(lab["special"], m.special_funds, lab["municipal"], m.municipal_funds),
                       (lab["other_dev"], m.other_development_expenditure, lab["transfer"], m.transfer_funds)], st)
    g.label(first, lab["budget"])
    r = g.row([(1, 8, "\n".join(form.overall_goals), "text")])
    g.label(r, lab["goals"])
    _tasks(g, form.key_tasks, st, lab, other=False)
    _tasks(g, form.other_tasks, st, lab, other=True)
    grids = [g]
    shown = [(i, t) for i, t in zip(inds, texts)]
    if st.indicators_separate:
        ig = Grid(7 if st.comparator_cols else 5, kind="indicators", caption=lab["indicators"])
        indicator_block(ig, [i for i, _ in shown], [t for _, t in shown], st, lab, 0)
        grids.append(ig)
    else:
        first = g.n_rows
        indicator_block(g, [i for i, _ in shown], [t for _, t in shown], st, lab, 1)
        g.label(first, lab["indicators"])
    kept = [i for i in inds if i.level3 or i.annual_target or i.period_target]
    return form.model_copy(update={"indicators": kept}), grids


def _num(v: int | None) -> str:
    return "" if v is None else str(v)


def used_edges(g: Grid) -> list[int]:
    return sorted({c.col for c in g.cells} | {c.col + c.col_span for c in g.cells})


def auto_layout_widths(g: Grid) -> list[bool]:
    """Which grid columns an HTML auto table layout (Chromium's) gives any width.

    The layout sizes a column from the cells that span it alone; a spanning cell's width goes to the
    columns it spans that already have width, and only when none has does it spread over all of them
    (narrower spans first). So a column that only spanning cells cross, each of which also crosses a
    sized column, prints with no width: its two rulings fall on one line (Chromium-printed 部门整体绩效
    目标表: 任务名称 and 按支出性质 end on the same ruling although the grid has a column between them;
    ``test_html_auto_layout_collapses_spanned_only_columns`` prints one and reads the rulings back).
    """
    n = max([g.n_cols] + [c.col + c.col_span for c in g.cells])  # n_cols undercounts some grids' spans
    sized = [False] * n
    for c in g.cells:
        if c.col_span == 1:
            sized[c.col] = True
    for c in sorted((c for c in g.cells if c.col_span > 1), key=lambda c: c.col_span):
        cols = range(c.col, c.col + c.col_span)
        if not any(sized[j] for j in cols):
            for j in cols:
                sized[j] = True
    return sized


def edge_columns(g: Grid, auto_layout: bool = False) -> dict[int, int]:
    """Truth column index of each used grid boundary: boundaries no ruling separates share an index.

    Unused boundaries are no ruling at all; with ``auto_layout`` (a browser's table) boundaries with
    only zero-width columns between them print as one ruling (:func:`auto_layout_widths`).
    """
    edges = used_edges(g)
    sized = auto_layout_widths(g) if auto_layout else [True] * edges[-1]
    index, k = {edges[0]: 0}, 0
    for a, b in zip(edges, edges[1:]):
        k += any(sized[a:b])
        index[b] = k
    return index


def table_truth(g: Grid, row_pages: list[int], auto_layout: bool = False) -> TableTruth:
    """Cell truth over the columns rulings show (see :func:`edge_columns`); page of each cell's first row."""
    index = edge_columns(g, auto_layout)
    cells = [CellTruth(row=c.row, col=index[c.col], row_span=c.row_span, col_span=index[c.col + c.col_span] - index[c.col],
                       text=c.text.strip(), page=row_pages[c.row])
             for c in sorted(g.cells, key=lambda c: (c.row, c.col))]
    return TableTruth(pages=sorted(set(row_pages)), n_rows=g.n_rows, n_cols=max(index.values()), cells=cells)


def route_table_truth(route: str, g: Grid, row_pages: list[int]) -> TableTruth:
    """:func:`table_truth` of a grid printed by ``route``: the HTML route's browser sizes columns by auto layout.

    Every route builder calls this one (the department form's and the other forms'), so a column's truth
    does not depend on which builder printed the form.
    """
    return table_truth(g, row_pages, auto_layout=route == "html")


@dataclass
class RouteDoc:
    """One document to print: title lines, an optional unit note line, the grids, and page choices."""

    doc_id: str
    route: str
    titles: list[str]
    note: str
    grids: list[Grid]
    font: str
    font_size: float
    paper: str = "A4"  # A4 | Letter
    landscape: bool = False
    grey_rules: bool = False
    extra: dict = field(default_factory=dict)  # route-specific choices, recorded in the truth's render info
