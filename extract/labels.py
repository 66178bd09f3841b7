"""What a reviewer sees for a field: the label the form prints, and amounts in the form's printed unit.

``field_label(form, path, lang)`` is the ONE place the review app and the exports turn a field path into
words, for any form: the words come from the form's declaration (``extract/forms/*.yaml``, entry points),
its ``display`` block first, then each field's declared label, with the key in words for English. A form
the registry does not know (a store written by a plug-in no longer installed) shows its paths as they are.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from extract.review import field_name

if TYPE_CHECKING:
    from extract.mapping.decl import FormDecl

Words = tuple[str, str]  # (zh, en)
_SCALARS: dict[str, Words] = {"title": ("标题", "Title"), "region": ("地区", "Region"), "year": ("年度", "Year")}
_CELL = ("表格单元", "Table cell")
_LIST = re.compile(r"^([a-z_]+)\[(\d+)\](?:\.(.+))?$")


def _pick(pair: Words, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def key_words(key: str) -> str:
    """A key in English words: ``budget.basic_expenditure`` -> ``Basic expenditure``."""
    words = key.split(".")[-1].replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@lru_cache(maxsize=64)
def declaration(form: str | None) -> FormDecl | None:
    """The declaration of a form by name (built in or from an entry point), or None."""
    if not form:
        return None
    from extract.mapping.forms import available_forms

    spec = available_forms().get(form)
    return spec.decl if spec is not None else None


@lru_cache(maxsize=64)
def words_table(form: str | None) -> dict[str, Words]:
    """Field path -> (zh, en), in the form's printed order: lists as ``key[]``, their columns as ``key[].leaf``
    and, shared by every list, ``[].leaf``."""
    decl = declaration(form)
    if decl is None:
        return {}
    table: dict[str, Words] = {}
    for s in decl.scalars:
        table[s] = _SCALARS[s]
    for f in decl.grid_fields():
        table[f.key] = (f.label, key_words(f.key))
    for part in decl.rows_parts():
        for k in part.sides or (part.key,):
            table[f"{k}[]"] = (key_words(k), key_words(k))
            for c in part.columns:
                if not part.sides or c.side == k:
                    table[f"{k}[].{c.key}"] = (c.label, key_words(c.key))
        for t in part.totals:
            table[t.key] = (t.label, key_words(t.key))
            for c in part.columns:
                if c.type == "money" and (not part.sides or t.side in (None, c.side)):
                    table[f"{t.key}.{c.key}"] = (f"{t.label} · {c.label}", f"{key_words(t.key)} · {key_words(c.key)}")
    shown = {k: tuple(v) for k, v in decl.display.items()}
    return {**shown, **{k: v for k, v in table.items() if k not in shown}}  # type: ignore[dict-item]


def _leaf(table: dict[str, Words], list_key: str, leaf: str) -> Words | None:
    return table.get(f"[].{leaf}") or table.get(f"{list_key}[].{leaf}")


def form_label(form: str | None, lang: str = "zh") -> str:
    decl = declaration(form)
    if decl is None:
        return form or ""
    return decl.title if lang != "en" else (decl.title_en or key_words(decl.name))


def field_label(form: str | None, path: str, lang: str = "zh") -> str:
    """The printed label of ``path`` on ``form``: 部门名称, 基本支出, 重点任务 3 · 金额 (en: Key task 3 · Amount).

    A path the declaration does not name is returned as it is (never an error: new forms still show something).
    """
    table = words_table(form)
    if path in table:
        return _pick(table[path], lang)
    m = _LIST.match(path)
    if m and f"{m.group(1)}[]" in table:
        head = f"{_pick(table[m.group(1) + '[]'], lang)} {int(m.group(2)) + 1}"
        if not m.group(3):
            return head
        leaf = _leaf(table, m.group(1), m.group(3))
        return f"{head} · {_pick(leaf, lang) if leaf else m.group(3)}"
    return _pick(table[field_name(path)], lang) if field_name(path) in table else path


def name_label(form: str | None, name: str, lang: str = "zh") -> str:
    """A field name of the filter list (``key_tasks[].amount``) in words: 重点任务 · 金额."""
    if name == "cell":
        return _pick(_CELL, lang)
    table = words_table(form)
    head, _, leaf = name.partition("[]")
    if f"{head}[]" not in table:
        return field_label(form, name, lang)
    words = _pick(table[f"{head}[]"], lang)
    leaf_pair = _leaf(table, head, leaf[1:]) if leaf else None
    return f"{words} · {_pick(leaf_pair, lang)}" if leaf_pair else words


def leaf_label(form: str | None, leaf: str, lang: str = "zh", list_key: str = "") -> str:
    """The printed column label of a field inside a list item (``amount`` -> 金额), the path where unknown."""
    table = words_table(form)
    pair = _leaf(table, list_key, leaf) or next((v for k, v in table.items() if k.endswith(f"[].{leaf}")), None)
    return _pick(pair, lang) if pair else leaf


def cell_label(table: str, row: int, col: int, lang: str = "zh") -> str:
    return f"表 {table[1:] if table.startswith('t') else table} · 第 {row + 1} 行第 {col + 1} 列" if lang != "en" \
        else f"Table {table} · row {row + 1}, column {col + 1}"


UNIT_SCALE = {"万元": Decimal(10000), "元": Decimal(1)}


def to_printed_unit(yuan: str | None, unit: str | None) -> str | None:
    """A yuan decimal string shown in the form's printed unit: ('43938500.00', '万元') -> '4,393.85'."""
    if yuan is None:
        return None
    try:
        amount = Decimal(yuan) / UNIT_SCALE.get(unit or "元", Decimal(1))
    except (InvalidOperation, ArithmeticError):
        return yuan
    exponent = amount.normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # NaN, Infinity: not an amount, shown as given
        return yuan
    places = min(6, max(2, -exponent))
    return f"{amount:,.{places}f}"


@lru_cache(maxsize=64)
def _order(form: str | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for k in words_table(form):
        out.setdefault(k.split("[].", 1)[1] if "[]." in k else k.removesuffix("[]"), len(out))
    return out


def field_order(path: str, form: str | None = None) -> int:
    """Position of a field (or a list item's field, ``amount``) in the form's printed order; unknown last."""
    order = _order(form)
    return order.get(path, len(order))
