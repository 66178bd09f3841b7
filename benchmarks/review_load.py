"""Load on the review app over loopback: N concurrent reviewers, each on its own keep-alive connection and
session, going through the queue as the page does (queue, claim, item with history, crop image) for a few rounds.

``python -m benchmarks.review_load [--clients 200] [--rounds 5] [--out benchmarks/results/review_load.json]``

The server runs as ``extract review`` in its own process (as a user starts it); the clients are asyncio
connections in this process. Reported: every request's latency (p50/p95/p99/max), errors (any status other
than 200, any dropped connection), requests per second. The store holds two real forms (the misprinted
Dongguan seed in two folders). Target from issue 13: 200 clients, p95 < 1 s, no errors.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _build_store(folder: Path, clients: int) -> tuple[Path, list[tuple[str, str]]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from jobs_docs import misprinted_dongguan

    from extract.jobs.batch import run_batch
    from extract.jobs.runner import JobOptions
    from extract.jobs.store import connect
    from extract.review_app import accounts

    a, _ = misprinted_dongguan(folder / "in" / "a")
    b, _ = misprinted_dongguan(folder / "in" / "b", wrong_basic="45938500.00")
    db = folder / "r.db"
    run_batch(db, [str(a), str(b)], JobOptions(workers=1))
    con = connect(db)
    accounts.add_user(con, "loadtest", "load test password")
    sessions = [accounts.login(con, "loadtest", "load test password") for _ in range(clients)]
    con.close()
    return db, sessions  # type: ignore[return-value]


BY_KIND: dict[str, list[float]] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _request(reader, writer, host: str, method: str, path: str, cookie: str, csrf: str,
                   body: bytes = b"") -> tuple[int, bytes]:
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Cookie: extract_review_{host.rsplit(':', 1)[1]}={cookie}"]
    if method == "POST":
        head += [f"Origin: http://{host}", "Content-Type: application/json", f"X-CSRF-Token: {csrf}",
                 f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        k, _, v = line.decode("latin-1").partition(":")
        if k.strip().lower() == "content-length":
            length = int(v)
    return status, await reader.readexactly(length)


async def _client(i: int, port: int, session: tuple[str, str], rounds: int, lat: list[float], errors: list[str],
                  start: asyncio.Event, by_kind: dict[str, list[float]]) -> None:
    host = f"127.0.0.1:{port}"
    cookie, csrf = session
    await start.wait()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        async def call(method, path, body=b""):
            t0 = time.perf_counter()
            status, data = await _request(reader, writer, host, method, path, cookie, csrf, body)
            lat.append(time.perf_counter() - t0)
            by_kind.setdefault(path.split("/")[2].split("?")[0], []).append(lat[-1])
            if status != 200:
                errors.append(f"{method} {path}: {status} {data[:100]!r}")
            return data
        for r in range(rounds):
            items = json.loads(await call("GET", "/api/queue"))["items"]
            it = items[(i + r) % len(items)]
            await call("POST", "/api/claim", json.dumps({"item": it["id"]}).encode())  # as the page does
            await call("GET", f"/api/item/{it['id']}")
            await call("GET", f"/api/crop/{it['id']}.png")
    except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
        errors.append(f"client {i}: {type(exc).__name__} {exc}")
    finally:
        writer.close()


async def _run(port: int, sessions, rounds: int) -> tuple[list[float], list[str], float]:
    lat: list[float] = []
    errors: list[str] = []
    start = asyncio.Event()
    tasks = [asyncio.create_task(_client(i, port, s, rounds, lat, errors, start, BY_KIND))
             for i, s in enumerate(sessions)]
    await asyncio.sleep(0.1)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return lat, errors, time.perf_counter() - t0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"review server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("review server did not start")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "review_load.json")
    args = ap.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        db, sessions = _build_store(Path(tmp), args.clients)
        port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "extract.jobs", "review", "--store", str(db), "--port",
                                 str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_up(port, proc)
            cpu0 = _cpu_seconds(proc.pid)
            lat, errors, wall = asyncio.run(_run(port, sessions, args.rounds))
            server_cpu = _cpu_seconds(proc.pid) - cpu0
        finally:
            proc.terminate()
            proc.wait(10)
    lat.sort()
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]  # noqa: E731
    out = {"clients": args.clients, "rounds": args.rounds, "requests": len(lat), "errors": len(errors),
           "error_examples": errors[:5], "p50_s": round(statistics.median(lat), 4), "p95_s": round(q(0.95), 4),
           "p99_s": round(q(0.99), 4), "max_s": round(lat[-1], 4), "wall_s": round(wall, 2),
           "requests_per_s": round(len(lat) / wall, 1), "cpus": os.cpu_count(),
           "server_cpu_ms_per_request": round(server_cpu * 1000 / max(len(lat), 1), 3),
           "load_average_before": round(load_before, 2),
           "p95_s_by_request": {k: round(sorted(v)[int(0.95 * len(v))], 4) for k, v in sorted(BY_KIND.items())},
           "target": "p95 < 1 s and no errors (issue 13)",
           "passed": bool(q(0.95) < 1.0 and not errors)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
