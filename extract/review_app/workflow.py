"""Reviewing as a team: claims, flags, undo and reopen, a second check of corrections, bulk accept.

Tables (created here, beside the batch store's own): ``review_claims`` (who is looking at an item, until
when), ``review_flags`` (items marked for a second look), ``review_pending`` (corrections waiting for a
second reviewer when the app runs with four eyes) and ``review_events`` (undo, reopen, flag, verify: the
steps after a decision, shown with the decisions as an item's history).
"""
from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from extract.jobs.store import dumps, transaction
from extract.review_app.queue import ReviewError, get_item, parse_item_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS review_claims (
  target TEXT NOT NULL, target_id INTEGER NOT NULL, reviewer TEXT NOT NULL, until REAL NOT NULL,
  PRIMARY KEY (target, target_id)
);
CREATE TABLE IF NOT EXISTS review_flags (
  target TEXT NOT NULL, target_id INTEGER NOT NULL, reviewer TEXT NOT NULL, note TEXT, at REAL NOT NULL,
  PRIMARY KEY (target, target_id)
);
CREATE TABLE IF NOT EXISTS review_pending (
  target TEXT NOT NULL, target_id INTEGER NOT NULL, decision_id INTEGER NOT NULL, corrector TEXT NOT NULL,
  at REAL NOT NULL, PRIMARY KEY (target, target_id)
);
CREATE TABLE IF NOT EXISTS review_events (
  id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, target TEXT NOT NULL, target_id INTEGER NOT NULL,
  key TEXT NOT NULL, action TEXT NOT NULL CHECK (action IN ('undo', 'reopen', 'flag', 'unflag', 'verify')),
  value_before TEXT, value_after TEXT, reviewer TEXT NOT NULL, decided_at REAL NOT NULL, note TEXT
);
"""
CLAIM_SECONDS = 15 * 60
"""An item shown to a reviewer is theirs for this long (renewed while they stay on it)."""
MAX_NOTE = 2000
MAX_BULK = 500


def ensure_schema(con: sqlite3.Connection) -> None:
    """Create the review tables if this store has none yet (a store the batch wrote is enough to review)."""
    if not isinstance(con, sqlite3.Connection):  # the PostgreSQL store: same tables, its DDL dialect
        from extract.jobs.pg_store import pg_dialect

        con.executescript(pg_dialect(SCHEMA))
        return
    if con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('review_claims', 'review_flags', "
                   "'review_pending', 'review_events')").fetchone()[0] < 4:
        con.executescript(SCHEMA)


def claim(con: sqlite3.Connection, item_id: str, reviewer: str) -> dict[str, Any]:
    """Take an item for ``reviewer``; 409 when someone else holds a live claim on it."""
    kind, rowid = parse_item_id(item_id)
    now = time.time()
    row = con.execute(f"SELECT reviewed FROM {kind}s WHERE id = ?", (rowid,)).fetchone()
    if row is None:
        raise ReviewError(404, f"no {kind} with id {item_id}")
    if row[0]:
        # decided already: a claim sent when the item was shown can reach the server after the decision that
        # ended it; taking it then would lock the item against the second reviewer for CLAIM_SECONDS
        return {"item": item_id, "reviewer": None, "until": None}
    with transaction(con):
        check_claim(con, kind, rowid, reviewer)
        con.execute("DELETE FROM review_claims WHERE reviewer = ?", (reviewer,))  # one item at a time
        con.execute("DELETE FROM review_claims WHERE target = ? AND target_id = ?", (kind, rowid))  # a lapsed one
        con.execute("INSERT INTO review_claims VALUES (?, ?, ?, ?)",
                    (kind, rowid, reviewer, now + CLAIM_SECONDS))
    return {"item": item_id, "reviewer": reviewer, "until": now + CLAIM_SECONDS}


def check_claim(con: sqlite3.Connection, kind: str, rowid: int, reviewer: str) -> None:
    row = con.execute("SELECT reviewer, until FROM review_claims WHERE target = ? AND target_id = ?",
                      (kind, rowid)).fetchone()
    if row and row[0] != reviewer and row[1] > time.time():
        raise ReviewError(409, f"{row[0]} is working on this item; pick another one", claimed_by=row[0])


def claims(con: sqlite3.Connection) -> dict[tuple[str, int], str]:
    return {(r[0], r[1]): r[2] for r in con.execute(
        "SELECT target, target_id, reviewer FROM review_claims WHERE until > ?", (time.time(),))}


def flags(con: sqlite3.Connection) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r[0], r[1]): {"reviewer": r[2], "note": r[3]} for r in con.execute("SELECT * FROM review_flags")}


def pending(con: sqlite3.Connection) -> dict[tuple[str, int], str]:
    return {(r[0], r[1]): r[3] for r in con.execute("SELECT * FROM review_pending")}


def after_decision(con: sqlite3.Connection, kind: str, rowid: int, decision_id: int, action: str,
                   reviewer: str, needs_second_check: bool) -> None:
    """Called inside ``decide``'s transaction: the claim is done, a flag is answered, a correction may wait."""
    con.execute("DELETE FROM review_claims WHERE target = ? AND target_id = ?", (kind, rowid))
    con.execute("DELETE FROM review_flags WHERE target = ? AND target_id = ?", (kind, rowid))
    con.execute("DELETE FROM review_pending WHERE target = ? AND target_id = ?", (kind, rowid))
    if needs_second_check:
        con.execute("INSERT INTO review_pending VALUES (?, ?, ?, ?, ?)", (kind, rowid, decision_id, reviewer,
                                                                         time.time()))


def _event(con: sqlite3.Connection, item: dict[str, Any], action: str, before: Any, after: Any, reviewer: str,
           note: str | None = None) -> None:
    kind, rowid = parse_item_id(item["id"])
    con.execute("INSERT INTO review_events (doc_id, target, target_id, key, action, value_before, value_after, "
                "reviewer, decided_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (item["doc_id"], kind, rowid, item["key"], action, dumps(before), dumps(after), reviewer,
                 time.time(), note))


def _checked(con: sqlite3.Connection, item_id: str, version: Any, reviewer: str) -> tuple[dict[str, Any], str, int]:
    from extract.review_app.decisions import check_version

    check_version(version)
    item = get_item(con, item_id)
    if item["version"] != version:
        raise ReviewError(409, f"{item_id} was changed by someone else meanwhile; look again", item=item)
    kind, rowid = parse_item_id(item_id)
    check_claim(con, kind, rowid, reviewer)
    return item, kind, rowid


def undo(con: sqlite3.Connection, item_id: str, version: Any, reviewer: str, keep_value: bool = False) -> dict[str, Any]:
    """Take back the last decision on an item: its value and confidence from before it, back in the queue.

    ``keep_value`` (reopen): keep the value as it stands and only put the item back in the queue."""
    from extract.review_app.decisions import write_value

    with transaction(con):
        item, kind, rowid = _checked(con, item_id, version, reviewer)
        if not item["reviewed"]:
            raise ReviewError(409, f"{item_id} has no decision to take back")
        last = con.execute("SELECT * FROM decisions WHERE target = ? AND target_id = ? ORDER BY id DESC LIMIT 1",
                           (kind, rowid)).fetchone()
        before = json.loads(last["value_before"]) if last and not keep_value else item["value"]
        confidence = last["confidence_before"] if last else None
        flips, moved = write_value(con, item, before, confidence, False)
        con.execute("DELETE FROM review_pending WHERE target = ? AND target_id = ?", (kind, rowid))
        _event(con, item, "reopen" if keep_value else "undo", item["value"], before, reviewer)
    return {"item": get_item(con, item_id), "checks_flipped": flips, "neighbours": moved}


def flag(con: sqlite3.Connection, item_id: str, reviewer: str, note: Any = None, on: bool = True) -> dict[str, Any]:
    """Mark an item for a second look (it stays in the queue), or take the mark away."""
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise ReviewError(400, f"note must be text of at most {MAX_NOTE} characters")
    kind, rowid = parse_item_id(item_id)
    with transaction(con):
        item = get_item(con, item_id)
        if on:
            con.execute("DELETE FROM review_flags WHERE target = ? AND target_id = ?", (kind, rowid))
            con.execute("INSERT INTO review_flags VALUES (?, ?, ?, ?, ?)",
                        (kind, rowid, reviewer, note, time.time()))
        else:
            con.execute("DELETE FROM review_flags WHERE target = ? AND target_id = ?", (kind, rowid))
        _event(con, item, "flag" if on else "unflag", item["value"], item["value"], reviewer, note)
    return {"item": get_item(con, item_id)}


def verify(con: sqlite3.Connection, item_id: str, version: Any, reviewer: str, agree: bool) -> dict[str, Any]:
    """Four eyes: a second reviewer confirms another's correction, or disagrees (the correction is undone)."""
    kind, rowid = parse_item_id(item_id)
    row = con.execute("SELECT corrector FROM review_pending WHERE target = ? AND target_id = ?",
                      (kind, rowid)).fetchone()
    if row is None:
        raise ReviewError(409, f"{item_id} has no correction waiting for a second check")
    if row[0] == reviewer:
        raise ReviewError(403, "a correction needs a second reviewer: someone else must check it")
    if not agree:
        out = undo(con, item_id, version, reviewer)
        return out
    with transaction(con):
        item, _, _ = _checked(con, item_id, version, reviewer)
        con.execute("DELETE FROM review_pending WHERE target = ? AND target_id = ?", (kind, rowid))
        _event(con, item, "verify", item["value"], item["value"], reviewer)
    return {"item": get_item(con, item_id), "checks_flipped": [], "neighbours": []}


def bulk_accept(con: sqlite3.Connection, items: Any, reviewer: str, four_eyes: bool = False) -> dict[str, Any]:
    """Accept every listed {item, version} (the filtered queue the reviewer confirmed); an item changed or
    claimed meanwhile is skipped and named, the others are accepted."""
    from extract.review_app.decisions import decide

    if not isinstance(items, list) or not items or len(items) > MAX_BULK:
        raise ReviewError(400, f"items must be a list of 1 to {MAX_BULK} {{item, version}} objects")
    if not all(isinstance(i, dict) and isinstance(i.get("item"), str) for i in items):
        raise ReviewError(400, "each item must be an object {\"item\": ID, \"version\": N}")
    done, skipped = [], []
    for entry in items:
        try:
            decide(con, entry["item"], "accept", None, reviewer, entry.get("version"), four_eyes)
            done.append(entry["item"])
        except ReviewError as exc:
            if exc.status == 400:
                raise
            skipped.append({"item": entry["item"], "why": exc.message})
    return {"accepted": done, "skipped": skipped}


def events_for(con: sqlite3.Connection, kind: str, rowid: int) -> list[dict[str, Any]]:
    rows = con.execute("SELECT * FROM review_events WHERE target = ? AND target_id = ? ORDER BY id", (kind, rowid))
    return [{"action": r["action"], "value_before": json.loads(r["value_before"]),
             "value_after": json.loads(r["value_after"]), "reviewer": r["reviewer"], "decided_at": r["decided_at"],
             "note": r["note"]} for r in rows]
