"""Ray engine: the same per-document work as Ray tasks, on an existing cluster or a local Ray instance.

Results come back to the driver, which writes them to the same store as the local engine (one
transaction per document). Limits per document:
- time: a task past ``timeout_s`` (counted from its submission; no more tasks are in flight than the
  cluster has CPUs) is cancelled with ``force=True`` (its worker process is killed);
- memory: the task lowers its worker's soft ``RLIMIT_AS`` to what the worker already maps plus
  ``memory_mb`` for the duration of the document (a Ray worker maps a lot up front, so an absolute cap
  would starve it), and restores it afterwards; Ray's own memory monitor still kills runaway workers;
- workers are recycled after ``docs_per_worker`` documents (``max_calls``) so memory stays flat.
A task that raises, crashes its worker or is killed becomes a failed document with the reason (a worker
killed by the system is retried once, see ``store_base.MAX_SYSTEM_KILLS``).

A task lost with its node (``NodeDiedError``, or its result object lost) is not the document's fault: it is
submitted again, up to ``NODE_RETRIES`` times, so a worker machine that dies mid-run loses no document, and
since the driver alone writes the store (one transaction per document, written once) none is duplicated.
The number of tasks in flight follows the CPUs of the nodes alive now.
"""
from __future__ import annotations

from typing import Any, Iterable

import time
from dataclasses import dataclass

from extract.jobs.runner import (TICK_S, JobOptions, OnOutcome, Outcome, WorkSource, as_source, describe_error,
                                 process_document)
from extract.jobs.store_base import DocRow

NODE_RETRIES = 3  # resubmissions of a document whose node died under it; a 4th loss fails it with the reason


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        import resource

        return int(fh.read().split()[0]) * resource.getpagesize()


def process_with_limit(path: str, extractor: str, extract_options: dict[str, Any], memory_mb: int) -> tuple[str, object]:
    """Run inside a Ray worker: ("ok", result JSON) or ("failed", reason). Never raises for a bad document."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        return "ok", process_document(path, extractor, extract_options)
    except BaseException as exc:  # noqa: BLE001 - every failure is data
        return "failed", describe_error(exc, memory_mb)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def ray_failure_reason(exc: BaseException) -> str:
    import ray.exceptions as rex

    if isinstance(exc, rex.OutOfMemoryError):
        return "out of memory (killed by Ray's memory monitor)"
    if isinstance(exc, (rex.WorkerCrashedError, rex.LocalRayletDiedError, rex.NodeDiedError)):
        return f"worker crashed: {type(exc).__name__}"
    if isinstance(exc, rex.TaskCancelledError):
        return "cancelled"
    return describe_error(exc)


def killed_by_system(exc: BaseException) -> bool:
    """A worker or node that died, or Ray's memory monitor: not the document's fault on its own (retried once)."""
    import ray.exceptions as rex

    return isinstance(exc, (rex.OutOfMemoryError, rex.WorkerCrashedError, rex.LocalRayletDiedError, rex.NodeDiedError))


@dataclass
class RayEngine:
    options: JobOptions
    address: str | None = None

    def _init(self) -> bool:
        from extract.extras import require

        require("ray", "the ray engine", "jobs")
        import ray

        if ray.is_initialized():
            return False
        if self.address:
            ray.init(address=self.address, log_to_driver=False)
        else:
            ray.init(num_cpus=self.options.workers, include_dashboard=False, log_to_driver=False)
        return True

    def run(self, docs: WorkSource | Iterable[DocRow], on_outcome: OnOutcome) -> None:
        import ray

        started_here = self._init()
        try:
            self._run(ray, as_source(docs), on_outcome)
        finally:
            if started_here:
                ray.shutdown()

    def _run(self, ray: Any, source: WorkSource, on_outcome: OnOutcome) -> None:
        o = self.options
        task = ray.remote(num_cpus=1, max_retries=0, max_calls=o.docs_per_worker)(process_with_limit)
        flight: dict[str, Any] = {}  # ObjectRef -> (doc, started)
        lost: dict[int, int] = {}  # doc id -> times its node died under it
        resubmit: list[Any] = []
        while True:
            # a task's time limit runs from its submission, so submit no more than the live nodes can run
            limit_in_flight = max(int(ray.cluster_resources().get("CPU", 1)), 1)
            while resubmit and len(flight) < limit_in_flight:
                doc = resubmit.pop()
                flight[task.remote(doc.path, o.extractor, o.extract_options, o.memory_mb)] = (doc, time.perf_counter())
            for doc in source.take(limit_in_flight - len(flight)):
                flight[task.remote(doc.path, o.extractor, o.extract_options, o.memory_mb)] = (doc, time.perf_counter())
            source.tick()
            if not flight and not resubmit:
                if not source.waiting():
                    return
                time.sleep(1.0)
                continue
            now = time.perf_counter()
            wait_s = max(0.0, min(TICK_S, min(started + o.timeout_s - now for _, started in flight.values())))
            ready, _ = ray.wait(list(flight), num_returns=1, timeout=wait_s)
            for ref in ready:
                doc, started = flight.pop(ref)
                outcome = self._outcome(ray, ref, doc, time.perf_counter() - started)
                if outcome is None and lost.get(doc.id, 0) < NODE_RETRIES:
                    lost[doc.id] = lost.get(doc.id, 0) + 1
                    resubmit.append(doc)  # its node died: run it again on a live one (its lease is still ours)
                    continue
                on_outcome(outcome or Outcome(doc, False, None, f"node died {NODE_RETRIES + 1} times under it",
                                              time.perf_counter() - started))
            for ref, (doc, started) in list(flight.items()):
                if time.perf_counter() - started >= o.timeout_s:
                    ray.cancel(ref, force=True)
                    flight.pop(ref)
                    on_outcome(Outcome(doc, False, None, f"timed out after {o.timeout_s:g} s",
                                       time.perf_counter() - started))

    @staticmethod
    def _outcome(ray: Any, ref: Any, doc: DocRow, seconds: float) -> Outcome | None:
        """The document's outcome, or None when the task was lost with its node (not the document's fault)."""
        import ray.exceptions as rex

        try:
            kind, payload = ray.get(ref)
        except (rex.NodeDiedError, rex.ObjectLostError):
            return None
        except Exception as exc:  # noqa: BLE001 - a crashed or killed task is a failed document
            return Outcome(doc, False, None, ray_failure_reason(exc), seconds, retryable=killed_by_system(exc))
        return Outcome(doc, kind == "ok", payload if kind == "ok" else None,
                       None if kind == "ok" else payload, seconds)
