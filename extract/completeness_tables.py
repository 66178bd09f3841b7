"""Completeness evidence read from the tables: rows, columns and label/value pairs of a table a form read
from that no field took, and form-like tables that gave no form any cell."""
from __future__ import annotations

import re
from typing import Any

from extract.review import is_field
from extract.completeness_base import (_TITLE_RE, Gap, _bbox_union, _blank_scalars, _is_heading,
                                       _is_label, _is_note, _row_cells, label_keys, section_of)
from extract.types import Cell, Result

# A table with cells matching this many distinct labels of a known form is form-like (a lone 合计 or 项目
# is not; a 部门名称 + 项目支出 pair is). Seen on the seed forms: every form table matches 10 or more.
MIN_FORM_LABELS = 2


def unread_rows(result: Result, used: dict[tuple[str, int, int], tuple[int, str]]) -> list[Gap]:
    """Rows of a table a form read from that hold non-label text of which no field took a cell."""
    gaps = []
    empty = empty_lists(result)
    for table in result.tables:
        mine = sorted((r, owner) for (t, r, _), owner in used.items() if t == table.id)
        if not mine:
            continue
        first = mine[0][0]
        by_row = _row_cells(table)
        for r in range(first + 1, table.n_rows):
            cells = by_row.get(r, [])
            if any((table.id, c.row, c.col) in used for c in cells if c.row_span == 1):
                continue  # the row was read (a merged level cell above does not count)
            text = [c for c in cells if c.text.strip() and (table.id, c.row, c.col) not in used]
            content = [c for c in text if not _is_label(c.text) and not _is_note(c.text)]
            if not content or all(_is_heading(c.text) for c in content):
                continue
            above = [owner for rr, owner in mine if rr < r] or [mine[0][1]]
            below = [owner for rr, owner in mine if rr > r and owner[0] == above[-1][0]]
            doc, path = above[-1]
            section = section_of(path)
            # a lost row belongs to the section above it, or opens the one below (its label lost with it)
            also = tuple(dict.fromkeys([section_of(p) for _, p in below[:1]] + empty.get(doc, [])))
            also = tuple(a for a in also + _header_blanks(result, doc, section) if a != section)
            snippet = "".join(content[0].text.split())[:12]
            gaps.append(Gap("row_unread", doc, section, content[0].page, _bbox_union(content),
                            f"{section}: 表格第{r + 1}行（“{snippet}”）未读入任何字段，可能缺行",
                            f"{section}: table row {r + 1} ('{snippet}') went into no field; row missing?", also,
                            len(content)))
    return gaps


def _header_blanks(result: Result, doc: int, section: str) -> tuple[str, ...]:
    """Content unread beside the form's single fields (its header block: 部门名称, 主管部门...) may be the
    value of one of them left blank with no cell (its label worded another way): those blanks."""
    document = result.documents[doc]
    return _blank_scalars(document) if is_field(document.data.get(section)) else ()


def empty_lists(result: Result) -> dict[int, list[str]]:
    """Document index -> its list sections that hold no row (where a lost row most likely belongs)."""
    return {i: [k for k, v in doc.data.items() if isinstance(v, list) and not v] for i, doc in enumerate(result.documents)}


# A column of a read table with this many unused content cells in rows that were read is a region no field
# took (a column whose header went unrecognised: 指标解释 under another name); one stray cell is not.
MIN_UNREAD_COLUMN = 2


def unread_columns(result: Result, used: dict[tuple[str, int, int], tuple[int, str]]) -> list[Gap]:
    """Columns of a table a form read from whose cells, in rows that were read, no field took."""
    gaps = []
    for table in result.tables:
        owners = {(r, c): owner for (t, r, c), owner in used.items() if t == table.id}
        if not owners:
            continue
        read_rows = {r for r, _ in owners}
        by_col: dict[int, list[tuple[Cell, tuple[int, str]]]] = {}
        labels_unused: dict[int, int] = {}
        for c in table.cells:
            if c.row not in read_rows or (c.row, c.col) in owners or not c.text.strip():
                continue
            if _is_label(c.text) or _is_note(c.text) or _is_heading(c.text):
                if _is_label(c.text):
                    labels_unused[c.row] = labels_unused.get(c.row, 0) + 1
                continue
            row_owner = next(o for (r, _), o in sorted(owners.items()) if r == c.row)
            by_col.setdefault(c.col, []).append((c, row_owner))
        lone: dict[int, list[tuple[Cell, tuple[int, str]]]] = {}
        for col, hits in sorted(by_col.items()):
            if len(hits) < MIN_UNREAD_COLUMN:
                for hit in hits:
                    lone.setdefault(hit[0].row, []).append(hit)
                continue
            doc = hits[0][1][0]
            sections = tuple(dict.fromkeys(section_of(o[1]) for _, o in hits if o[0] == doc))
            cells = [c for c, _ in hits]
            page = cells[0].page
            snippet = "".join(cells[0].text.split())[:12]
            gaps.append(Gap("column_unread", doc, sections[0], page, _bbox_union([c for c in cells if c.page == page]),
                            f"{sections[0]}: 第{col + 1}列有{len(cells)}个单元格（“{snippet}”…）未读入任何字段",
                            f"{sections[0]}: {len(cells)} cells of column {col + 1} ('{snippet}'...) went into no field",
                            tuple(dict.fromkeys(sections[1:] + _header_blanks(result, doc, sections[0]))), len(cells)))
        for row, hits in sorted(lone.items()):
            # a label and its value side by side that no field took: a label worded another way
            # (资金主管单位 for 资金主管部门); one stray cell alone is noise (a unit, a mark)
            if len(hits) + labels_unused.get(row, 0) < 2:
                continue
            doc, path = hits[0][1]
            cells = [c for c, _ in hits]
            snippet = "".join(cells[0].text.split())[:12]
            section = section_of(path)
            gaps.append(Gap("cells_unread", doc, section, cells[0].page, _bbox_union(cells),
                            f"{section}: 表格第{row + 1}行有{len(cells)}个单元格（“{snippet}”…）未读入任何字段",
                            f"{section}: {len(cells)} cells of table row {row + 1} ('{snippet}'...) went into no field",
                            _blank_scalars(result.documents[doc]) if is_field(result.documents[doc].data.get(section))
                            else (), len(cells)))
    return gaps


def unmapped_tables(result: Result, used: dict[tuple[str, int, int], tuple[int, str]]) -> list[Gap]:
    """Tables that carry a known form's labels (or its title) and gave no form any cell."""
    touched = {t for t, _, _ in used}
    gaps = []
    for table in result.tables:
        if table.id in touched:
            continue
        keys: set[str] = set()
        titled = False
        for c in table.cells:
            try:
                keys |= label_keys(c.text)
            except Exception:  # noqa: BLE001
                pass
            titled = titled or bool(_TITLE_RE.search(c.text))
        if len(keys) < MIN_FORM_LABELS and not titled:
            continue
        page = table.pages[0] if table.pages else None
        gaps.append(Gap("table_unmapped", _nearest_document(result, page), "*", page, table.bbox,
                        f"形似表单的表格未映射（{len(keys)}个表单标签）",
                        f"form-like table not mapped ({len(keys)} form labels)"))
    return gaps


def _nearest_document(result: Result, page: int | None) -> int | None:
    """The document on or next to ``page`` (a part of it that never reached the mapper), else None."""
    if page is None:
        return None
    for i, doc in enumerate(result.documents):
        if doc.pages and min(doc.pages) - 1 <= page <= max(doc.pages) + 1:
            return i
    return None


def merge_rows(gaps: list[Gap]) -> list[Gap]:
    """Unread rows of one document and section as one item (a reviewer looks at the section once)."""
    groups: dict[tuple[Any, ...], list[Gap]] = {}
    for g in gaps:
        groups.setdefault((g.document, g.section, g.page), []).append(g)
    out = []
    for (doc, section, page), group in groups.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        rows = [m.group(1) for g in group if (m := re.search(r"table row (\d+)", g.en))]
        shown = ", ".join(rows[:6]) + ("…" if len(rows) > 6 else "")
        boxes = [g.bbox for g in group if g.bbox]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
               max(b[3] for b in boxes)) if boxes else None
        also = tuple(dict.fromkeys(a for g in group for a in g.also))
        out.append(Gap("row_unread", doc, section, page, box,
                       f"{section}: 表格第{shown}行（共{len(rows)}行）未读入任何字段，可能缺行",
                       f"{section}: table rows {shown} ({len(rows)} rows) went into no field; rows missing?",
                       also, sum(g.unread for g in group)))
    return out


