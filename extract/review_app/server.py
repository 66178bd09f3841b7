"""Serving the review app: uvicorn on a socket bound here (so port 0 works and the Host check knows the port).

    server = make_server("r.db", port=0)      # bound, not yet serving
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ...; server.shutdown(); server.server_close()

Socket timeouts: a connection that has not sent a whole request head within ``HEAD_SECONDS`` is closed
(uvicorn alone would keep it open forever); a body must arrive within ``app.BODY_SECONDS``; an idle
keep-alive connection is closed after ``KEEP_ALIVE_SECONDS``.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from extract.review_app.app import build_app, check_host

HTTPTOOLS: type[asyncio.Protocol] | None
try:  # the C parser when installed (extra `review`): about a third less CPU a request than h11
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as HTTPTOOLS
except ImportError:  # pragma: no cover - h11 alone works, a little slower
    HTTPTOOLS = None


HEAD_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_HEAD_BYTES = 16 * 1024
MAX_CONNECTIONS = 1000
"""Past this many open connections uvicorn answers 503 rather than queueing without bound."""


if TYPE_CHECKING:  # the mixin reads the attributes both uvicorn protocols have (cycle, transport, loop)
    _Protocol = H11Protocol
else:
    _Protocol = object


class HeadDeadline(_Protocol):
    """A deadline for the request head on uvicorn's HTTP/1.1 protocols (slowloris)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self.cycle is None or self.cycle.response_complete:  # still reading a request head
            end = data.find(b"\r\n\r\n")
            self._head_bytes = getattr(self, "_head_bytes", 0) + (len(data) if end < 0 else end)
            if self._head_bytes > MAX_HEAD_BYTES:  # httptools has no head limit of its own
                self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n"
                                     b"Connection: close\r\n\r\n")
                self.transport.close()
                return
            if end >= 0:
                self._head_bytes = 0
        super().data_received(data)

    def _arm_head_timer(self) -> None:
        self._head_bytes = 0
        old = getattr(self, "_head_timer", None)
        if old is not None:
            old.cancel()
        self._head_timer = self.loop.call_later(HEAD_SECONDS, self._head_timeout)

    def _head_timeout(self) -> None:
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)


class TimedH11(HeadDeadline, H11Protocol):
    pass


PROTOCOL = type("TimedHttpTools", (HeadDeadline, HTTPTOOLS), {}) if HTTPTOOLS is not None else TimedH11


class ReviewServer:
    def __init__(self, store_path: str | Path, host: str, port: int, four_eyes: bool = False) -> None:
        check_host(host)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(2048)
        self.server_address = self.sock.getsockname()[:2]
        self.host = host
        app = build_app(store_path, host, self.server_address[1], four_eyes)
        config = uvicorn.Config(app, http=PROTOCOL, lifespan="off", log_level="warning", access_log=False,
                                timeout_keep_alive=KEEP_ALIVE_SECONDS, limit_concurrency=MAX_CONNECTIONS,
                                h11_max_incomplete_event_size=MAX_HEAD_BYTES, backlog=2048,
                                server_header=False, date_header=False)
        self.uvicorn = uvicorn.Server(config)
        self._done = threading.Event()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.server_address[1]}/"

    def serve_forever(self) -> None:
        try:
            asyncio.run(self.uvicorn.serve(sockets=[self.sock]))
        finally:
            self._done.set()

    def shutdown(self, timeout: float = 10.0) -> None:
        self.uvicorn.should_exit = True
        deadline = time.monotonic() + timeout
        while self.uvicorn.started and not self._done.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)

    def server_close(self) -> None:
        self.sock.close()


def make_server(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000,
                four_eyes: bool = False) -> ReviewServer:
    """A server bound to host:port (port 0 picks a free one); call ``serve_forever`` on it."""
    return ReviewServer(store_path, host, port, four_eyes)


def serve(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000, four_eyes: bool = False,
          log: Callable[[str], None] = print) -> None:
    logging.getLogger("extract.review").addHandler(logging.StreamHandler())
    server = make_server(store_path, host, port, four_eyes)
    log(f"review at {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
