"""The interface of a results store, as the batch runner uses it: SQLite (``store.SqliteStore``) implements
it; another backend (PostgreSQL) follows the same contract.

Contract, per document (keyed by the sha256 of its bytes):
- ``status`` is ``pending`` until one transaction writes its whole result (``done``) or its failure
  (``failed``); a store never holds half a result.
- A pending document may carry a **lease** ``(owner, expires_at)``. ``claim`` hands out only pending documents
  without a live lease, and leases them to the caller in the same transaction, so concurrent batches on one
  store share the work instead of repeating it (PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED``). The owner
  renews its leases (``renew``) while it works; a lease that expires (the owner stopped, froze or died)
  returns the document to the queue. Owners are ``host:pid:start:nonce`` (``make_owner``); an owner on this
  host whose process is gone is dead at once (``owner_alive``), without waiting for the expiry.
- ``save_result`` / ``save_failure`` write a document that is still pending, whoever holds its lease (the
  first finisher wins), and return False when it was already written: a result is never written twice.
- ``requeue`` puts a document back after a failure that is not its fault (a worker killed by the system):
  once; the second time it is failed with the reason. The reason is kept in ``error`` meanwhile.
- Every commit checks that the store is still the one opened (``StoreGoneError`` otherwise); a damaged
  store raises ``StoreCorruptError`` and a full disk ``StoreFullError``. Each error's ``str`` is one line
  that says what to do next.
"""
from __future__ import annotations

import os
import socket
import time
import uuid
from typing import Any, NamedTuple, Protocol, runtime_checkable

DEFAULT_LEASE_S = 60.0
"""How long a claim holds a document without renewal. The runner renews every third of it, so only a
process stopped for a whole minute (or dead on another host) loses its documents to another batch."""

MAX_SYSTEM_KILLS = 1
"""A document whose worker the system killed (SIGKILL from outside) is retried this many times."""


class DocRow(NamedTuple):
    id: int
    path: str
    sha256: str


class StoreError(Exception):
    """The store cannot be used; ``str(err)`` is one line with the next step."""


class StoreGoneError(StoreError):
    """The store file was deleted or replaced while the batch ran."""


class StoreCorruptError(StoreError):
    """The store is not a readable database."""


class StoreFullError(StoreError):
    """The disk (or quota) is full: the last result was not written."""


@runtime_checkable
class JobStore(Protocol):
    """What ``extract.jobs.batch`` needs from a store. Methods are safe to call from one thread per instance."""

    location: str  # shown in messages (a path or a URL without its password)

    def register_files(self, files: list[tuple[str, str]]) -> int:
        """Add (path, sha256) pairs; a sha256 already known only gains the path. Returns new documents."""

    def known_paths(self) -> set[str]:
        """Every path registered so far (so a resumed batch hashes only new files)."""

    def reset_failed(self) -> int:
        """Failed documents back to pending (``--retry-failed``); returns how many."""

    def claim(self, owner: str, limit: int, lease_s: float = DEFAULT_LEASE_S) -> list[DocRow]:
        """Lease up to ``limit`` pending documents not leased by a live owner, oldest first."""

    def renew(self, owner: str, doc_ids: list[int], lease_s: float = DEFAULT_LEASE_S) -> None:
        """Extend the caller's leases on these documents."""

    def release(self, owner: str, doc_ids: list[int] | None = None) -> None:
        """Drop the caller's leases (all when ``doc_ids`` is None): the documents are free at once."""

    def leased_elsewhere(self, owner: str) -> int:
        """Pending documents that live owners other than ``owner`` hold: work that is not ours to take yet."""

    def save_result(self, doc_id: int, result: dict[str, Any], seconds: float) -> bool:
        """Write a pending document's whole result in one transaction; False when it was already written."""

    def save_failure(self, doc_id: int, reason: str, seconds: float) -> bool:
        """Mark a pending document failed with ``reason``; False when it was already written."""

    def requeue(self, doc_id: int, reason: str, seconds: float) -> bool:
        """A failure that is not the document's fault: back to the queue (lease dropped) while it has been
        requeued fewer than ``MAX_SYSTEM_KILLS`` times, else failed with ``reason``. True when it was requeued."""

    def status_counts(self) -> dict[str, int]:
        """{"pending": n, "done": n, "failed": n}."""

    def summary(self) -> dict[str, int]:
        """The figures printed at the end of a batch (see ``store.summary``)."""

    def failures(self) -> list[tuple[str, str]]:
        """(path, reason) of every failed document."""

    def check(self) -> None:
        """Raise ``StoreGoneError`` when the store is no longer the one opened."""

    def close(self) -> None: ...


def make_owner() -> str:
    """A lease owner id for this process: ``host:pid:process start time:nonce``."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid())}:{uuid.uuid4().hex[:8]}"


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()  # field 22: start time in clock ticks
    except (OSError, IndexError):
        return "0"


def owner_alive(owner: str, now: float | None = None) -> bool | None:
    """True/False for an owner on this host (its process exists with the same start time); None elsewhere."""
    host, _, rest = owner.partition(":")
    pid, _, rest = rest.partition(":")
    start = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    if os.path.isdir("/proc/self"):
        return os.path.exists(f"/proc/{pid}") and _start_time(int(pid)) == start
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


LIVE_OWNERS_SQL = ("SELECT DISTINCT lease_owner FROM documents WHERE status = 'pending' AND lease_owner IS NOT NULL"
                   " AND lease_owner != ? AND lease_expires >= ?")


def dead_owners(con: Any, owner: str, at: float) -> list[str]:
    """Other owners holding unexpired leases whose process on this host is gone (both stores free them)."""
    return [o for (o,) in con.execute(LIVE_OWNERS_SQL, (owner, at)) if owner_alive(o) is False]


def now() -> float:
    return time.time()
