"""A batch run: discover inputs, register them in the store, process what is pending, write outcomes.

Work is pulled from the store one lease at a time (``LeaseQueue``), so several batches on one store share
the pending documents; a batch ends when no pending document is left that it could take (those leased by
live batches elsewhere are waited for: their leases may expire and come back to this one).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Protocol

from extract.jobs.discover import discover, file_sha256
from extract.jobs.runner import JobOptions, LocalEngine, OnOutcome, Outcome, WorkSource
from extract.jobs.sqlite_store import open_store
from extract.jobs.store import result_failed
from extract.jobs.store_base import DEFAULT_LEASE_S, DocRow, JobStore, StoreError, make_owner
from extract.names import shown


@dataclass
class BatchProgress:
    """Running figures, updated after each document (the progress bar reads them)."""

    total: int = 0
    done: int = 0
    failed: int = 0
    pages: int = 0
    started: float = 0.0
    retried: int = 0

    @property
    def finished(self) -> int:
        return self.done + self.failed


class LeaseQueue:
    """The engine's ``WorkSource`` over a store: claims, renews and releases this batch's leases."""

    def __init__(self, st: JobStore, owner: str | None = None, lease_s: float = DEFAULT_LEASE_S):
        self.store, self.owner, self.lease_s = st, owner or make_owner(), lease_s
        self.held: dict[int, DocRow] = {}
        self._renewed = time.monotonic()

    def take(self, n: int) -> list[DocRow]:
        docs = self.store.claim(self.owner, n, self.lease_s)
        self.held.update((d.id, d) for d in docs)
        return docs

    def waiting(self) -> bool:
        return self.store.leased_elsewhere(self.owner) > 0

    def tick(self) -> None:
        if self.held and time.monotonic() - self._renewed >= self.lease_s / 3:
            self.store.renew(self.owner, list(self.held), self.lease_s)
            self._renewed = time.monotonic()

    def finished(self, doc: DocRow) -> None:
        self.held.pop(doc.id, None)

    def release(self) -> None:
        self.store.release(self.owner)
        self.held.clear()


def register_inputs(st: JobStore, inputs: list[str], max_file_mb: int = 2048,
                    ) -> tuple[int, list[str], list[tuple[Path, str]]]:
    """Hash and register every input file; return (new documents, inputs that matched nothing, skipped files
    with the reason: not regular files, over the file-size budget, or unreadable while hashing)."""
    found = discover(inputs)
    known = st.known_paths()
    fresh, skipped = [], list(found.skipped)
    for p in found.found:
        if str(p) in known:
            continue
        try:
            size = p.stat().st_size
            if size > max_file_mb << 20:  # hashing reads every byte: a sparse 1 TB file would take hours
                skipped.append((p, f"file too large ({size / 2**20:,.0f} MiB > {max_file_mb:,} MiB) "
                                   "(raise the budget with --max-file-mb)"))
                continue
            fresh.append((str(p), file_sha256(p)))
        except (OSError, ValueError) as exc:
            skipped.append((p, str(exc) if isinstance(exc, ValueError) else
                            f"cannot read: {(exc.strerror or str(exc)).lower()}"))
    return (st.register_files(fresh) if fresh else 0), found.unmatched, skipped


class Engine(Protocol):
    """What ``make_engine`` returns: the local pool or the Ray engine."""

    def run(self, docs: WorkSource | Iterable[DocRow], on_outcome: OnOutcome) -> None: ...


def make_engine(engine: Literal["local", "ray"], options: JobOptions, ray_address: str | None) -> Engine:
    if engine == "ray":
        from extract.jobs.ray_engine import RayEngine

        return RayEngine(options, address=ray_address)
    return LocalEngine(options)


def record_outcome(st: JobStore, outcome: Outcome, progress: BatchProgress) -> None:
    """Write one outcome in one transaction and update the running figures."""
    if outcome.ok:
        result = outcome.result
        try:
            if result is None:
                raise ValueError("the extractor returned no result")
            written = st.save_result(outcome.doc.id, result, outcome.seconds)
            failed = result_failed(result)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - a result the store cannot hold fails that document only
            written = st.save_failure(outcome.doc.id, f"result could not be stored: {type(exc).__name__}: {exc}"[:500],
                                      outcome.seconds)
            failed = True
        pages = 0 if failed or result is None else len(result.get("pages", ()))
    elif outcome.retryable and st.requeue(outcome.doc.id, outcome.reason or "worker killed", outcome.seconds):
        progress.retried += 1
        return
    else:
        reason = outcome.reason or "failed"
        written = st.save_failure(outcome.doc.id, f"{reason} (twice)" if outcome.retryable else reason,
                                  outcome.seconds)
        failed, pages = True, 0
    if written:
        progress.failed += failed
        progress.done += not failed
        progress.pages += pages


def drain(st: JobStore, queue: LeaseQueue, engine: Literal["local", "ray"], options: JobOptions,
          ray_address: str | None = None, progress: BatchProgress | None = None,
          after: Callable[[BatchProgress], None] | None = None) -> BatchProgress:
    """Run the engine over ``queue`` until it has no more (or is stopped): each outcome is written in one
    transaction and its lease dropped, then ``after`` sees the running figures. Shared by batch, watch and
    the service's worker pool."""
    progress = progress if progress is not None else BatchProgress()

    def on_outcome(outcome: Outcome) -> None:
        record_outcome(st, outcome, progress)
        queue.finished(outcome.doc)
        if after:
            after(progress)

    make_engine(engine, options, ray_address).run(queue, on_outcome)
    return progress


def release_quietly(queue: LeaseQueue) -> None:
    """Free this run's leases at once for the next run or a peer; the store may be the thing that failed,
    and leases expire anyway."""
    try:
        queue.release()
    except Exception:  # noqa: BLE001
        pass


def run_batch(store_path: str | Path, inputs: list[str], options: JobOptions, *,
              engine: Literal["local", "ray"] = "local", ray_address: str | None = None,
              retry_failed: bool = False, lease_s: float = DEFAULT_LEASE_S,
              on_start: Callable[[BatchProgress], None] | None = None,
              on_update: Callable[[BatchProgress], None] | None = None) -> dict[str, Any]:
    """Process every pending document of the store (after adding ``inputs``); return the store summary.

    Raises ``FileNotFoundError`` when an input matches nothing and ``StoreError`` when the store cannot be
    used (deleted, replaced, damaged, disk full): the summary is only returned when it was read back."""
    st = open_store(store_path)
    queue = LeaseQueue(st, lease_s=lease_s)
    try:
        _, unmatched, skipped = register_inputs(st, inputs, options.extract_options.get("max_file_mb", 2048))
        if unmatched:
            raise FileNotFoundError(f"no input files match: {', '.join(shown(u) for u in unmatched)}")
        if retry_failed:
            st.reset_failed()
        progress = BatchProgress(total=st.status_counts()["pending"], started=time.perf_counter())
        if on_start:
            on_start(progress)

        if progress.total:
            drain(st, queue, engine, options, ray_address, progress, on_update)
        summary: dict[str, Any] = dict(st.summary())
        summary["skipped"] = len(skipped)
        summary["skipped_inputs"] = [(shown(p), reason) for p, reason in skipped]
        return summary
    finally:
        release_quietly(queue)
        st.close()
