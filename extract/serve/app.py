"""The HTTP API (Starlette): submit, status, result, exports, review items, list, cancel, OpenAPI.

    POST   /jobs                 multipart ``file`` or JSON {"path": "/on/the/server.pdf"} -> 202 job
    GET    /jobs?status=&limit=&offset=
    GET    /jobs/{id}            state (queued | running | done | failed | cancelled), queue position
    GET    /jobs/{id}/result     the result JSON;   /jobs/{id}/export?format=json|xlsx;   /jobs/{id}/review
    DELETE /jobs/{id}            cancel a job not yet finished
    GET    /openapi.json, /health (no token needed)
Every other call needs ``Authorization: Bearer TOKEN`` when the service has a token (it must, when bound
beyond loopback). Errors answer {"error": message}.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import sqlite3
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from extract.jobs import store as sql
from extract.jobs.discover import SUFFIXES, file_sha256
from extract.jobs.runner import JobOptions
from extract.jobs.sqlite_store import open_store
from extract.serve import results
from extract.serve.openapi import openapi
from extract.serve.worker import CANCELLED, WorkerPool

PUBLIC = {"/health", "/openapi.json"}


@dataclass
class ServeConfig:
    store: str | Path
    options: JobOptions = field(default_factory=JobOptions)
    token: str | None = None
    max_upload_mb: float = 100.0
    max_queued: int = 1000  # jobs queued or running at once; more are refused with 429
    upload_dir: Path | None = None  # default: uploads/ beside a SQLite store, else a temp folder
    allow_paths: tuple[Path, ...] = ()  # server folders a submitted path may be under (none: uploads only)
    engine: str = "local"
    ray_address: str | None = None
    run_pool: bool = True


T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, status: int, message: str, **headers: str):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


class Service:
    """The app's state: config, one store connection per thread, the worker pool."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.location = str(config.store)
        self._local = threading.local()
        if config.upload_dir is None:
            is_file = not self.location.startswith(("postgresql://", "postgres://"))
            config.upload_dir = (Path(self.location).resolve().parent / "uploads" if is_file
                                 else Path(tempfile.gettempdir()) / "extract-uploads")
        config.upload_dir.mkdir(parents=True, exist_ok=True)
        st = open_store(config.store)  # creates the store and checks it can be used, before serving
        st.close()
        self.pool = WorkerPool(config.store, config.options, config.engine, config.ray_address)

    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = sql.connect(self.location)
        return con

    # --- submit -------------------------------------------------------------------------------------------
    def register(self, path: Path, sha: str) -> dict[str, Any]:
        st: Any = open_store(self.config.store)  # a SqliteStore or PgStore: both keep their connection as .con
        try:
            before = st.con.execute("SELECT id FROM documents WHERE sha256 = ?", (sha,)).fetchone()
            if before is None and results.counts(self.con())["queued"] + results.counts(self.con())["running"] \
                    >= self.config.max_queued:
                raise ApiError(429, f"{self.config.max_queued} jobs are queued or running; retry later",
                               **{"Retry-After": "5"})
            st.register_files([(str(path), sha)])
            row = st.con.execute("SELECT id FROM documents WHERE sha256 = ?", (sha,)).fetchone()
        finally:
            st.close()
        job = results.get_job(self.con(), row[0])
        if job is None:  # registered above; gone only if deleted in between
            raise ApiError(404, f"no job {row[0]}")
        job["duplicate"] = before is not None
        return job

    def submit_path(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, str) or not raw:
            raise ApiError(400, 'give {"path": "/file/on/the/server.pdf"} or a multipart upload in field "file"')
        path = Path(raw).resolve()
        if not any(path.is_relative_to(root) for root in self.config.allow_paths):
            raise ApiError(403, f"{raw}: server paths are accepted only under --allow-path folders "
                           f"({', '.join(map(str, self.config.allow_paths)) or 'none given'}); upload the file")
        if not path.is_file():
            raise ApiError(400, f"{raw}: no such file on the server")
        return self.register(path, file_sha256(path))

    def store_upload(self, upload: UploadFile) -> dict[str, Any]:
        name = Path(upload.filename or "upload.pdf").name
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            raise ApiError(400, f"{name}: not a document type extract reads ({', '.join(sorted(SUFFIXES))})")
        limit = int(self.config.max_upload_mb * 1024 * 1024)
        digest, size = hashlib.sha256(), 0
        upload_dir = self.config.upload_dir
        assert upload_dir is not None  # set by __init__
        fd, tmp = tempfile.mkstemp(dir=upload_dir, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                upload.file.seek(0)
                while block := upload.file.read(1 << 20):
                    size += len(block)
                    if size > limit:
                        raise ApiError(413, f"{name}: larger than the {self.config.max_upload_mb:g} MB upload limit")
                    digest.update(block)
                    out.write(block)
            if size == 0:
                raise ApiError(400, f"{name}: empty file")
            sha = digest.hexdigest()
            final = upload_dir / sha[:16] / name  # content-addressed, the file name kept
            final.parent.mkdir(exist_ok=True)
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.register(final, sha)

    # --- jobs ---------------------------------------------------------------------------------------------
    def job(self, job_id: int) -> dict[str, Any]:
        job = results.get_job(self.con(), job_id)
        if job is None:
            raise ApiError(404, f"no job {job_id}")
        return job

    def finished_job(self, job_id: int) -> dict[str, Any]:
        job = self.job(job_id)
        if job["state"] != "done":
            raise ApiError(409, f"job {job_id} is {job['state']}" + (f": {job['error']}" if job["error"] else ""))
        return job

    def cancel(self, job_id: int) -> dict[str, Any]:
        job = self.job(job_id)
        if job["status"] != "pending":
            raise ApiError(409, f"job {job_id} is already {job['state']}")
        st = open_store(self.config.store)
        try:
            written = st.save_failure(job_id, CANCELLED, 0.0)  # a result arriving later is not written
        finally:
            st.close()
        if not written:
            raise ApiError(409, f"job {job_id} finished meanwhile")
        return self.job(job_id)


def _int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    try:
        value = default if raw is None else int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer") from None
    return max(lo, min(hi, value))


class TokenGuard:
    """ASGI middleware: every route but the public ones needs ``Authorization: Bearer TOKEN``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.expected = app, f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in PUBLIC:
            got = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(got, self.expected):
                await JSONResponse({"error": "missing or wrong API token (Authorization: Bearer TOKEN)"},
                                   status_code=401)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def make_app(config: ServeConfig) -> Starlette:
    service = Service(config)

    async def run(fn: Callable[..., T], *args: Any) -> T:
        return await run_in_threadpool(fn, *args)

    async def submit(request: Request) -> Response:
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            length = request.headers.get("content-length")
            if length and int(length) > config.max_upload_mb * 1024 * 1024 + 64 * 1024:
                raise ApiError(413, f"upload larger than the {config.max_upload_mb:g} MB limit")
            form = await request.form(max_files=1, max_fields=5)
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ApiError(400, 'the multipart upload needs the document in field "file"')
            try:
                job = await run(service.store_upload, upload)
            finally:
                await form.close()
        else:
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:
                raise ApiError(400, "body is not JSON") from None
            job = await run(service.submit_path, body.get("path") if isinstance(body, dict) else None)
        return JSONResponse(job, status_code=202)

    async def list_jobs(request: Request) -> Response:
        limit, offset = _int(request, "limit", 100, 1, 1000), _int(request, "offset", 0, 0, 1 << 62)
        state = request.query_params.get("status")

        def read() -> dict[str, Any]:
            con = service.con()
            return {"jobs": results.list_jobs(con, state, limit, offset), "counts": results.counts(con)}
        return JSONResponse(await run(read))

    async def get_job(request: Request) -> Response:
        return JSONResponse(await run(service.job, request.path_params["job_id"]))

    async def cancel(request: Request) -> Response:
        return JSONResponse(await run(service.cancel, request.path_params["job_id"]))

    async def result(request: Request) -> Response:
        job_id = request.path_params["job_id"]

        def read() -> dict[str, Any]:
            service.finished_job(job_id)
            return results.result_json(service.con(), job_id)
        return JSONResponse(await run(read))

    async def export(request: Request) -> Response:
        job_id, fmt = request.path_params["job_id"], request.query_params.get("format", "json")
        if fmt not in ("json", "xlsx"):
            raise ApiError(400, f"format {fmt!r}: use json or xlsx")

        def read() -> Response:
            service.finished_job(job_id)
            rows = results.export_rows(service.con(), job_id)
            if fmt == "json":  # "_meta" (the styled writers' notes per row) is not data
                return JSONResponse({kind: [{k: v for k, v in r.items() if not k.startswith("_")} for r in items]
                                     for kind, items in rows.items()})
            from extract.jobs.export_xlsx import write_store_xlsx

            with tempfile.TemporaryDirectory() as tmp:
                data = write_store_xlsx(rows, Path(tmp) / "export.xlsx").read_bytes()
            return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": f'attachment; filename="job-{job_id}.xlsx"'})
        return await run(read)

    async def review(request: Request) -> Response:
        job_id = request.path_params["job_id"]

        def read() -> dict[str, Any]:
            from extract.review_app.queue import review_queue

            service.job(job_id)
            return {"items": review_queue(service.con(), doc_id=job_id)}
        return JSONResponse(await run(read))

    async def health(request: Request) -> Response:
        counts = await run(lambda: results.counts(service.con()))
        ok = service.pool.alive or not config.run_pool
        body = {"ok": ok, "pool": "running" if service.pool.alive else "stopped", "counts": counts,
                "error": service.pool.error}
        return JSONResponse(body, status_code=200 if ok else 503)

    async def schema(request: Request) -> Response:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("extract")
        except PackageNotFoundError:
            v = "0"
        return JSONResponse(openapi(v))

    async def on_error(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, ApiError):  # registered for ApiError only
            raise exc
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if config.run_pool:
            service.pool.start()
        try:
            yield
        finally:
            await run_in_threadpool(service.pool.close)

    middleware = [Middleware(TokenGuard, token=config.token)] if config.token else []
    app = Starlette(routes=[
        Route("/jobs", submit, methods=["POST"]), Route("/jobs", list_jobs, methods=["GET"]),
        Route("/jobs/{job_id:int}", get_job, methods=["GET"]), Route("/jobs/{job_id:int}", cancel, methods=["DELETE"]),
        Route("/jobs/{job_id:int}/result", result), Route("/jobs/{job_id:int}/export", export),
        Route("/jobs/{job_id:int}/review", review), Route("/health", health), Route("/openapi.json", schema),
    ], exception_handlers={ApiError: on_error}, middleware=middleware, lifespan=lifespan)
    app.state.service = service
    return app
