"""The review app in a real Chromium (Playwright): log in, review a queue in Chinese from the keyboard, a
correction in 万元 that clears a failed sum check, undo, bulk accept; a page on another origin and a wrong
Host are refused. Screenshots go to out/test-screenshots/."""
from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from extract.jobs.batch import run_batch
from extract.jobs.runner import JobOptions
from extract.jobs.store import connect
from jobs_docs import ROOT, misprinted_dongguan
from review_client import PASSWORD, Running, add_users

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--host-resolver-rules=MAP attacker.example 127.0.0.1"]
SHOTS = ROOT / "out" / "test-screenshots"

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium "
                                 "(scripts/setup.sh installs it: apt-get install chromium)")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two forms with the same file name in different folders (different misprints)."""
    folder = tmp_path_factory.mktemp("browser")
    a, right = misprinted_dongguan(folder / "in" / "a")
    b, _ = misprinted_dongguan(folder / "in" / "b", wrong_basic="45938500.00")
    db = folder / "r.db"
    assert run_batch(db, [str(a), str(b)], JobOptions(workers=1))["done"] == 2
    add_users(db, "王会计", "reviewer2")
    return db, right


@pytest.fixture()
def app(built, tmp_path):
    db = tmp_path / "r.db"
    db.write_bytes(built[0].read_bytes())
    srv = Running(db)
    yield srv, db, built[1]
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def login(browser, base: str, name: str = "王会计"):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base)
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#login-go")).to_have_text("登录")
    page.fill("#login-name", name)
    page.fill("#login-password", "wrong password")
    page.click("#login-go")
    expect(page.locator("#login-error")).to_have_text("审核人或密码不对")
    page.fill("#login-password", PASSWORD)
    page.click("#login-go")
    expect(page.locator("#queue li").first).to_be_visible()
    return page, errors


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_review_in_chinese_with_undo_and_bulk_accept(app, browser):
    from playwright.sync_api import expect

    srv, db, right = app
    page, errors = login(browser, srv.base + "/")
    queue = page.locator("#queue li")
    n = queue.count()
    assert n >= 10
    expect(page.locator("#who")).to_have_text("王会计")
    labels = page.locator("#queue .label").all_inner_texts()
    assert "基本支出" in labels and not any("budget." in x or "[" in x for x in labels)
    docs = page.locator("#filter-doc option").all_inner_texts()[1:]
    assert sorted(docs) == ["a/dongguan-misprint.pdf", "b/dongguan-misprint.pdf"]  # same name, told apart
    tenth = queue.nth(9).locator(".num")
    expect(tenth).to_have_text("10.")
    box, nav = tenth.bounding_box(), page.locator("nav").bounding_box()
    assert box["x"] >= nav["x"] and tenth.evaluate("e => e.scrollWidth <= e.clientWidth")  # not clipped
    confs = [float(x) for x in page.locator("#queue .conf").all_inner_texts()]
    assert confs == sorted(confs)
    page.wait_for_function("() => document.getElementById('crop').naturalWidth > 0")
    shot(page, "queue-zh.png")

    first = page.locator("#item-label").inner_text()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#item-label")).to_have_text(first)
    assert page.evaluate("document.activeElement.id") in ("value", "value-long")

    page.keyboard.press("Alt+p")  # whole page, cells coloured by confidence, the current one outlined
    expect(page.locator("#page-view")).to_be_visible()
    expect(page.locator("#page-cells div.current")).not_to_have_count(0)
    assert page.locator("#page-cells div").count() > 20
    page.wait_for_function("() => document.getElementById('page-img').naturalWidth > 0")
    shot(page, "whole-page-zh.png")
    page.keyboard.press("Alt+p")

    # only file a: the misprinted 基本支出 in 万元, as printed
    page.select_option("#filter-doc", label="a/dongguan-misprint.pdf")
    expect(page.locator("#queue .doc", has_text="b/dongguan")).to_have_count(0)
    page.locator("#queue li", has_text="基本支出").click()
    expect(page.locator("#item-value")).to_have_text("4,493.85 万元")
    expect(page.locator("#unit")).to_have_text("万元")
    expect(page.locator("#item-reasons")).to_contain_text("未通过校验「支出合计等于收入合计」")
    page.locator("#value").fill(f"{float(right) / 10000:,.2f}")  # 4,393.85 in the printed unit
    shot(page, "correction-zh.png")
    left_before = page.locator("#queue li").count()
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_contain_text("已更正 基本支出")
    expect(page.locator("#message")).to_contain_text("校验「支出合计等于收入合计」现在通过")
    expect(page.locator("#queue li")).to_have_count(left_before - 1)

    # undo brings it back with the misprinted value and shows the history
    page.keyboard.press("Alt+z")
    expect(page.locator("#message")).to_contain_text("已撤销 基本支出 的上一步")
    expect(page.locator("#item-label")).to_have_text("基本支出")
    expect(page.locator("#item-value")).to_have_text("4,493.85 万元")
    expect(page.locator("#history tr")).to_have_count(2)
    expect(page.locator("#history")).to_contain_text("4,393.85 万元 → 4,493.85 万元")

    # bulk accept of the current filter (file a), with a confirmation
    todo_a = page.locator("#queue li").count()
    page.click("#bulk")
    expect(page.locator("#bulk-dialog")).to_be_visible()
    expect(page.locator("#bulk-text")).to_contain_text(f"{todo_a} 项")
    page.click("#bulk-yes")
    expect(page.locator("#message")).to_contain_text(f"已接受 {todo_a} 项")
    expect(page.locator("#empty")).to_be_visible()
    page.select_option("#filter-doc", value="")
    expect(page.locator("#queue li")).to_have_count(n - todo_a)  # file b untouched

    page.click(".lang-switch >> visible=true")  # English on request
    expect(page.locator("#queue .label").first).not_to_have_text("基本支出")
    expect(page.locator("#logout")).to_have_text("Log out")
    page.click(".lang-switch >> visible=true")
    assert not errors, errors
    page.context.close()

    con = connect(db)
    rows = con.execute("SELECT key, action, reviewer FROM decisions ORDER BY id").fetchall()
    assert tuple(rows[0]) == ("budget.basic_expenditure", "correct", "王会计")
    assert [r["action"] for r in rows[1:]] == ["accept"] * todo_a and {r["reviewer"] for r in rows} == {"王会计"}
    con.close()


def test_fast_filter_switching_shows_the_last_filter(app, browser):
    from playwright.sync_api import expect

    srv, _, _ = app
    page, errors = login(browser, srv.base + "/")
    for _ in range(3):
        page.select_option("#filter-name", value="budget.basic_expenditure")
        page.select_option("#filter-doc", label="b/dongguan-misprint.pdf")
        page.select_option("#filter-name", value="")
        page.select_option("#filter-doc", value="")
    page.select_option("#filter-doc", label="a/dongguan-misprint.pdf")
    page.select_option("#filter-name", value="budget.basic_expenditure")
    expect(page.locator("#queue li")).to_have_count(1)
    expect(page.locator("#queue .doc")).to_have_text("a/dongguan-misprint.pdf")
    expect(page.locator("#item-label")).to_have_text("基本支出")
    assert not errors, errors
    page.context.close()


class Attacker(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:  # noqa: N802
        body = f"""<!doctype html><html><body>
<form id="f" method="POST" action="{self.target}/api/decisions" enctype="text/plain">
<input name='{{"item":"f1","action":"correct","value":"1","version":0,"x":"' value='"}}'></form>
<script>
fetch("{self.target}/api/decisions", {{method: "POST", mode: "no-cors", credentials: "include",
  headers: {{"Content-Type": "text/plain"}}, body: JSON.stringify({{item: "f1", action: "accept", version: 0}})}})
  .finally(() => {{ document.title = "sent"; document.getElementById("f").submit(); }});
</script></body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a) -> None:
        pass


def test_another_origin_and_a_wrong_host_are_refused(app, browser):
    from playwright.sync_api import expect

    srv, db, _ = app
    page, _ = login(browser, srv.base + "/")  # the victim is logged in
    handler = type("A", (Attacker,), {"target": srv.base})
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        tab = page.context.new_page()
        responses = []
        tab.on("response", lambda r: responses.append((r.url, r.status)))
        tab.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
        tab.wait_for_url(f"{srv.base}/api/decisions", timeout=10000)  # the auto-submitted form landed
        assert (f"{srv.base}/api/decisions", 403) in responses or (f"{srv.base}/api/decisions", 415) in responses
        # DNS rebinding: the same server by another name
        tab.goto(f"http://attacker.example:{srv.port}/api/queue")
        expect(tab.locator("body")).to_contain_text("wrong Host header")
        tab.close()
    finally:
        evil.shutdown()
        evil.server_close()
    con = connect(db)
    assert con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    con.close()
    page.context.close()


def test_flag_reopen_and_a_second_check_by_another_reviewer(built, tmp_path, browser):
    from playwright.sync_api import expect

    db = tmp_path / "r.db"
    db.write_bytes(built[0].read_bytes())
    srv = Running(db, four_eyes=True)
    try:
        first, _ = login(browser, srv.base + "/")
        first.select_option("#filter-name", value="budget.basic_expenditure")
        first.select_option("#filter-doc", label="a/dongguan-misprint.pdf")
        expect(first.locator("#queue li")).to_have_count(1)
        first.keyboard.press("Alt+f")
        expect(first.locator("#message")).to_contain_text("已标记 基本支出")
        first.select_option("#filter-mode", value="flagged")
        expect(first.locator("#queue li")).to_have_count(1)
        expect(first.locator("#item-status")).to_contain_text("王会计 标记待复查")
        first.select_option("#filter-mode", value="todo")
        expect(first.locator("#queue li")).to_have_count(1)
        first.locator("#value").fill(f"{float(built[1]) / 10000:,.2f}")
        first.keyboard.press("Enter")
        expect(first.locator("#message")).to_contain_text("已更正 基本支出")

        second, _ = login(browser, srv.base + "/", "reviewer2")
        second.select_option("#filter-mode", value="check")
        expect(second.locator("#queue li")).to_have_count(1)
        expect(second.locator("#item-status")).to_contain_text("王会计 的更正待复核")
        expect(second.locator("#verify-ok")).to_be_visible()
        second.click("#verify-ok")
        expect(second.locator("#message")).to_contain_text("已复核 基本支出")
        expect(second.locator("#queue li")).to_have_count(0)

        second.select_option("#filter-mode", value="done")  # reopen: back in the queue, value kept
        second.select_option("#filter-name", value="budget.basic_expenditure")
        second.select_option("#filter-doc", label="a/dongguan-misprint.pdf")
        expect(second.locator("#queue li")).to_have_count(1)
        second.click("#reopen")
        expect(second.locator("#message")).to_contain_text("已重新打开 基本支出")
        second.select_option("#filter-mode", value="todo")
        expect(second.locator("#item-value")).to_have_text("4,393.85 万元")
        expect(second.locator("#history tr")).to_have_count(4)  # flag, correct, verify, reopen
        first.context.close()
        second.context.close()
    finally:
        srv.stop()
