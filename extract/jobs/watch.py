"""``extract watch DIR --store S``: a hot folder.

A file is taken once it is complete: its size and modification time unchanged over ``settle_s`` (a
scanner still writing it keeps changing them), or at once when it appears by a rename from a temporary name
(``*.part``, ``*.tmp``, ``~*`` and dot-files are never taken; a scanner that writes ``x.pdf.part`` and
renames it to ``x.pdf`` is "closing rename"). Taken files are registered in the store (content hash) and run
through the batch engine (same pool and limits as ``batch``), and each gets ``OUT/<relative path>.json``
(its result rebuilt from the store) or ``.error.txt``, plus one line in ``OUT/status.jsonl``.

Restart-safe, with the store as the only memory: a file is "seen" once its path is registered (``files``), a
document is "processed" once its result is committed; on start the watcher registers what is complete,
runs what is pending (including what a killed watcher had leased: its lease is freed at once, since its
process is gone) and writes every missing output. So a restart neither repeats a committed document nor
skips a file, and an output is written only from a committed result, so it is never half a result.
"""
from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from extract.jobs.batch import LeaseQueue, drain, release_quietly
from extract.jobs.discover import SUFFIXES, file_sha256
from extract.jobs.runner import JobOptions
from extract.jobs.sqlite_store import open_store
from extract.jobs.store_base import DocRow, JobStore

TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


def is_candidate(path: Path) -> bool:
    name = path.name
    return (path.is_file() and not name.startswith((".", "~")) and not name.endswith(TEMP_SUFFIXES)
            and path.suffix.lower() in SUFFIXES)


@dataclass
class Watcher:
    folder: Path
    location: str | Path
    out: Path
    options: JobOptions = field(default_factory=JobOptions)
    settle_s: float = 2.0
    poll_s: float = 0.5
    engine: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    _sizes: dict[Path, tuple[int, int, float]] = field(default_factory=dict)  # path -> (size, mtime_ns, since)

    def __post_init__(self) -> None:
        self.folder = self.folder.resolve()
        self.out = self.out.resolve()
        self.out.mkdir(parents=True, exist_ok=True)

    # --- discovery ----------------------------------------------------------------------------------------
    def complete_files(self, known: set[str]) -> list[Path]:
        """New files that have stopped changing for ``settle_s``."""
        now = time.monotonic()
        ready, present = [], set()
        for path in sorted(self.folder.rglob("*")):
            if self.out in path.parents or not is_candidate(path) or str(path) in known:
                continue
            present.add(path)
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            sig = (st.st_size, st.st_mtime_ns)
            seen = self._sizes.get(path)
            if seen is None or seen[:2] != sig:
                # first sight: a file renamed in whole (mtime older than the settle time) is complete now
                since = now - self.settle_s if seen is None and time.time() - st.st_mtime >= self.settle_s else now
                self._sizes[path] = (*sig, since)
                seen = self._sizes[path]
            if st.st_size > 0 and now - seen[2] >= self.settle_s:
                ready.append(path)
        for gone in set(self._sizes) - present:
            del self._sizes[gone]
        return ready

    def register(self, st: JobStore) -> int:
        known = st.known_paths()
        ready = self.complete_files(known)
        fresh = []
        for path in ready:
            try:
                fresh.append((str(path), file_sha256(path)))
            except OSError:  # vanished meanwhile: seen again if it comes back
                continue
            self._sizes.pop(path, None)
        return st.register_files(fresh) if fresh else 0

    # --- outputs ------------------------------------------------------------------------------------------
    def output_for(self, path: str) -> Path:
        rel = Path(path).resolve().relative_to(self.folder)
        return self.out / rel.parent / (rel.name + ".json")

    def write_outputs(self, st: Any) -> int:  # a SqliteStore or PgStore: both keep their connection as .con
        """An output for every registered file whose document is finished and that has none yet."""
        from extract.serve.results import result_json

        con = st.con
        rows = con.execute("SELECT f.path, d.id, d.status, d.error FROM files f JOIN documents d USING (sha256)"
                           " WHERE d.status != 'pending' ORDER BY d.id, f.path").fetchall()
        written = 0
        for path, doc_id, status, error in rows:
            try:
                target = self.output_for(path)
            except ValueError:  # registered from elsewhere (a batch on the same store)
                continue
            marker = target.with_suffix(".error.txt") if status == "failed" else target
            if marker.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            body = (error or "failed") + "\n" if status == "failed" else json.dumps(
                result_json(con, doc_id), ensure_ascii=False, indent=1)
            tmp = marker.with_name(marker.name + ".tmp")
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, marker)  # an output is whole or absent
            with (self.out / "status.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"file": path, "job": doc_id, "status": status, "error": error,
                                     "output": str(marker), "at": time.time()}, ensure_ascii=False) + "\n")
            written += 1
        return written

    # --- loop ---------------------------------------------------------------------------------------------
    def run(self, once: bool = False) -> dict[str, Any]:
        """Watch until ``stop`` is set (or, with ``once``, until the folder is processed)."""
        st = open_store(self.location)
        queue = _WatchQueue(self, st, once)
        try:
            self.register(st)
            self.write_outputs(st)  # what a previous run committed but had no time to write out
            def after(_: object) -> None:
                self.write_outputs(st)

            drain(st, queue, self.engine, self.options, self.ray_address, after=after)
            self.write_outputs(st)
            return st.summary()
        finally:
            release_quietly(queue)
            st.close()


class _WatchQueue(LeaseQueue):
    """Leases pending documents; while idle, looks for new complete files (and writes missing outputs)."""

    def __init__(self, watcher: Watcher, st: JobStore, once: bool) -> None:
        super().__init__(st)
        self.watcher, self.once = watcher, once
        self._looked = 0.0

    def take(self, n: int) -> list[DocRow]:
        if self.watcher.stop.is_set():
            return []
        if time.monotonic() - self._looked >= self.watcher.poll_s:
            self._looked = time.monotonic()
            self.watcher.register(self.store)
        return super().take(n)

    def waiting(self) -> bool:
        if self.watcher.stop.is_set():
            return False
        if self.once:
            return bool(self.watcher._sizes) or super().waiting()  # files still settling, or leased elsewhere
        return True


def install_signal_handlers(watcher: Watcher) -> None:
    """SIGTERM / SIGINT stop taking new files; what is running finishes and is written."""
    def handler(signum: int, frame: Any) -> None:
        watcher.stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
