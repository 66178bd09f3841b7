"""File names as bytes: shown escaped on one line, safe output stems, atomic writes, regular files only."""
from __future__ import annotations

import os

import pytest

from extract.names import NotRegularFile, atomic_path, atomic_write_text, safe_stem, sha256_file, shown


def test_names_are_shown_on_one_line_and_stems_fit():
    assert shown("部门/预算 表.pdf") == "部门/预算 表.pdf"  # a valid name is left as it is
    assert shown(os.fsdecode(b"a\xff\n\tb")) == "a\\xff\\n\\tb"
    long_a, long_b = "长" * 90 + "a", "长" * 90 + "b"
    stem_a, stem_b = safe_stem(long_a), safe_stem(long_b)
    assert len(stem_a.encode()) <= 215 and len(stem_b.encode()) <= 215 and stem_a != stem_b
    assert stem_a.startswith("长" * 60)  # the start of the name is kept
    assert safe_stem("..") == "__" and "/" not in safe_stem(os.fsdecode(b"x\xff/y"))


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "r.json"
    atomic_write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk went away")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and oct(target.stat().st_mode & 0o777) != "0o600"


def test_only_regular_files_are_opened(tmp_path):
    fifo = tmp_path / "f.pdf"
    os.mkfifo(fifo)  # opening it for reading would block until a writer came
    with pytest.raises(NotRegularFile, match="FIFO"):
        sha256_file(fifo)
    link = tmp_path / "z.pdf"
    os.symlink("/dev/zero", link)
    with pytest.raises(NotRegularFile, match="character device"):
        sha256_file(link)
    ok = tmp_path / "ok.pdf"
    ok.write_bytes(b"%PDF-1.7")
    os.symlink(ok, tmp_path / "ok-link.pdf")
    assert sha256_file(tmp_path / "ok-link.pdf") == sha256_file(ok)
