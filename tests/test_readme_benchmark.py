"""The README's benchmark table is the last full run's, and that run is of the code in this checkout.

A full run takes half an hour, so it cannot run on every commit. Instead: the README cites the commit of
the last full run (``benchmarks/results/latest.json``) and shows its headline table verbatim; every file
that decides a figure (the pipeline, the form models, the corpus generator, the benchmark's sets, methods
and metrics) must be unchanged since that commit, or be listed in
``benchmarks/results/since_full_run.txt`` with why its figures cannot move (an annotation, a lazy import).
Commits to tests, docs, scripts or the results themselves never trip it; a change to the code does, until
the full benchmark is run again on it. The quick slice's gate (``test_bench_gate.py``) still runs on
every commit.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
FIGURE_PATHS = ("extract", "models", "corpus", "benchmarks/methods", "benchmarks/metrics", "benchmarks/sets",
                "benchmarks/scoring.py", "benchmarks/runner.py", "benchmarks/worker.py", "benchmarks/bench.py",
                "benchmarks/icdar2013.py", "benchmarks/icdar2013_metric.py", "benchmarks/icdar2013_pdftext.py")


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=60)


def listed_changes(path: Path = RESULTS / "since_full_run.txt") -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, reason = line.partition(":")
            assert reason.strip(), f"{name}: say why its figures cannot move"
            out[name.strip()] = reason.strip()
    return out


def cited_commit(readme: str) -> str:
    found = re.findall(r"Commit `([0-9a-f]{7,40})`", readme)
    assert len(found) == 1, f"the README should cite one benchmark commit, found {found}"
    return found[0]


def test_readme_shows_the_last_full_run():
    record = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
    assert not record["quick"] and not record["dirty"], "latest.json must be a full run of a clean checkout"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert record["commit"].startswith(cited_commit(readme))
    assert (RESULTS / "latest_headline.md").read_text(encoding="utf-8").strip() in readme


def test_code_unchanged_since_the_cited_full_run():
    if _git("rev-parse", "--git-dir").returncode != 0:
        pytest.fail("not a git checkout: cannot tell which code the README's figures belong to")
    commit = cited_commit((REPO / "README.md").read_text(encoding="utf-8"))
    assert _git("cat-file", "-e", f"{commit}^{{commit}}").returncode == 0, f"cited commit {commit} is not here"
    assert _git("merge-base", "--is-ancestor", commit, "HEAD").returncode == 0, f"{commit} is not behind HEAD"
    changed = _git("diff", "--name-only", commit, "--", *FIGURE_PATHS).stdout.split()  # working tree included
    listed = listed_changes()
    unlisted = sorted(p for p in changed if p not in listed and not p.endswith(".md"))
    assert not unlisted, (f"changed since the full run {commit} the README cites; rerun `python -m benchmarks run`"
                          f" and update the README, or list each in since_full_run.txt with why its figures "
                          f"cannot move:\n" + "\n".join(unlisted))


def test_the_list_is_read_strictly(tmp_path):
    path = tmp_path / "since.txt"
    path.write_text("# comment\nextract/cli.py: help text only\n", encoding="utf-8")
    assert listed_changes(path) == {"extract/cli.py": "help text only"}
    path.write_text("extract/pipeline.py\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        listed_changes(path)
