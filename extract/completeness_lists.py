"""Completeness evidence read from the form's own data: its printed sequence numbers, its arithmetic, list
rows holding a label, pages of its span with no field, fields whose label was never found."""
from __future__ import annotations

import re
from typing import Any

from extract.review import is_field, iter_fields
from extract.completeness_base import (Gap, _bbox_union, _field_name, _is_heading, _is_label,
                                       _item_cells, section_of)
from extract.types import FormDocument, Table


def seq_gaps(doc: FormDocument, index: int, tables: dict[str, Table]) -> list[Gap]:
    """Lists whose printed ``seq`` skips numbers."""
    gaps = []
    last_seq = 0
    for key, rows in doc.data.items():
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) and is_field(r.get("seq"))
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
                # the missing row may have gone into another list or none: an empty list of the form is where
                # a lost row most likely belongs (as for an unread row)
                empty = tuple(k for k, v in doc.data.items() if isinstance(v, list) and not v and k != key)
                gaps.append(Gap("seq_gap", index, key, page, box, f"{key}: {zh}", f"{key}: {en}", empty))
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


def page_gaps(doc: FormDocument, index: int, used: dict[tuple[str, int, int], tuple[int, str]],
              tables: dict[str, Table]) -> list[Gap]:
    """Pages inside the form's span from which no field came."""
    pages = {int((leaf.get("source") or {})["page"]) for _, leaf in iter_fields(doc.data)
             if (leaf.get("source") or {}).get("page") and (leaf.get("source") or {}).get("table")}
    if not pages:
        return []
    return [Gap("page_gap", index, "*", p, None, f"表单跨第{min(pages)}–{max(pages)}页，第{p}页未读出任何行",
                f"the form spans pages {min(pages)}-{max(pages)}; page {p} produced no rows")
            for p in range(min(pages) + 1, max(pages)) if p not in pages]


def not_found(doc: FormDocument, index: int) -> list[Gap]:
    """Fields the form prints whose label or line was never found: the mapper leaves them blank at
    confidence 0.0 (a blank it knows nothing about; an unprinted one gets its own confidence). The queue
    has no cell to show for them, so each field name becomes one item (a list's rows grouped).

    A list column never found also names its list: the list's header was not read as the form prints it,
    so whole rows of it may be missing or read into a neighbouring list (on the training split, a key-task
    table whose 内容 and 金额 headers went unfound kept one of its six rows, the others read as goals)."""
    missing: dict[str, int] = {}
    for path, leaf in iter_fields(doc.data):
        if leaf.get("value") is None and not leaf.get("source") and not leaf.get("raw") and not leaf.get("confidence"):
            name = _field_name(path)
            missing[name] = missing.get(name, 0) + 1
    page = min(doc.pages) if doc.pages else None
    gaps = []
    for name, n in missing.items():
        rows_zh, rows_en = (f"（{n}行）", f" ({n} rows)") if "[]" in name else ("", "")
        also = (section_of(name),) if "[]" in name else ()
        gaps.append(Gap("not_found", index, name, page, None, f"未找到字段 {name}{rows_zh}",
                        f"{name} not found on the form{rows_en}", also=also))
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
            hits = [leaf["value"] for _, leaf in iter_fields(row) if isinstance(leaf.get("value"), str)
                    and leaf.get("source") and _is_label(leaf["value"]) and not _is_heading(leaf["value"])]
            if hits:
                cells = _item_cells(row, tables)
                page = cells[0].page if cells else None
                gaps.append(Gap("label_row", index, key, page, _bbox_union([c for c in cells if c.page == page]),
                                f"{key}[{i}]: 表头（“{hits[0][:10]}”）被当作数据行读入？",
                                f"{key}[{i}]: a header ('{hits[0][:10]}') read as a row?"))
    return gaps




def _row_keys(item: dict[str, Any]) -> set[tuple[str, str, int, int, str]]:
    """(field, table, row, col, value) of every sourced leaf of a list row."""
    return {(name, str(leaf["source"]["table"]), int(r), int(c), str(leaf.get("value")))
            for name, leaf in iter_fields(item) if (leaf.get("source") or {}).get("table")
            for r, c in leaf["source"].get("cells") or ()}


def duplicate_rows(doc: FormDocument, index: int, tables: dict[str, Table]) -> list[Gap]:
    """A list row whose every field holds the value an earlier row read from the same cell: one printed row
    read twice (a row split over two lines, a merged cell), so the rows after it are out of step with the
    form. Fill-down shares only a level's merged cell, and items split from one cell (numbered goals)
    differ in value: neither is a row read twice."""
    gaps = []
    for key, rows in doc.data.items():
        if not isinstance(rows, list):
            continue
        seen: list[set[tuple[str, str, int, int, str]]] = []
        for i, row in enumerate(rows):
            cells = _row_keys(row) if isinstance(row, dict) else set()
            if cells and any(cells <= earlier for earlier in seen):
                found = _item_cells(row, tables)
                page = found[0].page if found else None
                gaps.append(Gap("duplicate_row", index, key, page, _bbox_union([c for c in found if c.page == page]),
                                f"{key}[{i}]: 与前面一行读自同一单元格，可能重复读入、其后各行错位",
                                f"{key}[{i}]: read from the same cells as an earlier row; read twice, rows after "
                                "it out of step?"))
            seen.append(cells)
    return gaps


_ENUM = r"(?:目标|任务|（|\()?\s*(\d{1,2})\s*(?:[、:：.．)）]|(?<=\d)[,，](?=\D))"
_START_RE = re.compile(r"^\s*" + _ENUM)
_NEXT_RE = re.compile(r"(?:目标|任务)\s*(\d{1,2})\s*[、:：.．,，)）]|[。；;\n]\s*(\d{1,2})\s*[、:：．)）]")


def merged_items(doc: FormDocument, index: int, tables: dict[str, Table]) -> list[Gap]:
    """A list of numbered text items (goals) one of which runs on into the next number (目标1：… 目标2，…):
    items printed apart and read as one, so the list is short of rows. Only lists whose items are single
    texts: a task's content numbering its own sub-points (1、… 2、…) is no merged row."""
    gaps = []
    for key, rows in doc.data.items():
        if not isinstance(rows, list):
            continue
        for i, row in enumerate(rows):
            text = row.get("value") if is_field(row) else None
            if not isinstance(text, str) or (start := _START_RE.match(text)) is None:
                continue
            k = int(start.group(1))
            if k + 1 not in {int(a or b) for a, b in _NEXT_RE.findall(text[start.end():])}:
                continue
            cells = _item_cells({"v": row}, tables)
            page = cells[0].page if cells else None
            gaps.append(Gap("merged_items", index, key, page, _bbox_union([c for c in cells if c.page == page]),
                            f"{key}[{i}]: 第{k}项与第{k + 1}项读成一项，可能缺行",
                            f"{key}[{i}]: items {k} and {k + 1} read as one; rows missing?"))
    return gaps


SHARED_ROW_CHARS = 12
"""A level's merged cell, taken by every row under it by design, holds one short name (产出指标,
社会效益指标: <= 10 characters); a cell of more characters that several rows took is several printed rows
read as one cell (``extract.calibration_features.SHARED_LONG_CHARS``, the same edge)."""


def shared_rows(doc: FormDocument, index: int, tables: dict[str, Table]) -> list[Gap]:
    """A list whose rows took one source cell holding more than a short name: on a scan, one tall OCR'd
    cell holding several printed rows' texts, so those rows were read as fewer and the list is short of
    rows no sequence number shows (training split, harsh scan: 16 indicator rows read as 15, the lost
    one behind such cells, no other item pointing at it). One item per list."""
    gaps = []
    for key, rows in doc.data.items():
        if not isinstance(rows, list):
            continue
        # keyed by the value too: numbered goals split from one cell share it with different texts
        takers: dict[tuple[str, tuple[tuple[int, int], ...], str], set[int]] = {}
        for i, row in enumerate(rows):
            for _, leaf in iter_fields(row):
                src = leaf.get("source") or {}
                value = leaf.get("value")
                if src.get("table") and src.get("cells") and isinstance(value, str) and len(value) > SHARED_ROW_CHARS:
                    key_cells = tuple(tuple(rc) for rc in src["cells"])
                    takers.setdefault((str(src["table"]), key_cells, value), set()).add(i)
        shared = sorted({i for rs in takers.values() if len(rs) > 1 for i in rs})
        if not shared:
            continue
        cells = [c for i in shared for c in _item_cells(rows[i], tables)]
        page = cells[0].page if cells else None
        gaps.append(Gap("shared_rows", index, key, page, _bbox_union([c for c in cells if c.page == page]),
                        f"{key}: {len(shared)}行读自同一单元格（多行文字读成一格？），可能缺行",
                        f"{key}: {len(shared)} rows read from one cell holding several rows' text; rows missing?"))
    return gaps
