"""Review over HTTP on a store from a real batch: queue order, crops, decisions, checks re-run, bad requests."""
from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.store import connect
from extract.review import REVIEW_THRESHOLD
from extract.review_app.server import make_server
from jobs_docs import misprinted_dongguan

BASIC = "budget.basic_expenditure"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("review")
    pdf, right = misprinted_dongguan(folder / "in")
    db = folder / "r.db"
    summary = run_batch(db, [str(pdf)], JobOptions(workers=1))
    assert summary["done"] == 1 and summary["forms"] == 1
    return db, right


@pytest.fixture()
def server(built, tmp_path):
    db = tmp_path / "r.db"
    db.write_bytes(built[0].read_bytes())  # each test edits its own copy
    srv = make_server(db, port=0, reviewer="tester")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", db, built[1]
    srv.shutdown()
    srv.server_close()


def call(base: str, path: str, body=None, raw: bytes | None = None) -> tuple[int, object]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            payload = res.read()
            return res.status, (json.loads(payload) if res.headers["Content-Type"].startswith("application/json")
                                else payload)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def item_by_key(base: str, key: str) -> dict:
    items = call(base, "/api/queue")[1]["items"]
    return next(i for i in items if i["key"] == key)


def test_queue_is_lowest_confidence_first_with_reasons_and_images(server):
    base, _, _ = server
    status, data = call(base, "/api/queue")
    items = data["items"]
    assert status == 200 and items
    confs = [i["confidence"] for i in items]
    assert confs == sorted(confs) and max(confs) < REVIEW_THRESHOLD
    basic = item_by_key(base, BASIC)
    assert basic["value"] == "44938500.00"
    assert any(r.startswith("failed check expenditure_equals_income") for r in basic["reasons"])
    status, png = call(base, f"/api/crop/{basic['id']}.png")
    crop = Image.open(io.BytesIO(png))
    page = call(base, f"/api/page/{basic['doc_id']}/{basic['page']}")[1]
    assert status == 200 and 0 < crop.width < page["width"] * 2 and crop.height < page["height"] * 2
    px = np.asarray(crop.convert("RGB")).astype(int)
    red = int(((px[..., 0] > 200) & (px[..., 1] < 40) & (px[..., 2] < 40)).sum())
    assert red > 100  # the outline around the cell
    assert all(0 <= c["confidence"] <= 1 for c in page["cells"]) and len(page["cells"]) > 20
    only = call(base, f"/api/queue?name={BASIC}")[1]["items"]
    assert [i["key"] for i in only] == [BASIC]


def test_correction_clears_the_failed_check_and_raises_neighbours(server):
    base, db, right = server
    basic = item_by_key(base, BASIC)
    before = {i["key"]: i["confidence"] for i in call(base, "/api/queue")[1]["items"]}
    wan = f"{float(right) / 10000:,.2f}万元"  # typed as printed: 4,393.85万元
    status, out = call(base, "/api/decisions", {"item": basic["id"], "action": "correct",
                                                "value": wan, "version": basic["version"]})
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
    row = con.execute("SELECT action, value_before, value_after, reviewer FROM decisions").fetchall()
    assert [tuple(r) for r in row] == [("correct", '"44938500.00"', f'"{right}"', "tester")]
    checks = json.loads(con.execute("SELECT checks FROM forms").fetchone()[0])
    assert all(c["passed"] for c in checks if c["rule"] == "expenditure_equals_income")
    con.close()
    assert BASIC not in [i["key"] for i in call(base, "/api/queue")[1]["items"]]


def test_bad_requests_get_clear_errors_and_lose_no_decision(server):
    base, db, _ = server
    basic = item_by_key(base, BASIC)
    assert call(base, "/api/item/f999999")[0] == 404
    assert call(base, "/api/item/zz")[0] == 400
    assert call(base, "/api/crop/c999999.png")[0] == 404
    assert call(base, "/api/decisions", raw=b"{not json")[0] == 400
    assert call(base, "/api/decisions", {"item": basic["id"]})[0] == 400
    assert call(base, "/api/decisions", {"item": basic["id"], "action": "delete", "version": 0})[0] == 400
    status, err = call(base, "/api/decisions", {"item": basic["id"], "action": "correct", "value": "四千万",
                                                "version": basic["version"]})
    assert status == 400 and BASIC in err["error"]
    assert call(base, "/api/decisions", {"item": "f999999", "action": "accept", "version": 0})[0] == 404

    # two people decide on the same cell at once: exactly one wins, the other is told and nothing is lost
    body = lambda v: {"item": basic["id"], "action": "correct", "value": v, "version": basic["version"]}  # noqa: E731
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda v: call(base, "/api/decisions", body(v)), ["43938500", "43938600"]))
    codes = sorted(r[0] for r in results)
    assert codes == [200, 409]
    winner = next(r[1] for r in results if r[0] == 200)["item"]["value"]
    loser = next(r[1] for r in results if r[0] == 409)
    assert loser["item"]["value"] == winner and "changed by someone else" in loser["error"]
    con = connect(db)
    assert tuple(con.execute("SELECT COUNT(*), MAX(value_after) FROM decisions").fetchone()) == (1, json.dumps(winner))
    con.close()
    item = call(base, f"/api/item/{basic['id']}")[1]
    assert item["value"] == winner and item["version"] == basic["version"] + 1 and len(item["decisions"]) == 1
