"""``SqliteStore``: the ``JobStore`` contract (``store_base``) on one SQLite file, guarded.

Guards: the file's identity (device, inode) is taken when the store is opened and checked before and after
every commit, so a store deleted or replaced mid-run stops the batch (``StoreGoneError``) instead of
writing results nowhere; SQLite's errors for a damaged file and a full disk become ``StoreCorruptError``
and ``StoreFullError``, each one line with the next step.
"""
from __future__ import annotations

import errno
import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from extract.jobs import store as sql
from extract.names import from_bytes, is_text, raw_bytes, shown
from extract.jobs.store_base import (DEFAULT_LEASE_S, DocRow, JobStore, StoreCorruptError, StoreError,
                                     StoreFullError, StoreGoneError, dead_owners)

CORRUPT_MARKERS = ("malformed", "not a database", "file is encrypted", "database corrupt")
FULL_MARKERS = ("database or disk is full", "disk is full", "no space left")


def store_error(exc: BaseException, location: str) -> StoreError | None:
    """The StoreError a sqlite3/OS error means (None when it is not about the store file)."""
    if isinstance(exc, StoreError):
        return exc
    msg = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) or any(m in msg for m in FULL_MARKERS) \
            or code == sqlite3.SQLITE_FULL:
        return StoreFullError(f"disk full writing the store {location}: the last result was not saved; free space "
                              "there and run the same command again to resume")
    if any(m in msg for m in CORRUPT_MARKERS) or code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreCorruptError(f"the store {location} is damaged ({msg}): move it aside and run again with a new "
                                 "--store (`sqlite3 OLD .recover | sqlite3 NEW` may save its results)")
    if isinstance(exc, sqlite3.OperationalError) and ("unable to open" in msg or "disk i/o" in msg
                                                      or "readonly" in msg):
        return StoreError(f"cannot write the store {location} ({msg}): check that its folder exists, is writable "
                          "and has free space, then run the same command again")
    return None


def _stored_name(path: str) -> tuple[str, bytes | None]:
    """(text to store and show, exact bytes when the text cannot hold the name)."""
    return (path, None) if is_text(path) else (shown(path), raw_bytes(path))


class SqliteStore:
    """One connection to one store file; every write is one ``BEGIN IMMEDIATE`` transaction."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.location = str(self.path)
        with self._errors():
            self.con = sql.connect(self.path)
            self.con.execute("SELECT COUNT(*) FROM documents").fetchone()  # reads the file: corruption shows now
        self._identity = self._stat()

    # --- guards -------------------------------------------------------------------------------------------
    def _stat(self) -> tuple[int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise StoreGoneError(f"the store {self.location} was deleted while the batch ran: results since then "
                                 "were not saved; run the same command again to rebuild it") from None
        return st.st_dev, st.st_ino

    def check(self) -> None:
        if self._stat() != self._identity:
            raise StoreGoneError(f"the store {self.location} was replaced by another file while the batch ran: "
                                 "results since then were not saved there; run the same command again")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            mapped = store_error(exc, self.location)
            if mapped is None:
                raise
            raise mapped from None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A guarded transaction: identity checked before the commit (a gone store rolls back) and after it."""
        with self._errors():
            self.check()
            self.con.execute("BEGIN IMMEDIATE")
            try:
                yield self.con
                self.check()
            except BaseException:
                try:
                    self.con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise
            self.con.execute("COMMIT")
            self.check()

    # --- queue --------------------------------------------------------------------------------------------
    def register_files(self, files: list[tuple[str, str]]) -> int:
        now = time.time()
        rows = [(*_stored_name(path), sha) for path, sha in files]
        with self._tx() as con:
            before = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            con.executemany("INSERT OR IGNORE INTO documents (path, path_raw, sha256, added_at) VALUES (?, ?, ?, ?)",
                            [(*r, now) for r in rows])
            con.executemany("INSERT OR IGNORE INTO files (path, path_raw, sha256) VALUES (?, ?, ?)", rows)
            return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] - before)

    def known_paths(self) -> set[str]:
        with self._errors():
            return {from_bytes(raw) if raw is not None else path
                    for path, raw in self.con.execute("SELECT path, path_raw FROM files")}

    def reset_failed(self) -> int:
        with self._tx() as con:
            return con.execute("UPDATE documents SET status = 'pending', error = NULL, requeues = 0,"
                               " lease_owner = NULL WHERE status = 'failed'").rowcount

    def _free_dead(self, con: sqlite3.Connection, owner: str, now: float) -> None:
        dead = dead_owners(con, owner, now)
        con.executemany("UPDATE documents SET lease_owner = NULL WHERE lease_owner = ? AND status = 'pending'",
                        [(o,) for o in dead])

    def claim(self, owner: str, limit: int, lease_s: float = DEFAULT_LEASE_S) -> list[DocRow]:
        if limit <= 0:
            return []
        now = time.time()
        with self._tx() as con:
            self._free_dead(con, owner, now)
            rows = [DocRow(i, from_bytes(raw) if raw is not None else path, sha) for i, path, raw, sha in con.execute(
                "SELECT id, path, path_raw, sha256 FROM documents WHERE status = 'pending'"
                " AND (lease_owner IS NULL OR lease_expires < ?) ORDER BY id LIMIT ?", (now, limit))]
            con.executemany("UPDATE documents SET lease_owner = ?, lease_expires = ? WHERE id = ?",
                            [(owner, now + lease_s, r.id) for r in rows])
        return rows

    def renew(self, owner: str, doc_ids: list[int], lease_s: float = DEFAULT_LEASE_S) -> None:
        if not doc_ids:
            return
        expires = time.time() + lease_s
        with self._tx() as con:
            con.executemany("UPDATE documents SET lease_expires = ? WHERE id = ? AND lease_owner = ?"
                            " AND status = 'pending'", [(expires, i, owner) for i in doc_ids])

    def release(self, owner: str, doc_ids: list[int] | None = None) -> None:
        with self._tx() as con:
            if doc_ids is None:
                con.execute("UPDATE documents SET lease_owner = NULL WHERE lease_owner = ?", (owner,))
            else:
                con.executemany("UPDATE documents SET lease_owner = NULL WHERE id = ? AND lease_owner = ?",
                                [(i, owner) for i in doc_ids])

    def leased_elsewhere(self, owner: str) -> int:
        now = time.time()
        with self._tx() as con:
            self._free_dead(con, owner, now)
            return int(con.execute("SELECT COUNT(*) FROM documents WHERE status = 'pending' AND lease_owner IS NOT NULL"
                                   " AND lease_owner != ? AND lease_expires >= ?", (owner, now)).fetchone()[0])

    # --- outcomes -----------------------------------------------------------------------------------------
    def save_result(self, doc_id: int, result: dict[str, Any], seconds: float) -> bool:
        with self._tx() as con:
            return sql.write_result(con, doc_id, result, seconds)

    def save_failure(self, doc_id: int, reason: str, seconds: float) -> bool:
        with self._tx() as con:
            return sql.write_failure(con, doc_id, reason, seconds)

    def requeue(self, doc_id: int, reason: str, seconds: float) -> bool:
        with self._tx() as con:
            return sql.write_requeue(con, doc_id, reason, seconds)

    # --- reading ------------------------------------------------------------------------------------------
    def status_counts(self) -> dict[str, int]:
        with self._errors():
            return sql.status_counts(self.con)

    def summary(self) -> dict[str, int]:
        with self._errors():
            self.check()
            return sql.summary(self.con)

    def failures(self) -> list[tuple[str, str]]:
        with self._errors():
            return sql.failures(self.con)

    def close(self) -> None:
        try:
            self.con.close()
        except sqlite3.Error:
            pass


def open_store(location: str | Path) -> JobStore:
    """The store at ``location``: a file path (SQLite) or a ``postgresql://`` URL (``pg_store.PgStore``)."""
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        from extract.jobs.pg_store import PgStore

        return PgStore(location)
    return SqliteStore(location)
