"""The service's OpenAPI document (served at /openapi.json)."""
from __future__ import annotations

from typing import Any

JOB = {"type": "object", "properties": {
    "id": {"type": "integer"}, "path": {"type": "string"}, "sha256": {"type": "string"},
    "state": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled"]},
    "status": {"type": "string", "enum": ["pending", "done", "failed"]}, "result_status": {"type": "string"},
    "error": {"type": "string"}, "page_count": {"type": "integer"}, "seconds": {"type": "number"},
    "queue_position": {"type": "integer"}, "progress": {"type": "number"}}}
ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _resp(desc: str, schema: dict[str, Any] | None = None, media: str = "application/json") -> dict[str, Any]:
    out: dict[str, Any] = {"description": desc}
    if schema is not None:
        out["content"] = {media: {"schema": schema}}
    return out


def _errors(*codes: int) -> dict[str, Any]:
    names = {400: "bad request", 401: "missing or wrong API token", 403: "server path not allowed",
             404: "no such job", 409: "not possible in the job's state", 413: "upload too large",
             429: "too many jobs queued; retry later", 503: "worker pool stopped"}
    return {str(c): _resp(names[c], ERROR) for c in codes}


def openapi(version: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "extract", "version": version,
                 "description": "Tables in PDFs and scans to checked, structured data. Jobs run in the worker "
                                "pool of `extract batch` and land in its results store."},
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
        "paths": {
            "/jobs": {
                "post": {"summary": "Submit a document: a multipart upload (field `file`) or a path on the server",
                         "requestBody": {"content": {
                             "multipart/form-data": {"schema": {"type": "object", "properties": {
                                 "file": {"type": "string", "format": "binary"}}}},
                             "application/json": {"schema": {"type": "object", "properties": {
                                 "path": {"type": "string"}}, "required": ["path"]}}}},
                         "responses": {"202": _resp("accepted: the job (a known content is the same job)", JOB),
                                       **_errors(400, 401, 403, 413, 429)}},
                "get": {"summary": "List jobs",
                        "parameters": [{"name": "status", "in": "query", "schema": {"type": "string"}},
                                       {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                                       {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                        "responses": {"200": _resp("jobs and counts", {"type": "object"}), **_errors(401)}}},
            "/jobs/{job_id}": {
                "get": {"summary": "Status and progress", "parameters": [JOB_ID],
                        "responses": {"200": _resp("the job", JOB), **_errors(401, 404)}},
                "delete": {"summary": "Cancel a job that has not finished", "parameters": [JOB_ID],
                           "responses": {"200": _resp("cancelled", JOB), **_errors(401, 404, 409)}}},
            "/jobs/{job_id}/result": {
                "get": {"summary": "The result JSON (reviewers' corrections applied)", "parameters": [JOB_ID],
                        "responses": {"200": _resp("the result", {"type": "object"}), **_errors(401, 404, 409)}}},
            "/jobs/{job_id}/export": {
                "get": {"summary": "Export rows: format=json (default) or xlsx", "parameters": [
                    JOB_ID, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "xlsx"]}}],
                        "responses": {"200": _resp("department, task and indicator rows", {"type": "object"}),
                                      **_errors(400, 401, 404, 409)}}},
            "/jobs/{job_id}/review": {
                "get": {"summary": "Review items: values below the review threshold, lowest confidence first",
                        "parameters": [JOB_ID],
                        "responses": {"200": _resp("items", {"type": "object"}), **_errors(401, 404)}}},
            "/health": {"get": {"summary": "Liveness and queue counts", "security": [],
                                "responses": {"200": _resp("ok", {"type": "object"})}}},
        },
    }
