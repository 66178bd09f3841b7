"""Exports from a results store: forms flattened, corrections applied, reviewed values named.

Three kinds of row: one per department (form instance), one per task (key and other tasks), one per
indicator. ``.xlsx`` puts them on three sheets; ``.jsonl`` writes them to one file with a ``record``
column; ``.csv`` and ``.parquet`` write ``OUT`` (departments), ``OUT-tasks`` and ``OUT-indicators``.
Every row has ``reviewed``: the columns whose value a person accepted or corrected. ``.xlsx`` has a sheet per
list section (重点任务, 其他任务, 绩效指标) with amounts as numbers, headers in the printed labels and
doubtful values coloured; ``.html`` is a batch report (confidence histogram, checks, failures).
"""
from __future__ import annotations

import csv
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract.jobs.store import connect
from extract.review import is_field, iter_fields

LIST_KEYS = {"key_tasks": "task", "other_tasks": "task", "indicators": "indicator"}
FORMATS = (".xlsx", ".csv", ".jsonl", ".parquet", ".html")


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


def _flat(node: dict[str, Any], prefix: str, reviewed: set[str], path_prefix: str) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """Field leaves of ``node`` as columns (nested names joined by '.'), which of them were reviewed, and per
    column its confidence and kind (``money`` for amounts in yuan, ``int``)."""
    row: dict[str, Any] = {}
    marked: list[str] = []
    meta: dict[str, Any] = {"conf": {}, "kind": {}}
    for path, leaf in iter_fields(node):
        if any(path.startswith(k + "[") for k in LIST_KEYS) or path.startswith("overall_goals["):
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
    """Rows of one form: ``department`` (one), ``task`` (key and other tasks, ``list`` names which) and
    ``indicator``. Each row carries ``_meta`` (confidence and kind per column) for the XLSX styling."""
    base = {"source": form["path"], "sha256": form["sha256"], "form_index": form["form_index"]}
    data, reviewed = form["data"], form["reviewed"]
    dept, marked, meta = _flat(data, "", reviewed, "")
    goals = [g for g in data.get("overall_goals", []) if is_field(g)]
    goal_marked = [f"overall_goals[{i}]" for i in range(len(goals)) if f"overall_goals[{i}]" in reviewed]
    marked += goal_marked
    meta["conf"]["overall_goals"] = min((g.get("confidence") or 0.0 for g in goals), default=None)
    if goal_marked and len(goal_marked) == len(goals):
        meta["reviewed"].add("overall_goals")
    department = (data.get("department") or {}).get("value")
    rows: dict[str, list[dict[str, Any]]] = {"department": [{
        **base, "form": form["form"], **dept, "overall_goals": "\n".join(g.get("value") or "" for g in goals),
        "confidence": form["confidence"], "checks_failed": ";".join(form["checks_failed"]),
        "reviewed": ";".join(marked), "_meta": meta}], "task": [], "indicator": []}
    for key, kind in LIST_KEYS.items():
        for i, item in enumerate(data.get(key) or []):
            values, marked, meta = _flat(item, "", reviewed, f"{key}[{i}].")
            extra = {"list": key} if kind == "task" else {}
            rows[kind].append({**base, "department": department, **extra, "index": i, **values,
                               "reviewed": ";".join(marked), "_meta": meta})
    return rows


def store_rows(con: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"department": [], "task": [], "indicator": []}
    for form in corrected_forms(con):
        for kind, rows in form_rows(form).items():
            out[kind].extend(rows)
    return out


_FIRST = ("source", "sha256", "form_index", "form", "department", "list", "index")
_LAST = ("overall_goals", "confidence", "checks_failed", "reviewed")


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    """Every column of the rows: where-from first, then the fields in the form's printed order, then the
    row's confidence, checks and review marks."""
    from extract.labels import field_order

    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(k for k in r if not k.startswith("_")))
    def key(c: str) -> tuple[Any, ...]:
        if c in _FIRST:
            return (0, _FIRST.index(c))
        if c in _LAST:
            return (2, _LAST.index(c))
        return (1, field_order(c))
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
    paths = {"department": to, "task": to.with_name(f"{to.stem}-tasks{to.suffix}"),
             "indicator": to.with_name(f"{to.stem}-indicators{to.suffix}")}
    if suffix == ".csv":
        return [_write_csv(rows[kind], path, kind, lang) for kind, path in paths.items()]
    return [_write_parquet(rows[kind], path) for kind, path in paths.items()]


def _write_csv(rows: list[dict[str, Any]], path: Path, kind: str, lang: str) -> Path:
    from extract.jobs.export_xlsx import column_label

    cols = _columns(rows)
    kinds = _kinds(rows)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens CJK CSV correctly
        writer = csv.writer(fh)
        writer.writerow(cols if lang == "keys" else [column_label(kind, c, kinds.get(c), lang) for c in cols])
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
