"""Extractors for the job-runner tests, importable by worker processes (tests/ is on sys.path).

``faulty_extract`` runs the real ``extract.extract_file`` except on files whose name asks for a fault:
``*crash*`` aborts the process, ``*hang*`` never returns, ``*hog*`` allocates without bound, ``*raise*``
raises, ``*sigkill*`` is killed with SIGKILL (as the system's OOM killer does) and ``*killonce*`` only the
first time. The runner is the component under test here; the faults are what real bad documents do to it.
``slow_extract`` logs each computation to ``$EXTRACT_LOG`` (so a test can count documents computed twice).
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def faulty_extract(path, options):
    _fault(Path(path))
    from extract import extract_file

    return extract_file(path, options)


def faulty_hand_extract(path, options):
    _fault(Path(path))
    return hand_extract(path, options)


def slow_extract(path, options):
    log = os.environ.get("EXTRACT_LOG")
    if log:
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()} {Path(path).name}\n")
    _fault(Path(path))
    time.sleep(float(os.environ.get("EXTRACT_SLEEP", "0.2")))
    return hand_extract(path, options)


def _fault(path: Path) -> None:
    name = path.name
    if "killonce" in name:
        marker = path.with_name(name + ".killed")
        if not marker.exists():
            marker.write_text("1")
            os.kill(os.getpid(), signal.SIGKILL)
    if "sigkill" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "crash" in name:
        os.abort()
    if "hang" in name:
        while True:
            time.sleep(1)
    if "hog" in name:
        blocks = []
        while True:
            blocks.append(bytearray(64 * 1024 * 1024))
    if "raise" in name:
        raise ValueError(f"cannot read {name}")


def hand_extract(path, options):
    """A small stand-in built from the PDF's real text layer (pypdfium2): one table, one form.

    Used only where a test needs a result of a known shape (the review queue), never for the runner.
    """
    import hashlib

    import pypdfium2 as pdfium

    from extract.types import Cell, Check, FormDocument, PageInfo, Result, SourceInfo, Table

    data = Path(path).read_bytes()
    pdf = pdfium.PdfDocument(data)
    page = pdf[0]
    width, height = page.get_size()
    text = page.get_textpage().get_text_range()
    pdf.close()
    words = text.split()
    cells = tuple(Cell(row=i // 2, col=i % 2, text=w, confidence=0.5 + 0.1 * (i % 5), page=1,
                       bbox=(60 + 150 * (i % 2), 80 + 24 * (i // 2), 210 + 150 * (i % 2), 104 + 24 * (i // 2)))
                  for i, w in enumerate(words))
    table = Table(id="t1", pages=(1,), n_rows=(len(words) + 1) // 2, n_cols=2, cells=cells)
    fields = {f"f{i}": {"value": w, "confidence": c.confidence, "raw": w,
                        "source": {"table": "t1", "cells": [[c.row, c.col]], "page": 1}}
              for i, (w, c) in enumerate(zip(words, cells)) if c.col == 1}
    form = FormDocument(form="test_form", pages=(1,), confidence=0.8, data=fields,
                        checks=(Check(rule="all_read", passed=True, fields=tuple(fields)),))
    return Result(source=SourceInfo(path=str(path), sha256=hashlib.sha256(data).hexdigest(), page_count=1),
                  pages=(PageInfo(page=1, width=width, height=height),), tables=(table,), documents=(form,))
