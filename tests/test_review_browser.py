"""The review app in a real Chromium (Playwright): a whole queue reviewed from the keyboard, with a
correction that clears a failed sum check."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.store import connect
from extract.review_app.server import make_server
from jobs_docs import misprinted_dongguan

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium "
                                 "(scripts/setup.sh installs it: apt-get install chromium)")]


@pytest.fixture()
def app(tmp_path):
    pdf, right = misprinted_dongguan(tmp_path / "in")
    db = tmp_path / "r.db"
    assert run_batch(db, [str(pdf)], JobOptions(workers=1))["done"] == 1
    srv = make_server(db, port=0, reviewer="browser-tester")
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/", db, right
    srv.shutdown()
    srv.server_close()


def queue_confidences(page) -> dict[str, float]:
    """Field key -> confidence as the queue list shows them."""
    out = {}
    for li in page.locator("#queue li").all():
        out[li.locator(".key").inner_text().split(" · ")[0]] = float(li.locator(".conf").inner_text())
    return out


def test_review_a_queue_end_to_end_in_chromium(app):
    from playwright.sync_api import expect, sync_playwright

    base, db, right = app
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base)
        queue = page.locator("#queue li")
        expect(queue.first).to_be_visible()
        n = queue.count()
        assert n >= 3
        expect(page.locator(".keys")).to_contain_text("Enter")  # shortcuts are shown
        confs = [float(t) for t in page.locator("#queue .conf").all_inner_texts()]
        assert confs == sorted(confs)
        assert page.locator("#crop").evaluate("img => img.complete && img.naturalWidth > 0") or \
            page.wait_for_function("document.getElementById('crop').naturalWidth > 0")

        # Tab and Shift+Tab move through the queue without leaving the value input
        first = page.locator("#item-key").inner_text()
        page.keyboard.press("Tab")
        expect(page.locator("#item-key")).not_to_have_text(first)
        page.keyboard.press("Shift+Tab")
        expect(page.locator("#item-key")).to_have_text(first)
        assert page.evaluate("document.activeElement.id") == "value"

        # whole-page view: every cell coloured by confidence, the current one outlined
        page.keyboard.press("Alt+p")
        expect(page.locator("#page-view")).to_be_visible()
        expect(page.locator("#page-cells div.current")).to_have_count(1)
        assert page.locator("#page-cells div").count() > 20
        assert page.locator("#page-cells div.low, #page-cells div.mid").count() >= 1
        page.keyboard.press("Alt+p")

        # go to the misprinted amount, see why it is doubtful, type the right value, Enter
        before = queue_confidences(page)
        while page.locator("#item-key").inner_text() != "budget.basic_expenditure":
            page.keyboard.press("Tab")
        expect(page.locator("#item-reasons")).to_contain_text("failed check expenditure_equals_income")
        page.locator("#value").fill(f"{int(float(right)):,}.00")  # in yuan, commas allowed
        page.keyboard.press("Enter")
        expect(page.locator("#message")).to_contain_text("check expenditure_equals_income now passes")
        expect(page.locator("#queue li")).to_have_count(n - 1)
        after = queue_confidences(page)
        assert "budget.basic_expenditure" not in after
        raised = [k for k in after if k.startswith("budget.") and after[k] > before[k]]
        assert raised, (before, after)  # the cleared check raised the amounts it adds up
        left = queue.count()

        # accept everything else with Enter until the queue is empty
        for i in range(left):
            key = page.locator("#item-key").inner_text()
            page.keyboard.press("Enter")
            expect(page.locator("#message")).to_contain_text(f"Accepted {key}")
            expect(queue).to_have_count(left - i - 1)
        expect(page.locator("#empty")).to_be_visible()
        expect(page.locator("#progress")).to_contain_text("0 to go")
        assert not errors, errors
        browser.close()

    con = connect(db)
    rows = con.execute("SELECT key, action, value_before, value_after, reviewer FROM decisions ORDER BY id").fetchall()
    assert tuple(rows[0]) == ("budget.basic_expenditure", "correct", '"44938500.00"', json.dumps(right),
                              "browser-tester")
    assert [r["action"] for r in rows[1:]] == ["accept"] * left
    assert all(r["value_before"] == r["value_after"] for r in rows[1:])
    assert con.execute("SELECT COUNT(*) FROM fields WHERE reviewed = 1").fetchone()[0] == left + 1
    con.close()
