"""Typed models built from form declarations: every leaf a Field (Money for amounts), lists of row models.

``model_for(decl)`` gives a pydantic class whose fields follow the declaration's keys (dots nest); the mapped
data of a declared form validates against it, so a user of the result gets the typed model back with
``model_for(decl).model_validate(document.data)``.
"""
from __future__ import annotations

from functools import lru_cache
from types import GenericAlias
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from models.fields import Field, Money

_LEAF: dict[str, Any] = {"text": Field[str], "code": Field[str], "comparator": Field[str], "decimal": Field[str],
                         "percent": Field[str], "target": Field[str], "int": Field[int], "year": Field[int], "money": Money}
_NUMERIC = ("money", "int", "decimal", "percent")
_SCALARS = {"title": Field[str], "region": Field[str], "year": Field[int]}


class DeclaredModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def leaf_type(value_type: str, derive: str | None = None) -> Any:
    return Field[str] if derive is not None else _LEAF[value_type]


def _nest(name: str, leaves: dict[str, Any]) -> type[BaseModel]:
    """A model from ``dotted.key -> type``: one sub-model per first key part."""
    groups: dict[str, dict[str, Any]] = {}
    flat: dict[str, Any] = {}
    for key, typ in leaves.items():
        head, _, rest = key.partition(".")
        if rest:
            groups.setdefault(head, {})[rest] = typ
        else:
            flat[key] = typ
    spec: dict[str, Any] = {k: (t, t() if isinstance(t, type) else []) for k, t in flat.items()}
    for head, sub in groups.items():
        sub_model = _nest(f"{name}_{head}", sub)
        spec[head] = (sub_model, sub_model())
    return create_model(name, __base__=DeclaredModel, **spec)


@lru_cache(maxsize=64)
def model_for(decl: Any) -> type[BaseModel]:
    """The typed model of a :class:`~extract.mapping.decl.FormDecl` (cached per declaration).

    The declaration is read by its shape (``kind``), so models/ imports nothing from the pipeline."""
    cls_name = "".join(p.title() for p in decl.name.split("_"))
    leaves: dict[str, Any] = {s: _SCALARS[s] for s in decl.scalars}
    for part in decl.parts:
        if part.kind == "grid":
            leaves.update({f.key: leaf_type(f.type) for f in part.fields})
            continue
        for side in part.sides or (part.key,):
            cols = {c.key: leaf_type(c.type, c.derive) for c in part.columns if not part.sides or c.side == side}
            row_model = _nest(f"{cls_name}_{side}_row", cols)
            leaves[side] = GenericAlias(list, (row_model,))  # list[row_model], built from a runtime class
        for t in part.totals:  # a total row: the numeric columns of its side
            leaves.update({f"{t.key}.{c.key}": leaf_type(c.type) for c in part.columns
                           if c.type in _NUMERIC and (not part.sides or t.side in (None, c.side))})
    return _nest(cls_name, leaves)
