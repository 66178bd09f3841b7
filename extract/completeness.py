"""Completeness is evidence: what the structure or the arithmetic says is missing from the mapped forms.

An absent value has no confidence, so no review queue can find it; this stage names the places where
something went missing and puts them where a reviewer sees them (``Result.issues``, stage
``completeness``; the review queue shows them first). It reads the form through its data (every list of
rows, every ``seq``, every field's source cell) and the result's tables, not through one form's paths:

- ``seq_gap``: printed sequence numbers that skip (1 2 4: a row missing between 2 and 4?);
- ``sum_short``: an equality between a total and the sum of a list's rows that fails (Σ task amounts vs
  项目支出): a row may be missing, or an amount misread;
- ``row_unread``: a row of a table the form read from, holding text that is no label, of which no form
  field took any cell (an indicator row lost, a level-2 group with no rows);
- ``column_unread``: cells of one column, in rows that were read, that no field took (a column whose
  header went unrecognised);
- ``label_row``: a list row holding one of the form's labels as a value (a header read as a row);
- ``page_gap``: a page inside the form's page span from which no field came;
- ``not_found``: a field the form prints whose label (or title line) was never found (the mapper's blank
  at confidence 0.0, which the value queue cannot show);
- ``table_unmapped``: a table carrying the form's labels (or title) that no form took any cell from.

Each gap names its document, its section (``key_tasks``, ``indicators``; ``*`` for a whole form) and a
page region; ``extract.calibration`` lowers the confidence of the fields of that section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from extract.types import BBox, Cell, FormDocument, Issue, Result, Table

STAGE = "completeness"
# A table with cells matching this many distinct labels of a known form is form-like (a lone 合计 or 项目
# is not; a 部门名称 + 项目支出 pair is). Seen on the seed forms: every form table matches 10 or more.
MIN_FORM_LABELS = 2
_TITLE_RE = re.compile(r"绩效目标表|目标申报表|收支总表|支出总表")


@dataclass(frozen=True)
class Gap:
    kind: str
    document: int | None
    section: str
    page: int | None
    bbox: BBox | None
    zh: str
    en: str
    also: tuple[str, ...] = ()  # further sections it may concern
    unread: int = 0  # content cells that went into no field (unread rows and columns)

    def issue(self) -> Issue:
        return Issue(stage=STAGE, page=self.page, message=f"{self.zh} / {self.en}", severity="warning",
                     bbox=self.bbox, document=self.document, fields=(self.section, *self.also), kind=self.kind)


# ------------------------------------------------------------------ form data, read generically

def _is_field(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and "confidence" in node


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if _is_field(node):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")


def section_of(path: str) -> str:
    """The top-level key a field path belongs to: ``key_tasks[2].amount`` -> ``key_tasks``."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def _sources(leaf: dict[str, Any]) -> list[tuple[str, int, int]]:
    src = leaf.get("source") or {}
    table = src.get("table")
    return [(table, int(r), int(c)) for r, c in src.get("cells") or ()] if table else []


def used_cells(result: Result) -> dict[tuple[str, int, int], tuple[int, str]]:
    """(table, row, col) of every field's source cell -> (document index, field path)."""
    out: dict[tuple[str, int, int], tuple[int, str]] = {}
    for i, doc in enumerate(result.documents):
        for path, leaf in _leaves(doc.data):
            for key in _sources(leaf):
                out.setdefault(key, (i, path))
    return out


@lru_cache(maxsize=1)
def _label_vocabularies() -> list[dict[str, Any]]:
    try:
        from extract.mapping import labels
    except ImportError:  # pragma: no cover - mapping is optional for this stage
        return []
    return [v for v in vars(labels).values() if isinstance(v, dict) and v
            and all(isinstance(k, str) and isinstance(t, tuple) for k, t in v.items())]


def label_keys(text: str) -> frozenset[str]:
    """Every known label ``text`` reads as (any form's vocabulary)."""
    return _label_keys(text.strip())


@lru_cache(maxsize=65536)
def _label_keys(text: str) -> frozenset[str]:
    from extract.mapping.labels import match_label

    if not text or len(text) > 24:
        return frozenset()
    out = set()
    for vocab in _label_vocabularies():
        m = match_label(text, vocab)
        if m is not None:
            out.add(m.key)
    return frozenset(out)


def _is_label(text: str) -> bool:
    try:
        return bool(label_keys(text)) or bool(_TITLE_RE.search(text))
    except Exception:  # noqa: BLE001 - a vocabulary that changed shape must not stop the stage
        return False


def _is_note(text: str) -> bool:
    t = "".join(text.split())
    return t.startswith(("注", "备注", "说明", "单位", "填报", "金额单位")) or t in ("合计", "小计", "总计", "-", "—", "/")


def _is_heading(text: str) -> bool:
    """A hierarchy heading (成本指标, 经济效益指标): a row holding only headings is a printed empty group
    (Jieyang 2023 prints 成本指标 with no rows under it; so does the generator), not a lost row."""
    t = "".join(text.split())
    return len(t) <= 10 and t.endswith("指标")


def _bbox_union(cells: list[Cell]) -> BBox | None:
    if not cells:
        return None
    return (min(c.bbox[0] for c in cells), min(c.bbox[1] for c in cells),
            max(c.bbox[2] for c in cells), max(c.bbox[3] for c in cells))


# ------------------------------------------------------------------ detectors

def _item_cells(item: dict[str, Any], tables: dict[str, Table]) -> list[Cell]:
    cells = []
    for _, leaf in _leaves(item):
        for table, r, c in _sources(leaf):
            t = tables.get(table)
            cell = t.cell_at(r, c) if t is not None else None
            if cell is not None:
                cells.append(cell)
    return cells


def seq_gaps(doc: FormDocument, index: int, tables: dict[str, Table]) -> list[Gap]:
    """Lists whose printed ``seq`` skips numbers."""
    gaps = []
    last_seq = 0
    for key, rows in doc.data.items():
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) and _is_field(r.get("seq"))
                                                             for r in rows):
            continue
        printed = [(i, r["seq"]["value"]) for i, r in enumerate(rows)
                   if r["seq"].get("source") and isinstance(r["seq"].get("value"), int)]
        prev_i, prev = None, 0
        if printed and printed[0][1] == last_seq + 1:
            prev = last_seq  # numbering that runs on from the list before (other tasks after key tasks)
        if printed:
            last_seq = max(seq for _, seq in printed)
        for i, seq in printed:
            if seq > prev + 1:
                cells = _item_cells(rows[i], tables) + (_item_cells(rows[prev_i], tables) if prev_i is not None else [])
                page = cells[0].page if cells else None
                box = _bbox_union([c for c in cells if c.page == page])
                if prev_i is None:
                    zh, en = f"第{seq}行之前缺行？", f"rows missing before {seq}?"
                else:
                    zh, en = f"第{prev}与第{seq}行之间缺行？", f"row missing between {prev} and {seq}?"
                gaps.append(Gap("seq_gap", index, key, page, box, f"{key}: {zh}", f"{key}: {en}"))
            prev_i, prev = i, max(prev, seq)
    return gaps


def _cross_rules() -> set[str]:
    try:
        from extract.mapping.checks import CROSS_RULES
        return set(CROSS_RULES)
    except ImportError:  # pragma: no cover
        return set()


def sum_gaps(doc: FormDocument, index: int, tables: dict[str, Table]) -> list[Gap]:
    """A failed equality between a total and the sum of a list's rows: a row may be missing."""
    gaps = []
    rules = _cross_rules()
    for check in doc.checks:
        if check.passed or check.rule not in rules:
            continue
        lists = sorted({section_of(p) for p in check.fields if "[" in p})
        for key in lists:
            rows = doc.data.get(key) or []
            cells = [c for r in rows if isinstance(r, dict) for c in _item_cells(r, tables)]
            page = cells[-1].page if cells else None
            gaps.append(Gap("sum_short", index, key, page, _bbox_union([c for c in cells if c.page == page]),
                            f"{key}: 合计不符（{check.detail}），可能缺行或金额误读",
                            f"{key}: sum does not hold ({check.rule}); a row missing or an amount misread?"))
    return gaps


def _row_cells(table: Table) -> dict[int, list[Cell]]:
    rows: dict[int, list[Cell]] = {}
    for c in table.cells:
        rows.setdefault(c.row, []).append(c)
    return rows


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
            also = tuple(a for a in also if a != section)
            snippet = "".join(content[0].text.split())[:12]
            gaps.append(Gap("row_unread", doc, section, content[0].page, _bbox_union(content),
                            f"{section}: 表格第{r + 1}行（“{snippet}”）未读入任何字段，可能缺行",
                            f"{section}: table row {r + 1} ('{snippet}') went into no field; row missing?", also,
                            len(content)))
    return gaps


def empty_lists(result: Result) -> dict[int, list[str]]:
    """Document index -> its list sections that hold no row (where a lost row most likely belongs)."""
    return {i: [k for k, v in doc.data.items() if isinstance(v, list) and not v] for i, doc in enumerate(result.documents)}


# A column of a read table with this many unused content cells in rows that were read is a region no field
# took (a column whose header went unrecognised: 指标解释 under another name); one stray cell is not.
MIN_UNREAD_COLUMN = 2


def _blank_scalars(doc: FormDocument) -> tuple[str, ...]:
    """The form's top-level single fields left blank with no cell: what an unread label/value pair beside
    another such field most likely held."""
    return tuple(k for k, v in doc.data.items() if _is_field(v) and v.get("value") is None and not v.get("source"))


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
                            sections[1:], len(cells)))
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
                            _blank_scalars(result.documents[doc]) if _is_field(result.documents[doc].data.get(section))
                            else (), len(cells)))
    return gaps


def page_gaps(doc: FormDocument, index: int, used: dict[tuple[str, int, int], tuple[int, str]],
              tables: dict[str, Table]) -> list[Gap]:
    """Pages inside the form's span from which no field came."""
    pages = {int((leaf.get("source") or {})["page"]) for _, leaf in _leaves(doc.data)
             if (leaf.get("source") or {}).get("page") and (leaf.get("source") or {}).get("table")}
    if not pages:
        return []
    return [Gap("page_gap", index, "*", p, None, f"表单跨第{min(pages)}–{max(pages)}页，第{p}页未读出任何行",
                f"the form spans pages {min(pages)}-{max(pages)}; page {p} produced no rows")
            for p in range(min(pages) + 1, max(pages)) if p not in pages]


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


def _field_name(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def not_found(doc: FormDocument, index: int) -> list[Gap]:
    """Fields the form prints whose label or line was never found: the mapper leaves them blank at
    confidence 0.0 (a blank it knows nothing about; an unprinted one gets its own confidence). The queue
    has no cell to show for them, so each field name becomes one item (a list's rows grouped)."""
    missing: dict[str, int] = {}
    for path, leaf in _leaves(doc.data):
        if leaf.get("value") is None and not leaf.get("source") and not leaf.get("raw") and not leaf.get("confidence"):
            name = _field_name(path)
            missing[name] = missing.get(name, 0) + 1
    page = min(doc.pages) if doc.pages else None
    gaps = []
    for name, n in missing.items():
        rows_zh, rows_en = (f"（{n}行）", f" ({n} rows)") if "[]" in name else ("", "")
        gaps.append(Gap("not_found", index, name, page, None, f"未找到字段 {name}{rows_zh}",
                        f"{name} not found on the form{rows_en}"))
    return gaps


def label_rows(doc: FormDocument, index: int, tables: dict[str, Table]) -> list[Gap]:
    """List rows with a value that is one of the form's labels (序号, 项目名称): a header row read as data,
    which shifts what the list holds; the list is doubtful as a whole."""
    gaps = []
    for key, rows in doc.data.items():
        if not isinstance(rows, list):
            continue
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            hits = [leaf["value"] for _, leaf in _leaves(row) if isinstance(leaf.get("value"), str)
                    and leaf.get("source") and _is_label(leaf["value"]) and not _is_heading(leaf["value"])]
            if hits:
                cells = _item_cells(row, tables)
                page = cells[0].page if cells else None
                gaps.append(Gap("label_row", index, key, page, _bbox_union([c for c in cells if c.page == page]),
                                f"{key}[{i}]: 表头（“{hits[0][:10]}”）被当作数据行读入？",
                                f"{key}[{i}]: a header ('{hits[0][:10]}') read as a row?"))
    return gaps


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


def find_gaps(result: Result) -> list[Gap]:
    tables = {t.id: t for t in result.tables}
    used = used_cells(result)
    gaps: list[Gap] = []
    for i, doc in enumerate(result.documents):
        gaps += seq_gaps(doc, i, tables) + sum_gaps(doc, i, tables) + page_gaps(doc, i, used, tables)
        gaps += not_found(doc, i) + label_rows(doc, i, tables)
    gaps += merge_rows(unread_rows(result, used)) + unread_columns(result, used) + unmapped_tables(result, used)
    return gaps


def section_coverage(result: Result) -> dict[tuple[int, str], float]:
    """(document, section) -> share of the section's content cells that went into a field, for sections
    with unread rows or columns. A section a third of whose printed content no field took cannot be more
    than two thirds sure of its values: ``extract.calibration`` bounds their confidence by it."""
    read: dict[tuple[int, str], int] = {}
    for doc, path in used_cells(result).values():
        key = (doc, section_of(path))
        read[key] = read.get(key, 0) + 1
    unread: dict[tuple[int, str], int] = {}
    for g in find_gaps(result):
        if g.unread and g.document is not None:
            key = (g.document, g.section)
            unread[key] = unread.get(key, 0) + g.unread
    return {k: read.get(k, 0) / (read.get(k, 0) + n) for k, n in unread.items()}


def add_completeness(result: Result) -> Result:
    """``result`` with one ``completeness`` issue per gap (earlier ones of this stage replaced)."""
    try:
        gaps = find_gaps(result)
    except Exception as exc:  # noqa: BLE001 - this stage only adds evidence; it never takes a result down
        issue = Issue(stage=STAGE, message=f"completeness check failed: {type(exc).__name__}: {exc}", severity="info")
        return result.model_copy(update={"issues": result.issues + (issue,)})
    kept = tuple(i for i in result.issues if i.stage != STAGE)
    return result.model_copy(update={"issues": kept + tuple(g.issue() for g in gaps)})


def gaps_of(result: Result) -> list[Issue]:
    return [i for i in result.issues if i.stage == STAGE and i.severity != "info"]
