"""A batch run: discover inputs, register them in the store, process what is pending, write outcomes."""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal

from extract.jobs import store
from extract.jobs.discover import discover_inputs, file_sha256
from extract.jobs.runner import JobOptions, LocalEngine, Outcome


@dataclass
class BatchProgress:
    """Running figures, updated after each document (the progress bar reads them)."""

    total: int = 0
    done: int = 0
    failed: int = 0
    pages: int = 0
    started: float = 0.0

    @property
    def finished(self) -> int:
        return self.done + self.failed


def register_inputs(con: sqlite3.Connection, inputs: list[str]) -> tuple[int, list[str]]:
    """Hash and register every input file; return (new documents, inputs that matched nothing)."""
    paths, unmatched = discover_inputs(inputs)
    known = {r[0] for r in con.execute("SELECT path FROM files")}
    fresh = [(str(p), file_sha256(p)) for p in paths if str(p) not in known]
    return (store.register_files(con, fresh) if fresh else 0), unmatched


def make_engine(engine: Literal["local", "ray"], options: JobOptions, ray_address: str | None):
    if engine == "ray":
        from extract.jobs.ray_engine import RayEngine

        return RayEngine(options, address=ray_address)
    return LocalEngine(options)


def record_outcome(con: sqlite3.Connection, outcome: Outcome, progress: BatchProgress) -> None:
    """Write one outcome in one transaction and update the running figures."""
    if outcome.ok:
        written = store.save_result(con, outcome.doc.id, outcome.result, outcome.seconds)
        failed = outcome.result.get("status") == "failed"
        pages = len(outcome.result.get("pages", ()))
    else:
        written = store.save_failure(con, outcome.doc.id, outcome.reason or "failed", outcome.seconds)
        failed, pages = True, 0
    if written:
        progress.failed += failed
        progress.done += not failed
        progress.pages += pages


def run_batch(store_path: str | Path, inputs: list[str], options: JobOptions, *,
              engine: Literal["local", "ray"] = "local", ray_address: str | None = None,
              retry_failed: bool = False,
              on_start: Callable[[BatchProgress], None] | None = None,
              on_update: Callable[[BatchProgress], None] | None = None) -> dict:
    """Process every pending document of the store (after adding ``inputs``); return the store summary."""
    con = store.connect(store_path)
    try:
        _, unmatched = register_inputs(con, inputs)
        if unmatched:
            raise FileNotFoundError(f"no input files match: {', '.join(unmatched)}")
        if retry_failed:
            store.reset_failed(con)
        docs = store.pending_documents(con)
        progress = BatchProgress(total=len(docs), started=time.perf_counter())
        if on_start:
            on_start(progress)
        if docs:
            def on_outcome(outcome: Outcome) -> None:
                record_outcome(con, outcome, progress)
                if on_update:
                    on_update(progress)

            make_engine(engine, options, ray_address).run(docs, on_outcome)
        return store.summary(con)
    finally:
        con.close()
