"""Write side of review: accept or correct one value, record who/when/before, re-run the form checks.

Every decision is one ``BEGIN IMMEDIATE`` transaction that first re-reads the item's version: two people
editing the same value cannot overwrite each other (the second gets 409 with the current value, and its
decision is not written until it is made again on the new version).
"""
from __future__ import annotations

import copy
import json
import re
import sqlite3
import time
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from pydantic import BaseModel

from extract.jobs.store import dumps, transaction
from extract.review import REVIEWED_CONFIDENCE, iter_fields
from extract.review_app.queue import ReviewError, get_item, parse_item_id

MAX_VALUE_CHARS = 10_000
MAX_AMOUNT = Decimal(10) ** 15
"""A corrected amount is below a thousand trillion yuan (far above any public budget; a longer number is a
typing slip)."""


def recompute_checks(form: str, data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The form's checks on (corrected) data; None for a form without checks."""
    from extract.mapping.forms import recheck

    checks = recheck(form, data)
    return None if checks is None else [c.model_dump(mode="json") for c in checks]


def coerce_correction(form: str, data: dict[str, Any], path: str, text: Any) -> Any:
    """The typed value a person's text stands for at ``path``, or ReviewError(400) saying why not."""
    if text is not None and not isinstance(text, (str, int, float)):
        raise ReviewError(400, "value must be a string, a number or null")
    if isinstance(text, str):
        text = text.strip()
        if len(text) > MAX_VALUE_CHARS:
            raise ReviewError(400, f"value longer than {MAX_VALUE_CHARS} characters")
        if text == "":
            text = None
    leaf = dict(iter_fields(data)).get(path)
    if leaf is not None and "raw_unit" in leaf and isinstance(text, str):  # Money: a decimal in yuan
        text = re.sub(r"[,\s，]", "", text)
        scale = Decimal(10000) if text.endswith(("万元", "万")) else Decimal(1)
        try:
            amount = Decimal(text.rstrip("万元")) * scale
            if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
                raise InvalidOperation
            text = f"{amount:.2f}"
        except InvalidOperation:
            raise ReviewError(400, f"{text!r} is not an amount for {path}: expected yuan (43938500.00) "
                              "or 万元 (4,393.85万元)") from None
    trial = copy.deepcopy(data)
    dict(iter_fields(trial))[path]["value"] = text
    try:
        from extract.mapping.forms import form_model

        model = cast("type[BaseModel] | None", form_model(form))
        if model is not None:
            trial = model.model_validate(trial).model_dump(mode="json")
    except Exception as exc:  # noqa: BLE001 - pydantic's message names the field and the problem
        first = str(exc).splitlines()
        raise ReviewError(400, f"{text!r} is not a valid value for {path}: {' '.join(first[1:3]).strip()}") from None
    return dict(iter_fields(trial))[path]["value"]


def current_form_data(con: sqlite3.Connection, doc_id: int, form_index: int) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    row = con.execute("SELECT form, data, checks FROM forms WHERE doc_id = ? AND form_index = ?",
                      (doc_id, form_index)).fetchone()
    data = json.loads(row["data"])
    current = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT path, value, confidence FROM fields WHERE doc_id = ? AND form_index = ?", (doc_id, form_index))}
    for path, leaf in iter_fields(data):
        if path in current:
            leaf["value"], leaf["confidence"] = json.loads(current[path][0]), current[path][1]
    return row["form"], data, json.loads(row["checks"])


def _check_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return c["rule"], tuple(c.get("fields", ()))


def _move_neighbours(con: sqlite3.Connection, doc_id: int, form_index: int, old: list[dict[str, Any]],
                     new: list[dict[str, Any]], own: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Raise/lower the confidence of unreviewed fields of every check that flipped; return flips and moves."""
    from extract.mapping.checks import CROSS_RULES, FAIL_FACTOR, PASS_RAISE

    before = {_check_key(c): c["passed"] for c in old}
    flips = [c for c in new if _check_key(c) in before and before[_check_key(c)] != c["passed"]]
    flips += [c for c in new if _check_key(c) not in before and not c["passed"]]
    moved = []
    for check in flips:
        if check["passed"] and check["rule"] not in CROSS_RULES:
            continue
        for path in check.get("fields", ()):
            if path == own:  # the value just decided (or taken back) keeps the confidence it was given
                continue
            row = con.execute("SELECT id, confidence, reviewed FROM fields WHERE doc_id = ? AND form_index = ? "
                              "AND path = ?", (doc_id, form_index, path)).fetchone()
            if row is None or row["reviewed"] or row["confidence"] is None:
                continue
            c = row["confidence"]
            after = round(c + (1 - c) * PASS_RAISE if check["passed"] else c * FAIL_FACTOR, 4)
            con.execute("UPDATE fields SET confidence = ? WHERE id = ?", (after, row["id"]))
            moved.append({"id": f"f{row['id']}", "key": path, "confidence_before": c, "confidence": after})
    return [{"rule": c["rule"], "passed": c["passed"], "detail": c.get("detail", "")} for c in flips], moved


def decide(con: sqlite3.Connection, item_id: str, action: str, value: Any, reviewer: str,
           version: Any, four_eyes: bool = False) -> dict[str, Any]:
    """Accept or correct one item. Returns the updated item, the checks that flipped and moved neighbours.

    With ``four_eyes`` a correction waits for a second reviewer (see ``workflow.verify``)."""
    from extract.review_app import workflow

    kind, rowid = parse_item_id(item_id)
    if action not in ("accept", "correct"):
        raise ReviewError(400, f"unknown action {action!r}: expected accept or correct")
    check_version(version)
    if not isinstance(reviewer, str) or not reviewer.strip() or len(reviewer) > 200:
        raise ReviewError(400, "reviewer must be a non-empty name")
    workflow.ensure_schema(con)
    with transaction(con):
        item = get_item(con, item_id)
        if item["version"] != version:
            raise ReviewError(409, f"{item_id} was changed by someone else (version {item['version']}, value "
                              f"{item['value']!r}); look again and decide on the current value", item=item)
        workflow.check_claim(con, kind, rowid, reviewer)
        if action == "accept":
            new_value = item["value"]
        elif kind == "field":
            form_index = con.execute("SELECT form_index FROM fields WHERE id = ?", (rowid,)).fetchone()[0]
            form, data, _ = current_form_data(con, item["doc_id"], form_index)
            new_value = coerce_correction(form, data, item["key"], value)
        else:
            if not isinstance(value, str) or len(value) > MAX_VALUE_CHARS:
                raise ReviewError(400, "a cell correction must be a string of text")
            new_value = value
        flips, moved = write_value(con, item, new_value, REVIEWED_CONFIDENCE, True)
        con.execute("INSERT INTO decisions (doc_id, target, target_id, key, action, value_before, value_after, "
                    "confidence_before, reviewer, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (item["doc_id"], kind, rowid, item["key"], action, dumps(item["value"]),
                     dumps(new_value), item["confidence"], reviewer.strip(), time.time()))
        decision_id = con.execute("SELECT MAX(id) FROM decisions WHERE target = ? AND target_id = ?",
                                  (kind, rowid)).fetchone()[0]  # not lastrowid: SQLite's alone, this runs on both stores
        workflow.after_decision(con, kind, rowid, decision_id, action, reviewer.strip(),
                                four_eyes and new_value != item["value"])
    return {"item": get_item(con, item_id), "checks_flipped": flips, "neighbours": moved}


MAX_VERSION = 2 ** 62


def check_version(version: Any) -> None:
    if not isinstance(version, int) or isinstance(version, bool) or not 0 <= version < MAX_VERSION:
        raise ReviewError(400, "version (the item version you reviewed) must be a non-negative integer")


def write_value(con: sqlite3.Connection, item: dict[str, Any], new_value: Any, confidence: float | None,
                reviewed: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Store a value (and its confidence and reviewed mark) for a field or cell; a field's form checks are
    re-run and the confidence of unreviewed neighbours of every flipped check moves."""
    kind, rowid = parse_item_id(item["id"])
    if kind == "cell":
        con.execute("UPDATE cells SET text = ?, confidence = ?, reviewed = ?, version = version + 1 WHERE id = ?",
                    (new_value, confidence, int(reviewed), rowid))
        return [], []
    form_index = con.execute("SELECT form_index FROM fields WHERE id = ?", (rowid,)).fetchone()[0]
    _, _, old_checks = current_form_data(con, item["doc_id"], form_index)
    con.execute("UPDATE fields SET value = ?, confidence = ?, reviewed = ?, version = version + 1 WHERE id = ?",
                (dumps(new_value), confidence, int(reviewed), rowid))
    if new_value == item["value"]:
        return [], []
    form, data, _ = current_form_data(con, item["doc_id"], form_index)
    new_checks = recompute_checks(form, data)
    if new_checks is None:
        return [], []
    con.execute("UPDATE forms SET checks = ? WHERE doc_id = ? AND form_index = ?",
                (dumps(new_checks), item["doc_id"], form_index))
    return _move_neighbours(con, item["doc_id"], form_index, old_checks, new_checks, item["key"])


def decisions_for(con: sqlite3.Connection, item_id: str) -> list[dict[str, Any]]:
    """Every decision and later step (undo, reopen, flag, second check) on an item, oldest first."""
    from extract.review_app.workflow import events_for

    kind, rowid = parse_item_id(item_id)
    rows = con.execute("SELECT * FROM decisions WHERE target = ? AND target_id = ? ORDER BY id", (kind, rowid))
    out = [{"action": r["action"], "value_before": json.loads(r["value_before"]),
            "value_after": json.loads(r["value_after"]), "reviewer": r["reviewer"], "decided_at": r["decided_at"],
            "confidence_before": r["confidence_before"], "decision": r["id"]} for r in rows]
    return sorted(out + events_for(con, kind, rowid), key=lambda d: d["decided_at"])
