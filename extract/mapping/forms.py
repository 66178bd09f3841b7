"""Registry of known forms: name -> how to find and read its instances in a document's rows.

Built-in forms: the department form (its own reader) and the declarations in ``extract/forms/*.yaml``.
More come from form files (``--form my_form.yaml``), folders of them (``--forms-dir``) and packages that
register an entry point in the ``extract.forms`` group (the entry point loads to a path of a form file or
folder, a :class:`~extract.mapping.decl.FormDecl`, or a callable returning either or a list of them).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from extract.mapping import department_performance_targets as dpt
from extract.mapping.checks import aggregate_confidence, apply_checks, run_checks
from extract.mapping.decl import FormDecl
from extract.mapping.decl_load import FORM_SUFFIXES, FormFileError, load_form, load_forms_dir
from extract.mapping.fields import OPTIONAL_KEYS, run_in_labels, settle_unprinted
from extract.mapping.rows import Line, Row
from extract.types import Check, FormDocument
from models.budget import FORM_NAME as DPT_NAME
from models.budget import DepartmentPerformanceTargets

log = logging.getLogger(__name__)
BUILTIN_DIR = Path(__file__).resolve().parent.parent / "forms"
ENTRY_POINT_GROUP = "extract.forms"


@dataclass(frozen=True)
class FormSpec:
    name: str
    description: str
    # (rows in reading order, lines by page, auto) -> documents; with auto a weak match is left out.
    find: Callable[[list[Row], dict[int, list[Line]], bool], list[FormDocument]]
    decl: FormDecl | None = None
    origin: str = "built-in"
    summary_keys: tuple[str, ...] = ()  # fields the CLI summary shows
    list_keys: tuple[str, ...] = ()  # lists of rows (exports flatten them, the summary counts them)

    def field_paths(self) -> list[str]:
        """Every field the form holds (``[]`` marks a list's items), for ``extract forms``."""
        return _paths(self.model())

    def model(self) -> type:
        """The typed model of the form's data."""
        if self.decl is None or self.decl.reader is not None:
            return READER_MODELS[self.decl.reader if self.decl is not None and self.decl.reader is not None else DPT_NAME]
        from models.declared import model_for

        return model_for(self.decl)


def _paths(model: Any, prefix: str = "") -> list[str]:
    from typing import get_args, get_origin

    from pydantic import BaseModel

    from models.fields import Field

    out = []
    for name, info in model.model_fields.items():
        typ, path = info.annotation, f"{prefix}{name}"
        if get_origin(typ) is list:
            (inner,) = get_args(typ)
            out += _paths(inner, f"{path}[].") if isinstance(inner, type) and issubclass(inner, BaseModel) \
                and not issubclass(inner, Field) else [f"{path}[]"]
        elif isinstance(typ, type) and issubclass(typ, BaseModel) and not issubclass(typ, Field):
            out += _paths(typ, f"{path}.")
        else:
            out.append(path)
    return out


def find_department_performance_targets(rows: list[Row], lines: dict[int, list[Line]],
                                        auto: bool) -> list[FormDocument]:
    docs = []
    for prev_row, inst in dpt.split_instances(rows, lines):
        if not inst:
            continue
        title, unit = dpt.read_title(inst[0], prev_row, lines)
        state = dpt.read_rows(inst, unit)
        if auto and (not dpt.is_this_form(state, title) or _lookalike(inst, prev_row, lines)):
            continue
        model = dpt.build_model(state, title)
        checks = run_checks(model)
        data = settle_unprinted(apply_checks(model.model_dump(mode="json"), checks),
                                optional=OPTIONAL_KEYS - run_in_labels(inst, dpt.DECL_GRID))
        data = type(model).model_validate(data).model_dump(mode="json")
        pages = set(state.pages) | {f.source.page for f in title.values() if f.source and f.source.page}
        docs.append(FormDocument(form=DPT_NAME, pages=tuple(sorted(pages)),
                                 confidence=aggregate_confidence(data), data=data, checks=tuple(checks)))
    return docs


def _lookalike(inst: list[Row], prev_row: Row | None, lines: dict[int, list[Line]]) -> bool:
    """The department form's look-alikes (a self-evaluation with 全年完成值 columns) by its declaration."""
    from extract.mapping.declared import _lookalike_labels, read_heading

    decl = builtin_forms()[DPT_NAME].decl
    assert decl is not None
    return read_heading(inst[0], prev_row, lines, decl).lookalike or _lookalike_labels(inst, decl)


def declared_spec(decl: FormDecl, origin: str = "built-in") -> FormSpec:
    from extract.mapping.declared import find_declared

    if decl.reader is not None:
        if decl.reader not in READERS:
            raise FormFileError(f"{origin}: {decl.name}: unknown reader {decl.reader!r}; known: {', '.join(READERS)}")
        return FormSpec(decl.name, decl.description or decl.title, READERS[decl.reader], decl, origin,
                        summary_keys=decl.summary, list_keys=tuple(decl.list_keys()))
    grid = [f.key for f in decl.grid_fields()]
    totals = [f"{t.key}.{c.key}" for p in decl.rows_parts() for t in p.totals for c in p.columns
              if c.type == "money" and (not p.sides or t.side in (None, c.side))]
    return FormSpec(decl.name, decl.description or decl.title,
                    lambda rows, lines, auto: find_declared(decl, rows, lines, auto), decl, origin,
                    summary_keys=decl.summary or tuple((list(decl.scalars[:1]) + grid + totals)[:6]),
                    list_keys=tuple(decl.list_keys()))


# Hand-written readers a declaration can name (``reader:``), with the typed model they fill.
READERS: dict[str, Callable[[list[Row], dict[int, list[Line]], bool], list[FormDocument]]] = {
    DPT_NAME: find_department_performance_targets}
READER_MODELS: dict[str, type] = {DPT_NAME: DepartmentPerformanceTargets}


@lru_cache(maxsize=1)
def builtin_forms() -> dict[str, FormSpec]:
    return {decl.name: declared_spec(decl) for decl in load_forms_dir(BUILTIN_DIR)}


def _from_entry_point(obj: Any, origin: str) -> list[FormSpec]:
    if callable(obj) and not isinstance(obj, FormDecl):
        obj = obj()
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    out = []
    for item in items:
        if isinstance(item, FormDecl):
            out.append(declared_spec(item, origin))
        elif Path(str(item)).is_dir():
            out += [declared_spec(d, origin) for d in load_forms_dir(item)]
        else:
            out.append(declared_spec(load_form(item), origin))
    return out


@lru_cache(maxsize=1)
def entry_point_forms() -> dict[str, FormSpec]:
    """Forms packages register in the ``extract.forms`` entry point group; a broken one is logged, skipped."""
    out: dict[str, FormSpec] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            for spec in _from_entry_point(ep.load(), f"entry point {ep.name}"):
                out[spec.name] = spec
        except Exception as exc:  # noqa: BLE001 - one bad plug-in must not take the built-in forms down
            log.warning("form entry point %s skipped: %s", ep.name, exc)
    return out


# Forms a command made known to the whole process (``batch``/``export``/``review --forms-dir``), so that
# lookups by name alone (labels, export layout, review's check re-run) find a user's own forms too.
_USED: dict[str, FormSpec] = {}


def _loaded(forms_dirs: Sequence[str | Path], form_files: Iterable[str | Path]) -> dict[str, FormSpec]:
    """The forms of these folders, then files (a later one replaces an earlier); FormFileError on a bad one."""
    forms: dict[str, FormSpec] = {}
    for d in forms_dirs:
        forms.update({x.name: declared_spec(x, str(d)) for x in load_forms_dir(d)})
    for f in form_files:
        decl = load_form(f)
        forms[decl.name] = declared_spec(decl, str(f))
    return forms


def use_forms(forms_dirs: Sequence[str | Path] = (), form_files: Iterable[str | Path] = ()) -> list[str]:
    """Load these folders and files (FormFileError on a bad one) and keep their forms known to every later
    :func:`available_forms` call in this process; the names loaded."""
    extra = _loaded(forms_dirs, form_files)
    _USED.update(extra)
    return sorted(extra)


def available_forms(forms_dirs: Sequence[str | Path] = (), form_files: Iterable[str | Path] = ()) -> dict[str, FormSpec]:
    """Every form by name: built-in, entry points, forms made known by :func:`use_forms`, then folders and
    files (a later one replaces an earlier)."""
    return {**builtin_forms(), **entry_point_forms(), **_USED, **_loaded(forms_dirs, form_files)}


def resolve(form: str, forms_dirs: Sequence[str | Path] = ()) -> tuple[list[FormSpec], bool]:
    """(the forms to try, auto) for ``--form auto|none|NAME|FILE``; ValueError naming the known forms."""
    files = [form] if form.lower().endswith(FORM_SUFFIXES) else []
    forms = available_forms(forms_dirs, files)
    if form == "none":
        return [], False
    if form == "auto":
        return list(forms.values()), True
    if files:
        return [forms[load_form(form).name]], False
    if form not in forms:
        raise ValueError(f"unknown form {form!r}; known: auto, none, {', '.join(sorted(forms))}")
    return [forms[form]], False


def __getattr__(name: str) -> Any:
    if name == "FORMS":  # the built-in registry, as before
        return builtin_forms()
    raise AttributeError(name)


def form_model(name: str, forms_dirs: Sequence[str | Path] = ()) -> type | None:
    """The typed model of a form's data (the department model, or one built from the declaration)."""
    spec = available_forms(forms_dirs).get(name)
    return None if spec is None else spec.model()


def recheck(name: str, data: dict[str, Any], forms_dirs: Sequence[str | Path] = ()) -> list[Check] | None:
    """The form's checks on (corrected) data, as review re-runs them after a correction; None: no such form."""
    spec = available_forms(forms_dirs).get(name)
    if spec is None:
        return None
    if spec.decl is None or spec.decl.reader == DPT_NAME:
        return run_checks(DepartmentPerformanceTargets.model_validate(data))
    from extract.mapping.rules import run_declared

    return run_declared(spec.decl.checks, data)
