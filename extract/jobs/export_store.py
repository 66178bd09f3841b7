"""Exports from a results store: forms flattened, corrections applied, reviewed values named.

Rows of two kinds, laid out by each form's declaration (its ``export`` block, with defaults for any form):
one per form instance (its own fields; a list of plain values, like 总体绩效目标, joined into one column)
and one per list item (tasks, indicators, budget lines), lists that share columns grouped (key and other
tasks). ``.xlsx`` puts them on a sheet per form and per list; ``.jsonl`` writes them to one file with a
``record`` column; ``.csv`` and ``.parquet`` write one file per kind: ``OUT`` for the instances of a store
holding one form (``OUT-<record>`` with several forms) and ``OUT-<file>`` per list group (``OUT-tasks``).
Every row has ``reviewed``: the columns whose value a person accepted or corrected. ``.xlsx`` has amounts as
numbers, headers in the printed labels and doubtful values coloured; ``.html`` is a batch report
(confidence histogram, checks, failures).
"""
from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from extract.jobs.store import connect
from extract.review import is_field, iter_fields

FORMATS = (".xlsx", ".csv", ".jsonl", ".parquet", ".html")


@dataclass(frozen=True)
class Group:
    record: str  # JSONL record kind
    file: str  # CSV/Parquet suffix
    keys: tuple[str, ...]  # the lists in the group


@dataclass(frozen=True)
class Layout:
    form: str
    record: str
    sheet: tuple[str, str]
    groups: tuple[Group, ...]
    anchor: str | None  # the field that names an instance in its items' rows (部门名称, 项目名称)

    def group_of(self, key: str) -> Group:
        return next((g for g in self.groups if key in g.keys), Group(key, key, (key,)))


@lru_cache(maxsize=64)
def layout(form: str) -> Layout:
    """How ``form`` is exported: from its declaration, or (a form no longer registered) from defaults."""
    from extract.labels import declaration, form_label, key_words

    decl = declaration(form)
    if decl is None:
        return Layout(form, "form", (form, form), (), None)
    ex = decl.export
    grouped = [Group(g.record, g.file, g.keys) for g in ex.lists]
    seen = {k for g in grouped for k in g.keys}
    grouped += [Group(k, k, (k,)) for k in decl.list_keys() if k not in seen]
    grid = [f.key for f in decl.grid_fields()]
    anchor = decl.recognise.anchor or (grid[0] if grid else None)
    sheet = ex.sheet or (form_label(form), key_words(form))
    return Layout(form, ex.record, sheet, tuple(grouped), anchor)


def corrected_forms(con: sqlite3.Connection, doc_id: int | None = None) -> list[dict[str, Any]]:
    """Each form of each done document (or of ``doc_id`` only) with the current (reviewed) values put back."""
    out = []
    one = "" if doc_id is None else f" AND d.id = {int(doc_id)}"
    rows = con.execute("SELECT f.doc_id, f.form_index, f.form, f.data, f.checks, f.confidence, d.path, d.sha256 "
                       f"FROM forms f JOIN documents d ON d.id = f.doc_id WHERE d.status = 'done'{one} "
                       "ORDER BY f.doc_id, f.form_index").fetchall()
    for row in rows:
        data = json.loads(row["data"])
        current = {r["path"]: r for r in con.execute(
            "SELECT path, value, confidence, reviewed FROM fields WHERE doc_id = ? AND form_index = ?",
            (row["doc_id"], row["form_index"]))}
        reviewed = set()
        for path, leaf in iter_fields(data):
            if path in current:
                leaf["value"] = json.loads(current[path]["value"])
                leaf["confidence"] = current[path]["confidence"]
                if current[path]["reviewed"]:
                    reviewed.add(path)
        out.append({"path": row["path"], "sha256": row["sha256"], "form_index": row["form_index"],
                    "form": row["form"], "confidence": row["confidence"], "data": data, "reviewed": reviewed,
                    "checks_failed": [c["rule"] for c in json.loads(row["checks"]) if not c["passed"]]})
    return out


def _flat(node: dict[str, Any], prefix: str, reviewed: set[str], path_prefix: str,
          lists: frozenset[str] = frozenset()) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """Field leaves of ``node`` as columns (nested names joined by '.'), but not those inside ``lists``, which
    of them were reviewed, and per column its confidence and kind (``money`` for amounts in yuan, ``int``)."""
    row: dict[str, Any] = {}
    marked: list[str] = []
    meta: dict[str, Any] = {"conf": {}, "kind": {}}
    for path, leaf in iter_fields(node):
        if path.split("[", 1)[0] in lists and "[" in path:
            continue
        col = prefix + path
        row[col] = leaf.get("value")
        meta["conf"][col] = leaf.get("confidence")
        if "raw_unit" in leaf:
            meta["kind"][col] = "money"
        elif isinstance(leaf.get("value"), int) and not isinstance(leaf.get("value"), bool):
            meta["kind"][col] = "int"
        if path_prefix + path in reviewed:
            marked.append(col)
    meta["reviewed"] = set(marked)
    return row, marked, meta


def form_rows(form: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Rows of one form by record kind: the instance's own row (one) and a row per item of each list (a
    grouped list's rows name theirs in ``list``). Each row carries ``_meta`` (confidence and kind per column)
    for the XLSX styling."""
    lay = layout(form["form"])
    base = {"source": form["path"], "sha256": form["sha256"], "form_index": form["form_index"], "form": form["form"]}
    data, reviewed = form["data"], form["reviewed"]
    lists = {k: v for k, v in data.items() if isinstance(v, list)}
    items = {k: v for k, v in lists.items() if any(isinstance(x, dict) and not is_field(x) for x in v)}
    own, marked, meta = _flat(data, "", reviewed, "", frozenset(lists))
    for key in sorted(set(lists) - set(items)):  # a list of plain values: one column, one value a line
        plain = [g for g in lists[key] if is_field(g)]
        own[key] = "\n".join(str(g.get("value") or "") for g in plain)
        meta["conf"][key] = min((g.get("confidence") or 0.0 for g in plain), default=None)
        done = [f"{key}[{i}]" for i in range(len(plain)) if f"{key}[{i}]" in reviewed]
        marked += done
        if done and len(done) == len(plain):
            meta["reviewed"].add(key)
    named = (data.get(lay.anchor) or {}).get("value") if lay.anchor else None
    rows: dict[str, list[dict[str, Any]]] = {lay.record: [{
        **base, **own, "confidence": form["confidence"], "checks_failed": ";".join(form["checks_failed"]),
        "reviewed": ";".join(marked), "_meta": meta}]}
    for key, entries in items.items():
        group = lay.group_of(key)
        out = rows.setdefault(group.record, [])
        for i, item in enumerate(entries):
            values, marked, meta = _flat(item, "", reviewed, f"{key}[{i}].")
            extra = {"list": key} if len(group.keys) > 1 else {}
            anchor = {lay.anchor: named} if lay.anchor else {}
            out.append({**base, **anchor, **extra, "index": i, **values, "reviewed": ";".join(marked),
                        "_meta": meta, "_list": key})
    return rows


def store_rows(con: sqlite3.Connection, doc_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every form's rows by record kind, instance kinds first (in the order the forms come)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for form in corrected_forms(con, doc_id):
        lay = layout(form["form"])
        for kind in (lay.record, *(g.record for g in lay.groups)):  # the declared order; empty kinds too
            out.setdefault(kind, [])
        for kind, rows in form_rows(form).items():
            out.setdefault(kind, []).extend(rows)
    return out


def file_plan(rows: dict[str, list[dict[str, Any]]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(file suffix, rows) per file: a one-form store writes its instances to '' (OUT itself) and each list
    group to its ``file`` (tasks); a store of several forms writes ``<form>`` and ``<form>-<file>``."""
    forms = list(dict.fromkeys(r["form"] for items in rows.values() for r in items))
    if len(forms) <= 1:
        lay = layout(forms[0]) if forms else None
        files = {g.record: g.file for g in lay.groups} if lay else {}
        return [("" if lay is None or kind == lay.record else files.get(kind, kind), items)
                for kind, items in rows.items()]
    out = []
    for form in forms:
        lay = layout(form)
        out.append((form, [r for r in rows.get(lay.record, []) if r["form"] == form]))
        for g in dict.fromkeys(lay.group_of(r["_list"]) for items in rows.values() for r in items
                               if r["form"] == form and "_list" in r):
            out.append((f"{form}-{g.file}", [r for r in rows.get(g.record, []) if r["form"] == form]))
    return out


_FIRST = ("source", "sha256", "form_index", "form", "list", "index")
_LAST = ("confidence", "checks_failed", "reviewed")


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    """Every column of the rows: where-from first, then the fields in the form's printed order, then the
    row's confidence, checks and review marks."""
    from extract.labels import field_order

    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(k for k in r if not k.startswith("_")))
    form = rows[0]["form"] if rows else None
    lay = layout(form) if form else None
    anchor = lay.anchor if lay is not None and rows and "_list" in rows[0] else None

    def key(c: str) -> tuple[Any, ...]:
        if c in _FIRST:
            return (0, _FIRST.index(c) + (c in ("list", "index")))
        if c == anchor:  # an item's rows say whose they are right after the form
            return (0, _FIRST.index("list"))
        if c in _LAST:
            return (2, _LAST.index(c))
        return (1, field_order(c, form))
    return sorted(cols, key=key)


def _kinds(rows: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in rows:
        out.update(r.get("_meta", {}).get("kind", {}))
    return out


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v


def export_store(store_path: str | Path, to: str | Path, lang: str = "zh") -> list[Path]:
    """Write the store's forms to ``to`` (format from its suffix); return the files written.

    ``lang``: the header row of .xlsx and .csv in the printed labels (``zh``, ``en``) or the field paths
    (``keys``). .jsonl and .parquet always use the field paths (they are read by programs)."""
    to = Path(to)
    if to.suffix.lower() not in FORMATS:
        raise ValueError(f"unknown export format {to.suffix!r}; use one of {', '.join(FORMATS)}")
    if lang not in ("zh", "en", "keys"):
        raise ValueError(f"unknown header language {lang!r}; use zh, en or keys")
    con = connect(store_path)
    try:
        if to.suffix.lower() == ".html":
            from extract.jobs.report import write_report

            return [write_report(con, to, lang)]
        rows = store_rows(con)
    finally:
        con.close()
    to.parent.mkdir(parents=True, exist_ok=True)
    suffix = to.suffix.lower()
    if suffix == ".jsonl":
        with to.open("w", encoding="utf-8") as fh:
            for kind, items in rows.items():
                for r in items:
                    fh.write(json.dumps({"record": kind, **{k: v for k, v in r.items() if not k.startswith("_")}},
                                        ensure_ascii=False) + "\n")
        return [to]
    if suffix == ".xlsx":
        from extract.jobs.export_xlsx import write_store_xlsx

        return [write_store_xlsx(rows, to, lang)]
    if not rows:  # an empty store: an empty file, so a script finds what it asked for
        rows = {"form": []}
    plan = [(to.with_name(f"{to.stem}-{name}{to.suffix}") if name else to, items) for name, items in file_plan(rows)]
    if suffix == ".csv":
        return [_write_csv(items, path, lang) for path, items in plan]
    return [_write_parquet(items, path) for path, items in plan]


def _write_csv(rows: list[dict[str, Any]], path: Path, lang: str) -> Path:
    from extract.jobs.export_xlsx import column_label

    cols = _columns(rows)
    kinds = _kinds(rows)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens CJK CSV correctly
        writer = csv.writer(fh)
        writer.writerow(cols if lang == "keys" else [column_label(rows, c, kinds.get(c), lang) for c in cols])
        writer.writerows([_cell(r.get(c)) for c in cols] for r in rows)
    return path


def _write_parquet(rows: list[dict[str, Any]], path: Path) -> Path:
    """Amounts as decimal(20, 2) (yuan, exact), whole numbers as int64, the rest as text."""
    from extract.extras import require

    require("pyarrow", "writing .parquet", "export")
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = _columns(rows)
    kinds = _kinds(rows)
    arrays = {}
    for c in cols:
        values = [_cell(r.get(c)) for r in rows]
        present = {type(v) for v in values if v is not None}
        if kinds.get(c) == "money":
            arrays[c] = pa.array([None if v is None else Decimal(str(v)).quantize(Decimal("0.01")) for v in values],
                                 type=pa.decimal128(20, 2))
        elif present <= {int} or present <= {float, int}:
            arrays[c] = pa.array(values)
        else:
            arrays[c] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    pq.write_table(pa.table(arrays) if cols else pa.table({"source": pa.array([], pa.string())}), path)
    return path
