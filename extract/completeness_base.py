"""Completeness evidence, shared parts: the ``Gap`` an item is made from, and the form's data and tables read
generically (every field leaf, its source cells, the known labels any form prints)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extract.types import BBox, Cell, FormDocument, Issue, Result, Table
from extract.review import is_field, iter_fields

STAGE = "completeness"
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
        for path, leaf in iter_fields(doc.data):
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


def _item_cells(item: dict[str, Any], tables: dict[str, Table]) -> list[Cell]:
    cells = []
    for _, leaf in iter_fields(item):
        for table, r, c in _sources(leaf):
            t = tables.get(table)
            cell = t.cell_at(r, c) if t is not None else None
            if cell is not None:
                cells.append(cell)
    return cells


def _row_cells(table: Table) -> dict[int, list[Cell]]:
    rows: dict[int, list[Cell]] = {}
    for c in table.cells:
        rows.setdefault(c.row, []).append(c)
    return rows


def _field_name(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)




def _blank_scalars(doc: FormDocument) -> tuple[str, ...]:
    """The form's top-level single fields left blank with no cell: what an unread label/value pair beside
    another such field most likely held."""
    return tuple(k for k, v in doc.data.items() if is_field(v) and v.get("value") is None and not v.get("source"))


