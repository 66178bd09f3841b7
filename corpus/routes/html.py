"""HTML route: the form as HTML tables (1 px borders, auto column widths) printed by headless Chromium.

What the browser brings by its nature: column widths it computes from the content (only the label
column is given a width, a few em, so 年度重点工作任务 wraps over two or three lines), table rows split
across a page boundary, a rowspan label cell continuing on the next page, ``<thead>`` rows repeated on
every page, Chromium's own header and footer (date, title, file URL, ``1/3``) or CSS page-margin boxes
with page counters, Letter or A4 pages, and shrink-to-fit when a table is wider than the page.
"""
from __future__ import annotations

import html
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from corpus.routes.grid import GCell, Grid, RouteDoc

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
FOOTERS = ('"第 " counter(page) " 页 共 " counter(pages) " 页"', 'counter(page) " / " counter(pages)',
           '"- " counter(page) " -"')
FAMILIES = {"AR PL UMing CN": '"AR PL UMing CN", serif', "Noto Serif CJK SC": '"Noto Serif CJK SC", serif',
            "Noto Sans CJK SC": '"Noto Sans CJK SC", sans-serif', "WenQuanYi Zen Hei": '"WenQuanYi Zen Hei", sans-serif'}


def choices(rng: random.Random) -> dict:
    """Per-document printing choices of this route (recorded in the truth's render info)."""
    return {"chrome_header_footer": rng.random() < 0.5, "footer": rng.choice(FOOTERS),
            "label_em": rng.choice([2.2, 2.6, 3.0, 3.4]), "table_width": rng.choice(["100%", "auto", "wide"]),
            "money_wrap": rng.random() < 0.5, "money_overflow": rng.random() < 0.5,
            "thead_main": rng.random() < 0.4, "padding": rng.choice(["1px 3px", "2px 4px", "3px 6px"])}


def _cell_html(c: GCell, doc: RouteDoc, last_col: int, blank_right: set[tuple[int, int]]) -> str:
    attrs = []
    if c.row_span > 1:
        attrs.append(f'rowspan="{c.row_span}"')
    if c.col_span > 1:
        attrs.append(f'colspan="{c.col_span}"')
    cls = [c.role]
    text = html.escape(c.text.strip() if c.role == "money" else c.text).replace("\n", "<br>")
    if c.role == "money" and c.text.strip():
        edge = c.col + c.col_span
        if doc.extra.get("money_overflow") and (edge == last_col or (c.row, edge) in blank_right):
            em = max(2.0, 0.55 * len(c.text.strip()) * 0.7)
            text = f'<div class="ovf" style="width:{em:.1f}em">{text}</div>'  # runs over the cell's right border
        elif doc.extra.get("money_wrap"):
            cls.append("brk")
    return f'<td class="{" ".join(cls)}" {" ".join(attrs)}>{text}</td>'


def _rows_html(g: Grid, doc: RouteDoc, rows: range) -> list[str]:
    blank_right = {(c.row, c.col) for c in g.cells if not c.text.strip()}
    out = []
    for r in rows:
        cells = sorted((c for c in g.cells if c.row == r), key=lambda c: c.col)
        out.append("<tr>" + "".join(_cell_html(c, doc, g.n_cols, blank_right) for c in cells) + "</tr>")
    return out


def _table_html(g: Grid, doc: RouteDoc, thead_rows: int) -> str:
    """A table; its first ``thead_rows`` rows in ``<thead>`` (repeated by the browser on each page)."""
    head = _rows_html(g, doc, range(thead_rows))
    body = _rows_html(g, doc, range(thead_rows, g.n_rows))
    return ("<table>" + (f"<thead>{''.join(head)}</thead>" if head else "") + f"<tbody>{''.join(body)}</tbody>"
            "</table>")


def page_css(doc: RouteDoc) -> str:
    size = ("A4" if doc.paper == "A4" else "letter") + (" landscape" if doc.landscape else "")
    margin_box = "" if doc.extra.get("chrome_header_footer") else (
        f"@bottom-center {{ content: {doc.extra['footer']}; font-size: 9pt; }}")
    e = doc.extra
    rule = "#808080" if doc.grey_rules else "#000"
    # wider than the page: Chromium shrinks the whole page to fit (a percentage width is clipped instead)
    width = {"wide": "min-width: 250mm;", "auto": ""}.get(e["table_width"], f"width: {e['table_width']};")
    return f"""@page {{ size: {size}; margin: 16mm 12mm; {margin_box} }}
body {{ font-family: {FAMILIES.get(doc.font, doc.font)}; font-size: {doc.font_size}pt; margin: 0; }}
h1 {{ text-align: center; font-size: {doc.font_size + 7}pt; margin: 0 0 4pt; }}
p.sub {{ text-align: center; margin: 0 0 4pt; }} p.note {{ text-align: right; margin: 0 0 2pt; }}
h2 {{ text-align: center; font-size: {doc.font_size + 3}pt; margin: 10pt 0 4pt; }}
table {{ border-collapse: collapse; {width} }}
td {{ border: 1px solid {rule}; padding: {e['padding']}; vertical-align: middle; }}
td.label {{ width: {e['label_em']}em; text-align: center; }}
td.header, td.center, td.count {{ text-align: center; }} td.money {{ text-align: right; }}
td.brk {{ word-break: break-all; }} div.ovf {{ white-space: nowrap; text-align: left; }}
"""


def write_html(doc: RouteDoc, path: Path, rng: random.Random) -> None:
    parts = [f"<h1>{html.escape(doc.titles[0])}</h1>"] + [f'<p class="sub">{html.escape(t)}</p>' for t in doc.titles[1:]]
    if doc.note:
        parts.append(f'<p class="note">{html.escape(doc.note)}</p>')
    main = doc.grids[0]
    parts.append(_table_html(main, doc, 1 if doc.extra.get("thead_main") else 0))
    for g in doc.grids[1:]:
        parts.append(f"<h2>{html.escape(g.caption)}</h2>")
        parts.append(_table_html(g, doc, 1))
    title = html.escape(doc.titles[0])
    path.write_text(f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
                    f"<style>{page_css(doc)}</style></head><body>{''.join(parts)}</body></html>", encoding="utf-8")


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        raise RuntimeError("Chromium is not installed: apt-get install chromium")
    return exe


def print_pdf(src: Path, pdf: Path, doc: RouteDoc, timeout: float = 120.0) -> Path:
    """Print ``src`` to ``pdf`` with Chromium (its own profile directory, so parallel runs do not clash)."""
    flags = [] if doc.extra.get("chrome_header_footer") else ["--no-pdf-header-footer"]
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags,
                        f"--print-to-pdf={pdf}", src.resolve().as_uri()], check=True, capture_output=True,
                       timeout=timeout)
    if not pdf.exists():
        raise RuntimeError(f"Chromium printed no PDF for {src.name}")
    return pdf
