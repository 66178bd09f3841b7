"""The results store of a bulk job: one SQLite file, one transaction per document.

A document is keyed by the sha256 of its bytes, so identical files are processed once (``files`` keeps
every path that pointed at it). A document is ``pending`` until the transaction that writes its whole
result (or its failure) commits; a job killed at any moment leaves each document either fully written or
still pending, and the next run picks up exactly the pending ones. Several batches may share one store:
``SqliteStore`` leases pending documents to each (the contract is in ``store_base``).
"""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from extract.jobs.store_base import MAX_SYSTEM_KILLS
from extract.jobs.store_base import DocRow  # noqa: F401 - re-exported: the runner imports it from here
from extract.review import CELL_QUEUE_SQL, FIELD_QUEUE_SQL, field_name, iter_fields

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  result_status TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_expires REAL,
  requeues INTEGER NOT NULL DEFAULT 0,
  path_raw BLOB,
  page_count INTEGER,
  seconds REAL,
  timings TEXT,
  added_at REAL NOT NULL,
  finished_at REAL
);
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL REFERENCES documents(sha256),
  path_raw BLOB
);
CREATE TABLE IF NOT EXISTS pages (
  doc_id INTEGER NOT NULL REFERENCES documents(id), page INTEGER NOT NULL,
  width REAL, height REAL, kind TEXT, rotation INTEGER, skew REAL,
  PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS tables (
  doc_id INTEGER NOT NULL REFERENCES documents(id), table_id TEXT NOT NULL,
  pages TEXT, n_rows INTEGER, n_cols INTEGER, confidence REAL, bbox TEXT, structure TEXT,
  PRIMARY KEY (doc_id, table_id)
);
CREATE TABLE IF NOT EXISTS cells (
  id INTEGER PRIMARY KEY,
  doc_id INTEGER NOT NULL REFERENCES documents(id), table_id TEXT NOT NULL,
  row INTEGER NOT NULL, col INTEGER NOT NULL, row_span INTEGER, col_span INTEGER,
  text TEXT, text_extracted TEXT, confidence REAL, confidence_extracted REAL, page INTEGER, bbox TEXT,
  reviewed INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (doc_id, table_id, row, col)
);
CREATE TABLE IF NOT EXISTS forms (
  doc_id INTEGER NOT NULL REFERENCES documents(id), form_index INTEGER NOT NULL,
  form TEXT, pages TEXT, confidence REAL, data TEXT, checks TEXT, checks_extracted TEXT,
  PRIMARY KEY (doc_id, form_index)
);
CREATE TABLE IF NOT EXISTS fields (
  id INTEGER PRIMARY KEY,
  doc_id INTEGER NOT NULL REFERENCES documents(id), form_index INTEGER NOT NULL,
  path TEXT NOT NULL, name TEXT NOT NULL,
  value TEXT, value_extracted TEXT, raw TEXT, confidence REAL, confidence_extracted REAL,
  table_id TEXT, cells TEXT, page INTEGER,
  reviewed INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (doc_id, form_index, path)
);
CREATE TABLE IF NOT EXISTS issues (
  doc_id INTEGER NOT NULL REFERENCES documents(id), stage TEXT, page INTEGER, message TEXT, severity TEXT,
  bbox TEXT, document INTEGER, fields TEXT, kind TEXT
);
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY,
  doc_id INTEGER NOT NULL REFERENCES documents(id),
  target TEXT NOT NULL CHECK (target IN ('field', 'cell')), target_id INTEGER NOT NULL, key TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('accept', 'correct')),
  value_before TEXT, value_after TEXT, confidence_before REAL,
  reviewer TEXT NOT NULL, decided_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
CREATE INDEX IF NOT EXISTS fields_confidence ON fields(confidence);
CREATE INDEX IF NOT EXISTS cells_confidence ON cells(confidence);
CREATE INDEX IF NOT EXISTS cells_page ON cells(doc_id, page);
"""

RESULT_TABLES = ("pages", "tables", "cells", "forms", "fields", "issues")

ADDED_COLUMNS = {  # columns newer than the first stores: added to an old store when it is opened
    "documents": {"lease_owner": "TEXT", "lease_expires": "REAL", "requeues": "INTEGER NOT NULL DEFAULT 0",
                  "path_raw": "BLOB"},
    "files": {"path_raw": "BLOB"},
    "pages": {"skew": "REAL"},  # the levelling angle the reader used, so review crops match it
    # where an issue points (a completeness gap's page region, its form and sections, its kind)
    "issues": {"bbox": "TEXT", "document": "INTEGER", "fields": "TEXT", "kind": "TEXT"},
}
"""``path`` is the name as text (undecodable bytes shown as \\xNN); ``path_raw`` keeps the exact bytes of a
name that is not UTF-8 (NULL otherwise), so the file can be opened again."""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (and create) a store: WAL journal, so readers (review, export) never block the writer.

    A ``postgresql://`` URL opens the PostgreSQL store instead, as a connection with the same calls."""
    if isinstance(path, str) and path.startswith(("postgresql://", "postgres://")):
        from extract.jobs.pg_store import pg_connection

        return pg_connection(path)  # type: ignore[return-value]
    con = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    con.executescript(SCHEMA)
    for table, columns in ADDED_COLUMNS.items():
        have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
        for column, decl in columns.items():
            if column not in have:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
    return con


@contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (a kill -9 leaves nothing half-written)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def register_files(con: sqlite3.Connection, files: list[tuple[str, str]]) -> int:
    """Add (path, sha256) pairs; a sha256 already known is not added again. Returns new documents."""
    now = time.time()
    with transaction(con):
        before = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        con.executemany("INSERT OR IGNORE INTO documents (sha256, path, added_at) VALUES (?, ?, ?)",
                        [(sha, path, now) for path, sha in files])
        con.executemany("INSERT OR IGNORE INTO files (path, sha256) VALUES (?, ?)", files)
        return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] - before)


def pending_documents(con: sqlite3.Connection) -> list[DocRow]:
    rows = con.execute("SELECT id, path, sha256 FROM documents WHERE status = 'pending' ORDER BY id")
    return [DocRow(*r) for r in rows]


def reset_failed(con: sqlite3.Connection) -> int:
    """Put failed documents back in the queue (``--retry-failed``)."""
    with transaction(con):
        return con.execute("UPDATE documents SET status = 'pending', error = NULL, requeues = 0, lease_owner = NULL"
                           " WHERE status = 'failed'").rowcount


def _claim(con: sqlite3.Connection, doc_id: int) -> bool:
    """Inside a transaction: True when the document is still pending (so it is written exactly once)."""
    row = con.execute("SELECT status FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None or row[0] != "pending":
        return False
    for table in RESULT_TABLES:  # nothing should be there; a pending document owns no rows
        con.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
    return True


def write_failure(con: sqlite3.Connection, doc_id: int, reason: str, seconds: float) -> bool:
    """Inside a transaction: mark a pending document failed. False when it was already written."""
    if not _claim(con, doc_id):
        return False
    con.execute("UPDATE documents SET status = 'failed', error = ?, seconds = ?, finished_at = ?,"
                " attempts = attempts + 1, lease_owner = NULL WHERE id = ?", (reason, seconds, time.time(), doc_id))
    return True


def write_requeue(con: sqlite3.Connection, doc_id: int, reason: str, seconds: float, lock: str = "") -> bool:
    """Inside a transaction: give a pending document killed from outside back to the queue, once
    (``MAX_SYSTEM_KILLS``). ``lock``: the row-lock clause a server database needs (`` FOR UPDATE``)."""
    row = con.execute(f"SELECT status, requeues FROM documents WHERE id = ?{lock}", (doc_id,)).fetchone()
    if row is None or row[0] != "pending" or row[1] >= MAX_SYSTEM_KILLS:
        return False
    con.execute("UPDATE documents SET requeues = requeues + 1, error = ?, seconds = ?, lease_owner = NULL"
                " WHERE id = ?", (f"{reason}; retried", seconds, doc_id))
    return True


def write_result(con: sqlite3.Connection, doc_id: int, result: dict[str, Any], seconds: float) -> bool:
    """Inside a transaction: write one pending document's whole result. False when it was already written."""
    if not _claim(con, doc_id):
        return False
    _insert_result(con, doc_id, result)
    status = "failed" if result_failed(result) else "done"
    error = "; ".join(i["message"] for i in result.get("issues", ()) if i.get("severity") == "error") or None
    if status == "failed" and not error:
        error = "no page could be read"
    con.execute("UPDATE documents SET status = ?, result_status = ?, error = ?, page_count = ?, seconds = ?,"
                " timings = ?, finished_at = ?, attempts = attempts + 1, lease_owner = NULL WHERE id = ?",
                (status, result.get("status"), error if status == "failed" else None,
                 (result.get("source") or {}).get("page_count"), seconds, dumps(result.get("timings", {})),
                 time.time(), doc_id))
    return True


def result_failed(result: dict[str, Any]) -> bool:
    """A failed result, or a partial one that read no page at all, counts as a failed document."""
    return result.get("status") == "failed" or (result.get("status") == "partial" and not result.get("pages"))


def save_failure(con: sqlite3.Connection, doc_id: int, reason: str, seconds: float) -> bool:
    with transaction(con):
        return write_failure(con, doc_id, reason, seconds)


def save_result(con: sqlite3.Connection, doc_id: int, result: dict[str, Any], seconds: float) -> bool:
    """Write one document's whole result in one transaction. False when it was already written."""
    with transaction(con):
        return write_result(con, doc_id, result, seconds)


def _insert_result(con: sqlite3.Connection, doc_id: int, result: dict[str, Any]) -> None:
    con.executemany("INSERT INTO pages (doc_id, page, width, height, kind, rotation, skew) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(doc_id, p["page"], p["width"], p["height"], p.get("kind"), p.get("rotation", 0), p.get("skew", 0.0))
                     for p in result.get("pages", ())])
    for t in result.get("tables", ()):
        con.execute("INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, t["id"], dumps(list(t["pages"])), t["n_rows"], t["n_cols"], t.get("confidence"),
                     dumps(t.get("bbox")), t.get("structure")))
        con.executemany(
            "INSERT INTO cells (doc_id, table_id, row, col, row_span, col_span, text, text_extracted, confidence,"
            " confidence_extracted, page, bbox) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, t["id"], c["row"], c["col"], c.get("row_span", 1), c.get("col_span", 1), c.get("text", ""),
              c.get("text", ""), c.get("confidence"), c.get("confidence"), c.get("page"), dumps(list(c["bbox"])))
             for c in t["cells"]])
    for index, doc in enumerate(result.get("documents", ())):
        checks = dumps(list(doc.get("checks", ())))
        con.execute("INSERT INTO forms VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, index, doc["form"], dumps(list(doc.get("pages", ()))), doc.get("confidence"),
                     dumps(doc.get("data", {})), checks, checks))
        con.executemany(
            "INSERT INTO fields (doc_id, form_index, path, name, value, value_extracted, raw, confidence,"
            " confidence_extracted, table_id, cells, page) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_field_row(doc_id, index, path, f) for path, f in iter_fields(doc.get("data", {}))])
    con.executemany("INSERT INTO issues (doc_id, stage, page, message, severity, bbox, document, fields, kind)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(doc_id, i.get("stage"), i.get("page"), i.get("message"), i.get("severity"),
                      dumps(list(i["bbox"])) if i.get("bbox") else None, i.get("document"),
                      dumps(list(i["fields"])) if i.get("fields") else None, i.get("kind"))
                     for i in result.get("issues", ())])


def _field_row(doc_id: int, index: int, path: str, f: dict[str, Any]) -> tuple[Any, ...]:
    src = f.get("source") or {}
    value = dumps(f.get("value"))
    return (doc_id, index, path, field_name(path), value, value, f.get("raw"), f.get("confidence"),
            f.get("confidence"), src.get("table"), dumps([list(c) for c in src.get("cells") or ()]), src.get("page"))


def status_counts(con: sqlite3.Connection) -> dict[str, int]:
    counts = {"pending": 0, "done": 0, "failed": 0}
    counts.update({r[0]: r[1] for r in con.execute("SELECT status, COUNT(*) FROM documents GROUP BY status")})
    return counts


def summary(con: sqlite3.Connection) -> dict[str, int]:
    """The figures printed at the end of a batch."""
    def one(sql: str) -> int:
        return int(con.execute(sql).fetchone()[0] or 0)

    return {
        "documents": one("SELECT COUNT(*) FROM documents"),
        "done": one("SELECT COUNT(*) FROM documents WHERE status = 'done'"),
        "failed": one("SELECT COUNT(*) FROM documents WHERE status = 'failed'"),
        "pending": one("SELECT COUNT(*) FROM documents WHERE status = 'pending'"),
        "pages": one("SELECT COUNT(*) FROM pages"),
        "tables": one("SELECT COUNT(*) FROM tables"),
        "forms": one("SELECT COUNT(*) FROM forms"),
        "fields": one("SELECT COUNT(*) FROM fields"),
        "fields_below_threshold": one(f"SELECT COUNT(*) FROM fields WHERE {FIELD_QUEUE_SQL}"),
        "cells_below_threshold": one(f"SELECT COUNT(*) FROM cells WHERE {CELL_QUEUE_SQL}"),
        "files": one("SELECT COUNT(*) FROM files"),
    }


def failures(con: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute("SELECT path, error FROM documents WHERE status = 'failed' ORDER BY id")]


def content_snapshot(con: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the runs wrote, keyed by content (sha256) and without timings or row ids: two stores
    with equal snapshots hold the same results (used to check that a resumed job equals an uninterrupted one)."""
    key = "(SELECT sha256 FROM documents d WHERE d.id = x.doc_id)"
    snap = {"documents": sorted(tuple(r) for r in con.execute(
        "SELECT sha256, status, result_status, error, page_count FROM documents"))}
    for table, cols in [("pages", "page, width, height, kind"),
                        ("tables", "table_id, pages, n_rows, n_cols, confidence, bbox"),
                        ("cells", "table_id, row, col, row_span, col_span, text, confidence, page, bbox"),
                        ("forms", "form_index, form, pages, confidence, data, checks"),
                        ("fields", "form_index, path, value, raw, confidence, table_id, cells, page"),
                        ("issues", "stage, page, message, severity")]:
        snap[table] = sorted(tuple(r) for r in con.execute(f"SELECT {key}, {cols} FROM {table} x"))
    return snap
