"""Reviewer accounts in the results store: scrypt-hashed passwords, login sessions with a CSRF token each.

An admin creates accounts from the command line (``extract review --store r.db --add-user NAME``); the web
app only logs people in. A session cookie holds a random token; the store keeps only its SHA-256, so a
copy of the store does not let anyone act as a reviewer.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS review_users (
  name TEXT PRIMARY KEY, salt BLOB NOT NULL, hash BLOB NOT NULL, n INTEGER NOT NULL, r INTEGER NOT NULL,
  p INTEGER NOT NULL, created_at REAL NOT NULL, disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS review_sessions (
  token_sha TEXT PRIMARY KEY, name TEXT NOT NULL REFERENCES review_users(name), csrf TEXT NOT NULL,
  created_at REAL NOT NULL, expires_at REAL NOT NULL
);
"""
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
"""scrypt cost: 16 MiB and ~50 ms a login on one core (OWASP's minimum for scrypt is N=2^17 at r=8 for
stored secrets it cannot rate-limit; a login here is local and one per working day, so 2^14 keeps tests
and logins quick while staying far beyond a fast hash)."""
SESSION_SECONDS = 12 * 3600
"""One working day; a new login after that."""
NAME_RE = re.compile(r"^[\w.\-\u4e00-\u9fff]{1,64}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    pass


def ensure_schema(con: sqlite3.Connection) -> None:
    if not isinstance(con, sqlite3.Connection):  # the PostgreSQL store
        from extract.jobs.pg_store import pg_dialect

        con.executescript(pg_dialect(SCHEMA))
        return
    con.executescript(SCHEMA)


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def add_user(con: sqlite3.Connection, name: str, password: str, replace: bool = False) -> None:
    """Create (or with ``replace`` reset the password of) a reviewer account."""
    ensure_schema(con)
    if not NAME_RE.match(name or ""):
        raise AccountError(f"reviewer name {name!r}: 1-64 letters, digits, '.', '-' or '_'")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password shorter than {MIN_PASSWORD} characters")
    exists = con.execute("SELECT 1 FROM review_users WHERE name = ?", (name,)).fetchone()
    if exists and not replace:
        raise AccountError(f"reviewer {name!r} exists already (use --reset-password to change the password)")
    salt = secrets.token_bytes(16)
    digest = _hash(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    if exists:  # a password reset: the row stays (sessions refer to it), its secret changes
        con.execute("UPDATE review_users SET salt = ?, hash = ?, n = ?, r = ?, p = ? WHERE name = ?",
                    (salt, digest, SCRYPT_N, SCRYPT_R, SCRYPT_P, name))
    else:
        con.execute("INSERT INTO review_users (name, salt, hash, n, r, p, created_at) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?)", (name, salt, digest, SCRYPT_N, SCRYPT_R, SCRYPT_P, time.time()))
    con.execute("DELETE FROM review_sessions WHERE name = ?", (name,))  # a new password ends old sessions


def users(con: sqlite3.Connection) -> list[str]:
    ensure_schema(con)
    return [r[0] for r in con.execute("SELECT name FROM review_users WHERE disabled = 0 ORDER BY name")]


_DUMMY_SALT = secrets.token_bytes(16)


def check_password(con: sqlite3.Connection, name: str, password: str) -> bool:
    row = con.execute("SELECT salt, hash, n, r, p FROM review_users WHERE name = ? AND disabled = 0",
                      (name,)).fetchone()
    if row is None:  # same work for an unknown name: the answer time does not tell which names exist
        _hash(password, _DUMMY_SALT, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return False
    return hmac.compare_digest(_hash(password, row[0], row[2], row[3], row[4]), row[1])


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(con: sqlite3.Connection, name: str, password: str) -> tuple[str, str] | None:
    """(session token, csrf token) for a right password, else None."""
    if not isinstance(name, str) or not isinstance(password, str) or len(password) > 1024:
        return None
    if not check_password(con, name, password):
        return None
    token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), time.time()
    con.execute("DELETE FROM review_sessions WHERE expires_at < ?", (now,))
    con.execute("INSERT INTO review_sessions VALUES (?, ?, ?, ?, ?)", (_sha(token), name, csrf, now,
                                                                       now + SESSION_SECONDS))
    return token, csrf


def session(con: sqlite3.Connection, token: str | None) -> tuple[str, str] | None:
    """(reviewer name, csrf token) of a live session, else None."""
    if not token or len(token) > 200:
        return None
    row = con.execute("SELECT s.name, s.csrf FROM review_sessions s JOIN review_users u ON u.name = s.name "
                      "WHERE s.token_sha = ? AND s.expires_at > ? AND u.disabled = 0",
                      (_sha(token), time.time())).fetchone()
    return (row[0], row[1]) if row else None


def logout(con: sqlite3.Connection, token: str | None) -> None:
    if token:
        con.execute("DELETE FROM review_sessions WHERE token_sha = ?", (_sha(token),))
