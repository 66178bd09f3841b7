"""Form declarations from YAML or TOML files, with errors that name the file, the line and the key.

``load_form(path)`` reads one file (``.yaml``/``.yml``/``.toml``); ``load_forms_dir(dir)`` every form file
of a folder. A mistake raises :class:`FormFileError` whose message is one line:
``my_form.yaml:12: parts[0].fields[2].type: Input should be 'text', 'int', ...``.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no stubs (types-PyYAML not installed)
from pydantic import ValidationError

from extract.mapping.decl import FormDecl

FORM_SUFFIXES = (".yaml", ".yml", ".toml")
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FormFileError(ValueError):
    """A form file that does not read as a declaration; ``str()`` is one line naming file, line and key."""


def _loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("GridPart", "RowsPart", "function-")) and part not in ("grid", "rows"):
            out += f".{part}" if out else str(part)
    return out or "(top)"


def _yaml_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (the deepest one that exists)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            key_node = next((k for k, v in node.value if getattr(k, "value", None) == part), None)
            if nxt is None or key_node is None:
                continue  # a union tag (GridPart) or a missing key: stay at the parent
            node, line = nxt, key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
    return line


def _toml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best effort for TOML: the first line assigning the innermost key named in ``loc``."""
    names = [p for p in loc if isinstance(p, str)]
    for name in reversed(names):
        for i, ln in enumerate(text.splitlines(), start=1):
            if ln.strip().startswith((f"{name} ", f"{name}=")):
                return i
    return None


def parse_form(text: str, name: str = "<form>", fmt: str = "yaml") -> FormDecl:
    """A declaration from YAML or TOML text; ``name`` is used in error messages."""
    try:
        if fmt == "toml":
            data = tomllib.loads(text)
        else:
            try:  # libyaml's parser where PyYAML has it (the forms load at start-up: 5x faster)
                data = yaml.load(text, Loader=_FAST_LOADER)
            except yaml.YAMLError:
                data = yaml.safe_load(text)  # a broken file: the pure-Python parser's message, as always
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else "?"
        raise FormFileError(f"{name}:{line}: not YAML: {exc.problem or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise FormFileError(f"{name}: not TOML: {exc}") from None
    if not isinstance(data, dict):
        raise FormFileError(f"{name}:1: a form file holds a mapping (name:, title:, parts:, ...)")
    try:
        return FormDecl.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = _toml_line(text, loc) if fmt == "toml" else _yaml_line(yaml.compose(text), loc)
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        msg = err["msg"].removeprefix("Value error, ")
        raise FormFileError(f"{name}:{line or '?'}: {_loc_text(loc)}: {msg}{more}") from None


def load_form(path: str | Path) -> FormDecl:
    p = Path(path)
    if p.suffix.lower() not in FORM_SUFFIXES:
        raise FormFileError(f"{p}: a form file ends in {', '.join(FORM_SUFFIXES)}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormFileError(f"{p}: cannot read: {exc}") from None
    return parse_form(text, str(p), "toml" if p.suffix.lower() == ".toml" else "yaml")


def load_forms_dir(folder: str | Path) -> list[FormDecl]:
    d = Path(folder)
    if not d.is_dir():
        raise FormFileError(f"{d}: not a folder of form files")
    return [load_form(p) for p in sorted(d.iterdir()) if p.suffix.lower() in FORM_SUFFIXES]


def is_form_file(spec: str) -> bool:
    return spec.lower().endswith(FORM_SUFFIXES)
