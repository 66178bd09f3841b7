"""Wiring only: load → find tables → read text → build the grid → assemble → map to a form.

No algorithms live here. Each page is read, turned into page-level tables and released before the next
one is loaded, so memory stays flat on long documents. Failures are data: a page that breaks is
recorded as an Issue and the rest of the document goes on.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.extras import MissingExtra
from extract.options import ExtractOptions
from extract.types import BBox, Issue, PageInfo, Result, Ruling, SourceInfo, Table, TextSpan

if TYPE_CHECKING:
    from extract.layout.model import LayoutModel
    from extract.ocr.rapid import RapidOcrEngine


@dataclass
class PageRead:
    """What one page contributed: its info, its page-level tables and the lines outside them."""

    info: PageInfo
    tables: list[Table]
    lines: list[TextSpan]
    issues: list[Issue] = field(default_factory=list)


class Engines:
    """Models loaded once per process and shared by every input of a call."""

    def __init__(self) -> None:
        self._ocr: RapidOcrEngine | None = None
        self._layout: LayoutModel | None = None

    @property
    def ocr(self) -> RapidOcrEngine:
        if self._ocr is None:
            from extract.ocr.rapid import RapidOcrEngine

            self._ocr = RapidOcrEngine()
        return self._ocr

    @property
    def layout(self) -> LayoutModel:
        if self._layout is None:
            from extract.layout.model import LayoutModel

            self._layout = LayoutModel()
        return self._layout


_ENGINES = Engines()


def _sha256(path: Path, max_bytes: int | None = None) -> str:
    """The file's sha256, or "" for anything that is not a readable regular file (never blocks on a FIFO)
    or is larger than ``max_bytes``."""
    from extract.names import sha256_file

    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            return ""
        return sha256_file(path)
    except (OSError, ValueError):
        return ""


def _failed(path: Path, message: str, max_bytes: int | None = None) -> Result:
    from extract.names import shown

    return Result(
        status="failed",
        source=SourceInfo(path=shown(path), sha256=_sha256(path, max_bytes), page_count=0),
        issues=(Issue(stage="load", message=message, severity="error"),),
    )


def _needs_ocr(page: Any, options: ExtractOptions) -> bool:
    if options.ocr == "never":
        return False
    if options.ocr == "always":
        return True
    return bool(page.info.kind == "scanned")


def tables_from_evidence(info: PageInfo, spans: list[TextSpan], rulings: Sequence[Ruling]) -> tuple[list[Table], list[TextSpan]]:
    """The same structure path for text-layer and OCR evidence: ruled grids, partly ruled grids re-read
    from alignment, then unruled tables among the lines left over. Returns the tables and those lines."""
    from extract.structure.build import build_page_tables
    from extract.structure.frames import drop_frames
    from extract.structure.unruled_refine import reread_ruled_tables

    built = build_page_tables(info, spans, rulings, id_prefix=f"p{info.page}")
    tables = reread_ruled_tables(info, list(spans), list(rulings), list(built.tables))
    tables, outside, frames = drop_frames(tables, built.outside_spans, spans, vector=not any(
        r.source == "raster" for r in rulings))
    return _add_unruled(info, outside, rulings, tables, frames)


def read_text_page(page: Any, options: ExtractOptions) -> PageRead:
    tables, lines = tables_from_evidence(page.info, page.spans, page.rulings)
    return PageRead(info=page.info, tables=tables, lines=lines)


def _add_unruled(info: PageInfo, lines: list[TextSpan], rulings: Sequence[Ruling],
                 tables: list[Table], blocked: Sequence[BBox] = ()) -> tuple[list[Table], list[TextSpan]]:
    """Tables implied by alignment, found among the lines that no ruled table took (nor a frame holds)."""
    from extract.structure.unruled import find_unruled_tables

    extra = find_unruled_tables(info, lines, list(rulings), exclude=[t.bbox for t in tables if t.bbox] + list(blocked))
    if not extra:
        return tables, lines
    from extract.geometry import center, contains_point

    taken = [t.bbox for t in extra if t.bbox]
    rest = [s for s in lines if not any(contains_point(b, *center(s.bbox)) for b in taken)]
    return tables + list(extra), rest


def read_scanned_page(page: Any, options: ExtractOptions, engines: Engines) -> PageRead:
    from extract.layout.regions import layout_veto
    from extract.mixed import second_opinion
    from extract.scan import choose_dpi, read_scanned_page as read_scan

    dpi = choose_dpi(page.info, getattr(page, "native_dpi", None))
    scanned = read_scan(page.render(dpi), page.info, dpi, engines.ocr, engines.layout)
    tables, lines = tables_from_evidence(scanned.info, scanned.spans, scanned.rulings)
    tables, lines = layout_veto(tables, lines, scanned.spans, scanned.layout)
    tables, _ = second_opinion(tables, page.info.page, scanned.image, scanned.dpi, engines.ocr,
                               scanned.cells_read)
    if options.debug_dir is not None:
        from extract.debug import draw_page

        draw_page(scanned.image, scanned.dpi, scanned.info, scanned.rulings, tables, options.debug_dir,
                  stem_of(page))
    return PageRead(info=scanned.info, tables=tables, lines=lines)


def _reread_garbled(page: Any, read: PageRead, engines: Engines) -> None:
    """Mixed evidence: OCR only the cells whose text-layer characters are garbled."""
    from extract.mixed import garbled_cells, reread_garbled_cells
    from extract.scan import choose_dpi

    if not garbled_cells(read.tables, page.info.page):
        return  # the garbled characters lie outside every table: nothing to render and OCR
    dpi = choose_dpi(page.info)
    read.tables, n = reread_garbled_cells(read.tables, page.info.page, page.render(dpi), dpi, engines.ocr)
    if n:
        read.issues.append(Issue(stage="ocr", page=page.info.page, severity="info",
                                 message=f"text layer garbled in {n} cell(s); those cells were OCR'd"))


def stem_of(page: Any) -> str:
    return f"page{page.info.page:04d}"


def read_page(page: Any, options: ExtractOptions, engines: Engines) -> PageRead:
    if page.info.kind == "empty" and options.ocr != "always":
        return PageRead(info=page.info, tables=[], lines=[])
    if _needs_ocr(page, options):
        return read_scanned_page(page, options, engines)
    read = read_text_page(page, options)
    if options.ocr != "never" and getattr(page, "garbled_share", 0.0) > 0:
        try:
            _reread_garbled(page, read, engines)
        except MissingExtra as exc:  # the text layer stays as read; say what would repair it
            read.issues.append(Issue(stage="ocr", page=page.info.page, message=f"garbled cells not re-read: {exc}"))
    if page.info.kind == "scanned":
        read.issues.append(Issue(stage="load", page=page.info.page, message="scanned page not OCR'd (--ocr never)"))
    if options.debug_dir is not None:
        from extract.debug import draw_page

        dpi = 100.0
        draw_page(page.render(dpi), dpi, page.info, page.rulings, read.tables, options.debug_dir, stem_of(page))
    return read


def extract_file(path: str | Path, options: ExtractOptions | None = None, engines: Engines | None = None) -> Result:
    from extract.document import InputError, open_document

    options = options or ExtractOptions()
    engines = engines or _ENGINES
    path = Path(path)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        doc = open_document(path, max_pages=options.max_pages, max_pixels=options.max_pixels,
                            max_document_pixels=options.max_document_pixels, max_bytes=options.max_file_mb << 20)
    except InputError as exc:
        return _failed(path, str(exc), options.max_file_mb << 20)
    except Exception as exc:  # noqa: BLE001 - a bad file must never take the run down
        return _failed(path, f"cannot open: {type(exc).__name__}: {exc}", options.max_file_mb << 20)
    reads: list[PageRead] = []
    issues: list[Issue] = []
    with doc:
        wanted = [p for p in options.pages if p <= doc.page_count] if options.pages else None
        if options.pages and wanted is not None and len(wanted) < len(options.pages):
            issues.append(Issue(stage="load", message=f"pages beyond the last ({doc.page_count}) ignored"))
        issues += [Issue(stage="load", message=w, severity="warning") for w in doc.warnings]
        unloaded: list[int] = []
        for page in _iter_pages_safely(doc, wanted, issues, unloaded):
            try:
                reads.append(read_page(page, options, engines))
            except MissingExtra as exc:  # a scanned page without the OCR extra: one line, the install command
                return _failed(path, str(exc))
            except Exception as exc:  # noqa: BLE001 - one page's failure is recorded, the rest goes on
                issues.append(Issue(stage="page", page=page.info.page, message=f"{type(exc).__name__}: {exc}",
                                    severity="error"))
                reads.append(PageRead(info=page.info, tables=[], lines=[]))
        if unloaded:
            issues.append(_page_tree_issue(doc.page_count, len(wanted) if wanted is not None else doc.page_count,
                                           unloaded))
        from extract.names import shown

        source = SourceInfo(path=shown(path), sha256=doc.sha256, page_count=doc.page_count)
    timings["read"] = time.perf_counter() - t0
    return assemble(source, reads, issues, options, timings)


def _page_tree_issue(declared: int, asked: int, unloaded: list[int]) -> Issue:
    """One error for pages the document declares but that cannot be loaded (a broken or lying page tree)."""
    span = f"{unloaded[0]}" if len(unloaded) == 1 else f"{unloaded[0]}-{unloaded[-1]}" if \
        unloaded[-1] - unloaded[0] + 1 == len(unloaded) else f"{len(unloaded)} pages from {unloaded[0]}"
    if len(unloaded) >= asked:
        return Issue(stage="load", severity="error",
                     message=f"page tree problem: none of the {declared} page(s) the document declares could be "
                             "loaded (a circular, too deep or broken page tree)")
    return Issue(stage="load", severity="error",
                 message=f"page-count mismatch: the document declares {declared} pages but page(s) {span} could "
                         "not be loaded")


def _iter_pages_safely(doc: Any, wanted: list[int] | None, issues: list[Issue],
                       unloaded: list[int] | None = None) -> Iterator[Any]:
    if unloaded is not None:  # a page that does not load is counted and skipped; the others still come
        def note(n: int, exc: Exception) -> None:
            from extract.document import BudgetError

            if isinstance(exc, BudgetError) or doc.kind != "pdf":
                issues.append(Issue(stage="load", page=n, message=str(exc) if isinstance(exc, BudgetError)
                                    else f"page failed to load: {exc}", severity="error"))
            else:
                unloaded.append(n)

        yield from doc.iter_pages(wanted, on_error=note)
        return
    it = doc.iter_pages(wanted)
    while True:
        try:
            page = next(it)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001
            issues.append(Issue(stage="load", message=f"page failed to load: {exc}", severity="error"))
            return
        yield page


def assemble(source: SourceInfo, reads: list[PageRead], issues: list[Issue], options: ExtractOptions,
             timings: dict[str, float]) -> Result:
    from extract.mapping import map_documents
    from extract.structure.stitch import stitch_tables

    t0 = time.perf_counter()
    for r in reads:
        issues.extend(r.issues)
    lines_by_page = {r.info.page: r.lines for r in reads}
    tables = stitch_tables([t for r in reads for t in r.tables], lines_by_page=lines_by_page)
    documents = []
    if options.form != "none":
        try:
            documents = map_documents(tables, lines_by_page, form=options.form, forms_dirs=options.forms_dirs)
        except Exception as exc:  # noqa: BLE001
            issues.append(Issue(stage="mapping", message=f"{type(exc).__name__}: {exc}", severity="error"))
    timings["assemble"] = time.perf_counter() - t0
    errors = [i for i in issues if i.severity == "error"]
    status = "partial" if errors else "ok"
    result = Result(status=status, source=source, pages=tuple(r.info for r in reads), tables=tuple(tables),
                    documents=tuple(documents), issues=tuple(issues), timings=timings)
    from extract.calibration import after_mapping

    return after_mapping(result)  # completeness items, then calibrated confidences
