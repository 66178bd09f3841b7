"""ICDAR 2013: the PDFs; truth and the adjacency metric come from :mod:`benchmarks.icdar2013`.

The 67 documents are split once, by a hash of each file's name (independent of listing order and of
anything a method does): one half to tune constants on (``icdar2013-tune``, reported as in-sample), the
other held out (``icdar2013``, the headline figure, never looked at while tuning).
"""
from __future__ import annotations

import hashlib

from benchmarks.sets import BenchSet, Sample, evaldata_dir


def is_tuning_doc(stem: str) -> bool:
    """True for the tuning half: the SHA-1 of the file name (without ``.pdf``) is even (34 of 67)."""
    return int(hashlib.sha1(stem.encode()).hexdigest(), 16) % 2 == 0


def all_samples(bench: BenchSet) -> list[Sample]:
    root = evaldata_dir() / "icdar2013"
    return [Sample(bench.name, p.stem, str(p), "pdf_text") for p in sorted(root.glob("competition-dataset-*/*.pdf"))]


def samples(bench: BenchSet) -> list[Sample]:
    tuning = bench.name.endswith("-tune")
    return [s for s in all_samples(bench) if is_tuning_doc(s.sample_id) == tuning]
