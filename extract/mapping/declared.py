"""A declared form found in a document: instances, their title lines, how sure we are it is this form.

An instance starts at a row whose first label is the form's anchor field (the first grid field unless the
declaration names one), or, for a form of lists only, at the header of its first list; it runs to the next
start. Later tables join it when they carry its labels or continue its list on the next page; a table
under a title line of another table, or a remark (填报说明), ends it. Recognition: a title line matching
the declared patterns makes it this form for sure; without one, the share of declared fields found says
how sure (below ``min_coverage``, auto detection leaves it out); a look-alike's title or label (项目申报表,
全年完成值) says it is not this form.
"""
from __future__ import annotations

import re
from typing import Any
from dataclasses import dataclass

from extract.mapping.checks import aggregate_confidence, apply_checks
from extract.mapping.coerce import is_blank
from extract.mapping.decl import FormDecl
from extract.mapping.department_performance_targets import (
    MAX_PAGE_GAP, YEAR_RE, _line_field, _title_candidates, _year_after,
)
from extract.mapping.fields import run_in_labels, settle_unprinted
from extract.mapping.generic import GRID_LABEL_ENDS_LIST, ReadState, match_header, read_rows
from extract.mapping.labels import is_note, label_key
from extract.mapping.units import note_unit
from extract.mapping.match import match_field
from extract.mapping.rows import Line, Row
from extract.mapping.rules import cross_rules, run_declared
from extract.types import FormDocument, Table
from models.declared import model_for
from models.fields import Field

# Without a title line, certainty = UNTITLED_BASE + (UNTITLED_MAX - UNTITLED_BASE) x share of declared fields
# found: a form told only by its labels is a guess the review should see, even with every label present
# (priors, not tuned: 0.7 = "likely", 0.95 = "all but named").
UNTITLED_BASE = 0.7
UNTITLED_MAX = 0.95
# A form asked for by name (--form NAME) whose look-alike signs are present: kept, but doubted.
LOOKALIKE_CERTAINTY = 0.3
# A title line of another table: short, ending in 表 (收支总表, 项目支出绩效目标表).
_OTHER_TITLE_RE = re.compile(r"^.{2,40}表$")


@dataclass(frozen=True)
class Heading:
    fields: dict[str, Field[Any]]
    unit: str | None
    titled: bool
    lookalike: bool


def _first_label_is(row: Row, decl: FormDecl, key: str) -> bool:
    own = [c for c in row.cells if c.row == row.index and not is_blank(c.text)]
    if not own:
        return False
    m = match_field(own[0].text, decl.grid_fields(), GRID_LABEL_ENDS_LIST)
    return m is not None and m.field.key == key


def _titled_tables(rows: list[Row], decl: FormDecl, lines: dict[int, list[Line]]) -> list[int]:
    """First rows of tables printed right under a title line of the form."""
    out = []
    for i, r in enumerate(rows):
        if i and rows[i - 1].table is r.table:
            continue
        prev = _row_before_table(rows, i)
        if read_heading(r, prev, lines, decl).titled:
            out.append(i)
    return out


def _starts(rows: list[Row], decl: FormDecl, lines: dict[int, list[Line]]) -> list[int]:
    anchor = decl.recognise.anchor or (decl.grid_fields()[0].key if decl.grid_fields() else None)
    if anchor is not None:
        found = [i for i, r in enumerate(rows) if _first_label_is(r, decl, anchor)]
        if found:
            return found
        titled = _titled_tables(rows, decl, lines)
        if titled or not decl.rows_parts():
            return titled  # the anchor's label is worded past recognition: the table under the title
    part = decl.rows_parts()[0]
    out: list[int] = []
    for i, r in enumerate(rows):  # a header repeated in the same table (a page's repeated header) starts nothing
        if match_header(r, part) is not None and (not out or rows[out[-1]].table is not r.table):
            out.append(i)
    return out


def _belongs(trows: list[Row], decl: FormDecl, anchor_table: Table) -> bool:
    if trows[0].table.n_cols == anchor_table.n_cols:
        return True
    first = trows[0].cells
    if first and not first[0].text.strip() and any(c.text.strip() for c in first):
        return True
    fields = decl.grid_fields()
    return any(match_header(r, p) is not None for r in trows for p in decl.rows_parts()) or any(
        match_field(c.text, fields, GRID_LABEL_ENDS_LIST) is not None for r in trows for c in r.cells)


def _titled_between(prev: Row, nxt: Row, lines: dict[int, list[Line]]) -> bool:
    """A title line of another table between the form's last row and the next table's first."""
    page, top = nxt.page, nxt.top
    floor = prev.bottom if prev.page == page else -1.0
    return any(_OTHER_TITLE_RE.match(ln.text.replace(" ", "")) for ln in lines.get(page, [])
               if floor - 1 <= ln.top and ln.bottom <= top + 1)


def _instance_rows(rows: list[Row], decl: FormDecl, lines: dict[int, list[Line]]) -> list[Row]:
    first_table = rows[0].table
    kept: list[Row] = []
    by_table: dict[str, list[Row]] = {}
    for r in rows:
        by_table.setdefault(r.table.id, []).append(r)
    for trows in by_table.values():
        if trows[0].table is not first_table:
            if not kept or trows[0].page - kept[-1].page > MAX_PAGE_GAP or _titled_between(kept[-1], trows[0], lines):
                break
            if not _belongs(trows, decl, first_table):
                continue
        for r in trows:
            if r.cells and is_note(r.cells[0].text) and len({id(c) for c in r.cells}) == 1:
                return kept
            kept.append(r)
    return kept


def split_instances(rows: list[Row], decl: FormDecl, lines: dict[int, list[Line]]
                    ) -> list[tuple[Row | None, list[Row]]]:
    starts = _starts(rows, decl, lines)
    out = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        prev = rows[s - 1] if n > 0 else _row_before_table(rows, s)
        out.append((prev, _instance_rows(rows[s:end], decl, lines)))
    return out


# A header above the first field (项目 | 预算数（万元）) is at most this many rows.
LEAD_ROWS = 2


def _lead_rows(rows: list[Row], start: Row, decl: FormDecl) -> list[Row]:
    """Rows of the start's table right above it that name no field: a header whose units the values
    under it take (项目 | 预算数（万元） over 合计 …)."""
    i = next((n for n, r in enumerate(rows) if r is start), 0)
    fields = decl.grid_fields()
    out: list[Row] = []
    for r in reversed(rows[max(0, i - LEAD_ROWS):i]):
        if r.table is not start.table or any(match_field(c.text, fields) is not None for c in r.cells):
            break
        out.insert(0, r)
    return out


def _row_before_table(rows: list[Row], s: int) -> Row | None:
    """The last row of an earlier table: the rows above the start in its own table (收入 | 支出 over a
    header) leave the title lines above the table in view."""
    for i in range(s - 1, -1, -1):
        if rows[i].table is not rows[s].table:
            return rows[i]
    return None


def read_heading(start: Row, prev_row: Row | None, lines: dict[int, list[Line]], decl: FormDecl) -> Heading:
    cands = _title_candidates(start, prev_row, lines)
    units = [u for ln in cands if (u := note_unit(ln.text))]
    unit = units[-1] if units else None
    rec = decl.recognise
    if any(re.search(p, ln.text.replace(" ", "")) for p in rec.not_titles for ln in cands):
        return Heading({}, unit, False, True)
    for i in range(len(cands) - 1, -1, -1):
        text = cands[i].text.replace(" ", "")
        if any(re.search(p, text) for p in rec.titles):
            title = cands[i]
            out: dict[str, Field[Any]] = {}
            if "title" in decl.scalars:
                out["title"] = _line_field(title, text)
            year = YEAR_RE.search(text)
            yf = _line_field(title, int(year.group(1))) if year else _year_after(cands[i + 1:])
            if "year" in decl.scalars and yf is not None:
                out["year"] = yf
            return Heading(out, unit, True, False)
    return Heading({}, unit, False, False)


def _lookalike_labels(rows: list[Row], decl: FormDecl) -> bool:
    keys = [label_key(t) for t in decl.recognise.not_labels]
    return any(k and k in label_key(c.text) for r in rows for c in r.cells for k in keys)


def certainty(decl: FormDecl, st: ReadState, heading: Heading, rows: list[Row]) -> float:
    """How sure we are that these rows are this form, in [0, 1]; 0 for a look-alike."""
    if heading.lookalike or _lookalike_labels(rows, decl):
        return 0.0
    grid = decl.grid_fields()
    found = sum(1 for f in grid if f.key in st.grid and st.grid[f.key].source is not None)
    lists = sum(1 for p in decl.rows_parts() if set(p.sides or (p.key,)) & st.seen_lists)
    total = len(grid) + len(decl.rows_parts())
    coverage = (found + lists) / total if total else 0.0
    if heading.titled:  # the title names the form; too few of its fields say it may be another under it
        return min(1.0, coverage / decl.recognise.min_coverage) if decl.recognise.min_coverage else 1.0
    if coverage < decl.recognise.min_coverage:
        return coverage * UNTITLED_BASE
    return UNTITLED_BASE + (UNTITLED_MAX - UNTITLED_BASE) * coverage


def build_data(decl: FormDecl, st: ReadState, heading: Heading) -> dict[str, Any]:
    """The instance as the declared model's data (every leaf a Field dict)."""
    flat: dict[str, Any] = {**heading.fields, **st.grid}
    for key, cols in st.totals.items():
        flat.update({f"{key}.{k}": f for k, f in cols.items()})
    tree: dict[str, Any] = {}
    for key, f in flat.items():
        node = tree
        *heads, last = key.split(".")
        for h in heads:
            node = node.setdefault(h, {})
        node[last] = f.model_dump(mode="json")
    for key, items in st.lists.items():
        tree[key] = [_nest({k: f.model_dump(mode="json") for k, f in it.items()}) for it in items]
    return model_for(decl).model_validate(tree).model_dump(mode="json")


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in flat.items():
        node = out
        *heads, last = key.split(".")
        for h in heads:
            node = node.setdefault(h, {})
        node[last] = v
    return out


def find_declared(decl: FormDecl, rows: list[Row], lines: dict[int, list[Line]], auto: bool) -> list[FormDocument]:
    docs = []
    for prev_row, inst in split_instances(rows, decl, lines):
        if not inst:
            continue
        heading = read_heading(inst[0], prev_row, lines, decl)
        st = read_rows(inst, decl, heading.unit, _lead_rows(rows, inst[0], decl))
        sure = certainty(decl, st, heading, inst)
        need_title = decl.recognise.require_title
        if need_title is None:
            need_title = not decl.grid_fields()
        accepted = (heading.titled and sure > 0) or (sure >= UNTITLED_BASE and not need_title)
        if auto and (sure == 0.0 or not accepted):
            continue
        if not auto:
            sure = max(sure, LOOKALIKE_CERTAINTY)
        data = build_data(decl, st, heading)
        checks = run_declared(decl.checks, data)
        printed = run_in_labels(inst, decl.grid_fields())
        data = settle_unprinted(apply_checks(data, checks, cross_rules(decl.checks)),
                                optional=decl.optional_keys() - printed)
        data = model_for(decl).model_validate(data).model_dump(mode="json")
        pages = set(st.pages) | {f.source.page for f in heading.fields.values() if f.source and f.source.page}
        docs.append(FormDocument(form=decl.name, pages=tuple(sorted(pages)),
                                 confidence=round(aggregate_confidence(data) * sure, 4), data=data,
                                 checks=tuple(checks)))
    return docs
