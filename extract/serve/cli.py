"""``extract serve``: the HTTP API on uvicorn, loopback unless asked, a token required beyond loopback."""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

console = Console(stderr=True)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    store: str = typer.Option(..., "--store", help="results store: a SQLite file or a postgresql:// URL"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (loopback unless asked)"),
    port: int = typer.Option(8080, "--port", help="port to listen on"),
    token: Optional[str] = typer.Option(None, "--token", envvar="EXTRACT_API_TOKEN",
                                        help="API token (Authorization: Bearer TOKEN); required beyond loopback"),
    workers: int = typer.Option(1, "--workers", min=1, help="worker processes (as batch)"),
    timeout: float = typer.Option(300.0, "--timeout", help="time limit per document, seconds"),
    memory_mb: int = typer.Option(4096, "--memory-mb", help="memory limit per worker, MiB"),
    max_upload_mb: float = typer.Option(100.0, "--max-upload-mb", help="largest upload accepted, MB"),
    max_jobs: int = typer.Option(1000, "--max-jobs", min=1, help="jobs queued or running at once (more: 429)"),
    upload_dir: Optional[Path] = typer.Option(None, "--upload-dir", help="where uploads are kept"),
    allow_path: list[Path] = typer.Option([], "--allow-path", help="server folder a submitted path may be in"),
    ocr: str = typer.Option("auto", "--ocr", help="auto | always | never"),
    form: str = typer.Option("auto", "--form", help="auto | none | a form name | a form file (.yaml/.toml)"),
    forms_dirs: list[Path] = typer.Option([], "--forms-dir", help="folder of form files (.yaml/.toml); repeatable"),
    engine: str = typer.Option("local", "--engine", help="local | ray"),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="existing Ray cluster"),
    extractor: str = typer.Option("extract:extract_file", "--extractor", hidden=True,
                                  help="module:function run per document (tests)"),
) -> None:
    """Serve the HTTP API: submit documents, poll jobs, fetch results, exports and review items."""
    import uvicorn

    from extract.jobs.runner import JobOptions
    from extract.jobs.store_base import StoreError
    from extract.serve.app import ServeConfig, make_app

    if not is_loopback(host) and not token:
        console.print(f"[red]error[/]: --host {host} is reachable from other machines: give --token "
                      "(or EXTRACT_API_TOKEN) so that only callers with it can use the API")
        raise typer.Exit(2)
    from extract.jobs.cli import _known_forms

    form, dirs = _known_forms(form, forms_dirs)  # unknown form, bad form file: exit 2 before serving
    options = JobOptions(workers=workers, timeout_s=timeout, memory_mb=memory_mb, extractor=extractor,
                         extract_options={"ocr": ocr, "form": form, "forms_dirs": dirs})
    config = ServeConfig(store=store if store.startswith(("postgresql://", "postgres://")) else Path(store),
                         options=options, token=token, max_upload_mb=max_upload_mb, max_queued=max_jobs,
                         upload_dir=upload_dir, allow_paths=tuple(p.resolve() for p in allow_path),
                         engine=engine, ray_address=ray_address)
    try:
        app = make_app(config)
    except StoreError as exc:
        console.print(f"[red]store error[/]: {exc}", soft_wrap=True)
        raise typer.Exit(3) from exc
    console.print(f"extract API on http://{host}:{port} (OpenAPI: /openapi.json), store {store}, "
                  f"{workers} worker(s), pid {os.getpid()}")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def watch_command(
    folder: Path = typer.Argument(..., help="the hot folder (searched recursively)"),
    store: str = typer.Option(..., "--store", help="results store: a SQLite file or a postgresql:// URL"),
    out: Optional[Path] = typer.Option(None, "--out", help="results and status.jsonl (default: FOLDER/_extract)"),
    settle: float = typer.Option(2.0, "--settle", help="seconds a file's size must stay unchanged"),
    once: bool = typer.Option(False, "--once", help="process what is there, then exit"),
    workers: int = typer.Option(1, "--workers", min=1, help="worker processes (as batch)"),
    timeout: float = typer.Option(300.0, "--timeout", help="time limit per document, seconds"),
    memory_mb: int = typer.Option(4096, "--memory-mb", help="memory limit per worker, MiB"),
    ocr: str = typer.Option("auto", "--ocr", help="auto | always | never"),
    form: str = typer.Option("auto", "--form", help="auto | none | a form name | a form file (.yaml/.toml)"),
    forms_dirs: list[Path] = typer.Option([], "--forms-dir", help="folder of form files (.yaml/.toml); repeatable"),
    extractor: str = typer.Option("extract:extract_file", "--extractor", hidden=True,
                                  help="module:function run per document (tests)"),
) -> None:
    """Watch a folder: each complete new file is extracted once; results and status land in --out."""
    from extract.jobs.runner import JobOptions
    from extract.jobs.store_base import StoreError
    from extract.jobs.watch import Watcher, install_signal_handlers

    if not folder.is_dir():
        console.print(f"[red]error[/]: {folder} is not a folder")
        raise typer.Exit(2)
    from extract.jobs.cli import _known_forms

    form, dirs = _known_forms(form, forms_dirs)  # unknown form, bad form file: exit 2 before serving
    options = JobOptions(workers=workers, timeout_s=timeout, memory_mb=memory_mb, extractor=extractor,
                         extract_options={"ocr": ocr, "form": form, "forms_dirs": dirs})
    watcher = Watcher(folder, store if store.startswith(("postgresql://", "postgres://")) else Path(store),
                      out or folder / "_extract", options=options, settle_s=settle)
    install_signal_handlers(watcher)
    console.print(f"watching {watcher.folder} -> {watcher.out} (store {store}); Ctrl-C stops")
    try:
        summary = watcher.run(once=once)
    except StoreError as exc:
        console.print(f"[red]store error[/]: {exc}", soft_wrap=True)
        raise typer.Exit(3) from exc
    console.print(f"{summary['documents']} documents ({summary['done']} done, {summary['failed']} failed, "
                  f"{summary['pending']} pending)")
