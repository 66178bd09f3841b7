"""The service's worker pool: the batch engine (same pool, same per-document limits) on a queue that never
runs dry while the service is up, writing outcomes to the same store as ``batch``.

Jobs are documents in the store: submitting registers the file (a content already known is the same job);
the pool leases pending documents like any batch (``batch.LeaseQueue``), so a ``batch`` run or a second
service on the same store shares the work, and a restarted service picks up exactly what was pending.
"""
from __future__ import annotations

import multiprocessing as mp
import threading
from pathlib import Path
from typing import Any, Literal

from extract.jobs.batch import LeaseQueue, drain, release_quietly
from extract.jobs.runner import JobOptions
from extract.jobs.sqlite_store import open_store
from extract.jobs.store_base import DocRow, JobStore

CANCELLED = "cancelled through the API"


class ServiceQueue(LeaseQueue):
    """A lease queue that keeps the engine polling (``waiting``) until the service stops."""

    def __init__(self, st: JobStore, stop: threading.Event) -> None:
        super().__init__(st)
        self.stop = stop

    def take(self, n: int) -> list[DocRow]:
        return [] if self.stop.is_set() else super().take(n)

    def waiting(self) -> bool:
        return not self.stop.is_set()


def _pool_main(location: str | Path, options: JobOptions, engine: Literal["local", "ray"], ray_address: str | None,
               stop: Any) -> None:
    """The pool process: lease pending documents and run them until ``stop`` is set."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops the pool through ``stop``
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the server
    st = open_store(location)
    queue = ServiceQueue(st, stop)
    try:
        drain(st, queue, engine, options, ray_address)
    finally:
        release_quietly(queue)
        st.close()


class WorkerPool:
    """The engine in a process of its own (so result handling never holds the API's interpreter lock),
    running until ``close``."""

    def __init__(self, location: str | Path, options: JobOptions, engine: str = "local",
                 ray_address: str | None = None):
        ctx = mp.get_context("spawn")
        self.stop = ctx.Event()
        self._proc = ctx.Process(target=_pool_main, args=(location, options, engine, ray_address, self.stop),
                                 name="extract-serve-pool")

    def start(self) -> WorkerPool:
        self._proc.start()
        return self

    @property
    def alive(self) -> bool:
        return self._proc.is_alive()

    @property
    def error(self) -> str | None:
        code = self._proc.exitcode
        return None if code in (None, 0) else f"worker pool exited with status {code}"

    def close(self, timeout: float = 30.0) -> None:
        if self._proc.pid is None:
            return
        self.stop.set()
        self._proc.join(timeout)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
