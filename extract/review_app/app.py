"""The review web app on Starlette: JSON API, static page, images; every guard in one ASGI layer.

    GET  /                              the app (logs in first)
    POST /api/login {name, password}    a session cookie and the CSRF token; POST /api/logout
    GET  /api/me                        who is logged in, the CSRF token, whether corrections need four eyes
    GET  /api/queue?doc=&form=&name=&reason=&path=&mode=todo|flagged|check|done   items and progress
    GET  /api/item/ID                   one item (f<n> field, c<n> cell) with its history
    GET  /api/crop/ID.png               the page around the item's cell, outlined (upright, levelled frame)
    GET  /api/page/DOC/PAGE             every cell of a page with its confidence; /api/page/DOC/PAGE.png the image
    GET  /api/documents, /api/forms, /api/fields   filter choices
    POST /api/decisions {item, action: accept|correct, value, version}
    POST /api/claim {item} · /api/undo {item, version} · /api/reopen {item, version}
    POST /api/flag {item, on, note} · /api/verify {item, version, agree} · /api/bulk {items: [{item, version}]}

Guards (``guard.Guard``, around the whole app): the Host header must name the address the app is bound to (no DNS rebinding); a POST
needs the app's own Origin, ``Content-Type: application/json`` and, but for login, the session's CSRF token
in ``X-CSRF-Token``; bodies are capped in size and in time; every answer carries no-framing and CSP headers.
A malformed request is a 400 with a message, never a 500 with a traceback.
"""
from __future__ import annotations

import functools
import sqlite3
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any, Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from extract.jobs.store import connect
from extract.review_app import accounts, decisions, images, queue, workflow
from extract.review_app.guard import Guard, parse_json
from extract.review_app.queue import ReviewError

GENERATION_SQL = ("SELECT (SELECT MAX(id) FROM decisions), (SELECT MAX(id) FROM review_events), "
                  "(SELECT COUNT(*) FROM documents WHERE status = 'done'), (SELECT MAX(id) FROM documents), "
                  "(SELECT COUNT(*) FROM review_pending), (SELECT COUNT(*) FROM review_flags)")
"""What the queue depends on, read in a few index lookups (every write that changes a queued value adds a
decision or a review event; the batch adds documents)."""
QUEUE_PAGE = 500
PREFETCH = 50
"""Crops made when the app starts: the first screenfuls of the queue."""  # items sent to the page at once (the lowest-confidence ones); progress counts them all
COOKIE = "extract_review"
LOGIN_TRIES, LOGIN_PAUSE = 5, 60.0
"""After this many wrong passwords for one name, logins for it pause this many seconds."""
STATIC = {"/": ("index.html", "text/html; charset=utf-8"), "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/app.css": ("app.css", "text/css; charset=utf-8"), "/i18n.js": ("i18n.js", "text/javascript; charset=utf-8")}


class ReviewApp:
    """The routes, bound to one store. Handlers are plain functions, run on the event loop (reads) or in
    Starlette's thread pool (writes, renders, logins), each thread with its own SQLite connection."""

    def __init__(self, store_path: str | Path, four_eyes: bool = False, port: int = 0) -> None:
        # a postgresql:// URL stays a string (a Path would fold its //)
        self.store_path: str | Path = store_path if isinstance(store_path, str) and "://" in store_path else Path(store_path)
        self.four_eyes = four_eyes
        self.cookie = f"{COOKIE}_{port}"  # cookies are per host, not per port: two apps on one machine differ
        self._local = threading.local()
        self._queues: dict[tuple[Any, ...], tuple[list[dict[str, Any]], dict[Any, Any]]] = {}
        self._write_lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # name -> (wrong passwords, since when)
        con = connect(self.store_path)
        accounts.ensure_schema(con)
        workflow.ensure_schema(con)
        con.close()
        threading.Thread(target=self._prefetch, name="review-prefetch", daemon=True).start()

    def _prefetch(self, n: int = PREFETCH) -> None:
        """Crops of the first ``n`` items of the queue, made before anyone asks (the first look is instant)."""
        try:
            con = connect(self.store_path)
            for item in queue.review_queue(con, limit=n, decorated=False):
                if item["page"] is not None:
                    path, size, frame = self._page_frame(item["doc_id"], item["page"], con)
                    images.crop_png(path, item["page"], frame, size,
                                    queue.cell_bbox(con, item) or (0, 0, size[0], size[1]))
            con.close()
        except Exception:  # noqa: BLE001 - a missing file or a damaged page is answered when asked for
            pass

    @property
    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = connect(self.store_path)
        return con

    # -- plumbing
    def route(self, fn: Callable[..., Any], auth: bool = True, inline: bool = False) -> Callable[[Request], Awaitable[Response]]:
        """An endpoint around ``fn(request, reviewer, body)``. ``inline``: run it on the event loop (a read of
        a few SQLite rows: WAL readers never wait, and a thread hop under load costs more than the read);
        otherwise in the thread pool (writes may wait for the write lock; renders and logins take long).
        A POST gets a JSON object as ``body`` and, behind the login, the reviewer's name; a GET gets ``None``."""
        def answer(call: Callable[[], Any]) -> Any:
            try:
                out = call()
                if callable(out) and not isinstance(out, Response):
                    return out  # the slow rest of the work, for the thread pool
                return out if isinstance(out, Response) else JSONResponse(out)
            except ReviewError as exc:
                return JSONResponse({"error": exc.message, **exc.extra}, exc.status)
            except images.ImageError as exc:
                return JSONResponse({"error": str(exc)}, 404)

        def run(request: Request) -> Any:
            user = None
            if auth:
                user = accounts.session(self.con, request.cookies.get(self.cookie))
                if user is None:
                    raise ReviewError(401, "log in first")
                if request.method == "POST" and request.headers.get("x-csrf-token") != user[1]:
                    raise ReviewError(403, "missing or wrong CSRF token: reload the page")
            body = parse_json(request.scope["review.body"]) if request.method == "POST" else None
            if request.method == "POST" and not isinstance(body, dict):
                raise ReviewError(400, "the body must be a JSON object")
            if request.method == "POST" and auth and user is not None:
                return self._write(functools.partial(fn, request, user[0], body), quick=inline)
            return fn(request, user[0] if user else None, body)

        async def endpoint(request: Request) -> Response:
            call = functools.partial(run, request)
            out = answer(call) if inline else await run_in_threadpool(answer, call)
            if callable(out) and not isinstance(out, Response):
                out = await run_in_threadpool(answer, out)
            response: Response = out
            return response
        return endpoint

    def _write(self, call: Callable[[], Any], quick: bool) -> Any:
        """Run a write with the in-process writer lock (SQLite's own busy wait sleeps up to 100 ms a try).
        ``quick`` (a one-row write on the event loop): only if the lock is free and the store not locked by
        another process right now; otherwise the write is handed to the thread pool, where it may wait."""
        if not quick or not isinstance(self.con, sqlite3.Connection):  # PostgreSQL waits on its own row locks
            with self._write_lock:
                return call()
        if not self._write_lock.acquire(blocking=False):
            return lambda: self._write(call, False)
        try:
            self.con.execute("PRAGMA busy_timeout = 0")
            try:
                return call()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                return lambda: self._write(call, False)
            finally:
                self.con.execute("PRAGMA busy_timeout = 30000")
        finally:
            self._write_lock.release()

    def starlette(self) -> Starlette:
        r = self.route

        def read(fn: Callable[..., Any]) -> Callable[[Request], Awaitable[Response]]:
            return self.route(fn, inline=True)
        routes = [Route(path, self._static(name, ctype), methods=["GET"]) for path, (name, ctype) in STATIC.items()]
        routes += [
            Route("/api/login", r(self.login, auth=False), methods=["POST"]),
            Route("/api/logout", r(self.logout), methods=["POST"]),
            Route("/api/me", read(self.me), methods=["GET"]),
            Route("/api/queue", read(self.queue), methods=["GET"]),
            Route("/api/documents", read(lambda q, u, b: queue.documents(self.con)), methods=["GET"]),
            Route("/api/forms", read(lambda q, u, b: queue.forms(self.con)), methods=["GET"]),
            Route("/api/fields", read(lambda q, u, b: queue.field_names(self.con)), methods=["GET"]),
            Route("/api/item/{item}", read(self.item), methods=["GET"]),
            Route("/api/crop/{item}.png", read(self.crop), methods=["GET"]),
            Route("/api/page/{doc}/{page}.png", read(self.page_png), methods=["GET"]),
            Route("/api/page/{doc}/{page}", read(self.page), methods=["GET"]),
            Route("/api/decisions", r(self.decide), methods=["POST"]),
            Route("/api/claim", read(lambda q, u, b: workflow.claim(self.con, _need(b, "item"), u)),
                  methods=["POST"]),  # one row: on the event loop when the store is free
            Route("/api/undo", r(self.undo), methods=["POST"]),
            Route("/api/reopen", r(self.reopen), methods=["POST"]),
            Route("/api/flag", r(self.flag), methods=["POST"]),
            Route("/api/verify", r(self.verify), methods=["POST"]),
            Route("/api/bulk", r(self.bulk), methods=["POST"]),
        ]

        async def not_found(request: Request, exc: Exception) -> Response:
            return JSONResponse({"error": f"no such path {request.url.path[:200]}"}, 404)

        async def bad_method(request: Request, exc: Exception) -> Response:
            return JSONResponse({"error": "method not allowed here"}, 405)

        return Starlette(routes=routes, exception_handlers={404: not_found, 405: bad_method})

    @staticmethod
    def _static(name: str, ctype: str) -> Callable[[Request], Awaitable[Response]]:
        data = resources.files("extract.review_app").joinpath("static", name).read_bytes()

        async def endpoint(request: Request) -> Response:
            return Response(data, media_type=ctype.split(";")[0], headers={"content-type": ctype})
        return endpoint

    # -- accounts
    def login(self, request: Request, user: str | None, body: dict[str, Any]) -> Response:
        name: Any = body.get("name")  # checked below: JSON may hold anything
        password: Any = body.get("password")
        key = name if isinstance(name, str) and len(name) <= 64 else ""
        now = time.monotonic()
        count, since = self._failures.get(key, (0, now))
        if count >= LOGIN_TRIES and now - since < LOGIN_PAUSE:
            raise ReviewError(429, f"too many wrong passwords for {key!r}: wait {LOGIN_PAUSE:.0f} s")
        got = accounts.login(self.con, name, password) if key else None
        if got is None:
            self._failures[key] = (1, now) if now - since >= LOGIN_PAUSE else (count + 1, since)
            raise ReviewError(401, "wrong name or password")
        self._failures.pop(key, None)
        response = JSONResponse({"name": name, "csrf": got[1], "four_eyes": self.four_eyes})
        response.set_cookie(self.cookie, got[0], httponly=True, samesite="strict", max_age=accounts.SESSION_SECONDS,
                            path="/")
        return response

    def logout(self, request: Request, user: str, body: dict[str, Any]) -> Response:
        accounts.logout(self.con, request.cookies.get(self.cookie))
        response = JSONResponse({"name": None})
        response.delete_cookie(self.cookie, path="/")
        return response

    def me(self, request: Request, user: str | None, body: dict[str, Any] | None) -> dict[str, Any]:
        return {"name": user, "csrf": (accounts.session(self.con, request.cookies.get(self.cookie)) or ("", ""))[1],
                "four_eyes": self.four_eyes}

    # -- reading
    def queue(self, request: Request, user: str | None, body: dict[str, Any] | None) -> dict[str, Any]:
        q = request.query_params
        args = {k: q.get(k) for k in ("doc", "form", "name", "reason", "path", "mode")}
        f = queue.Filters(**args)
        # the queue changes only with a decision, a later step (undo, flag, ...) or a document the batch
        # finished: re-read it then, else serve it from memory (claims are added fresh, and change nothing)
        key = (threading.get_ident(), tuple(self.con.execute(GENERATION_SQL).fetchone()),
               tuple(sorted(args.items(), key=lambda kv: kv[0])))
        hit = self._queues.get(key)
        if hit is None:
            hit = self._queues[key] = (queue.review_queue(self.con, limit=QUEUE_PAGE, filters=f, decorated=False),
                                       queue.progress(self.con))
            while len(self._queues) > 64:
                self._queues.pop(next(iter(self._queues)))
        items = queue.decorate(self.con, [dict(i) for i in hit[0]])
        return {"items": items, "progress": hit[1], "reviewer": user}

    def item(self, request: Request, user: str | None, body: dict[str, Any] | None) -> dict[str, Any]:
        item_id = request.path_params["item"]
        item = queue.decorate(self.con, [queue.get_item(self.con, item_id)])[0]
        return {**item, "decisions": decisions.decisions_for(self.con, item_id)}

    def _page_frame(self, doc: int, page: int, con: sqlite3.Connection | None = None) -> tuple[str, tuple[float, float], tuple[int, float, bool]]:
        row = (con or self.con).execute("SELECT p.width, p.height, p.rotation, p.skew, p.kind, d.path FROM pages p JOIN "
                               "documents d ON d.id = p.doc_id WHERE p.doc_id = ? AND p.page = ?",
                               (doc, page)).fetchone()
        if row is None:
            raise ReviewError(404, f"document {doc} has no page {page}")
        return row["path"], (row["width"], row["height"]), (row["rotation"] or 0, row["skew"] or 0.0,
                                                            row["kind"] == "scanned")

    def crop(self, request: Request, user: str | None, body: dict[str, Any] | None) -> Response | Callable[[], Response]:
        item = queue.get_item(self.con, request.path_params["item"])
        if item["page"] is None:
            raise ReviewError(404, f"{item['id']} has no page to show")
        path, size, frame = self._page_frame(item["doc_id"], item["page"])
        bbox = queue.cell_bbox(self.con, item) or (0, 0, size[0], size[1])
        cached = images.cached_crop(path, item["page"], frame, size, bbox)
        if cached is not None:
            return Response(cached, media_type="image/png")
        return lambda: Response(images.crop_png(path, item["page"], frame, size, bbox), media_type="image/png")

    def _doc_page(self, request: Request) -> tuple[int, int]:
        doc, page = request.path_params["doc"], request.path_params["page"]
        if not (doc.isascii() and doc.isdigit() and page.isascii() and page.isdigit() and len(doc) < 13
                and len(page) < 7):
            raise ReviewError(400, "document and page must be numbers")
        return int(doc), int(page)

    def page(self, request: Request, user: str | None, body: dict[str, Any] | None) -> dict[str, Any]:
        return queue.page_cells(self.con, *self._doc_page(request))

    def page_png(self, request: Request, user: str | None, body: dict[str, Any] | None) -> Response | Callable[[], Response]:
        doc, page = self._doc_page(request)
        path, _, frame = self._page_frame(doc, page)
        return lambda: Response(images.page_png(path, page, *frame), media_type="image/png")

    # -- writing
    def decide(self, request: Request, user: str, body: dict[str, Any]) -> dict[str, Any]:
        out = decisions.decide(self.con, _need(body, "item"), _need(body, "action"), body.get("value"), user,
                               body.get("version"), four_eyes=self.four_eyes)
        return {**out, "progress": queue.progress(self.con)}

    def undo(self, request: Request, user: str, body: dict[str, Any]) -> dict[str, Any]:
        out = workflow.undo(self.con, _need(body, "item"), body.get("version"), user)
        return {**out, "progress": queue.progress(self.con)}

    def reopen(self, request: Request, user: str, body: dict[str, Any]) -> dict[str, Any]:
        out = workflow.undo(self.con, _need(body, "item"), body.get("version"), user, keep_value=True)
        return {**out, "progress": queue.progress(self.con)}

    def flag(self, request: Request, user: str, body: dict[str, Any]) -> dict[str, Any]:
        on = body.get("on", True)
        if not isinstance(on, bool):
            raise ReviewError(400, "on must be true or false")
        return workflow.flag(self.con, _need(body, "item"), user, body.get("note"), on)

    def verify(self, request: Request, user: str, body: dict[str, Any]) -> dict[str, Any]:
        agree = body.get("agree", True)
        if not isinstance(agree, bool):
            raise ReviewError(400, "agree must be true or false")
        out = workflow.verify(self.con, _need(body, "item"), body.get("version"), user, agree)
        return {**out, "progress": queue.progress(self.con)}

    def bulk(self, request: Request, user: str, body: dict[str, Any]) -> dict[str, Any]:
        out = workflow.bulk_accept(self.con, body.get("items"), user, self.four_eyes)
        return {**out, "progress": queue.progress(self.con)}


def _need(body: dict[str, Any], key: str) -> Any:
    if key not in body:
        raise ReviewError(400, f"missing {key!r} in the request body")
    return body[key]


def check_host(host: str) -> None:
    if host in ("0.0.0.0", "::", ""):
        raise ValueError("listen on one address (127.0.0.1, or this machine's LAN address) rather than all: the "
                         "Host check needs the name reviewers open")


def build_app(store_path: str | Path, host: str, port: int, four_eyes: bool = False) -> Guard:
    """The guarded ASGI app for a server reachable at host:port."""
    check_host(host)
    names = {host.lower()}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    hosts = {f"{n}:{port}" for n in names} | ({n for n in names} if port == 80 else set())
    origins = {f"http://{h}" for h in hosts}
    return Guard(ReviewApp(store_path, four_eyes, port).starlette(), hosts, origins)
