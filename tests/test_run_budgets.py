"""``extract run`` under budgets: a file that hangs, blows memory or crashes fails alone with its reason;
an output that cannot be written fails that input only; ``-o`` naming a file is refused up front."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extract.jobs.runner import JobOptions
from extract.runfiles import run_inputs
from jobs_docs import ROOT, simple_table_pdf


def _inputs(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    base = simple_table_pdf(folder / "base.tmp", [["部门名称", "东莞市应急管理局"]]).read_bytes()
    (folder / "base.tmp").unlink()
    out = []
    for i, name in enumerate(names):
        (folder / name).write_bytes(base + f"%{i}".encode())
        out.append(folder / name)
    return out


def test_each_file_has_its_own_time_and_memory_budget(tmp_path, capsys):
    inputs = _inputs(tmp_path / "in", ["a.pdf", "hang.pdf", "hog.pdf", "crash.pdf", "killonce.pdf", "z.pdf"])
    job = JobOptions(workers=1, timeout_s=6, memory_mb=1024, extractor="jobs_extractors:faulty_hand_extract")
    report = run_inputs(inputs, tmp_path / "out", job, ["json"], True)
    err = capsys.readouterr().err
    assert report.failed == 3
    reasons = dict(line.rsplit("/", 1)[1].split(": ", 1) for line in err.splitlines() if line.strip())
    assert reasons == {"hang.pdf": "timed out after 6 s", "hog.pdf": "out of memory (limit 1024 MiB)",
                       "crash.pdf": "worker crashed: SIGABRT"}
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["a.json", "crash.json", "hang.json", "hog.json", "killonce.json", "z.json"]
    assert json.loads((tmp_path / "out" / "killonce.json").read_text())["status"] == "ok"  # retried once
    assert json.loads((tmp_path / "out" / "hang.json").read_text())["issues"][0]["message"] == "timed out after 6 s"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract.cli", "run", "-q", "--form", "none", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_outputs_fail_alone_and_o_naming_a_file_is_refused(tmp_path):
    a, b, c = _inputs(tmp_path / "in", ["a.pdf", "b.pdf", "c.pdf"])
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    refused = _run(str(a), str(b), "-o", str(existing))
    assert refused.returncode == 2 and "is an existing file" in refused.stderr and existing.read_text() == "keep me"

    out = tmp_path / "out"
    (out / "b.json").mkdir(parents=True)  # b's output cannot be written: a folder is in the way
    done = _run(str(a), str(b), str(c), "-o", str(out), "--pages", "1-100000000")
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "b.pdf: cannot write" in lines[0]
    for name in ("a", "c"):
        result = json.loads((out / f"{name}.json").read_text())
        assert result["status"] == "ok" and len(result["pages"]) == 1
        assert any("pages beyond the last (1) ignored" in i["message"] for i in result["issues"])
    assert not [p for p in out.iterdir() if p.name.startswith(".extract-")]  # no temp file left behind


def test_two_inputs_with_one_name_both_keep_their_result(tmp_path):
    """`run a/x.pdf b/x.pdf -o out` wrote both to out/x.json, the second over the first: a lost result.
    The first keeps x.json (CONTRACT.md), the second goes to x-2.json, and stderr says so."""
    (a,) = _inputs(tmp_path / "a", ["x.pdf"])
    (b,) = _inputs(tmp_path / "b", ["x.pdf"])
    b.write_bytes(simple_table_pdf(tmp_path / "other.pdf", [["部门名称", "揭阳市财政局"]]).read_bytes())
    out = tmp_path / "out"
    done = _run(str(a), str(b), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["x-2.json", "x.json"]
    first = json.loads((out / "x.json").read_text())
    second = json.loads((out / "x-2.json").read_text())
    assert first["source"]["path"].endswith("a/x.pdf") and second["source"]["path"].endswith("b/x.pdf")
    assert "揭阳市财政局" in json.dumps(second, ensure_ascii=False) and "揭阳市财政局" not in json.dumps(first, ensure_ascii=False)
    assert "x-2.json (another input has its name)" in done.stderr
