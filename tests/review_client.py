"""A test client for the review app: logs in, keeps the session cookie and CSRF token, sets Host/Origin."""
from __future__ import annotations

import http.client
import json
import threading
from pathlib import Path

from extract.jobs.store import connect
from extract.review_app import accounts
from extract.review_app.server import make_server

PASSWORD = "correct horse 1"


def add_users(db: Path, *names: str) -> None:
    con = connect(db)
    accounts.ensure_schema(con)
    for n in names:
        accounts.add_user(con, n, PASSWORD, replace=True)
    con.close()


class Running:
    def __init__(self, db: Path, four_eyes: bool = False) -> None:
        self.server = make_server(db, port=0, four_eyes=four_eyes)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        import time
        for _ in range(200):
            if self.server.uvicorn.started:
                break
            time.sleep(0.02)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Client:
    def __init__(self, port: int, name: str | None = None, password: str = PASSWORD) -> None:
        self.port, self.cookie, self.csrf = port, None, None
        self.host = f"127.0.0.1:{port}"
        if name:
            status, out = self.post("/api/login", {"name": name, "password": password}, csrf=False)
            assert status == 200, out
            self.csrf = out["csrf"]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, dict | bytes, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Host": self.host}
        if self.cookie:
            h["Cookie"] = self.cookie
        h.update(headers or {})
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in h.items():
            if v is not None:
                conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        res = conn.getresponse()
        data = res.read()
        head = {k.lower(): v for k, v in res.getheaders()}
        conn.close()
        if "set-cookie" in head and head["set-cookie"].startswith(f"extract_review_{self.port}="):
            self.cookie = head["set-cookie"].split(";")[0]
        ctype = head.get("content-type", "")
        return res.status, (json.loads(data) if ctype.startswith("application/json") else data), head

    def get(self, path: str) -> tuple[int, dict | bytes]:
        status, out, _ = self.request("GET", path)
        return status, out

    def post(self, path: str, body, csrf: bool = True, origin: str | None = "self",
             ctype: str = "application/json") -> tuple[int, dict]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": ctype, "Origin": f"http://{self.host}" if origin == "self" else origin}
        if csrf and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        status, out, _ = self.request("POST", path, raw, headers)
        return status, out

    def queue(self, query: str = "") -> list[dict]:
        status, out = self.get("/api/queue" + (f"?{query}" if query else ""))
        assert status == 200, out
        return out["items"]

    def item(self, key: str, query: str = "") -> dict:
        return next(i for i in self.queue(query) if i["key"] == key)
