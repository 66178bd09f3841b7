"""A small Python client for ``extract serve`` (standard library only).

    from extract.serve.client import Client
    api = Client("http://127.0.0.1:8080", token=None)
    job = api.submit("budget.pdf")            # upload; or api.submit_path("/srv/in/budget.pdf")
    job = api.wait(job["id"])                 # poll until done / failed / cancelled
    result = api.result(job["id"])            # the result JSON; api.export(id), api.review(id)
"""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

FINAL = ("done", "failed", "cancelled")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}")
        self.status, self.message = status, message


class Client:
    def __init__(self, base: str, token: str | None = None, timeout: float = 60.0):
        self.base, self.token, self.timeout = base.rstrip("/"), token, timeout

    def _call(self, method: str, path: str, body: bytes | None = None, kind: str | None = None) -> Any:
        req = Request(self.base + path, data=body, method=method)
        if kind:
            req.add_header("Content-Type", kind)
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urlopen(req, timeout=self.timeout) as resp:
                data = resp.read()
                return json.loads(data) if resp.headers.get_content_type() == "application/json" else data
        except HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", exc.reason)
            except ValueError:
                message = exc.reason
            raise ApiError(exc.code, message) from None

    def _object(self, method: str, path: str, body: bytes | None = None, kind: str | None = None) -> dict[str, Any]:
        """``_call`` on an endpoint that answers a JSON object."""
        out: dict[str, Any] = self._call(method, path, body, kind)
        return out

    def submit(self, path: str | Path) -> dict[str, Any]:
        """Upload a file (multipart, field ``file``)."""
        path = Path(path)
        boundary = uuid.uuid4().hex
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        return self._object("POST", "/jobs", body, f"multipart/form-data; boundary={boundary}")

    def submit_path(self, server_path: str) -> dict[str, Any]:
        """Submit a file already on the server (under one of its --allow-path folders)."""
        return self._object("POST", "/jobs", json.dumps({"path": server_path}).encode(), "application/json")

    def job(self, job_id: int) -> dict[str, Any]:
        return self._object("GET", f"/jobs/{job_id}")

    def jobs(self, status: str | None = None, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        q = f"?limit={limit}&offset={offset}" + (f"&status={status}" if status else "")
        return self._object("GET", f"/jobs{q}")

    def wait(self, job_id: int, poll_s: float = 0.5, timeout_s: float = 3600.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            job = self.job(job_id)
            if job["state"] in FINAL or time.monotonic() > deadline:
                return job
            time.sleep(poll_s)

    def result(self, job_id: int) -> dict[str, Any]:
        return self._object("GET", f"/jobs/{job_id}/result")

    def export(self, job_id: int, fmt: str = "json") -> Any:
        return self._call("GET", f"/jobs/{job_id}/export?format={fmt}")

    def review(self, job_id: int) -> dict[str, Any]:
        return self._object("GET", f"/jobs/{job_id}/review")

    def cancel(self, job_id: int) -> dict[str, Any]:
        return self._object("DELETE", f"/jobs/{job_id}")
