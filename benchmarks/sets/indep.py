"""Independent-route corpus sets: forms printed by LibreOffice (from XLSX) and Chromium (from HTML), born
digital and scanned, each split into ``tune`` and ``heldout`` (see ``corpus.routes.styles``).

Set names: ``corpus-indep-<profile>-<split>`` with profile ``born``, ``mild``, ``harsh``, ``noisy`` or
``bitonal`` (the scan profiles of ``corpus.scan``). Held-out sets come first in the registry so a run
over all sets reports them first; tune sets are titled in-sample. Generated on first use into the
git-ignored ``corpus/generated/indep_*`` folders, and again when the routes' code (or the content,
truth or scan code they use) changes.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.sets import REPO, BenchSet, Sample

GENERATED = REPO / "corpus" / "generated"
PROFILES = ("born", "mild", "harsh", "noisy", "bitonal")
SPLITS = ("heldout", "tune")
DOCS_PER_SPLIT = 12
SEED = 0
STAMP = ".generator"
SUFFIXES = (".pdf", ".tif", ".tiff")
_SOURCES = ("corpus/routes/*.py", "corpus/content.py", "corpus/truth.py", "corpus/layout.py", "corpus/scan.py")


def set_name(profile: str, split: str) -> str:
    return f"corpus-indep-{profile}-{split}"


def parse(name: str) -> tuple[str, str]:
    _, _, profile, split = name.split("-")
    return profile, split


# the other forms' route generators and look-alikes print no department form: editing them regenerates nothing
_NOT_SOURCES = frozenset({"forms.py", "form_wording.py", "lookalikes.py"})


def fingerprint() -> str:
    h = hashlib.sha256()
    for pattern in _SOURCES:
        for path in sorted(p for p in REPO.glob(pattern) if p.name not in _NOT_SOURCES):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(f"{DOCS_PER_SPLIT}:{SEED}".encode())
    return h.hexdigest()[:16]


def folder(profile: str, split: str) -> Path:
    return GENERATED / f"indep_{profile}" / split


def _documents(path: Path) -> list[Path]:
    return sorted(p for p in path.glob("*") if p.suffix.lower() in SUFFIXES and (path / f"{p.stem}.truth.json").exists())


def _fresh(path: Path, fp: str) -> bool:
    stamp = path / STAMP
    return stamp.exists() and stamp.read_text().strip() == fp and bool(_documents(path))


def ensure_generated(profile: str, split: str) -> Path:
    """The split's folder for ``profile``, generated (born-digital first) when missing or stale."""
    fp = fingerprint()
    born = folder("born", split)
    if not _fresh(born, fp):
        shutil.rmtree(born, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "corpus.routes", "--out", str(born.parent), "--split", split,
                        "--n", str(DOCS_PER_SPLIT), "--seed", str(SEED)], cwd=REPO, check=True)
        (born / STAMP).write_text(fp)
    if profile == "born":
        return born
    out = folder(profile, split)
    if not _fresh(out, fp):
        shutil.rmtree(out, ignore_errors=True)
        seed = SEED + PROFILES.index(profile) * 101 + SPLITS.index(split)
        subprocess.run([sys.executable, "-m", "corpus.scan", "--src", str(born), "--out", str(out),
                        "--profile", profile, "--seed", str(seed)], cwd=REPO, check=True)
        (out / STAMP).write_text(fp)
    return out


def samples(bench: BenchSet) -> list[Sample]:
    profile, split = parse(bench.name)
    path = ensure_generated(profile, split)
    out = []
    for doc in _documents(path):
        kind = "image" if doc.suffix.lower() != ".pdf" else bench.kind
        out.append(Sample(bench.name, doc.stem, str(doc), kind, str(path / f"{doc.stem}.truth.json")))
    return out


def bench_sets() -> list[BenchSet]:
    """Held-out sets first (every profile), then the tune sets, labelled in-sample."""
    titles = {"born": "born-digital PDFs", "mild": "mild scans", "harsh": "harsh scans",
              "noisy": "noisy scans (σ 6-14, JPEG 35-90, 150-300 dpi)", "bitonal": "bitonal CCITT G4 scans"}
    out = []
    for split in SPLITS:
        tag = "HELD-OUT" if split == "heldout" else "tune split, in-sample"
        for profile in PROFILES:
            kind = "pdf_text" if profile == "born" else "pdf_scan"
            out.append(BenchSet(set_name(profile, split), f"Independent routes (LibreOffice/Chromium), "
                                f"{titles[profile]}, {tag}", kind, 2, None))  # type: ignore[arg-type]
    return out
