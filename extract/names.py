"""File names as users' disks hold them: any byte sequence, shown escaped, turned into safe output names,
written atomically.

On POSIX a name is bytes; Python carries undecodable bytes as lone surrogates (``surrogateescape``), which
open the right file but cannot be printed, stored as UTF-8 text or put in JSON. ``shown`` is the one-line,
printable form (bad bytes as ``\\xNN``, control characters escaped); ``raw_bytes`` the exact name to keep
where the file must be found again.
"""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

NAME_MAX = 255
"""Bytes in one path component on Linux, macOS and Windows file systems (ext4, APFS, NTFS)."""
SUFFIX_RESERVE = 40
"""Bytes left for what writers append to a stem (``.t123.csv``, ``-tasks.xlsx``, ``.json.tmp``)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()


def raw_bytes(path: str | os.PathLike[str]) -> bytes:
    return os.fsencode(path)


def is_text(path: str | os.PathLike[str]) -> bool:
    """True when the name is valid UTF-8 without control characters (it can be stored and shown as is)."""
    try:
        text = raw_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def shown(path: str | os.PathLike[str]) -> str:
    """A printable one-line form: undecodable bytes as ``\\xNN``, control characters as ``\\n``, ``\\x01``..."""
    text = raw_bytes(path).decode("utf-8", "backslashreplace")
    if not any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return text
    return "".join(repr(ch)[1:-1] if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)


def from_bytes(raw: bytes) -> str:
    return os.fsdecode(raw)


def safe_stem(name: str | os.PathLike[str], limit: int = NAME_MAX - SUFFIX_RESERVE) -> str:
    """An output stem from an input name: printable, no separators, at most ``limit`` UTF-8 bytes; a name cut
    short keeps its start and gains a hash of the whole name, so two long names never share an output."""
    stem = shown(name).replace("/", "_").replace("\\x00", "_") or "_"
    if stem in (".", ".."):
        stem = stem.replace(".", "_")
    encoded = stem.encode("utf-8")
    if len(encoded) <= limit:
        return stem
    digest = hashlib.sha256(raw_bytes(name)).hexdigest()[:12]
    head = encoded[: limit - len(digest) - 1].decode("utf-8", "ignore")
    return f"{head}-{digest}"


class NotRegularFile(ValueError):  # noqa: N818 - named for what the file is
    """A FIFO, device, socket or directory where a document was expected (refused before any read)."""


FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
              (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in FILE_KINDS if test(mode)), "not a plain file")
        raise NotRegularFile(f"not a regular file: {kind}")


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for reading when it is a regular file (symlinks followed), else ``NotRegularFile``.

    Checked on the name before opening and again on the open descriptor (the name may change in between);
    opened non-blocking, so even a FIFO swapped in at the last moment cannot block the open."""
    _check_regular(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        _check_regular(os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename, on failure it
    is removed (so a reader never sees half a file, and a failed write leaves the old one)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".extract-", suffix=".tmp")
    os.close(fd)
    try:
        os.chmod(tmp, FILE_MODE)  # mkstemp makes it 0600; an output gets the usual mode
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return path
