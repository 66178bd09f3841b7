"""Inputs of a batch (files, folders searched recursively, glob patterns) -> the files to process."""
from __future__ import annotations

import glob
import hashlib
from pathlib import Path

SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
"""File types a folder or glob contributes; a file named explicitly is always taken."""


def discover_inputs(inputs: list[str]) -> tuple[list[Path], list[str]]:
    """Resolve inputs to sorted, de-duplicated absolute paths; also return inputs that matched nothing."""
    found: set[Path] = set()
    unmatched: list[str] = []
    for spec in inputs:
        matches = _expand(spec)
        if not matches:
            unmatched.append(spec)
        found.update(matches)
    return sorted(found), unmatched


def _expand(spec: str) -> list[Path]:
    path = Path(spec)
    if path.is_file():
        return [path.resolve()]
    if path.is_dir():
        return _folder_files(path)
    if glob.has_magic(spec):
        out: list[Path] = []
        for match in glob.glob(spec, recursive=True):
            p = Path(match)
            if p.is_dir():
                out.extend(_folder_files(p))
            elif p.is_file() and p.suffix.lower() in SUFFIXES:
                out.append(p.resolve())
        return out
    return []


def _folder_files(folder: Path) -> list[Path]:
    return [p.resolve() for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
