"""Exports from a results store: forms flattened, corrections applied, reviewed values named.

Three kinds of row: one per department (form instance), one per task (key and other tasks), one per
indicator. ``.xlsx`` puts them on three sheets; ``.jsonl`` writes them to one file with a ``record``
column; ``.csv`` and ``.parquet`` write ``OUT`` (departments), ``OUT-tasks`` and ``OUT-indicators``.
Every row has ``reviewed``: the columns whose value a person accepted or corrected.
"""
from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

from extract.jobs.store import connect
from extract.review import is_field, iter_fields

LIST_KEYS = {"key_tasks": "task", "other_tasks": "task", "indicators": "indicator"}
FORMATS = (".xlsx", ".csv", ".jsonl", ".parquet")


def corrected_forms(con: sqlite3.Connection, doc_id: int | None = None) -> list[dict]:
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


def _flat(node: dict, prefix: str, reviewed: set[str], path_prefix: str) -> tuple[dict[str, Any], list[str]]:
    """Field leaves of ``node`` as columns (nested names joined by '.'), and which of them were reviewed."""
    row: dict[str, Any] = {}
    marked: list[str] = []
    for path, leaf in iter_fields(node):
        if any(path.startswith(k + "[") for k in LIST_KEYS) or path.startswith("overall_goals["):
            continue
        row[prefix + path] = leaf.get("value")
        if path_prefix + path in reviewed:
            marked.append(prefix + path)
    return row, marked


def form_rows(form: dict) -> dict[str, list[dict]]:
    base = {"source": form["path"], "sha256": form["sha256"], "form_index": form["form_index"]}
    data, reviewed = form["data"], form["reviewed"]
    dept, marked = _flat(data, "", reviewed, "")
    goals = [g.get("value") for g in data.get("overall_goals", []) if is_field(g)]
    marked += [f"overall_goals[{i}]" for i in range(len(goals)) if f"overall_goals[{i}]" in reviewed]
    department = (data.get("department") or {}).get("value")
    rows: dict[str, list[dict]] = {"department": [{
        **base, "form": form["form"], **dept, "overall_goals": "\n".join(g or "" for g in goals),
        "confidence": form["confidence"], "checks_failed": ";".join(form["checks_failed"]),
        "reviewed": ";".join(marked)}], "task": [], "indicator": []}
    for key, kind in LIST_KEYS.items():
        for i, item in enumerate(data.get(key) or []):
            values, marked = _flat(item, "", reviewed, f"{key}[{i}].")
            extra = {"list": key} if kind == "task" else {}
            rows[kind].append({**base, "department": department, **extra, "index": i, **values,
                               "reviewed": ";".join(marked)})
    return rows


def store_rows(con: sqlite3.Connection) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"department": [], "task": [], "indicator": []}
    for form in corrected_forms(con):
        for kind, rows in form_rows(form).items():
            out[kind].extend(rows)
    return out


def _columns(rows: list[dict]) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v


def export_store(store_path: str | Path, to: str | Path) -> list[Path]:
    """Write the store's forms to ``to`` (format from its suffix); return the files written."""
    to = Path(to)
    if to.suffix.lower() not in FORMATS:
        raise ValueError(f"unknown export format {to.suffix!r}; use one of {', '.join(FORMATS)}")
    con = connect(store_path)
    try:
        rows = store_rows(con)
    finally:
        con.close()
    to.parent.mkdir(parents=True, exist_ok=True)
    suffix = to.suffix.lower()
    if suffix == ".jsonl":
        with to.open("w", encoding="utf-8") as fh:
            for kind, items in rows.items():
                for r in items:
                    fh.write(json.dumps({"record": kind, **r}, ensure_ascii=False) + "\n")
        return [to]
    if suffix == ".xlsx":
        return [_write_xlsx(rows, to)]
    paths = {"department": to, "task": to.with_name(f"{to.stem}-tasks{to.suffix}"),
             "indicator": to.with_name(f"{to.stem}-indicators{to.suffix}")}
    write = _write_csv if suffix == ".csv" else _write_parquet
    return [write(rows[kind], path) for kind, path in paths.items()]


def _write_csv(rows: list[dict], path: Path) -> Path:
    cols = _columns(rows)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel opens CJK CSV correctly
        writer = csv.DictWriter(fh, fieldnames=cols)
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in r.items()} for r in rows)
    return path


def _write_parquet(rows: list[dict], path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = _columns(rows)
    arrays = {}
    for c in cols:
        values = [_cell(r.get(c)) for r in rows]
        kinds = {type(v) for v in values if v is not None}
        if kinds <= {int} or kinds <= {float, int}:
            arrays[c] = pa.array(values)
        else:
            arrays[c] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    pq.write_table(pa.table(arrays) if cols else pa.table({"source": pa.array([], pa.string())}), path)
    return path


def _write_xlsx(rows: dict[str, list[dict]], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for kind, title in (("department", "departments"), ("task", "tasks"), ("indicator", "indicators")):
        ws = wb.create_sheet(title)
        cols = _columns(rows[kind])
        ws.append(cols)
        for r in rows[kind]:
            ws.append([_cell(r.get(c)) for c in cols])
    wb.save(path)
    return path
