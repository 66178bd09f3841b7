"""Command line: `extract run` (and the bulk/review commands). The only module that configures logging."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from extract.export import FORMATS, flatten_form, write_outputs
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


def output_path(inp: Path, out: Path, n_inputs: int) -> Path:
    """CONTRACT: one input and OUT ending in .json → OUT; else OUT/<name without its last suffix>.json."""
    if n_inputs == 1 and out.suffix.lower() == ".json":
        return out
    return out / f"{inp.stem}.json"


def _parse_formats(spec: str) -> list[str]:
    fmts = [f.strip().lower() for f in spec.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise typer.BadParameter(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(FORMATS)}")
    return fmts


def summarize(result: Result, n_lowest: int = 5) -> RichTable:
    name = Path(result.source.path).name
    t = RichTable(title=f"{name}: {result.status}, {len(result.pages)} page(s), {len(result.tables)} table(s), "
                  f"{len(result.documents)} form(s)", show_lines=False)
    t.add_column("what")
    t.add_column("value", overflow="fold")
    t.add_column("conf", justify="right")
    for tab in result.tables:
        merged = sum(1 for c in tab.cells if c.row_span > 1 or c.col_span > 1)
        t.add_row(f"table {tab.id}", f"pages {list(tab.pages)}, {tab.n_rows}×{tab.n_cols}, {merged} merged cells",
                  f"{tab.confidence:.2f}")
    for d in result.documents:
        fields = list(flatten_form(d.data))
        passed = sum(1 for c in d.checks if c.passed)
        t.add_row(f"form {d.form}", f"{len(fields)} fields, checks {passed}/{len(d.checks)} passed", f"{d.confidence:.2f}")
        for key in ("department", "year", "budget.basic_expenditure", "budget.project_expenditure",
                    "budget.fiscal_appropriation"):
            f = dict(fields).get(key) or {}
            t.add_row(f"  {key}", str(f.get("value")), f"{f.get('confidence', 0):.2f}")
        t.add_row("  indicators / tasks", f"{len(d.data.get('indicators') or [])} / "
                  f"{len(d.data.get('key_tasks') or []) + len(d.data.get('other_tasks') or [])}", "")
        printed = [(p, f) for p, f in fields if f.get("source") is not None or f.get("value") is not None]
        for path, f in sorted(printed, key=lambda pf: pf[1].get("confidence", 0))[:n_lowest]:
            t.add_row(f"  low: {path}", str(f.get("value"))[:60], f"{f.get('confidence', 0):.2f}")
        for c in d.checks:
            if not c.passed:
                t.add_row(f"  check failed: {c.rule}", c.detail[:80], "")
    for i in result.issues:
        t.add_row(f"issue ({i.stage}{', p' + str(i.page) if i.page else ''})", i.message[:100], "")
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
) -> None:
    """Extract tables (and known forms) from each input; one result JSON per input."""
    _configure_logging(verbose)
    from extract.pipeline import extract_file

    if ocr not in ("auto", "always", "never"):
        raise typer.BadParameter("--ocr must be auto, always or never")
    fmts = _parse_formats(formats)
    try:
        page_tuple = parse_page_ranges(pages) if pages else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    failed = 0
    for inp in inputs:
        dbg = (debug_dir / inp.stem) if debug_dir else None
        options = ExtractOptions(form=form, pages=page_tuple, ocr=ocr, debug_dir=dbg)
        if not inp.exists():
            print(f"{inp}: no such file", file=sys.stderr)
            failed += 1
            continue
        try:
            result = extract_file(inp, options)
        except Exception as exc:  # noqa: BLE001 - one input never takes the others down
            print(f"{inp}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if result.status == "failed":
            failed += 1
            msg = result.issues[0].message if result.issues else "failed"
            print(f"{inp}: {msg}", file=sys.stderr)
        target = output_path(inp, out, len(inputs))
        write_outputs(result, target, [f for f in fmts if f != "json"], fill_merged=fill_merged)
        if not quiet:
            console.print(summarize(result))
            console.print(f"→ {target}")
    raise typer.Exit(code=1 if failed else 0)


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
