"""A real, throwaway PostgreSQL server for tests and benchmarks (the Debian ``postgresql`` package).

``initdb`` into a fresh folder under /tmp, then ``pg_ctl start`` listening only on a Unix socket in that
folder (``listen_addresses=''``): nothing is reachable from the network, and stopping it (``pg_ctl stop
-m immediate``, then the folder removed) touches no other server. PostgreSQL refuses to run as root, so as
root the server runs as the ``postgres`` system user the package creates (``runuser``).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PgServer:
    root: Path
    port: int = 5432
    user: str = ""

    @property
    def socket_dir(self) -> str:
        return str(self.root)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def _as_owner(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd

    def start(self) -> PgServer:
        bindir = pg_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql; scripts/setup.sh does it)")
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        data = self.root / "data"
        subprocess.run(self._as_owner([str(bindir / "initdb"), "-D", str(data), "-U", self.user, "--auth=trust",
                                       "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True)
        self.port = 20000 + uuid.uuid4().int % 20000  # the socket file is named by the port; our folder is ours
        opts = f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=100"
        subprocess.run(self._as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(self.root / "log"),
                                       "-o", opts, "-w", "-t", "60", "start"]), check=True, capture_output=True)
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, keep_log: str | None = None) -> None:
        bindir = pg_bindir()
        data = self.root / "data"
        if bindir and data.exists():
            subprocess.run(self._as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                           "stop"]), capture_output=True)
        if keep_log and (self.root / "log").exists():
            shutil.copy(self.root / "log", keep_log)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    return PgServer(Path(tempfile.mkdtemp(prefix="xpg-", dir="/tmp"))).start()


_SHARED: list[PgServer] = []


def shared_server() -> PgServer:
    """One server for the whole test process, stopped when it exits."""
    if not _SHARED:
        import atexit

        _SHARED.append(start_server())
        atexit.register(_SHARED[0].stop)
    return _SHARED[0]


def new_pg_store(tmp_path=None):
    """A PgStore on a fresh database of the shared server (the contract tests' backend factory)."""
    import psycopg  # noqa: F401 - ImportError when the pg extra is missing

    from extract.jobs.pg_store import PgStore

    return PgStore(shared_server().create_database(f"c_{uuid.uuid4().hex[:12]}"))
