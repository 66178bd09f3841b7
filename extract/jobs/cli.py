"""Commands ``batch``, ``export`` and ``review``, as plain functions the main typer app registers.

    from extract.jobs.cli import batch_command, export_command, review_command
    app.command("batch")(batch_command)
    app.command("export")(export_command)
    app.command("review")(review_command)

``python -m extract.jobs`` runs them on their own (``jobs_app``).
"""
from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Optional, cast

import typer
from rich.console import Console
from rich.markup import escape

from extract.jobs.store_base import StoreError

if TYPE_CHECKING:  # imported where a command runs: `extract --help` loads none of the job machinery
    from rich.progress import Progress

    from extract.jobs.batch import BatchProgress

console = Console(stderr=True)


def _progress_bar() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]documents"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"), TextColumn("[red]{task.fields[failed]} failed"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=console, transient=False,
    )


def _rates(p: BatchProgress) -> str:
    elapsed = max(time.perf_counter() - p.started, 1e-9)
    return f"{p.finished / elapsed:.2f} docs/s {p.pages / elapsed:.2f} pages/s"


def print_summary(summary: dict[str, Any], seconds: float) -> None:
    console.print(
        f"[bold]{summary['documents']}[/] documents ({summary['done']} done, {summary['failed']} failed, "
        f"{summary['pending']} pending{', ' + str(summary['skipped']) + ' skipped' if summary.get('skipped') else ''}), "
        f"{summary['pages']} pages, {summary['tables']} tables, "
        f"{summary['forms']} forms; {summary['fields_below_threshold']} fields and "
        f"{summary['cells_below_threshold']} cells below the review threshold; {seconds:.1f} s")


def _known_forms(form: str, forms_dirs: list[Path]) -> tuple[str, list[str]]:
    """``--form`` and ``--forms-dir`` checked before any input is read (an unknown form or a bad form file:
    exit 2, one line naming the known forms), their forms made known to this process, and both as absolute
    paths for workers that may start elsewhere."""
    from extract.mapping.decl_load import FORM_SUFFIXES, FormFileError
    from extract.mapping.forms import resolve, use_forms

    dirs = [str(Path(d).resolve()) for d in forms_dirs]
    is_file = form.lower().endswith(FORM_SUFFIXES)
    if is_file:
        form = str(Path(form).resolve())
    try:
        use_forms(dirs, [form] if is_file else [])  # loads each folder and file once
        resolve(form)  # their forms are known now: an unknown name is told apart from them
    except (ValueError, FormFileError) as exc:
        console.print(f"[red]error[/]: {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    return form, dirs


def batch_command(
    inputs: list[str] = typer.Argument(None, help="files, folders (searched recursively) or glob patterns"),
    store: str = typer.Option(..., "--store", help="results store: a SQLite file (created if missing) or a "
                                                    "postgresql://user@host/db URL"),
    workers: int = typer.Option(1, "--workers", min=1, help="worker processes"),
    engine: str = typer.Option("local", "--engine", help="local | ray"),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="existing Ray cluster (default: start a local one)"),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="process documents that failed before again"),
    timeout: float = typer.Option(300.0, "--timeout", help="time limit per document, seconds"),
    memory_mb: int = typer.Option(4096, "--memory-mb", help="memory limit per worker, MiB"),
    ocr: str = typer.Option("auto", "--ocr", help="auto | always | never"),
    form: str = typer.Option("auto", "--form", help="auto | none | a form name | a form file (.yaml/.toml)"),
    forms_dirs: list[Path] = typer.Option([], "--forms-dir", help="folder of form files (.yaml/.toml); repeatable"),
    max_pages: int = typer.Option(2000, "--max-pages", help="page budget per document"),
    max_page_pixels: int = typer.Option(100_000_000, "--max-page-pixels", help="pixels one page may decode or render to"),
    max_document_pixels: int = typer.Option(2_000_000_000, "--max-document-pixels",
                                            help="pixels all pages of one document may render to"),
    max_file_mb: int = typer.Option(2048, "--max-file-mb", help="size budget per input file, MiB"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="show the progress bar"),
    extractor: str = typer.Option("extract:extract_file", "--extractor", hidden=True,
                                  help="module:function run per document (tests)"),
) -> None:
    """Extract many documents into a results store; run again to resume after a stop or a crash."""
    from extract.jobs.batch import run_batch
    from extract.jobs.runner import JobOptions

    if engine not in ("local", "ray"):
        raise typer.BadParameter("--engine must be local or ray")
    from extract.jobs.pg_store import is_pg_url

    if not inputs and not retry_failed and not is_pg_url(store) and not Path(store).exists():
        raise typer.BadParameter("give INPUTS (or --retry-failed on an existing store)")
    form, dirs = _known_forms(form, forms_dirs)
    try:
        options = JobOptions(workers=workers, timeout_s=timeout, memory_mb=memory_mb, extractor=extractor,
                             extract_options={"ocr": ocr, "form": form, "forms_dirs": dirs, "max_pages": max_pages,
                                              "max_pixels": max_page_pixels,
                                              "max_document_pixels": max_document_pixels,
                                              "max_file_mb": max_file_mb})
    except ValueError as exc:
        raise typer.BadParameter(str(exc).splitlines()[0]) from exc
    bar = _progress_bar() if progress else None
    task = None

    def on_start(p: BatchProgress) -> None:
        nonlocal task
        if bar:
            bar.start()
            task = bar.add_task("docs", total=p.total, rate="", failed=0)

    def on_update(p: BatchProgress) -> None:
        if bar:
            if task is not None:
                bar.update(task, completed=p.finished, rate=_rates(p), failed=p.failed)

    t0 = time.perf_counter()
    try:
        summary = run_batch(store if is_pg_url(store) else Path(store), list(inputs or ()), options,
                            engine=cast(Literal["local", "ray"], engine), ray_address=ray_address,
                            retry_failed=retry_failed, on_start=on_start, on_update=on_update)
    except KeyboardInterrupt:
        if bar:
            bar.stop()
        console.print("[yellow]interrupted[/]: finished documents are saved; run the same command again to resume")
        raise typer.Exit(130) from None
    except FileNotFoundError as exc:
        console.print(f"[red]error[/]: {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    except StoreError as exc:
        if bar:
            bar.stop()
        console.print(f"[red]store error[/]: {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(3) from None
    finally:
        if bar:
            bar.stop()
    for path, reason in summary.get("skipped_inputs", ()):
        console.print(f"  [yellow]skipped[/] {escape(path)}: {escape(reason)}", soft_wrap=True, highlight=False)
    print_summary(summary, time.perf_counter() - t0)
    if summary["failed"]:
        from extract.jobs.sqlite_store import open_store

        st = open_store(store if is_pg_url(store) else Path(store))
        for path, error in st.failures()[:20]:
            console.print(f"  [red]failed[/] {escape(path)}: {escape(error or '')}", soft_wrap=True, highlight=False)
        st.close()
        # as `run` does (CONTRACT.md): non-zero when any document could not be read; the others are stored
        raise typer.Exit(1)


def _warn_unknown_forms(location: str | Path) -> None:
    """One line per form name in the store that no known declaration has (a batch run with --forms-dir):
    its rows are still exported, by field path, without printed labels or list sheets."""
    from extract.jobs.store import connect
    from extract.mapping.forms import available_forms

    con = connect(location)
    try:
        names = {r[0] for r in con.execute("SELECT DISTINCT form FROM forms WHERE form IS NOT NULL")}
    except sqlite3.Error:
        return
    finally:
        con.close()
    for name in sorted(names - set(available_forms())):
        console.print(f"[yellow]warning[/]: form {escape(name)} is not known here; pass the --forms-dir the "
                      "batch used to lay it out by its declaration", soft_wrap=True, highlight=False)


def _store_location(store: str) -> str | Path:
    """A ``postgresql://`` URL as given (a Path would fold its ``//``), else the SQLite file, which must exist."""
    from extract.jobs.pg_store import is_pg_url

    if is_pg_url(store):
        return store
    if not Path(store).exists():
        console.print(f"[red]error[/]: no store at {escape(store)}", soft_wrap=True, highlight=False)
        raise typer.Exit(2)
    return Path(store)


def export_command(
    store: str = typer.Option(..., "--store", help="SQLite results store, or a postgresql://user@host/db URL"),
    to: Path = typer.Option(..., "--to", help="out.xlsx | out.csv | out.jsonl | out.parquet | report.html"),
    lang: str = typer.Option("zh", "--lang", help="XLSX/CSV headers: zh (printed labels), en, or keys (field paths)"),
    forms_dirs: list[Path] = typer.Option([], "--forms-dir", help="folder of the form files the batch used "
                                          "(their labels and lists lay out the export); repeatable"),
) -> None:
    """Export forms from a store (corrections applied): one row per form instance and per list item."""
    from extract.jobs.export_store import export_store

    location = _store_location(store)
    _known_forms("auto", forms_dirs)
    _warn_unknown_forms(location)
    try:
        written = export_store(location, to, lang=lang)
    except ValueError as exc:
        console.print(f"[red]error[/]: {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    except (sqlite3.Error, OSError) as exc:  # a damaged store, a full disk: one line, what to do
        from extract.jobs.sqlite_store import store_error

        mapped = store_error(exc, str(store))
        if mapped is None and not isinstance(exc, OSError):
            raise
        console.print(f"[red]error[/]: {escape(str(mapped or exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(3) from None
    for path in written:
        console.print(f"wrote {path}")


def review_command(
    store: str = typer.Option(..., "--store", help="SQLite results store, or a postgresql://user@host/db URL"),
    port: int = typer.Option(8000, "--port", help="port to listen on"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (local only unless asked)"),
    four_eyes: bool = typer.Option(False, "--four-eyes", help="a correction waits for a second reviewer's check"),
    add_user: str = typer.Option("", "--add-user", help="create a reviewer account (asks for its password) and exit"),
    reset_password: str = typer.Option("", "--reset-password", help="set a new password for a reviewer and exit"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="with --add-user: read the password "
                                        "from standard input (for scripts)"),
    forms_dirs: list[Path] = typer.Option([], "--forms-dir", help="folder of the form files the batch used "
                                          "(labels shown, checks re-run after a correction); repeatable"),
) -> None:
    """Serve the review web app (reviewers log in): the queue of values below the review threshold."""
    from extract.review_app import accounts
    from extract.review_app.server import serve

    location = _store_location(store)
    _known_forms("auto", forms_dirs)
    if add_user or reset_password:
        from extract.jobs.store import connect

        name = add_user or reset_password
        password = (sys.stdin.readline().rstrip("\n") if password_stdin else
                    typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True))
        con = connect(location)
        try:
            accounts.add_user(con, name, password, replace=bool(reset_password))
        except accounts.AccountError as exc:
            console.print(f"[red]error[/]: {exc}")
            raise typer.Exit(2) from exc
        finally:
            con.close()
        console.print(f"reviewer {name} {'updated' if reset_password else 'added'}")
        return
    from extract.jobs.store import connect

    con = connect(location)
    try:
        if not accounts.users(con):
            console.print("[red]error[/]: no reviewer accounts yet; add one with "
                          f"`extract review --store {store} --add-user NAME`")
            raise typer.Exit(2)
    finally:
        con.close()
    try:
        serve(location, host=host, port=port, four_eyes=four_eyes, log=console.print)
    except (ValueError, OSError) as exc:
        console.print(f"[red]error[/]: {exc}")
        raise typer.Exit(2) from exc


jobs_app = typer.Typer(add_completion=False, help="Bulk jobs and review")
jobs_app.command("batch")(batch_command)
jobs_app.command("export")(export_command)
jobs_app.command("review")(review_command)
from extract.serve.cli import serve_command, watch_command  # noqa: E402

jobs_app.command("serve")(serve_command)
jobs_app.command("watch")(watch_command)

if __name__ == "__main__":
    sys.exit(jobs_app())
