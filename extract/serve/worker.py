"""The service's worker pool: the batch engine (same pool, same per-document limits) on a queue that never
runs dry while the service is up, writing outcomes to the same store as ``batch``.

Jobs are documents in the store: submitting registers the file (a content already known is the same job);
the pool leases pending documents like any batch (``batch.LeaseQueue``), so a ``batch`` run or a second
service on the same store shares the work, and a restarted service picks up exactly what was pending.
"""
from __future__ import annotations

import threading
from pathlib import Path

from extract.jobs.batch import BatchProgress, LeaseQueue, make_engine, record_outcome
from extract.jobs.runner import JobOptions, Outcome
from extract.jobs.sqlite_store import open_store
from extract.jobs.store_base import DocRow

CANCELLED = "cancelled through the API"


class ServiceQueue(LeaseQueue):
    """A lease queue that keeps the engine polling (``waiting``) until the service stops."""

    def __init__(self, st, stop: threading.Event):
        super().__init__(st)
        self.stop = stop

    def take(self, n: int) -> list[DocRow]:
        return [] if self.stop.is_set() else super().take(n)

    def waiting(self) -> bool:
        return not self.stop.is_set()


class WorkerPool:
    """Runs the engine in a background thread until ``close``; ``progress`` counts what it finished."""

    def __init__(self, location: str | Path, options: JobOptions, engine: str = "local",
                 ray_address: str | None = None):
        self.location, self.options, self.engine, self.ray_address = location, options, engine, ray_address
        self.stop = threading.Event()
        self.progress = BatchProgress()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="extract-serve-pool", daemon=True)

    def start(self) -> "WorkerPool":
        self._thread.start()
        return self

    def _run(self) -> None:
        st = open_store(self.location)
        queue = ServiceQueue(st, self.stop)

        def on_outcome(outcome: Outcome) -> None:
            record_outcome(st, outcome, self.progress)
            queue.finished(outcome.doc)

        try:
            make_engine(self.engine, self.options, self.ray_address).run(queue, on_outcome)
        except BaseException as exc:  # noqa: BLE001 - reported by /health; the service answers reads still
            self.error = exc
        finally:
            try:
                queue.release()
            except Exception:  # noqa: BLE001
                pass
            st.close()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self, timeout: float = 30.0) -> None:
        self.stop.set()
        self._thread.join(timeout)
