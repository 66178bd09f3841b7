"""``extract watch``: files are taken once complete (a slow writer, a closing rename), each gets one output
and one status line, and a watcher killed with SIGKILL and restarted neither repeats nor skips a file."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from jobs_docs import ROOT, generate_forms
from test_jobs_batch import EXTRACTOR, _env


def watch_cmd(folder: Path, db: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "extract.jobs", "watch", str(folder), "--store", str(db), "--out", str(out),
            "--settle", "1", "--extractor", EXTRACTOR, *extra]


def outputs(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.name.endswith((".json", ".error.txt")))


def wait_for(predicate, timeout: float = 120.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.time() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"watcher exited: {proc.stderr.read()[-2000:]}")
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)


def test_complete_files_once_across_kill_9_and_restart(tmp_path):
    forms = generate_forms(tmp_path / "src", 6)
    hot, out, db = tmp_path / "hot", tmp_path / "out", tmp_path / "w.db"
    (hot / "sub").mkdir(parents=True)
    (hot / forms[0].name).write_bytes(forms[0].read_bytes())
    (hot / "sub" / forms[1].name).write_bytes(forms[1].read_bytes())
    (hot / "notes.txt").write_text("not a document")
    (hot / "scan.pdf.part").write_bytes(forms[2].read_bytes()[:1000])  # a scanner still writing

    watcher = subprocess.Popen(watch_cmd(hot, db, out), cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(outputs(out)) >= 1, proc=watcher)
        # a slow writer: half now, the rest after less than the settle time; taken only when complete
        data = forms[3].read_bytes()
        slow = hot / "slow.pdf"
        with slow.open("wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            time.sleep(0.6)
            fh.write(data[len(data) // 2:])
        watcher.send_signal(signal.SIGKILL)  # mid-run, with work pending
        watcher.wait(30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    # the closing rename completes the scan while no watcher runs; then a copy under another name
    (hot / "scan.pdf.part").write_bytes(forms[2].read_bytes())
    (hot / "scan.pdf.part").rename(hot / "scan.pdf")
    (hot / "copy.pdf").write_bytes(forms[0].read_bytes())

    watcher = subprocess.Popen(watch_cmd(hot, db, out), cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(outputs(out)) >= 5, proc=watcher)
        (hot / "late.pdf").write_bytes(forms[4].read_bytes())  # dropped while it runs
        wait_for(lambda: len(outputs(out)) >= 6, proc=watcher)
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(60) == 0
    finally:
        if watcher.poll() is None:
            watcher.kill()
    # a last run with --once finds nothing new: nothing is repeated
    again = subprocess.run(watch_cmd(hot, db, out, "--once"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]

    names = sorted(p.relative_to(out).as_posix() for p in outputs(out))
    assert names == sorted(["copy.pdf.json", f"{forms[0].name}.json", "late.pdf.json", "scan.pdf.json",
                            "slow.pdf.json", f"sub/{forms[1].name}.json"])
    lines = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines()]
    assert sorted(Path(x["file"]).name for x in lines) == sorted(Path(n).name[:-5] for n in names)  # once each
    assert all(x["status"] == "done" for x in lines)  # the slow file was not taken half-written
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*), SUM(attempts), COUNT(DISTINCT sha256) FROM documents").fetchone() == (5, 5, 5)
    con.close()
    slow_result = json.loads((out / "slow.pdf.json").read_text())
    assert slow_result["documents"] and slow_result["source"]["page_count"] >= 1
