"""The declaration language of a form: what its fields are, how they are printed, which rules hold.

A form is a :class:`FormDecl`: how to recognise it (title patterns, labels that say it is another table),
its parts, and its checks. Parts come in two shapes:

- ``grid``: label -> value fields (the value right of its label, or under it);
- ``rows``: a header row naming columns, then one item per row; columns marked ``fill_down`` are levels of
  a hierarchy (一级/二级指标, 类/款) filled down from the row above where a deeper level is printed;
  ``sides`` read two lists side by side from one header (收入 | 支出); ``totals`` are rows whose label
  names a total (合计, 收入总计), kept as fields, not items.

Checks are rules over field paths (``funds.total``, ``items[*].amount``): ``sum``, ``equal``, ``range``,
``order`` and ``hierarchy`` (a parent code's amounts are the sums of its children's: 类 = Σ款 = Σ项).
Declarations are plain data: :mod:`extract.mapping.decl_load` reads them from YAML or TOML.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ValueType = Literal["text", "int", "year", "money", "decimal", "percent", "comparator", "code", "target"]
UnitSource = Literal["cell", "label", "header", "note"]
DEFAULT_UNIT_SOURCES: tuple[UnitSource, ...] = ("cell", "label", "header", "note")
_KEY_RE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_PATH_RE = re.compile(r"[A-Za-z_]\w*(\[(\*|\d+)\])?(\.[A-Za-z_]\w*(\[(\*|\d+)\])?)*")


class _Decl(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldDecl(_Decl):
    """One field: where its label is, what it holds, where its unit comes from."""

    key: str = Field(description="name in the result; dots nest (funds.fiscal)")
    label: str = Field(description="the label as the form prints it")
    synonyms: tuple[str, ...] = Field((), description="other printed wordings of the label")
    type: ValueType = "text"
    unit: tuple[UnitSource, ...] | Literal["元", "万元"] = Field(
        DEFAULT_UNIT_SOURCES, description="money: where the unit comes from, first found wins; or a fixed unit")
    optional: bool = Field(False, description="a form variant may not print it: its absence is a confident blank")
    fill_down: bool = Field(False, description="rows: a hierarchy level filled down from the row above")
    side: str | None = Field(None, description="rows with sides: which list this column belongs to")
    derive: Literal["comparator", "value_min", "value_max", "unit"] | None = Field(
        None, description="computed from the numeric target text of column `source` (≥90% -> ≥, 90, 90, %)")
    source: str | None = Field(None, description="with derive: the column it is computed from")
    doc: str = ""

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not _KEY_RE.fullmatch(v):
            raise ValueError(f"{v!r} is not a field key (letters, digits, _ and dots)")
        return v

    @model_validator(mode="after")
    def _derived_has_source(self) -> FieldDecl:
        if (self.derive is None) != (self.source is None):
            raise ValueError("derive and source go together")
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


class GridPart(_Decl):
    kind: Literal["grid"]
    fields: tuple[FieldDecl, ...]


class RowsPart(_Decl):
    kind: Literal["rows"]
    key: str = Field(description="the list's name (with sides: unused, each side is a list)")
    columns: tuple[FieldDecl, ...]
    required: tuple[str, ...] = Field((), description="columns the header must name to count as this list")
    min_header: int = Field(2, description="header cells that must match a column")
    sides: tuple[str, ...] = Field((), description="lists read side by side from one header (income, expenditure)")
    totals: tuple[FieldDecl, ...] = Field((), description="rows whose label names a total: kept as fields")
    skip: tuple[str, ...] = Field((), description="labels of rows that are no item (a sub-header, 其中:)")

    @model_validator(mode="after")
    def _consistent(self) -> RowsPart:
        keys = {c.key for c in self.columns}
        for name in self.required:
            if name not in keys:
                raise ValueError(f"required column {name!r} is not declared")
        for c in self.columns:
            if self.sides and c.side not in self.sides:
                raise ValueError(f"column {c.key!r}: side must be one of {list(self.sides)}")
            if c.derive and c.source not in keys:
                raise ValueError(f"column {c.key!r}: source {c.source!r} is not declared")
        return self

    @property
    def printed(self) -> tuple[FieldDecl, ...]:
        return tuple(c for c in self.columns if c.derive is None)


Part = Annotated[GridPart | RowsPart, Field(discriminator="kind")]


class CheckDecl(_Decl):
    """A rule over field paths; ``[*]`` runs over a list (each item, or every item for sums)."""

    name: str
    rule: Literal["sum", "equal", "range", "order", "hierarchy"]
    total: str | None = Field(None, description="sum: the path equal to the sum of terms; hierarchy: the total row")
    terms: tuple[str, ...] = Field((), description="sum: paths added up (a [*] path adds every item)")
    fields: tuple[str, ...] = Field((), description="equal: all equal; order: non-decreasing; range: each")
    min: float | None = None
    max: float | None = None
    tolerance: float = Field(0.0, description="absolute slack of sum/equal, in the values' own unit (元)")
    rows: str | None = Field(None, description="hierarchy: the list holding coded rows")
    code: str = Field("code", description="hierarchy: the column holding the code")
    amounts: tuple[str, ...] = Field((), description="hierarchy: the columns that add up")
    code_lengths: tuple[int, ...] = Field((3, 5, 7), description="hierarchy: code length of each level (类 款 项)")
    doc: str = ""

    @model_validator(mode="after")
    def _needs(self) -> CheckDecl:
        need = {"sum": ("total", "terms"), "equal": ("fields",), "range": ("fields",), "order": ("fields",),
                "hierarchy": ("rows", "amounts")}[self.rule]
        for attr in need:
            if not getattr(self, attr):
                raise ValueError(f"rule {self.rule} needs {attr!r}")
        for p in (self.total, *self.terms, *self.fields):
            if p is not None and not _PATH_RE.fullmatch(p):
                raise ValueError(f"{p!r} is not a field path (a.b, items[*].amount)")
        return self


class Recognise(_Decl):
    titles: tuple[str, ...] = Field((), description="regular expressions a title line above the form matches")
    not_titles: tuple[str, ...] = Field((), description="titles of look-alikes: a match says it is not this form")
    not_labels: tuple[str, ...] = Field((), description="labels only a look-alike prints (全年完成值)")
    anchor: str | None = Field(None, description="field key whose label starts an instance; default: the first")
    min_coverage: float = Field(0.5, description="without a title: share of fields found to accept the form")
    require_title: bool | None = Field(None, description="auto detection needs a title line; default: for a "
                                       "form of lists only (its header alone is no proof: 收入|支出 rows abound)")


class ExportList(_Decl):
    """Lists exported together (one CSV file, one JSONL record kind), e.g. key and other tasks."""

    keys: tuple[str, ...] = Field(description="the lists (rows parts or sides) in this group")
    record: str = Field(description="the JSONL record kind of their rows (task)")
    file: str = Field(description="CSV/Parquet file suffix: OUT-<file>.csv (tasks)")


class ExportDecl(_Decl):
    """How exports lay the form out; every part has a default from the declaration."""

    record: str = Field("form", description="the JSONL record kind of a form's own row (department)")
    sheet: tuple[str, str] | None = Field(None, description="XLSX sheet of the forms' own rows (zh, en); "
                                          "default: the title")
    lists: tuple[ExportList, ...] = Field((), description="groups of lists; a list in none is a group alone")


class FormDecl(_Decl):
    name: str = Field(description="the form's name in results and on the command line")
    title: str = Field(description="the form's printed name")
    description: str = ""
    recognise: Recognise = Recognise()
    parts: tuple[Part, ...]
    checks: tuple[CheckDecl, ...] = ()
    scalars: tuple[Literal["title", "region", "year"], ...] = Field(
        ("title", "year"), description="values read from the title lines above the form")
    reader: str | None = Field(None, description="a hand-written reader that interprets this declaration "
                               "(built in: department_performance_targets); none: the generic reader")
    vocabulary: dict[str, dict[str, tuple[str, ...]] | tuple[str, ...]] = Field(
        default_factory=dict, description="more label sets a hand-written reader reads (sections, groups)")
    title_en: str = Field("", description="the form's name in English (review app, exports)")
    display: dict[str, tuple[str, str]] = Field(
        default_factory=dict, description="(zh, en) words for a field where its printed label will not do: "
        "a path (budget.basic_expenditure), a list (key_tasks[]) or a list's column ([].amount); "
        "default: the declared label and the key in words")
    export: ExportDecl = ExportDecl()
    summary: tuple[str, ...] = Field((), description="fields the CLI summary shows; default: the title scalar, "
                                     "the grid fields and money totals, six at most")

    def __hash__(self) -> int:  # a declaration is loaded once; identity is its key in caches
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError(f"{v!r}: a form name is lower case letters, digits and _")
        return v

    @model_validator(mode="after")
    def _unique_keys(self) -> FormDecl:
        seen: set[str] = set(self.scalars)
        for key in self.all_keys():
            if key in seen:
                raise ValueError(f"field key {key!r} declared twice")
            seen.add(key)
        for pattern in (*self.recognise.titles, *self.recognise.not_titles):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"title pattern {pattern!r}: {exc}") from None
        return self

    def all_keys(self) -> list[str]:
        keys: list[str] = []
        for part in self.parts:
            if isinstance(part, GridPart):
                keys += [f.key for f in part.fields]
            else:
                keys += list(part.sides) or [part.key]
                keys += [t.key for t in part.totals]
        return keys

    def grid_fields(self) -> list[FieldDecl]:
        return [f for p in self.parts if isinstance(p, GridPart) for f in p.fields]

    def rows_parts(self) -> list[RowsPart]:
        return [p for p in self.parts if isinstance(p, RowsPart)]

    def optional_keys(self) -> frozenset[str]:
        """Leaf names whose absence is a confident blank (the last part of each optional key)."""
        out = {f.key.split(".")[-1] for f in self.grid_fields() if f.optional}
        out |= {c.key for p in self.rows_parts() for c in (*p.columns, *p.totals) if c.optional}
        return frozenset(out)

    def list_keys(self) -> list[str]:
        """The lists the form holds (rows parts and their sides), to flatten in exports."""
        return [k for p in self.rows_parts() for k in (p.sides or (p.key,))]
