"""A real multi-node Ray cluster on this machine, for tests and benchmarks: each node is its own
``ray start --block`` process in its own session (process group), temp dir and loopback address.

Loopback: Ray rewrites ``--node-ip-address 127.0.0.1`` (and ``localhost``) to the host's outward address
(``ray._private.services.resolve_ip_for_localhost``), so the nodes take other addresses of 127.0.0.0/8
(127.0.0.2 for the head, 127.0.0.3, ... for workers): every connection between them stays on ``lo``.
Ray's gRPC servers still listen on all interfaces, so token authentication is on (``RAY_AUTH_MODE=token``
and one random ``RAY_AUTH_TOKEN`` shared by every node and every driver started with ``env``).

Stopping kills each node's own process group (its raylet, GCS, agents and workers), never ``ray stop``,
which would stop every Ray node on the machine, including other users'.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

RAY = str(Path(sys.executable).with_name("ray"))


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class RayNode:
    proc: subprocess.Popen
    ip: str
    temp_dir: Path

    def kill(self) -> None:
        """SIGKILL every process of the node at once (its process group and every descendant: Ray puts its
        worker processes in groups of their own): what a machine that loses power looks like to Ray."""
        pids = descendants(self.proc.pid)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(30)


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            out.append(child)
            todo.append(child)
    return out


@dataclass
class RayCluster:
    root: Path
    cpus_per_node: int = 1
    pythonpath: list[str] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    nodes: list[RayNode] = field(default_factory=list)
    port: int = 0
    trace_pause: float = 0.0  # seconds traced_extract waits after its start marker

    @property
    def address(self) -> str:
        return f"127.0.0.2:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """The environment of a driver (or node) of this cluster: the token, and imports for the workers."""
        path = os.pathsep.join([*self.pythonpath, os.environ.get("PYTHONPATH", "")]).strip(os.pathsep)
        return {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": self.token, "PYTHONPATH": path,
                "RAY_USAGE_STATS_ENABLED": "0", "EXTRACT_TRACE_DIR": str(self.trace),
                "EXTRACT_TRACE_PAUSE": str(self.trace_pause)}

    @property
    def trace(self) -> Path:
        """Where ``traced_extract`` on the nodes leaves its markers."""
        return self.root / "trace"

    def _start(self, name: str, ip: str, extra: list[str]) -> RayNode:
        self.trace.mkdir(parents=True, exist_ok=True)
        temp = self.root / name
        temp.mkdir(parents=True, exist_ok=True)
        log = open(self.root / f"{name}.log", "wb")
        cmd = [RAY, "start", "--block", "--node-ip-address", ip, "--num-cpus", str(self.cpus_per_node),
               "--temp-dir", str(temp), "--object-store-memory", str(150 * 1024 * 1024),
               "--disable-usage-stats", *extra]
        proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        node = RayNode(proc, ip, temp)
        self.nodes.append(node)
        deadline = time.time() + 90
        while b"Ray runtime started" not in (self.root / f"{name}.log").read_bytes():
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"ray node {ip} did not start: {self.log_tail()}")
            time.sleep(0.2)
        return node

    def start_head(self) -> RayNode:
        self.port = free_port("127.0.0.2")
        return self._start("head", "127.0.0.2", ["--head", "--port", str(self.port), "--include-dashboard", "false"])

    def add_worker(self) -> RayNode:
        ip = f"127.0.0.{2 + len(self.nodes)}"
        return self._start(f"worker{len(self.nodes)}", ip, ["--address", self.address])

    def wait_for_nodes(self, n: int, timeout: float = 90.0) -> None:
        """Wait until ``n`` nodes are alive in the cluster (asked in a separate driver process)."""
        probe = ("import ray, sys; ray.init(address=sys.argv[1], log_to_driver=False); "
                 "print(sum(1 for x in ray.nodes() if x['Alive']))")
        deadline = time.time() + timeout
        while time.time() < deadline:
            for node in self.nodes:
                if node.proc.poll() is not None:
                    raise RuntimeError(f"ray node {node.ip} exited: {self.log_tail()}")
            try:
                done = subprocess.run([sys.executable, "-c", probe, self.address], env=self.env,
                                      capture_output=True, text=True, timeout=60)
            except subprocess.TimeoutExpired:
                continue
            if done.returncode == 0 and done.stdout.strip().splitlines()[-1:] == [str(n)]:
                return
            time.sleep(1)
        raise TimeoutError(f"{n} ray nodes not up after {timeout:g} s: {self.log_tail()}")

    def log_tail(self) -> str:
        return " | ".join(p.read_text(errors="replace")[-800:] for p in sorted(self.root.glob("*.log")))

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.kill()
        self.nodes.clear()


def traced_extract(path, options):
    """The real extractor, leaving ``NAME.NODEIP.start`` / ``.end`` markers in ``$EXTRACT_TRACE_DIR``, so a
    test knows which node holds which document and can kill a node while it holds one."""
    import ray

    from jobs_extractors import faulty_extract

    trace = Path(os.environ["EXTRACT_TRACE_DIR"])
    stem = f"{Path(path).name}.{ray.util.get_node_ip_address()}.{os.getpid()}.{time.time_ns()}"
    (trace / f"{stem}.start").touch()
    time.sleep(float(os.environ.get("EXTRACT_TRACE_PAUSE", "0")))  # widen the window a test kills a node in
    result = faulty_extract(path, options)
    (trace / f"{stem}.end").touch()
    return result


def running_on(trace: Path, ip: str) -> list[str]:
    """Documents whose extraction started on node ``ip`` and has not ended."""
    ended = {p.name[:-4] for p in trace.glob("*.end")}
    return [p.name.split(f".{ip}.")[0] for p in trace.glob(f"*.{ip}.*.start") if p.name[:-6] not in ended]
