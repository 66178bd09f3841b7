"""Read side of review: the queue of values below the threshold, one item, documents, progress, page cells."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from extract.review import CELL_QUEUE_SQL, FIELD_QUEUE_SQL, REVIEW_THRESHOLD, cell_reasons, field_reasons, iter_fields
from extract.labels import cell_label, field_label, form_label, name_label, to_printed_unit


class ReviewError(Exception):
    """A bad request, with the HTTP status to answer and a message a person can act on."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def parse_item_id(item_id: str) -> tuple[str, int]:
    kinds = {"f": "field", "c": "cell"}
    if (not isinstance(item_id, str) or not 2 <= len(item_id) <= 19 or item_id[0] not in kinds
            or not item_id[1:].isascii() or not item_id[1:].isdigit()):
        raise ReviewError(400, f"malformed item id {str(item_id)[:40]!r}: expected f<number> or c<number>")
    return kinds[item_id[0]], int(item_id[1:])  # 18 digits at most: below SQLite's 2^63


def _scanned(con: sqlite3.Connection, doc_id: int, page: int | None) -> bool:
    row = con.execute("SELECT kind FROM pages WHERE doc_id = ? AND page = ?", (doc_id, page)).fetchone()
    return bool(row and row[0] == "scanned")


def _checks(con: sqlite3.Connection, doc_id: int, form_index: int) -> list[dict[str, Any]]:
    row = con.execute("SELECT checks FROM forms WHERE doc_id = ? AND form_index = ?", (doc_id, form_index)).fetchone()
    return json.loads(row[0]) if row else []


def _form_info(con: sqlite3.Connection, doc_id: int, form_index: int, path: str) -> tuple[str | None, str | None]:
    """(form name, printed unit of the field at path, for an amount)."""
    row = con.execute("SELECT f.form, d.sha256 FROM forms f JOIN documents d ON d.id = f.doc_id "
                      "WHERE f.doc_id = ? AND f.form_index = ?", (doc_id, form_index)).fetchone()
    if row is None:
        return None, None
    key = (row[1], form_index)
    units = _UNITS.get(key)
    if units is None:  # the printed units never change after extraction: parse the form's data once
        data = json.loads(con.execute("SELECT data FROM forms WHERE doc_id = ? AND form_index = ?",
                                      (doc_id, form_index)).fetchone()[0])
        units = _UNITS[key] = {p: (leaf.get("raw_unit") or "元") for p, leaf in iter_fields(data) if "raw_unit" in leaf}
        while len(_UNITS) > 256:
            _UNITS.pop(next(iter(_UNITS)))
    return row[0], units.get(path)


_UNITS: dict[tuple[str, int], dict[str, str]] = {}


def _label_fields(item: dict[str, Any], form: str | None, unit: str | None) -> dict[str, Any]:
    item["form"], item["unit"] = form, unit
    item["label"] = {lang: field_label(form, item["key"], lang) for lang in ("zh", "en")}
    if unit:
        item["value_printed"] = to_printed_unit(item["value"], unit)
        item["extracted_printed"] = to_printed_unit(item["value_extracted"], unit)
    return item


def field_item(con: sqlite3.Connection, r: sqlite3.Row) -> dict[str, Any]:
    value = json.loads(r["value"])
    leaf = {"value": value, "confidence": r["confidence"], "raw": r["raw"],
            "source": {"table": r["table_id"]} if r["table_id"] else None}
    reasons = field_reasons(r["path"], leaf, _checks(con, r["doc_id"], r["form_index"]),
                            _scanned(con, r["doc_id"], r["page"]))
    item = {"id": f"f{r['id']}", "kind": "field", "doc_id": r["doc_id"], "path": _doc_path(con, r["doc_id"]),
            "key": r["path"], "name": r["name"], "value": value, "raw": r["raw"], "confidence": r["confidence"],
            "reasons": list(reasons), "page": r["page"], "table": r["table_id"], "cells": json.loads(r["cells"]),
            "reviewed": bool(r["reviewed"]), "version": r["version"], "value_extracted": json.loads(r["value_extracted"])}
    return _label_fields(item, *_form_info(con, r["doc_id"], r["form_index"], r["path"]))


def cell_item(con: sqlite3.Connection, r: sqlite3.Row) -> dict[str, Any]:
    item = {"id": f"c{r['id']}", "kind": "cell", "doc_id": r["doc_id"], "path": _doc_path(con, r["doc_id"]),
            "key": f"{r['table_id']}:r{r['row']}c{r['col']}", "name": "cell", "value": r["text"], "raw": r["text_extracted"],
            "confidence": r["confidence"], "reasons": list(cell_reasons(r["confidence"] or 0.0,
                                                                          _scanned(con, r["doc_id"], r["page"]))),
            "page": r["page"], "table": r["table_id"], "cells": [[r["row"], r["col"]]],
            "reviewed": bool(r["reviewed"]), "version": r["version"], "value_extracted": r["text_extracted"]}
    item = _label_fields(item, None, None)
    item["label"] = {lang: cell_label(r["table_id"], r["row"], r["col"], lang) for lang in ("zh", "en")}
    return item


def _doc_path(con: sqlite3.Connection, doc_id: int) -> str:
    row = con.execute("SELECT path FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else ""


def get_item(con: sqlite3.Connection, item_id: str) -> dict[str, Any]:
    kind, rowid = parse_item_id(item_id)
    row = con.execute(f"SELECT * FROM {kind}s WHERE id = ?", (rowid,)).fetchone()
    if row is None:
        raise ReviewError(404, f"no {kind} with id {item_id}")
    return field_item(con, row) if kind == "field" else cell_item(con, row)


def _field_cells(con: sqlite3.Connection, doc_id: int | None) -> set[tuple[int, str, int, int]]:
    sql = "SELECT doc_id, table_id, cells FROM fields WHERE table_id IS NOT NULL"
    args: tuple[Any, ...] = ()
    if doc_id is not None:
        sql, args = sql + " AND doc_id = ?", (doc_id,)
    return {(d, t, rc[0], rc[1]) for d, t, cells in con.execute(sql, args) for rc in json.loads(cells)}


MODES = ("todo", "flagged", "check", "done")
"""todo: below the threshold and not reviewed; flagged: marked for a second look; check: corrections waiting
for a second reviewer (four eyes); done: reviewed (to undo or reopen)."""
REASON_KINDS = ("low", "check", "unread", "nosource")


def reason_kind(reason: str) -> str:
    if reason.startswith("failed check"):
        return "check"
    if reason.startswith("could not read"):
        return "unread"
    if reason.startswith("no source"):
        return "nosource"
    return "low"


class Filters:
    """The queue's filters, checked: any bad value is a 400 with what was expected."""

    def __init__(self, doc: Any = None, form: Any = None, name: Any = None, reason: Any = None, path: Any = None,
                 mode: Any = None) -> None:
        def text(v: Any, what: str, n: int = 300) -> str | None:
            if v in (None, ""):
                return None
            if not isinstance(v, str) or len(v) > n:
                raise ReviewError(400, f"{what} must be text of at most {n} characters")
            return v
        self.doc = None
        if doc not in (None, ""):
            if not isinstance(doc, str) or not doc.isascii() or not doc.isdigit() or len(doc) > 12:
                raise ReviewError(400, f"doc must be a document number, got {str(doc)[:40]!r}")
            self.doc = int(doc)
        self.form, self.name, self.path = text(form, "form"), text(name, "name"), text(path, "path")
        self.reason = text(reason, "reason")
        if self.reason is not None and self.reason not in REASON_KINDS + ("flagged",):
            raise ReviewError(400, f"reason must be one of {', '.join(REASON_KINDS)}, flagged")
        self.mode = text(mode, "mode") or "todo"
        if self.mode not in MODES:
            raise ReviewError(400, f"mode must be one of {', '.join(MODES)}")


def _queue_rows(con: sqlite3.Connection, f: Filters | None = None) -> list[tuple[Any, ...]]:
    """(kind, row) of every value the filters select, sorted: lowest confidence first."""
    f = f or Filters()
    args: list[Any] = []
    extra = ""
    if f.doc is not None:
        extra += " AND doc_id = ?"
        args.append(f.doc)
    if f.path:
        extra += " AND doc_id IN (SELECT id FROM documents WHERE instr(path, ?) > 0)"
        args.append(f.path)
    field_extra, field_args = extra, list(args)
    if f.form:
        field_extra += " AND (doc_id, form_index) IN (SELECT doc_id, form_index FROM forms WHERE form = ?)"
        field_args.append(f.form)
    if f.name and f.name != "cell":
        field_extra += " AND name = ?"
        field_args.append(f.name)
    field_sql, cell_sql = {"todo": (FIELD_QUEUE_SQL, CELL_QUEUE_SQL), "done": ("reviewed = 1", "reviewed = 1")}.get(
        f.mode, ("1", "1"))
    rows: list[tuple[Any, ...]] = []
    if f.name != "cell":
        rows += [("field", r) for r in con.execute(f"SELECT * FROM fields WHERE {field_sql}{field_extra}", field_args)]
    if f.name in (None, "cell") and not f.form:
        covered = _field_cells(con, f.doc)
        rows += [("cell", r) for r in con.execute(f"SELECT * FROM cells WHERE {cell_sql}{extra}", args)
                 if (r["doc_id"], r["table_id"], r["row"], r["col"]) not in covered]
    if f.mode in ("flagged", "check"):
        marked = set(workflow_marks(con)[0 if f.mode == "flagged" else 1])
        rows = [kr for kr in rows if (kr[0], kr[1]["id"]) in marked]
    if f.reason == "flagged":
        marked = set(workflow_marks(con)[0])
        rows = [kr for kr in rows if (kr[0], kr[1]["id"]) in marked]
    key = lambda kr: (kr[1]["confidence"] if kr[1]["confidence"] is not None else -1,  # noqa: E731
                      kr[1]["doc_id"], kr[0], kr[1]["id"])
    return sorted(rows, key=key)


def workflow_marks(con: sqlite3.Connection) -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]:
    """(flags, corrections waiting for a second check, live claims), keyed by (kind, row id)."""
    from extract.review_app import workflow

    workflow.ensure_schema(con)  # a store only the batch wrote has no review tables yet
    return workflow.flags(con), workflow.pending(con), workflow.claims(con)


def decorate(con: sqlite3.Connection, items: list[dict[str, Any]], marks: tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]] | None = None) -> list[dict[str, Any]]:
    flags, waiting, claimed = marks or workflow_marks(con)
    for it in items:
        key = (it["kind"], int(it["id"][1:]))
        it["flag"] = flags.get(key)
        it["corrected_by"] = waiting.get(key)
        it["claimed_by"] = claimed.get(key)
        it["reason_kinds"] = sorted({reason_kind(r) for r in it["reasons"]})
    return items


def review_queue(con: sqlite3.Connection, doc_id: int | None = None, name: str | None = None,
                 limit: int | None = None, filters: Filters | None = None, decorated: bool = True) -> list[dict[str, Any]]:
    """Fields and cells the filters select (default: below the threshold and not yet reviewed), lowest
    confidence first (the first ``limit``).

    A cell that is the source of a form field is reviewed through that field, not on its own.
    """
    f = filters or Filters(doc=None if doc_id is None else str(doc_id), name=name)
    rows = _queue_rows(con, f)
    items = []
    for kind, r in rows:
        item = field_item(con, r) if kind == "field" else cell_item(con, r)
        if f.reason in REASON_KINDS and f.reason not in {reason_kind(x) for x in item["reasons"]}:
            continue
        items.append(item)
        if limit is not None and len(items) >= limit:
            break
    return decorate(con, items) if decorated else items


def progress(con: sqlite3.Connection) -> dict[str, Any]:
    queued = len(_queue_rows(con))
    reviewed = (con.execute("SELECT COUNT(*) FROM fields WHERE reviewed = 1").fetchone()[0]
                + con.execute("SELECT COUNT(*) FROM cells WHERE reviewed = 1").fetchone()[0])
    flags, waiting, _ = workflow_marks(con)
    return {"pending": queued, "reviewed": reviewed, "total": queued + reviewed, "threshold": REVIEW_THRESHOLD,
            "flagged": len(flags), "to_check": len(waiting)}


def short_names(paths: list[str]) -> list[str]:
    """The shortest tail of each path that no other path shares: a/2024/x.pdf and b/2024/x.pdf become
    a/2024/x.pdf and b/2024/x.pdf, c/y.pdf becomes y.pdf."""
    parts = [p.replace("\\", "/").split("/") for p in paths]
    out = []
    for i, mine in enumerate(parts):
        n = 1
        while n < len(mine) and any(j != i and other[-n:] == mine[-n:] for j, other in enumerate(parts)):
            n += 1
        out.append("/".join(mine[-n:]))
    return out


def documents(con: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = con.execute("SELECT id, path, status FROM documents WHERE status = 'done' ORDER BY id").fetchall()
    names = short_names([r[1] for r in rows])
    return [{"id": r[0], "path": r[1], "status": r[2], "name": n} for r, n in zip(rows, names)]


def forms(con: sqlite3.Connection) -> list[dict[str, Any]]:
    return [{"form": r[0], "label": {lang: form_label(r[0], lang) for lang in ("zh", "en")}}
            for r in con.execute("SELECT DISTINCT form FROM forms ORDER BY form")]


def field_names(con: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = con.execute("SELECT DISTINCT f.name, m.form FROM fields f JOIN forms m ON m.doc_id = f.doc_id AND "
                       "m.form_index = f.form_index ORDER BY f.name").fetchall()
    out = {r[0]: {"name": r[0], "label": {lang: name_label(r[1], r[0], lang) for lang in ("zh", "en")}} for r in rows}
    return list(out.values()) + [{"name": "cell", "label": {lang: name_label(None, "cell", lang) for lang in ("zh", "en")}}]


def page_cells(con: sqlite3.Connection, doc_id: int, page: int) -> dict[str, Any]:
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


def cell_bbox(con: sqlite3.Connection, item: dict[str, Any]) -> tuple[float, float, float, float] | None:
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
