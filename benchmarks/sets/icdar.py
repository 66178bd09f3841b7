"""ICDAR 2013: the PDFs; truth and the adjacency metric come from :mod:`benchmarks.icdar2013`."""
from __future__ import annotations

from benchmarks.sets import BenchSet, Sample, evaldata_dir


def samples(bench: BenchSet) -> list[Sample]:
    root = evaldata_dir() / "icdar2013"
    return [Sample(bench.name, p.stem, str(p), "pdf_text") for p in sorted(root.glob("competition-dataset-*/*.pdf"))]
