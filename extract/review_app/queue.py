"""Read side of review: the queue of values below the threshold, one item, documents, progress, page cells."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from extract.review import CELL_QUEUE_SQL, FIELD_QUEUE_SQL, REVIEW_THRESHOLD, cell_reasons, field_reasons


class ReviewError(Exception):
    """A bad request, with the HTTP status to answer and a message a person can act on."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def parse_item_id(item_id: str) -> tuple[str, int]:
    kinds = {"f": "field", "c": "cell"}
    if not isinstance(item_id, str) or len(item_id) < 2 or item_id[0] not in kinds or not item_id[1:].isdigit():
        raise ReviewError(400, f"malformed item id {item_id!r}: expected f<number> or c<number>")
    return kinds[item_id[0]], int(item_id[1:])


def _scanned(con: sqlite3.Connection, doc_id: int, page: int | None) -> bool:
    row = con.execute("SELECT kind FROM pages WHERE doc_id = ? AND page = ?", (doc_id, page)).fetchone()
    return bool(row and row[0] == "scanned")


def _checks(con: sqlite3.Connection, doc_id: int, form_index: int) -> list[dict]:
    row = con.execute("SELECT checks FROM forms WHERE doc_id = ? AND form_index = ?", (doc_id, form_index)).fetchone()
    return json.loads(row[0]) if row else []


def field_item(con: sqlite3.Connection, r: sqlite3.Row) -> dict:
    value = json.loads(r["value"])
    leaf = {"value": value, "confidence": r["confidence"], "raw": r["raw"],
            "source": {"table": r["table_id"]} if r["table_id"] else None}
    reasons = field_reasons(r["path"], leaf, _checks(con, r["doc_id"], r["form_index"]),
                            _scanned(con, r["doc_id"], r["page"]))
    return {"id": f"f{r['id']}", "kind": "field", "doc_id": r["doc_id"], "path": _doc_path(con, r["doc_id"]),
            "key": r["path"], "name": r["name"], "value": value, "raw": r["raw"], "confidence": r["confidence"],
            "reasons": list(reasons), "page": r["page"], "table": r["table_id"], "cells": json.loads(r["cells"]),
            "reviewed": bool(r["reviewed"]), "version": r["version"], "value_extracted": json.loads(r["value_extracted"])}


def cell_item(con: sqlite3.Connection, r: sqlite3.Row) -> dict:
    return {"id": f"c{r['id']}", "kind": "cell", "doc_id": r["doc_id"], "path": _doc_path(con, r["doc_id"]),
            "key": f"{r['table_id']}:r{r['row']}c{r['col']}", "name": "cell", "value": r["text"], "raw": r["text_extracted"],
            "confidence": r["confidence"], "reasons": list(cell_reasons(r["confidence"] or 0.0,
                                                                          _scanned(con, r["doc_id"], r["page"]))),
            "page": r["page"], "table": r["table_id"], "cells": [[r["row"], r["col"]]],
            "reviewed": bool(r["reviewed"]), "version": r["version"], "value_extracted": r["text_extracted"]}


def _doc_path(con: sqlite3.Connection, doc_id: int) -> str:
    row = con.execute("SELECT path FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else ""


def get_item(con: sqlite3.Connection, item_id: str) -> dict:
    kind, rowid = parse_item_id(item_id)
    row = con.execute(f"SELECT * FROM {kind}s WHERE id = ?", (rowid,)).fetchone()
    if row is None:
        raise ReviewError(404, f"no {kind} with id {item_id}")
    return field_item(con, row) if kind == "field" else cell_item(con, row)


def _field_cells(con: sqlite3.Connection, doc_id: int | None) -> set[tuple[int, str, int, int]]:
    sql, args = "SELECT doc_id, table_id, cells FROM fields WHERE table_id IS NOT NULL", ()
    if doc_id is not None:
        sql, args = sql + " AND doc_id = ?", (doc_id,)
    return {(d, t, rc[0], rc[1]) for d, t, cells in con.execute(sql, args) for rc in json.loads(cells)}


def _queue_rows(con: sqlite3.Connection, doc_id: int | None, name: str | None) -> list[tuple]:
    """(sort key, kind, row) of every queued value, sorted: lowest confidence first."""
    args: list[Any] = []
    extra = ""
    if doc_id is not None:
        extra += " AND doc_id = ?"
        args.append(doc_id)
    rows: list[tuple] = []
    if name != "cell":
        sql = f"SELECT * FROM fields WHERE {FIELD_QUEUE_SQL}{extra}" + (" AND name = ?" if name else "")
        rows += [("field", r) for r in con.execute(sql, args + ([name] if name else []))]
    if name in (None, "", "cell"):
        covered = _field_cells(con, doc_id)
        rows += [("cell", r) for r in con.execute(f"SELECT * FROM cells WHERE {CELL_QUEUE_SQL}{extra}", args)
                 if (r["doc_id"], r["table_id"], r["row"], r["col"]) not in covered]
    key = lambda kr: (kr[1]["confidence"] if kr[1]["confidence"] is not None else -1,  # noqa: E731
                      kr[1]["doc_id"], kr[0], kr[1]["id"])
    return sorted(rows, key=key)


def review_queue(con: sqlite3.Connection, doc_id: int | None = None, name: str | None = None,
                 limit: int | None = None) -> list[dict]:
    """Fields and cells below the threshold and not yet reviewed, lowest confidence first (the first ``limit``).

    A cell that is the source of a form field is reviewed through that field, not on its own.
    """
    rows = _queue_rows(con, doc_id, name)[:limit]
    return [field_item(con, r) if kind == "field" else cell_item(con, r) for kind, r in rows]


def progress(con: sqlite3.Connection) -> dict:
    queued = len(_queue_rows(con, None, None))
    reviewed = (con.execute("SELECT COUNT(*) FROM fields WHERE reviewed = 1").fetchone()[0]
                + con.execute("SELECT COUNT(*) FROM cells WHERE reviewed = 1").fetchone()[0])
    return {"pending": queued, "reviewed": reviewed, "total": queued + reviewed, "threshold": REVIEW_THRESHOLD}


def documents(con: sqlite3.Connection) -> list[dict]:
    return [{"id": r[0], "path": r[1], "status": r[2]}
            for r in con.execute("SELECT id, path, status FROM documents WHERE status = 'done' ORDER BY id")]


def field_names(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT name FROM fields ORDER BY name")] + ["cell"]


def page_cells(con: sqlite3.Connection, doc_id: int, page: int) -> dict:
    """Every cell of a page for the whole-page view, with the lowest confidence of the cell itself and of
    any form field read from it."""
    size = con.execute("SELECT width, height FROM pages WHERE doc_id = ? AND page = ?", (doc_id, page)).fetchone()
    if size is None:
        raise ReviewError(404, f"document {doc_id} has no page {page}")
    read: dict[tuple[str, int, int], float] = {}
    for t, cells, conf in con.execute("SELECT table_id, cells, confidence FROM fields WHERE doc_id = ? AND page = ?"
                                      " AND table_id IS NOT NULL", (doc_id, page)):
        for r, c in json.loads(cells):
            read[(t, r, c)] = min(read.get((t, r, c), 1.0), conf if conf is not None else 0.0)
    cells = [{"id": f"c{r['id']}", "table": r["table_id"], "row": r["row"], "col": r["col"], "text": r["text"],
              "confidence": min(r["confidence"] if r["confidence"] is not None else 0.0,
                                read.get((r["table_id"], r["row"], r["col"]), 1.0)),
              "bbox": json.loads(r["bbox"]), "reviewed": bool(r["reviewed"])}
             for r in con.execute("SELECT * FROM cells WHERE doc_id = ? AND page = ?", (doc_id, page))]
    return {"doc_id": doc_id, "page": page, "width": size[0], "height": size[1], "cells": cells,
            "threshold": REVIEW_THRESHOLD}


def cell_bbox(con: sqlite3.Connection, item: dict) -> tuple[float, float, float, float] | None:
    """The union of the item's source cells on its page (None when it has no source cell)."""
    if not item.get("table") or not item.get("cells"):
        return None
    boxes = []
    for r, c in item["cells"]:
        row = con.execute("SELECT bbox FROM cells WHERE doc_id = ? AND table_id = ? AND row = ? AND col = ?",
                          (item["doc_id"], item["table"], r, c)).fetchone()
        if row:
            boxes.append(json.loads(row[0]))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
