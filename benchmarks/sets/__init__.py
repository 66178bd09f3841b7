"""Benchmark sets: where each one's documents and truth live, and the slice ``--quick`` takes."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from benchmarks.methods.base import InputKind

REPO = Path(__file__).resolve().parents[2]


def evaldata_dir() -> Path:
    """``$BENCH_EVALDATA``, else ``shared/evaldata`` beside the clone (as CI lays it out), else /work/shared."""
    if os.environ.get("BENCH_EVALDATA"):
        return Path(os.environ["BENCH_EVALDATA"])
    for candidate in (REPO.parent / "shared" / "evaldata", Path("/work/shared/evaldata")):
        if candidate.exists():
            return candidate
    return REPO.parent / "shared" / "evaldata"


@dataclass(frozen=True)
class Sample:
    set_name: str
    sample_id: str
    path: str
    kind: InputKind
    truth: str = ""  # path of the truth file (set-specific format); empty where the set loader knows it


@dataclass(frozen=True)
class BenchSet:
    name: str
    title: str
    kind: InputKind
    quick: int  # documents in the --quick slice
    full: int | None = None  # documents in a full run (None: all); scans are capped to fit 30 minutes

    def samples(self) -> list[Sample]:
        """Every document of the set (generated first where the set is generated)."""
        return self._load(None)

    def slice(self, quick: bool) -> list[Sample]:
        """The documents a run takes: the quick or full share, spread over the set.

        Scan sets take their first documents instead, so that only those need scanning on a fresh clone
        (scanning is the slow part of making the corpus) and every machine scores the same ones.
        """
        n = self.quick if quick else self.full
        if self.name in ("corpus-mild", "corpus-harsh"):
            return self._load(n)[:n]
        return quick_slice(self._load(None), n)

    def _load(self, wanted: int | None) -> list[Sample]:
        from benchmarks.sets import corpus, ctdar, icdar, indep, pubtabnet

        if self.name.startswith("corpus-indep-"):
            return indep.samples(self)
        if self.name.startswith("corpus"):
            return corpus.samples(self, wanted)
        loaders = {"icdar2013": icdar.samples, "ctdar2019": ctdar.samples, "pubtabnet": pubtabnet.samples}
        return loaders[self.name.split("-")[0]](self)


SETS: dict[str, BenchSet] = {s.name: s for s in (
    BenchSet("corpus-born", "Corpus, born-digital PDFs", "pdf_text", 10),
    BenchSet("corpus-heldout", "Corpus, held-out born-digital PDFs (another generator seed)", "pdf_text", 12),
    BenchSet("corpus-mild", "Corpus, mild scans", "pdf_scan", 1, 6),
    BenchSet("corpus-harsh", "Corpus, harsh scans", "pdf_scan", 1, 10),
    BenchSet("icdar2013", "ICDAR 2013 table competition, held-out half (33 of 67 PDFs)", "pdf_text", 3),
    BenchSet("ctdar2019", "cTDaR 2019 modern Chinese pages, held out (cell content boxes)", "image", 2),
    BenchSet("pubtabnet", "PubTabNet examples (table images, HTML truth)", "image", 2),
    # In-sample sets: the raster and structure constants are tuned on these; listed (and printed) after
    # the held-out figures above.
    BenchSet("icdar2013-tune", "ICDAR 2013, tuning half (34 of 67 PDFs), in-sample", "pdf_text", 3),
    BenchSet("ctdar2019-b2", "cTDaR 2019 Track B2 other pages (86, English/mixed), in-sample", "image", 3, 40),
)}
IN_SAMPLE = frozenset({"icdar2013-tune", "ctdar2019-b2"})

# A run without --sets: the sets above (the independent-route sets add ~10 sets of scans, run them by name).
DEFAULT_SETS = tuple(SETS)


def _register_indep() -> None:
    from benchmarks.sets.indep import bench_sets  # needs BenchSet above

    SETS.update({s.name: s for s in bench_sets()})


_register_indep()


def quick_slice(samples: list[Sample], n: int | None) -> list[Sample]:
    """Every k-th document so the slice spans the set rather than its first few names."""
    if n is None or n >= len(samples):
        return samples
    step = len(samples) / n
    return [samples[int(i * step)] for i in range(n)]
