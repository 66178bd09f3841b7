"""Command line: `extract run` (and the bulk/review commands). The only module that configures logging."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from extract.export import FORMATS, flatten_form
from extract.names import shown
from extract.options import ExtractOptions, parse_page_ranges
from extract.types import Result

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Tables from PDFs and scans into checked data.")
console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """extract: tables from PDFs and scans into checked, structured data."""


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("RapidOCR", "rapidocr", "rapid_layout", "pdfminer", "camelot"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _parse_formats(spec: str) -> list[str]:
    fmts = [f.strip().lower() for f in spec.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise typer.BadParameter(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(FORMATS)}")
    return fmts


def summarize(result: Result, n_lowest: int = 5) -> RichTable:
    name = escape(shown(Path(result.source.path).name))
    t = RichTable(title=f"{name}: {result.status}, {len(result.pages)} page(s), {len(result.tables)} table(s), "
                  f"{len(result.documents)} form(s)", show_lines=False)
    t.add_column("what")
    t.add_column("value", overflow="fold")
    t.add_column("conf", justify="right")

    def add(*cells: str) -> None:  # text from documents is shown as printed, never read as markup
        t.add_row(*(escape(c) for c in cells))

    for tab in result.tables:
        merged = sum(1 for c in tab.cells if c.row_span > 1 or c.col_span > 1)
        add(f"table {tab.id}", f"pages {list(tab.pages)}, {tab.n_rows}×{tab.n_cols}, {merged} merged cells",
                  f"{tab.confidence:.2f}")
    for d in result.documents:
        fields = list(flatten_form(d.data))
        passed = sum(1 for c in d.checks if c.passed)
        add(f"form {d.form}", f"{len(fields)} fields, checks {passed}/{len(d.checks)} passed", f"{d.confidence:.2f}")
        for key in ("department", "year", "budget.basic_expenditure", "budget.project_expenditure",
                    "budget.fiscal_appropriation"):
            f = dict(fields).get(key) or {}
            add(f"  {key}", str(f.get("value")), f"{f.get('confidence', 0):.2f}")
        add("  indicators / tasks", f"{len(d.data.get('indicators') or [])} / "
                  f"{len(d.data.get('key_tasks') or []) + len(d.data.get('other_tasks') or [])}", "")
        printed = [(p, f) for p, f in fields if f.get("source") is not None or f.get("value") is not None]
        for path, f in sorted(printed, key=lambda pf: pf[1].get("confidence", 0))[:n_lowest]:
            add(f"  low: {path}", str(f.get("value"))[:60], f"{f.get('confidence', 0):.2f}")
        for c in d.checks:
            if not c.passed:
                add(f"  check failed: {c.rule}", c.detail[:80], "")
    for i in result.issues:
        add(f"issue ({i.stage}{', p' + str(i.page) if i.page else ''})", i.message[:100], "")
    return t


@app.command()
def run(
    inputs: List[Path] = typer.Argument(..., help="PDF, PNG, JPEG or TIFF files"),
    out: Path = typer.Option(Path("."), "-o", "--out", help="output .json (one input) or directory"),
    form: str = typer.Option("auto", "--form", help="auto | none | a form name"),
    pages: Optional[str] = typer.Option(None, "--pages", help="pages to read, e.g. 1-3,7"),
    ocr: str = typer.Option("auto", "--ocr", help="auto | always | never"),
    formats: str = typer.Option("json", "--format", help="comma list of json,csv,xlsx,html,md"),
    debug_dir: Optional[Path] = typer.Option(None, "--debug-dir", help="write stage drawings here"),
    fill_merged: bool = typer.Option(True, "--fill-merged/--no-fill-merged", help="CSV: repeat merged cell text"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no summary"),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
    timeout: float = typer.Option(300.0, "--timeout", help="time budget per file, seconds"),
    memory_mb: int = typer.Option(4096, "--memory-mb", help="memory budget per file (worker address space), MiB"),
    max_pages: int = typer.Option(2000, "--max-pages", help="page budget per document"),
    max_page_pixels: int = typer.Option(100_000_000, "--max-page-pixels", help="pixels one page may decode or render to"),
    max_document_pixels: int = typer.Option(2_000_000_000, "--max-document-pixels",
                                            help="pixels all pages of one document may render to"),
    max_file_mb: int = typer.Option(2048, "--max-file-mb", help="size budget per input file, MiB"),
) -> None:
    """Extract tables (and known forms) from each input; one result JSON per input."""
    _configure_logging(verbose)
    from extract.jobs.runner import JobOptions
    from extract.runfiles import OutputError, check_out, run_inputs

    if ocr not in ("auto", "always", "never"):
        raise typer.BadParameter("--ocr must be auto, always or never")
    fmts = _parse_formats(formats)
    try:
        page_tuple = parse_page_ranges(pages, max_page=max_pages) if pages else None
        options = ExtractOptions(form=form, pages=page_tuple, ocr=ocr, debug_dir=debug_dir, max_pages=max_pages,
                                 max_pixels=max_page_pixels, max_document_pixels=max_document_pixels,
                                 max_file_mb=max_file_mb)
        job = JobOptions(workers=1, timeout_s=timeout, memory_mb=memory_mb, extractor="extract.runfiles:extract_for_run",
                         extract_options=options.model_dump(mode="json"))
        check_out(out, len(inputs))
    except (ValueError, OutputError) as exc:
        raise typer.BadParameter(str(exc).splitlines()[0]) from exc

    def show(result: Result, target: Path) -> None:
        if not quiet:
            console.print(summarize(result))
            console.print(f"→ {escape(shown(target))}", soft_wrap=True, highlight=False)

    report = run_inputs(list(inputs), out, job, fmts, fill_merged, on_result=show)
    raise typer.Exit(code=1 if report.failed else 0)


def _register_jobs_commands() -> None:
    """Bulk jobs and review live in extract.jobs; their commands join this app."""
    from extract.jobs.cli import batch_command, export_command, review_command

    app.command("batch")(batch_command)
    app.command("export")(export_command)
    app.command("review")(review_command)
    from extract.serve.cli import serve_command, watch_command

    app.command("serve")(serve_command)
    app.command("watch")(watch_command)


_register_jobs_commands()


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
