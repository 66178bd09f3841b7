"""The review app's outer layer (ASGI): what a request must be before any route sees it.

The Host header must name the address the app is bound to (no DNS rebinding); a POST needs the app's own
Origin, ``Content-Type: application/json`` and a body within ``MAX_BODY`` bytes that arrives within
``BODY_SECONDS``; every answer carries no-framing and CSP headers; an exception a route did not answer is
logged and answered 500 without internals. The CSRF token is checked per route (it needs the session).
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extract.review_app.queue import ReviewError

log = logging.getLogger("extract.review")
MAX_BODY = 64 * 1024
BODY_SECONDS = 10.0
"""A request body must arrive within this (a client that never finishes its body is dropped)."""
MAX_JSON_DEPTH = 20
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
                                 b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store")]


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of parsed JSON, stopping at limit + 1."""
    stack, deepest = [(value, 1)], 0
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(v, dict):
            stack += [(x, d + 1) for x in v.values()]
        elif isinstance(v, list):
            stack += [(x, d + 1) for x in v]
    return deepest


def parse_json(raw: bytes) -> Any:
    if raw.count(b"[") + raw.count(b"{") > 5000 or _nesting(raw) > MAX_JSON_DEPTH:
        raise ReviewError(400, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ReviewError(400, f"body is not JSON: {str(exc)[:200]}") from None
    if _depth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ReviewError(400, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return body


def _nesting(raw: bytes) -> int:
    """Bracket depth of raw JSON text (an upper bound: brackets inside strings count too), before parsing it."""
    depth = deepest = 0
    for ch in raw:
        if ch in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif ch in (0x5D, 0x7D):
            depth -= 1
    return deepest


class Guard:
    """ASGI layer: Host, Origin, content type, body size and time, security headers, errors as JSON."""

    def __init__(self, app: ASGIApp, hosts: set[str], origins: set[str]) -> None:
        self.app, self.hosts, self.origins = app, hosts, origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + SECURITY_HEADERS}
            await send(message)

        headers: dict[str, str] = {}
        for k, v in scope.get("headers", []):
            headers.setdefault(k.decode("latin-1").lower(), v.decode("latin-1"))
        problem = self._refuse(scope, headers)
        if problem:
            return await JSONResponse({"error": problem[1]}, problem[0])(scope, receive, send_secure)
        if scope["method"] == "POST":
            try:
                body = await asyncio.wait_for(_read_body(receive), BODY_SECONDS)
            except asyncio.TimeoutError:
                return await JSONResponse({"error": f"request body not received within {BODY_SECONDS:.0f} s"},
                                          408)(scope, receive, send_secure)
            except ReviewError as exc:
                return await JSONResponse({"error": exc.message}, exc.status)(scope, receive, send_secure)
            scope = {**scope, "review.body": body}
        try:
            await self.app(scope, receive, send_secure)
        except Exception:  # noqa: BLE001 - a bug: logged here, the client gets no internals
            log.exception("review request %s %s failed", scope["method"], scope.get("path"))
            await JSONResponse({"error": "internal error (logged on the server)"}, 500)(scope, receive, send_secure)

    def _refuse(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if headers.get("host", "").lower() not in self.hosts:
            return 400, "wrong Host header: open the review app by the address it printed"
        if scope["method"] not in ("GET", "HEAD", "POST"):
            return 405, f"method {scope['method']} not allowed"
        if scope["method"] == "POST":
            if headers.get("origin", "") not in self.origins:
                return 403, "cross-origin request refused (Origin missing or not this app)"
            if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
                return 415, "Content-Type must be application/json"
            length = headers.get("content-length", "")
            if length and (not length.isdigit() or len(length) > 9 or int(length) > MAX_BODY):
                return 413, f"request body over {MAX_BODY} bytes"
        return None


async def _read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ReviewError(400, "client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise ReviewError(413, f"request body over {MAX_BODY} bytes")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)
