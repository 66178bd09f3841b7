"""``extract run`` under the same budgets as ``batch``: every input is read in a worker process (models load
once, in that worker) with a time and a memory budget; a file that hangs, blows the memory or crashes the
reader fails alone, the worker is replaced and the next input goes on. Outputs are written by this process,
atomically, under safe names; a failure to write one never stops the others.
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from extract.jobs.runner import JobOptions, ListSource, LocalEngine, Outcome
from extract.jobs.store import result_failed
from extract.jobs.store_base import DocRow
from extract.names import safe_stem, shown
from extract.options import ExtractOptions
from extract.types import Issue, Result, SourceInfo

NOISY_LOGGERS = ("RapidOCR", "rapidocr", "rapid_layout", "pdfminer", "camelot")


class OutputError(ValueError):
    """``-o`` cannot hold the outputs asked for (one line, for a person)."""


def output_path(inp: Path, out: Path, n_inputs: int) -> Path:
    """CONTRACT: one input and OUT ending in .json → OUT; else OUT/<name without its last suffix>.json, the
    name made printable and cut short with a hash when it would not fit in a file name."""
    if n_inputs == 1 and out.suffix.lower() == ".json":
        return out
    return out / f"{safe_stem(inp.stem)}.json"


def output_paths(inputs: list[Path], out: Path) -> list[Path]:
    """:func:`output_path` for each input, where two inputs would write the same file (``a/x.pdf`` and
    ``b/x.pdf``, or ``x.pdf`` and ``x.tif``) the later ones numbered ``x-2.json``, ``x-3.json`` in input
    order, so no result overwrites another."""
    taken: set[str] = set()
    paths = []
    for inp in inputs:
        target = base = output_path(inp, out, len(inputs))
        n = 1
        while target.name.lower() in taken:
            n += 1
            target = base.with_name(f"{base.stem}-{n}.json")
        taken.add(target.name.lower())
        paths.append(target)
    return paths


def check_out(out: Path, n_inputs: int) -> None:
    """Refuse, before any work, an ``-o`` that names an existing file where a folder is needed."""
    single_json = n_inputs == 1 and out.suffix.lower() == ".json"
    if single_json:
        if out.is_dir():
            raise OutputError(f"-o {shown(out)} is a folder; give a .json file name or a folder without .json")
        return
    if out.exists() and not out.is_dir():
        what = "several inputs need a folder" if n_inputs > 1 else "a name without .json is a folder"
        raise OutputError(f"-o {shown(out)} is an existing file ({what}); give a folder"
                          + (" or one input with a .json name" if n_inputs > 1 else ""))


def extract_for_run(path: str, options: ExtractOptions) -> dict[str, Any]:
    """The worker's extractor for ``run``: quiet library logs, a debug folder of the input's own."""
    from extract.pipeline import extract_file

    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    if options.debug_dir is not None:
        options = options.model_copy(update={"debug_dir": options.debug_dir / safe_stem(Path(path).stem)})
    return extract_file(path, options).model_dump(mode="json")


def failed_result(path: Path, reason: str) -> Result:
    return Result(status="failed", source=SourceInfo(path=shown(path), sha256="", page_count=0),
                  issues=(Issue(stage="run", message=reason, severity="error"),))


def result_reason(result: dict[str, Any]) -> str:
    errors = [i["message"] for i in result.get("issues", ()) if i.get("severity") == "error"]
    if result.get("status") == "failed":
        return errors[0] if errors else "failed"
    return ("no page could be read: " + errors[0]) if errors else "no page could be read"


@dataclass
class RunReport:
    failed: int = 0
    written: list[Path] = field(default_factory=list)


def run_inputs(inputs: list[Path], out: Path, job: JobOptions, formats: list[str], fill_merged: bool,
               on_result: Callable[[Result, Path], None] | None = None) -> RunReport:
    """Read every input in a budgeted worker, write its outputs; one line on stderr per failed input."""
    from extract.export import write_outputs

    report = RunReport()
    docs = [DocRow(i, str(p), "") for i, p in enumerate(inputs)]
    targets = output_paths(inputs, out)
    for inp, target in zip(inputs, targets):
        if target != output_path(inp, out, len(inputs)):
            print(f"{shown(inp)}: written to {shown(target)} (another input has its name)", file=sys.stderr)

    def on_outcome(o: Outcome) -> None:
        inp = inputs[o.doc.id]
        if o.ok:
            try:
                result = Result.model_validate(o.result)
            except Exception as exc:  # noqa: BLE001 - a result that does not validate is this input's failure
                result = failed_result(inp, f"invalid result: {type(exc).__name__}: {exc}"[:500])
        else:
            reason = o.reason or "failed"
            result = failed_result(inp, f"{reason} (retried once)" if o.retryable else reason)
        data = result.model_dump(mode="json")
        if result_failed(data):
            report.failed += 1
            print(f"{shown(inp)}: {result_reason(data)}", file=sys.stderr)
        target = targets[o.doc.id]
        try:
            report.written += write_outputs(result, target, [f for f in formats if f != "json"],
                                            fill_merged=fill_merged)
        except Exception as exc:  # noqa: BLE001 - one output that cannot be written never stops the others
            if not result_failed(data):
                report.failed += 1
            detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            print(f"{shown(inp)}: cannot write {shown(target)}: {detail}", file=sys.stderr)
            return
        if on_result:
            on_result(result, target)

    # a worker killed from outside (the system's OOM killer) is not the file's fault: the file goes to the
    # back of the queue once; the second kill is its failure (the same rule as ``batch``)
    source, retried = ListSource(docs), set()

    def handle(o: Outcome) -> None:
        if o.retryable and o.doc.id not in retried:
            retried.add(o.doc.id)
            source.queue.append(o.doc)
            return
        on_outcome(o)

    LocalEngine(job).run(source, handle)
    return report
