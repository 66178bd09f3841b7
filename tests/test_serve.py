"""``extract serve`` as users run it (a uvicorn process on loopback), driven through the Python client:
jobs land in the store exactly as ``batch`` writes them, failures carry their reason, cancel works on a
queued job, and the limits and the token answer with clear errors."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from urllib.error import URLError

pytest.importorskip("starlette", reason="the service needs the serve extra: pip install 'extract[serve]'")

from extract.jobs.batch import run_batch  # noqa: E402
from extract.jobs.runner import JobOptions  # noqa: E402
from extract.serve.client import ApiError, Client  # noqa: E402
from jobs_docs import ROOT, generate_forms  # noqa: E402
from test_jobs_batch import EXTRACTOR, _env, snapshot  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(store, *args: str, token: str | None = None) -> tuple[subprocess.Popen, Client]:
    port = free_port()
    cmd = [sys.executable, "-m", "extract.jobs", "serve", "--store", str(store), "--port", str(port),
           "--extractor", EXTRACTOR, *args] + (["--token", token] if token else [])
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    client = Client(f"http://127.0.0.1:{port}", token=token, timeout=30)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read()[-3000:])
        try:
            if client._call("GET", "/health")["ok"]:
                return proc, client
        except (OSError, ApiError):
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError("service did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> list[Path]:
    return generate_forms(tmp_path_factory.mktemp("forms"), 4)


def test_jobs_through_the_api_equal_batch_and_fail_with_reasons(forms, tmp_path):
    served = tmp_path / "in"
    served.mkdir()
    on_server = served / forms[3].name
    on_server.write_bytes(forms[3].read_bytes())
    bad = tmp_path / "raise-me.pdf"
    bad.write_bytes(forms[0].read_bytes() + b"%raise")
    proc, api = start_service(tmp_path / "api.db", "--workers", "2", "--allow-path", str(served))
    try:
        jobs = [api.submit(p) for p in forms[:3]] + [api.submit_path(str(on_server)), api.submit(bad)]
        again = api.submit(forms[0])
        assert again["id"] == jobs[0]["id"] and again["duplicate"]  # the same content is the same job
        assert all(j["state"] in ("queued", "running") for j in jobs)
        final = [api.wait(j["id"], poll_s=0.2, timeout_s=240) for j in jobs]
        assert [j["state"] for j in final] == ["done"] * 4 + ["failed"]
        assert "ValueError: cannot read raise-me.pdf" in final[4]["error"]

        result = api.result(jobs[0]["id"])
        assert result["source"]["sha256"] == final[0]["sha256"] and result["tables"] and result["documents"]
        rows = api.export(jobs[0]["id"])
        assert rows["department"] and rows["indicator"]
        assert {r["sha256"] for r in rows["department"]} == {final[0]["sha256"]}
        xlsx = api.export(jobs[0]["id"], "xlsx")
        assert xlsx[:2] == b"PK"
        review = api.review(jobs[0]["id"])
        assert all(i["doc_id"] == jobs[0]["id"] for i in review["items"])
        listed = api.jobs()
        assert listed["counts"] == {"queued": 0, "running": 0, "done": 4, "failed": 1}
        with pytest.raises(ApiError) as err:
            api.result(jobs[4]["id"])
        assert err.value.status == 409 and "cannot read" in err.value.message
        with pytest.raises(ApiError) as err:
            api.submit_path(str(forms[1]))  # not under --allow-path
        assert err.value.status == 403
        with pytest.raises(ApiError) as err:
            api.job(9999)
        assert err.value.status == 404
        schema = api._call("GET", "/openapi.json")
        assert {"/jobs", "/jobs/{job_id}", "/jobs/{job_id}/result"} <= set(schema["paths"])
    finally:
        stop(proc)
    # the same documents through batch: the same store content (keyed by content, not by path)
    reference = tmp_path / "batch.db"
    run_batch(reference, [str(p) for p in forms] + [str(bad)], JobOptions(workers=1, extractor=EXTRACTOR))
    assert snapshot(tmp_path / "api.db") == snapshot(reference)


def test_cancel_limits_and_token(forms, tmp_path):
    hang = tmp_path / "hang-1.pdf"
    hang.write_bytes(forms[0].read_bytes() + b"%hang")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + os.urandom(1_200_000))
    proc, api = start_service(tmp_path / "s.db", "--workers", "1", "--timeout", "6", "--max-jobs", "2",
                              "--max-upload-mb", "1", token="s3cret")
    try:
        with pytest.raises(ApiError) as err:
            Client(api.base).jobs()  # no token
        assert err.value.status == 401
        with pytest.raises(ApiError) as err:
            Client(api.base, token="wrong").jobs()
        assert err.value.status == 401
        # the server answers 413 as soon as the declared length is over the limit and closes the connection;
        # a client still sending the body then sees that as a broken pipe or a reset instead of the answer
        with pytest.raises((ApiError, URLError)) as refused:
            api.submit(big)
        if isinstance(refused.value, ApiError):
            assert refused.value.status == 413
        else:
            assert isinstance(refused.value.reason, (BrokenPipeError, ConnectionResetError)), refused.value
        held = api.submit(hang)
        deadline = time.time() + 60
        while api.job(held["id"])["state"] != "running" and time.time() < deadline:
            time.sleep(0.1)
        queued = api.submit(forms[1])
        assert queued["state"] == "queued" and queued["queue_position"] == 0
        with pytest.raises(ApiError) as err:
            api.submit(forms[2])  # two jobs queued or running already
        assert err.value.status == 429
        cancelled = api.cancel(queued["id"])
        assert cancelled["state"] == "cancelled"
        with pytest.raises(ApiError) as err:
            api.cancel(queued["id"])
        assert err.value.status == 409
        final = api.wait(held["id"], poll_s=0.2, timeout_s=60)
        assert final["state"] == "failed" and final["error"] == "timed out after 6 s"
        time.sleep(1.5)  # the pool is idle now: a cancelled job is not run
        assert api.job(queued["id"])["state"] == "cancelled"
        assert api.jobs()["counts"]["done"] == 0
    finally:
        stop(proc)
    out = subprocess.run([sys.executable, "-m", "extract.jobs", "serve", "--store", str(tmp_path / "s.db"),
                          "--host", "0.0.0.0"], cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert out.returncode == 2 and "give --token" in " ".join(out.stderr.split())
    assert json.loads(json.dumps(cancelled))  # the API answers plain JSON


def test_the_service_on_a_postgresql_store(forms, tmp_path):
    pytest.importorskip("psycopg")
    from pg_server import pg_bindir, start_server

    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed (scripts/setup.sh installs the Debian package)")
    server = start_server()
    try:
        url = server.create_database("served")
        proc, api = start_service(url, "--workers", "1", "--upload-dir", str(tmp_path / "up"))
        try:
            job = api.wait(api.submit(forms[0])["id"], poll_s=0.2, timeout_s=120)
            assert job["state"] == "done" and api.result(job["id"])["documents"]
            assert api.jobs()["counts"]["done"] == 1
        finally:
            stop(proc)
        from extract.jobs.pg_store import PgStore

        st = PgStore(url)
        assert st.summary()["done"] == 1  # where batch, review and export read it
        st.close()
    finally:
        server.stop()
