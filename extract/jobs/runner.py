"""Local engine: a pool of worker processes, each document under a time limit and a memory limit.

Workers are long-lived (models load once per worker, not once per document) and recycled after a number of
documents so memory stays flat. Each worker caps its own address space with ``RLIMIT_AS``; a document that
raises, crashes the worker, blows the memory limit or runs past its time limit is reported as failed with
the reason, the worker is replaced, and the job goes on. Only the parent writes to the store.

Engines pull documents from a ``WorkSource`` (the batch's leases on the store) as workers free up, and call
its ``tick`` at least every ``TICK_S`` so the leases of documents in flight are renewed.
"""
from __future__ import annotations

import importlib
import multiprocessing as mp
import signal
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Literal, Any, Callable, Iterable, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field

from extract.jobs.store_base import DocRow


class JobOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    workers: int = Field(1, ge=1, description="worker processes (local) or tasks in flight per CPU (ray)")
    timeout_s: float = Field(300.0, gt=0, description="time limit per document, seconds")
    memory_mb: int = Field(4096, ge=256, description="address-space limit per worker process, MiB")
    docs_per_worker: int = Field(200, ge=1, description="replace a worker after this many documents")
    extractor: str = Field("extract:extract_file", description="module:function called as f(path, options)")
    extract_options: dict[str, Any] = Field(default_factory=dict, description="ExtractOptions fields")
    start_method: Literal["spawn", "fork"] = Field(
        "spawn", description="how local workers start: spawn (a fresh interpreter; safe beside threads, as in "
        "batch and the service) or fork (a copy of this process with the extractor already imported: "
        "`extract run`, one thread, saves an interpreter start and the imports per worker)")


@dataclass(frozen=True)
class Outcome:
    doc: DocRow
    ok: bool
    result: dict[str, Any] | None  # the Result as JSON when ok
    reason: str | None  # why it failed when not ok
    seconds: float
    retryable: bool = False  # not the document's fault (its worker was killed from outside): retry it


OnOutcome = Callable[[Outcome], None]

TICK_S = 5.0
"""Engines call ``WorkSource.tick`` at least this often while documents are in flight."""
STARTUP_S = 120.0
"""Time a fresh worker may take to start (spawn, imports) before its first document's budget begins."""


class WorkSource(Protocol):
    def take(self, n: int) -> list[DocRow]:
        """Up to ``n`` documents to start now (leased to this batch)."""

    def waiting(self) -> bool:
        """True while documents that may still come our way are held by other batches: ask again later."""

    def tick(self) -> None:
        """Periodic upkeep (lease renewal); cheap when called often."""


class ListSource:
    """A fixed list of documents (no store, no leases): tests and one-off runs."""

    def __init__(self, docs: Iterable[DocRow]):
        self.queue = deque(docs)

    def take(self, n: int) -> list[DocRow]:
        return [self.queue.popleft() for _ in range(min(n, len(self.queue)))]

    def waiting(self) -> bool:
        return False

    def tick(self) -> None:
        pass


def as_source(docs: WorkSource | Iterable[DocRow]) -> WorkSource:
    return cast(WorkSource, docs) if hasattr(docs, "take") else ListSource(docs)


def resolve_extractor(spec: str) -> Callable[..., Any]:
    module, _, name = spec.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name or "extract_file")
    return fn


def process_document(path: str, extractor: str, extract_options: dict[str, Any]) -> dict[str, Any]:
    """The per-document work, the same on every engine: extract one file, return its Result as JSON."""
    from extract.options import ExtractOptions

    result = resolve_extractor(extractor)(path, ExtractOptions(**extract_options))
    return result if isinstance(result, dict) else result.model_dump(mode="json")


def describe_error(exc: BaseException, memory_mb: int | None = None) -> str:
    if isinstance(exc, MemoryError):
        return f"out of memory (limit {memory_mb} MiB)" if memory_mb else "out of memory"
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"[:2000]


def _limit_self(memory_mb: int) -> None:
    """In the worker: die with the parent, leave Ctrl-C to the parent, cap the address space."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(conn: Connection, extractor: str, extract_options: dict[str, Any], memory_mb: int) -> None:
    _limit_self(memory_mb)
    import warnings

    warnings.filterwarnings("ignore", module=r"PIL\.")  # damaged images: the result's issues say it once
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        doc_id, path = task
        try:
            conn.send(("start", doc_id))  # the time budget runs from here, not from the worker's start-up
        except (BrokenPipeError, OSError):
            return
        t0 = time.perf_counter()
        try:
            message: tuple[str, Any, Any] = ("ok", doc_id, process_document(path, extractor, extract_options))
        except BaseException as exc:  # noqa: BLE001 - every failure is data
            message = ("failed", doc_id, describe_error(exc, memory_mb))
        try:
            conn.send((*message, time.perf_counter() - t0))
        except MemoryError:
            conn.send(("failed", doc_id, f"out of memory (limit {memory_mb} MiB)", time.perf_counter() - t0))
        except (BrokenPipeError, OSError):
            return


def killed_from_outside(exitcode: int | None) -> bool:
    return exitcode == -signal.SIGKILL


def exit_reason(exitcode: int | None, memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = f" (killed from outside, e.g. the system ran out of memory; limit {memory_mb} MiB)" if name == "SIGKILL" else ""
        return f"worker crashed: {name}{hint}"
    return f"worker exited with status {exitcode}"


@dataclass
class _Worker:
    proc: mp.Process
    conn: Connection
    doc: DocRow | None = None
    started: float = 0.0
    served: int = 0
    running: bool = False  # the worker said it began the document: its time budget runs

    def limit(self, timeout_s: float) -> float:
        return timeout_s if self.running else timeout_s + STARTUP_S

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


@dataclass
class LocalEngine:
    options: JobOptions
    _ctx: Any = None

    def _start_worker(self) -> _Worker:
        o = self.options
        if self._ctx is None:
            self._ctx = mp.get_context(o.start_method)
            if o.start_method == "fork":  # the child inherits the imports instead of repeating them
                resolve_extractor(o.extractor)
                import extract.options  # noqa: F401
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker_main, args=(child, o.extractor, o.extract_options, o.memory_mb),
                                 daemon=True, name="extract-worker")
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def run(self, docs: WorkSource | Iterable[DocRow], on_outcome: OnOutcome) -> None:
        source = as_source(docs)
        workers: list[_Worker] = []
        try:
            while True:
                idle = [i for i, w in enumerate(workers) if w.doc is None]
                free = len(idle) + self.options.workers - len(workers)
                fresh = source.take(free) if free else []
                for doc in fresh:
                    if idle:
                        i = idle.pop(0)
                        w = workers[i]
                        if w.served >= self.options.docs_per_worker or not w.proc.is_alive():
                            w.kill()
                            w = self._start_worker()
                        workers[i] = self._assign(w, doc)
                    else:
                        workers.append(self._assign(self._start_worker(), doc))
                if not any(w.doc for w in workers):
                    if not source.waiting():
                        break
                    source.tick()
                    time.sleep(min(TICK_S, 1.0))
                    continue
                self._collect(workers, on_outcome)
                source.tick()
        finally:
            for w in workers:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            for w in workers:
                w.proc.join(2)
                w.kill()

    def _assign(self, w: _Worker, doc: DocRow) -> _Worker:
        """Hand ``doc`` to ``w``; a worker that died meanwhile is replaced first. Returns the worker used."""
        try:
            w.conn.send((doc.id, doc.path))
        except OSError:
            w.kill()
            w = self._start_worker()
            w.conn.send((doc.id, doc.path))
        w.doc, w.started, w.served, w.running = doc, time.perf_counter(), w.served + 1, False
        return w

    def _collect(self, workers: list[_Worker], on_outcome: OnOutcome) -> None:
        busy = [w for w in workers if w.doc is not None]
        now = time.perf_counter()
        timeout = max(0.0, min(TICK_S, min(w.started + w.limit(self.options.timeout_s) - now for w in busy)))
        ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=timeout))
        for i, w in enumerate(workers):
            if w.doc is None:
                continue
            doc, seconds = w.doc, time.perf_counter() - w.started
            outcome = None
            if w.conn in ready or w.proc.sentinel in ready:
                try:
                    message = w.conn.recv()
                    if message[0] == "start":
                        w.started, w.running = time.perf_counter(), True
                        continue
                    kind, _doc_id, payload, seconds = message
                    outcome = Outcome(doc, kind == "ok", payload if kind == "ok" else None,
                                      None if kind == "ok" else payload, seconds)
                except (EOFError, OSError):
                    w.proc.join(5)
                    code = w.proc.exitcode
                    outcome = Outcome(doc, False, None, exit_reason(code, self.options.memory_mb), seconds,
                                      retryable=killed_from_outside(code))
            elif seconds >= w.limit(self.options.timeout_s):
                outcome = Outcome(doc, False, None, f"timed out after {self.options.timeout_s:g} s", seconds)
            if outcome is None:
                continue
            w.doc = None
            if not outcome.ok:  # a worker that failed a document may be in a bad state: replace it
                w.kill()
                workers[i] = self._start_worker()
            on_outcome(outcome)
