"""Review over HTTP on a store from a real batch: queue order, crops, decisions, checks re-run, bad requests."""
from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.store import connect
from extract.review import REVIEW_THRESHOLD
from jobs_docs import misprinted_dongguan
from review_client import Client, Running, add_users

BASIC = "budget.basic_expenditure"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("review")
    pdf, right = misprinted_dongguan(folder / "in")
    db = folder / "r.db"
    summary = run_batch(db, [str(pdf)], JobOptions(workers=1))
    assert summary["done"] == 1 and summary["forms"] == 1
    add_users(db, "alice", "bob")
    return db, right


@pytest.fixture()
def server(built, tmp_path):
    db = tmp_path / "r.db"
    db.write_bytes(built[0].read_bytes())  # each test edits its own copy
    running = Running(db)
    yield running, db, built[1]
    running.stop()


def test_queue_is_lowest_confidence_first_with_labels_reasons_and_images(server):
    srv, _, _ = server
    alice = Client(srv.port, "alice")
    items = alice.queue()
    confs = [i["confidence"] for i in items]
    assert items and confs == sorted(confs) and max(confs) < REVIEW_THRESHOLD
    basic = alice.item(BASIC)
    assert basic["value"] == "44938500.00" and basic["unit"] == "万元" and basic["value_printed"] == "4,493.85"
    assert basic["label"] == {"zh": "基本支出", "en": "Basic expenditure"}
    assert any(r.startswith("failed check expenditure_equals_income") for r in basic["reasons"])
    status, png = alice.get(f"/api/crop/{basic['id']}.png")
    crop = Image.open(io.BytesIO(png))
    page = alice.get(f"/api/page/{basic['doc_id']}/{basic['page']}")[1]
    assert status == 200 and 0 < crop.width < page["width"] * 2 and crop.height < page["height"] * 2
    px = np.asarray(crop.convert("RGB")).astype(int)
    assert int(((px[..., 0] > 200) & (px[..., 1] < 40) & (px[..., 2] < 40)).sum()) > 100  # the outline
    assert all(0 <= c["confidence"] <= 1 for c in page["cells"]) and len(page["cells"]) > 20
    assert [i["key"] for i in alice.queue(f"name={BASIC}")] == [BASIC]
    assert [i["key"] for i in alice.queue("reason=check")] and all(
        "check" in i["reason_kinds"] for i in alice.queue("reason=check"))
    assert alice.queue("path=no-such-folder") == [] and alice.queue("path=in") != []
    names = {n["name"]: n["label"]["zh"] for n in alice.get("/api/fields")[1]}
    assert names[BASIC] == "基本支出" and names["key_tasks[].amount"] == "重点任务 · 金额"


def test_correction_in_printed_unit_is_signed_by_the_logged_in_reviewer(server):
    srv, db, right = server
    alice = Client(srv.port, "alice")
    basic = alice.item(BASIC)
    before = {i["key"]: i["confidence"] for i in alice.queue()}
    wan = f"{float(right) / 10000:,.2f}万元"  # typed as printed: 4,393.85万元
    status, out = alice.post("/api/decisions", {"item": basic["id"], "action": "correct", "value": wan,
                                                "version": basic["version"], "reviewer": "mallory"})
    assert status == 200, out
    assert out["item"]["value"] == right and out["item"]["confidence"] == 1.0 and out["item"]["reviewed"]
    assert {"rule": "expenditure_equals_income", "passed": True} in [
        {k: c[k] for k in ("rule", "passed")} for c in out["checks_flipped"]]
    raised = {n["key"]: n for n in out["neighbours"]}
    assert "budget.fiscal_appropriation" in raised
    for n in raised.values():
        assert n["confidence"] > n["confidence_before"]
        if n["key"] in before:
            assert before[n["key"]] == n["confidence_before"]
    con = connect(db)
    rows = con.execute("SELECT action, value_before, value_after, reviewer FROM decisions").fetchall()
    assert [tuple(r) for r in rows] == [("correct", '"44938500.00"', f'"{right}"', "alice")]  # not mallory
    con.close()
    assert BASIC not in [i["key"] for i in alice.queue()]


def test_undo_reopen_flag_and_history(server):
    srv, db, right = server
    alice, bob = Client(srv.port, "alice"), Client(srv.port, "bob")
    basic = alice.item(BASIC)
    assert alice.post("/api/claim", {"item": basic["id"]})[0] == 200
    status, out = bob.post("/api/decisions", {"item": basic["id"], "action": "accept", "version": basic["version"]})
    assert status == 409 and out["claimed_by"] == "alice"  # claimed: bob cannot take it
    assert bob.item(BASIC)["claimed_by"] == "alice"
    out = alice.post("/api/decisions", {"item": basic["id"], "action": "correct", "value": right,
                                        "version": basic["version"]})[1]
    done = alice.item(BASIC, "mode=done")
    assert done["value"] == right
    status, out = alice.post("/api/undo", {"item": basic["id"], "version": done["version"]})
    assert status == 200 and out["item"]["value"] == "44938500.00" and not out["item"]["reviewed"]
    assert any(c["rule"] == "expenditure_equals_income" and not c["passed"] for c in out["checks_flipped"])
    again = alice.item(BASIC)  # back in the queue with its old confidence
    assert again["confidence"] == basic["confidence"]
    assert alice.post("/api/flag", {"item": basic["id"], "note": "看原件"})[0] == 200
    assert [i["key"] for i in alice.queue("mode=flagged")] == [BASIC]
    assert bob.item(BASIC)["flag"] == {"reviewer": "alice", "note": "看原件"}
    out = bob.post("/api/decisions", {"item": basic["id"], "action": "accept", "version": again["version"]})[1]
    assert out["item"]["reviewed"] and alice.queue("mode=flagged") == []  # answering a flag clears it
    done = bob.item(BASIC, "mode=done")
    assert bob.post("/api/reopen", {"item": basic["id"], "version": done["version"]})[0] == 200
    history = alice.get(f"/api/item/{basic['id']}")[1]["decisions"]
    assert [(h["action"], h["reviewer"]) for h in history] == [
        ("correct", "alice"), ("undo", "alice"), ("flag", "alice"), ("accept", "bob"), ("reopen", "bob")]
    assert history[1]["value_before"] == right and history[1]["value_after"] == "44938500.00"
    assert alice.post("/api/undo", {"item": basic["id"], "version": alice.item(BASIC)["version"]})[0] == 409


def test_four_eyes_and_bulk_accept(built, tmp_path):
    db = tmp_path / "r.db"
    db.write_bytes(built[0].read_bytes())
    srv = Running(db, four_eyes=True)
    try:
        alice, bob = Client(srv.port, "alice"), Client(srv.port, "bob")
        assert alice.get("/api/me")[1]["four_eyes"] is True
        basic = alice.item(BASIC)
        alice.post("/api/decisions", {"item": basic["id"], "action": "correct", "value": built[1],
                                      "version": basic["version"]})
        waiting = alice.item(BASIC, "mode=check")
        assert waiting["corrected_by"] == "alice"
        # a claim alice's page sent when it showed the item, reaching the server after her decision, takes
        # nothing: the item stays open to bob's check (CI once failed on this race in the browser test)
        assert alice.post("/api/claim", {"item": basic["id"]})[0] == 200
        assert alice.item(BASIC, "mode=check").get("claimed_by") is None
        assert alice.post("/api/verify", {"item": basic["id"], "version": waiting["version"]})[0] == 403
        status, out = bob.post("/api/verify", {"item": basic["id"], "version": waiting["version"]})
        assert status == 200 and alice.queue("mode=check") == []
        rest = alice.queue()
        status, out = alice.post("/api/bulk", {"items": [{"item": i["id"], "version": i["version"]} for i in rest]})
        assert status == 200 and sorted(out["accepted"]) == sorted(i["id"] for i in rest) and not out["skipped"]
        assert alice.queue() == [] and out["progress"]["pending"] == 0
        assert alice.post("/api/bulk", {"items": []})[0] == 400
    finally:
        srv.stop()


def test_login_csrf_origin_host_and_headers(server):
    srv, db, _ = server
    anon = Client(srv.port)
    assert anon.get("/api/queue")[0] == 401
    status, out = anon.post("/api/login", {"name": "bob", "password": "wrong password"}, csrf=False)
    assert status == 401
    for _ in range(5):
        anon.post("/api/login", {"name": "bob", "password": "guess"}, csrf=False)
    assert anon.post("/api/login", {"name": "bob", "password": "correct horse 1"}, csrf=False)[0] == 429  # paused
    alice = Client(srv.port, "alice")
    basic = alice.item(BASIC)
    body = {"item": basic["id"], "action": "accept", "version": basic["version"]}
    assert alice.post("/api/decisions", body, csrf=False)[0] == 403  # no token
    assert alice.post("/api/decisions", body, origin="http://attacker.example")[0] == 403
    assert alice.post("/api/decisions", body, origin=None)[0] == 403
    assert alice.post("/api/decisions", json.dumps(body).encode(), ctype="text/plain")[0] == 415
    assert alice.post("/api/decisions", b"item=f1&action=accept", ctype="application/x-www-form-urlencoded")[0] == 415
    status, out, _ = alice.request("GET", "/api/queue", headers={"Host": "attacker.example"})
    assert status == 400 and "Host" in out["error"]
    status, _, head = alice.request("GET", "/")
    assert status == 200 and head["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in head[
        "content-security-policy"] and head["x-content-type-options"] == "nosniff"
    con = connect(db)
    assert con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0  # nothing got through
    token = con.execute("SELECT token_sha FROM review_sessions").fetchone()[0]
    assert alice.cookie.split("=", 1)[1] not in token  # only a hash of the session token is stored
    con.close()
    assert alice.post("/api/logout", {})[0] == 200 and alice.get("/api/queue")[0] == 401


def test_bad_requests_get_clear_errors_and_lose_no_decision(server):
    srv, db, _ = server
    alice = Client(srv.port, "alice")
    basic = alice.item(BASIC)
    assert alice.get("/api/item/f999999")[0] == 404
    assert alice.get("/api/item/zz")[0] == 400
    assert alice.get(f"/api/item/f{2 ** 64}")[0] == 400
    assert alice.get("/api/crop/c999999.png")[0] == 404
    assert alice.post("/api/decisions", b"{not json")[0] == 400
    assert alice.post("/api/decisions", {"item": basic["id"]})[0] == 400
    assert alice.post("/api/decisions", {"item": basic["id"], "action": "delete", "version": 0})[0] == 400
    assert alice.post("/api/decisions", {"item": basic["id"], "action": "accept", "version": 2 ** 70})[0] == 400
    status, err = alice.post("/api/decisions", {"item": basic["id"], "action": "correct", "value": "四千万",
                                                "version": basic["version"]})
    assert status == 400 and BASIC in err["error"]
    assert alice.post("/api/decisions", {"item": "f999999", "action": "accept", "version": 0})[0] == 404
    assert alice.post("/api/decisions", b"[" * 100000 + b"]" * 100000)[0] in (400, 413)

    # two edits of the same value at once: exactly one wins, the other is told and nothing is lost
    body = lambda v: {"item": basic["id"], "action": "correct", "value": v, "version": basic["version"]}  # noqa: E731
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda v: alice.post("/api/decisions", body(v)), ["43938500", "43938600"]))
    assert sorted(r[0] for r in results) == [200, 409]
    winner = next(r[1] for r in results if r[0] == 200)["item"]["value"]
    loser = next(r[1] for r in results if r[0] == 409)
    assert loser["item"]["value"] == winner and "changed by someone else" in loser["error"]
    con = connect(db)
    assert tuple(con.execute("SELECT COUNT(*), MAX(value_after) FROM decisions").fetchone()) == (1, json.dumps(winner))
    con.close()
    item = alice.get(f"/api/item/{basic['id']}")[1]
    assert item["value"] == winner and item["version"] == basic["version"] + 1 and len(item["decisions"]) == 1
