"""Read side of the service: a job's status and progress, its result JSON rebuilt from the store (with the
reviewers' corrections), its export rows and its review items. Plain SQL on a store connection, so SQLite
and PostgreSQL answer alike."""
from __future__ import annotations

import json
from typing import Any

from extract.jobs.export_store import corrected_forms, store_rows
from extract.serve.worker import CANCELLED

JOB_COLUMNS = ("id, path, sha256, status, result_status, error, attempts, page_count, seconds, added_at,"
               " finished_at, lease_owner, lease_expires")


def _state(row: Any) -> str:
    if row["status"] == "failed" and row["error"] == CANCELLED:
        return "cancelled"
    if row["status"] == "pending":
        return "running" if row["lease_owner"] else "queued"
    return str(row["status"])


def job_view(con: Any, row: Any) -> dict[str, Any]:
    state = _state(row)
    out = {"id": row["id"], "path": row["path"], "sha256": row["sha256"], "state": state, "status": row["status"],
           "result_status": row["result_status"], "error": row["error"] if state != "cancelled" else None,
           "page_count": row["page_count"], "seconds": row["seconds"], "added_at": row["added_at"],
           "finished_at": row["finished_at"]}
    if state == "queued":
        out["queue_position"] = con.execute(
            "SELECT COUNT(*) FROM documents WHERE status = 'pending' AND lease_owner IS NULL AND id < ?",
            (row["id"],)).fetchone()[0]
    out["progress"] = 1.0 if row["status"] != "pending" else 0.0
    return out


def get_job(con: Any, job_id: int) -> dict[str, Any] | None:
    row = con.execute(f"SELECT {JOB_COLUMNS} FROM documents WHERE id = ?", (job_id,)).fetchone()
    return job_view(con, row) if row else None


def list_jobs(con: Any, state: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    where, args = "", []
    if state in ("done", "failed", "pending"):
        where, args = "WHERE status = ?", [state]
    rows = con.execute(f"SELECT {JOB_COLUMNS} FROM documents {where} ORDER BY id LIMIT ? OFFSET ?",
                       (*args, limit, offset)).fetchall()
    return [job_view(con, r) for r in rows]


def counts(con: Any) -> dict[str, int]:
    out = {"queued": 0, "running": 0, "done": 0, "failed": 0}
    for status, leased, n in con.execute(
            "SELECT status, lease_owner IS NOT NULL, COUNT(*) FROM documents GROUP BY status, lease_owner IS NOT NULL"):
        key = ("running" if leased else "queued") if status == "pending" else status
        out[key] += n
    return out


def result_json(con: Any, job_id: int) -> dict[str, Any]:
    """The job's Result as JSON from the store: pages, tables with cells (current text), forms with their
    current (reviewed) data and checks, issues."""
    doc = con.execute("SELECT path, sha256, page_count, result_status, timings FROM documents WHERE id = ?",
                      (job_id,)).fetchone()
    pages = [{"page": r[0], "width": r[1], "height": r[2], "kind": r[3], "rotation": r[4]} for r in con.execute(
        "SELECT page, width, height, kind, rotation FROM pages WHERE doc_id = ? ORDER BY page", (job_id,))]
    tables = []
    for t in con.execute("SELECT table_id, pages, n_rows, n_cols, confidence, bbox, structure FROM tables"
                         " WHERE doc_id = ? ORDER BY table_id", (job_id,)).fetchall():
        cells = [{"row": c[0], "col": c[1], "row_span": c[2], "col_span": c[3], "text": c[4], "confidence": c[5],
                  "page": c[6], "bbox": json.loads(c[7]) if c[7] else None, "reviewed": bool(c[8])}
                 for c in con.execute("SELECT row, col, row_span, col_span, text, confidence, page, bbox, reviewed"
                                      " FROM cells WHERE doc_id = ? AND table_id = ? ORDER BY row, col",
                                      (job_id, t[0]))]
        tables.append({"id": t[0], "pages": json.loads(t[1]), "n_rows": t[2], "n_cols": t[3], "confidence": t[4],
                       "bbox": json.loads(t[5]) if t[5] else None, "structure": t[6], "cells": cells})
    documents = [{"form": f["form"], "confidence": f["confidence"], "data": f["data"],
                  "checks_failed": f["checks_failed"], "reviewed": sorted(f["reviewed"])}
                 for f in corrected_forms(con, job_id)]
    issues = [{"stage": r[0], "page": r[1], "message": r[2], "severity": r[3],
               "bbox": json.loads(r[4]) if r[4] else None, "document": r[5],
               "fields": json.loads(r[6]) if r[6] else [], "kind": r[7]} for r in con.execute(
        "SELECT stage, page, message, severity, bbox, document, fields, kind FROM issues WHERE doc_id = ?",
        (job_id,))]
    return {"source": {"path": doc["path"], "sha256": doc["sha256"], "page_count": doc["page_count"]},
            "status": doc["result_status"], "pages": pages, "tables": tables, "documents": documents,
            "issues": issues, "timings": json.loads(doc["timings"]) if doc["timings"] else {}}


def export_rows(con: Any, job_id: int) -> dict[str, list[dict[str, Any]]]:
    """The export rows of one job by record kind (for the department form: department, task, indicator),
    corrections applied."""
    return store_rows(con, job_id)
