"""Inputs of a batch (files, folders searched recursively, glob patterns) -> the files to process.

Only regular files are taken (symlinks to them too); a FIFO, device, socket or unreadable entry is
skipped with its reason, before anything reads it, and never stops the batch. Names may be any bytes.
"""
from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.names import NotRegularFile, sha256_file

SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
"""File types a folder or glob contributes; a file named explicitly is always taken."""


@dataclass
class Discovery:
    found: list[Path] = field(default_factory=list)  # regular files, absolute, sorted, unique
    unmatched: list[str] = field(default_factory=list)  # inputs that name nothing at all
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, why it is not read)


def discover(inputs: list[str]) -> Discovery:
    out = Discovery()
    found: set[Path] = set()
    for spec in inputs:
        if not _expand(spec, found, out.skipped):
            out.unmatched.append(spec)
    out.found = sorted(found)
    return out


def discover_inputs(inputs: list[str]) -> tuple[list[Path], list[str]]:
    """Resolve inputs to sorted, de-duplicated absolute paths; also return inputs that matched nothing."""
    d = discover(inputs)
    return d.found, d.unmatched


def _kind(path: Path) -> tuple[str, str | None]:
    """('file' | 'dir' | 'missing' | 'other', reason for 'other')."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return ("other", "broken symbolic link") if os.path.islink(path) else ("missing", None)
    except OSError as e:
        return "other", f"cannot read: {(e.strerror or str(e)).lower()}"
    if stat.S_ISREG(mode):
        return "file", None
    if stat.S_ISDIR(mode):
        return "dir", None
    try:
        from extract.names import _check_regular

        _check_regular(mode)
    except NotRegularFile as e:
        return "other", str(e)
    return "other", "not a regular file"


def _take(path: Path, found: set[Path], skipped: list[Any], explicit: bool) -> int:
    """Add a file (or a folder's files) to ``found`` or ``skipped``; return how many entries it matched."""
    kind, reason = _kind(path)
    if kind == "file":
        found.add(Path(os.path.abspath(os.path.realpath(path))))
        return 1
    if kind == "dir":
        return _folder_files(path, found, skipped)
    if kind == "other" and (explicit or path.suffix.lower() in SUFFIXES):
        skipped.append((Path(os.path.abspath(path)), reason or "not a regular file"))
        return 1
    return 0


def _expand(spec: str, found: set[Path], skipped: list[Any]) -> int:
    path = Path(spec)
    kind, _ = _kind(path)
    if kind != "missing":
        return _take(path, found, skipped, explicit=True)
    n = 0
    if glob.has_magic(spec):
        for match in glob.glob(spec, recursive=True):
            p = Path(match)
            k, _ = _kind(p)
            if k == "dir" or p.suffix.lower() in SUFFIXES:
                n += _take(p, found, skipped, explicit=False)
    return n


def _folder_files(folder: Path, found: set[Path], skipped: list[Any]) -> int:
    def unreadable(err: OSError) -> None:
        skipped.append((Path(os.path.abspath(err.filename or folder)),
                        f"cannot list folder: {(err.strerror or str(err)).lower()}"))

    n = 0
    for root, _dirs, files in os.walk(folder, onerror=unreadable):  # symlinked folders are not followed
        for name in files:
            p = Path(root) / name
            if p.suffix.lower() in SUFFIXES:
                n += _take(p, found, skipped, explicit=False)
    return n


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 of a regular file's bytes (``NotRegularFile`` / ``OSError`` otherwise; never blocks)."""
    return sha256_file(path, chunk)
