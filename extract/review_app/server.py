"""The review web app: stdlib HTTP server, JSON API, static page (package data), images on demand.

    GET  /                              the app
    GET  /api/queue?doc=ID&name=FIELD   items below the threshold, lowest confidence first, and progress
    GET  /api/item/ID                   one item (f<n> field, c<n> cell) with its decisions
    GET  /api/crop/ID.png               the page around the item's cell, outlined
    GET  /api/page/DOC/PAGE             every cell of a page with its confidence; /api/page/DOC/PAGE.png the image
    GET  /api/documents, /api/fields    filter choices
    POST /api/decisions                 {"item": ID, "action": "accept"|"correct", "value": ..., "version": N}
Errors answer {"error": message} with 400 (malformed), 404 (unknown id), 409 (changed meanwhile).
"""
from __future__ import annotations

import getpass
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

from extract.jobs.store import connect
from extract.review_app import decisions, images, queue
from extract.review_app.queue import ReviewError

STATIC = {"/": ("index.html", "text/html; charset=utf-8"), "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/app.css": ("app.css", "text/css; charset=utf-8")}
MAX_BODY = 64 * 1024
QUEUE_PAGE = 500  # items sent to the page at once (the lowest-confidence ones); progress counts them all


def _static(name: str) -> bytes:
    return resources.files("extract.review_app").joinpath("static", name).read_bytes()


def _int(text: str | None, what: str) -> int | None:
    if text in (None, ""):
        return None
    if not re.fullmatch(r"\d{1,12}", text):
        raise ReviewError(400, f"{what} must be a number, got {text!r}")
    return int(text)


class ReviewHandler(BaseHTTPRequestHandler):
    store_path: Path
    reviewer: str
    _local = threading.local()
    server_version = "extract-review"

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet: the CLI prints the address once
        pass

    @property
    def con(self):
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = connect(self.store_path)
        return con

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _guard(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except ReviewError as exc:
            self._json(exc.status, {"error": exc.message, **exc.extra})
        except Exception as exc:  # noqa: BLE001 - answer, never drop the connection
            self._json(500, {"error": f"{type(exc).__name__}: {exc}"})

    def do_GET(self) -> None:  # noqa: N802
        self._guard(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._guard(self._post)

    def _get(self) -> None:
        url = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path in STATIC:
            name, ctype = STATIC[url.path]
            return self._send(200, _static(name), ctype)
        if url.path == "/api/queue":
            items = queue.review_queue(self.con, _int(q.get("doc"), "doc"), q.get("name") or None, QUEUE_PAGE)
            return self._json(200, {"items": items, "progress": queue.progress(self.con), "reviewer": self.reviewer})
        if url.path == "/api/documents":
            return self._json(200, queue.documents(self.con))
        if url.path == "/api/fields":
            return self._json(200, queue.field_names(self.con))
        if m := re.fullmatch(r"/api/item/([^/]+)", url.path):
            item = queue.get_item(self.con, m.group(1))
            return self._json(200, {**item, "decisions": decisions.decisions_for(self.con, m.group(1))})
        if m := re.fullmatch(r"/api/crop/([^/]+)\.png", url.path):
            return self._send(200, self._crop(m.group(1)), "image/png")
        if m := re.fullmatch(r"/api/page/(\d+)/(\d+)(\.png)?", url.path):
            doc, page = int(m.group(1)), int(m.group(2))
            info = queue.page_cells(self.con, doc, page)
            if m.group(3):
                return self._send(200, images.page_png(queue._doc_path(self.con, doc), page), "image/png")
            return self._json(200, info)
        raise ReviewError(404, f"no such path {url.path}")

    def _crop(self, item_id: str) -> bytes:
        item = queue.get_item(self.con, item_id)
        if item["page"] is None:
            raise ReviewError(404, f"{item_id} has no page to show")
        info = queue.page_cells(self.con, item["doc_id"], item["page"])
        bbox = queue.cell_bbox(self.con, item) or (0, 0, info["width"], info["height"])
        return images.crop_around(item["path"], item["page"], (info["width"], info["height"]), bbox)

    def _post(self) -> None:
        if urlparse(self.path).path != "/api/decisions":
            raise ReviewError(404, f"no such path {self.path}")
        length = _int(self.headers.get("Content-Length"), "Content-Length") or 0
        if length > MAX_BODY:
            raise ReviewError(400, f"request body over {MAX_BODY} bytes")
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ReviewError(400, f"body is not JSON: {exc}") from None
        if not isinstance(body, dict) or "item" not in body or "action" not in body:
            raise ReviewError(400, 'expected {"item": ID, "action": "accept"|"correct", "value": ..., "version": N}')
        out = decisions.decide(self.con, body["item"], body["action"], body.get("value"),
                               body.get("reviewer") or self.reviewer, body.get("version"))
        self._json(200, {**out, "progress": queue.progress(self.con)})


def make_server(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000,
                reviewer: str | None = None) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0 picks a free one); call ``serve_forever`` on it."""
    handler = type("BoundReviewHandler", (ReviewHandler,), {
        "store_path": Path(store_path), "reviewer": reviewer or getpass.getuser(), "_local": threading.local()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000, reviewer: str | None = None,
          log: Callable[[str], None] = print) -> None:
    server = make_server(store_path, host, port, reviewer)
    log(f"review at http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
