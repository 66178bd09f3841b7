"""Command line: `extract run` (and the bulk/review commands). The only module that configures logging."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer
from rich.console import Console
from rich.markup import escape

from extract.names import shown

if TYPE_CHECKING:  # the models and the table renderer load when a command runs, not for `extract --help`
    from rich.table import Table as RichTable

    from extract.types import Result

# rich_markup_mode=None: plain click help, without loading rich's help renderer (0.25 s of every `--help`)
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Tables from PDFs and scans into checked data.")
console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """extract: tables from PDFs and scans into checked, structured data."""


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("RapidOCR", "rapidocr", "rapid_layout", "pdfminer", "camelot"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _parse_formats(spec: str) -> list[str]:
    from extract.export import FORMATS

    fmts = [f.strip().lower() for f in spec.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise typer.BadParameter(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(FORMATS)}")
    return fmts


def summarize(result: Result, n_lowest: int = 5) -> RichTable:
    from rich.table import Table as RichTable

    from extract.export import flatten_form

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
        summary_keys, list_keys = _form_summary(d.form)
        for key in summary_keys:
            f = dict(fields).get(key) or {}
            add(f"  {key}", str(f.get("value")), f"{f.get('confidence', 0):.2f}")
        add("  " + " / ".join(list_keys), " / ".join(str(len(d.data.get(k) or [])) for k in list_keys), "")
        printed = [(p, f) for p, f in fields if f.get("source") is not None or f.get("value") is not None]
        for path, f in sorted(printed, key=lambda pf: pf[1].get("confidence", 0))[:n_lowest]:
            add(f"  low: {path}", str(f.get("value"))[:60], f"{f.get('confidence', 0):.2f}")
        for c in d.checks:
            if not c.passed:
                add(f"  check failed: {c.rule}", c.detail[:80], "")
    for i in result.issues:
        add(f"issue ({i.stage}{', p' + str(i.page) if i.page else ''})", i.message[:100], "")
    return t


def _form_summary(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(key fields, lists) the summary shows for a form, from its declaration."""
    from extract.mapping.forms import available_forms

    spec = available_forms().get(name)
    return (spec.summary_keys, spec.list_keys) if spec is not None else ((), ())


def _check_form(form: str, forms_dirs: list[Path]) -> None:
    """An unknown --form or a bad form file fails before any input is read, naming the known forms."""
    from extract.mapping.decl_load import FormFileError
    from extract.mapping.forms import resolve

    try:
        resolve(form, [str(d) for d in forms_dirs])
    except (ValueError, FormFileError) as exc:
        print(f"extract: {exc}", file=sys.stderr)
        raise typer.Exit(code=2) from None


@app.command("forms")
def forms_command(
    forms_dirs: List[Path] = typer.Option([], "--forms-dir", help="folder of form files (.yaml/.toml); repeatable"),
    form_files: List[Path] = typer.Option([], "--form", help="a form file to list too; repeatable"),
) -> None:
    """List every known form (built-in, entry points, --forms-dir, --form files) with its fields."""
    from extract.mapping.decl_load import FormFileError
    from extract.mapping.forms import available_forms

    try:
        forms = available_forms([str(d) for d in forms_dirs], [str(f) for f in form_files])
    except FormFileError as exc:
        print(f"extract: {exc}", file=sys.stderr)
        raise typer.Exit(code=2) from None
    out = Console()
    for name, spec in sorted(forms.items()):
        out.print(f"[bold]{name}[/bold]  {spec.description}  ({spec.origin})")
        for path in spec.field_paths():
            out.print(f"  {path}")


@app.command()
def run(
    inputs: List[Path] = typer.Argument(..., help="PDF, PNG, JPEG or TIFF files"),
    out: Path = typer.Option(Path("."), "-o", "--out", help="output .json (one input) or directory"),
    form: str = typer.Option("auto", "--form", help="auto | none | a form name | a form file (.yaml/.toml)"),
    forms_dirs: List[Path] = typer.Option([], "--forms-dir", help="folder of form files (.yaml/.toml); repeatable"),
    pages: Optional[str] = typer.Option(None, "--pages", help="pages to read, e.g. 1-3,7"),
    ocr: str = typer.Option("auto", "--ocr", help="auto | always | never"),
    formats: str = typer.Option("json", "--format", help="comma list of json,csv,xlsx,html,md"),
    debug_dir: Optional[Path] = typer.Option(None, "--debug-dir", help="write stage drawings here"),
    fill_merged: bool = typer.Option(False, "--fill-merged/--no-fill-merged",
                                     help="CSV/Markdown: repeat a merged cell's text over its span (default: once)"),
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
    from extract.options import ExtractOptions, parse_page_ranges
    from extract.runfiles import OutputError, check_out, run_inputs

    if ocr not in ("auto", "always", "never"):
        raise typer.BadParameter("--ocr must be auto, always or never")
    fmts = _parse_formats(formats)
    _check_form(form, forms_dirs)
    try:
        page_tuple = parse_page_ranges(pages, max_page=max_pages) if pages else None
        options = ExtractOptions(form=form, forms_dirs=tuple(str(d) for d in forms_dirs), pages=page_tuple, ocr=ocr,
                                 debug_dir=debug_dir, max_pages=max_pages, max_pixels=max_page_pixels,
                                 max_document_pixels=max_document_pixels, max_file_mb=max_file_mb)
        # fork: one thread here, so the worker starts as a copy with the pipeline imported (half of a short
        # run's time was a second interpreter importing it again); batch and the service keep spawn
        job = JobOptions(workers=1, timeout_s=timeout, memory_mb=memory_mb, extractor="extract.runfiles:extract_for_run",
                         extract_options=options.model_dump(mode="json"),
                         start_method="fork" if sys.platform.startswith("linux") else "spawn")
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
