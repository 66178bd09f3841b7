"""An HTML report of a batch (``extract export --store r.db --to report.html``): what was read, how sure,
which checks passed and failed, which files failed. One self-contained file (inline SVG plots, no scripts)."""
from __future__ import annotations

import html
import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

from extract.review import REVIEW_THRESHOLD

BINS = 10
WORDS = {
    "zh": {"title": "批量结果报告", "summary": "概况", "files": "文件", "done": "已完成", "failed": "失败",
           "pending": "未处理", "pages": "页", "forms": "表", "fields": "字段", "below": "低于审核阈值",
           "reviewed": "已审核", "hist_fields": "字段置信度分布", "hist_cells": "单元格置信度分布",
           "checks": "校验", "rule": "规则", "passed": "通过", "failed_n": "不通过", "failures": "失败与未通过",
           "file": "文件", "error": "原因", "none": "无", "threshold": "审核阈值", "count": "个数",
           "check_fail": "未通过的校验", "detail": "说明", "generated": "生成于"},
    "en": {"title": "Batch report", "summary": "Summary", "files": "files", "done": "done", "failed": "failed",
           "pending": "pending", "pages": "pages", "forms": "forms", "fields": "fields", "below": "below the review threshold",
           "reviewed": "reviewed", "hist_fields": "Field confidence", "hist_cells": "Cell confidence",
           "checks": "Checks", "rule": "rule", "passed": "passed", "failed_n": "failed", "failures": "Failures",
           "file": "file", "error": "reason", "none": "none", "threshold": "review threshold", "count": "count",
           "check_fail": "Checks failed", "detail": "detail", "generated": "generated"},
}


def histogram(values: list[float]) -> list[int]:
    counts = [0] * BINS
    for v in values:
        counts[min(BINS - 1, max(0, int(v * BINS)))] += 1
    return counts


def svg_histogram(counts: list[int], threshold: float, label: str) -> str:
    """Bars of counts per confidence tenth, the review threshold as a dashed line."""
    w, h, pad = 520, 220, 36
    top = max(counts) or 1
    bw = (w - 2 * pad) / len(counts)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="{html.escape(label)}">']
    for i, c in enumerate(counts):
        bh = (h - 2 * pad) * c / top
        x, y = pad + i * bw, h - pad - bh
        colour = "#c0504d" if (i + 1) / BINS <= threshold else "#4f81bd"
        out.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bw - 4:.1f}" height="{bh:.1f}" fill="{colour}">'
                   f'<title>{i / BINS:.1f}–{(i + 1) / BINS:.1f}: {c}</title></rect>')
        out.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle">{c}</text>')
        out.append(f'<text x="{x + bw / 2:.1f}" y="{h - pad + 14:.1f}" font-size="10" text-anchor="middle">'
                   f'{i / BINS:.1f}</text>')
    tx = pad + threshold * (w - 2 * pad)
    out.append(f'<line x1="{tx:.1f}" y1="{pad - 10}" x2="{tx:.1f}" y2="{h - pad}" stroke="#000" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{tx + 3:.1f}" y="{pad - 12}" font-size="11">{threshold}</text>')
    out.append(f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#666"/></svg>')
    return "".join(out)


def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = "".join(f"<th>{html.escape(str(x))}</th>" for x in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def report_data(con: sqlite3.Connection) -> dict[str, Any]:
    def one(sql: str) -> int:
        return int(con.execute(sql).fetchone()[0])

    status = Counter(dict(con.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall()))
    checks: dict[str, list[int]] = {}
    failed_checks = []
    for path, raw in con.execute("SELECT d.path, f.checks FROM forms f JOIN documents d ON d.id = f.doc_id ORDER BY d.id"):
        for c in json.loads(raw or "[]"):
            checks.setdefault(c["rule"], [0, 0])[0 if c["passed"] else 1] += 1
            if not c["passed"]:
                failed_checks.append([path, c["rule"], c.get("detail", "")])
    return {
        "status": dict(status), "pages": one("SELECT COUNT(*) FROM pages"), "forms": one("SELECT COUNT(*) FROM forms"),
        "fields": one("SELECT COUNT(*) FROM fields"),
        "below": one(f"SELECT COUNT(*) FROM fields WHERE reviewed = 0 AND confidence < {REVIEW_THRESHOLD!r}"),
        "reviewed": one("SELECT COUNT(*) FROM fields WHERE reviewed = 1") + one("SELECT COUNT(*) FROM cells WHERE reviewed = 1"),
        "field_hist": histogram([r[0] for r in con.execute("SELECT confidence FROM fields WHERE confidence IS NOT NULL")]),
        "cell_hist": histogram([r[0] for r in con.execute("SELECT confidence FROM cells WHERE confidence IS NOT NULL")]),
        "checks": checks, "failed_checks": failed_checks,
        "failed_files": [list(r) for r in con.execute("SELECT path, error FROM documents WHERE status = 'failed' ORDER BY id")],
    }


def write_report(con: sqlite3.Connection, path: Path, lang: str = "zh") -> Path:
    w = WORDS["en" if lang == "en" else "zh"]
    d = report_data(con)
    st = d["status"]
    parts = [f"<h1>{w['title']}</h1><p>{w['generated']} {time.strftime('%Y-%m-%d %H:%M')}</p>",
             f"<h2>{w['summary']}</h2>",
             _table([w["files"], w["done"], w["failed"], w["pending"], w["pages"], w["forms"], w["fields"], w["below"],
                     w["reviewed"]], [[sum(st.values()), st.get("done", 0), st.get("failed", 0), st.get("pending", 0),
                                      d["pages"], d["forms"], d["fields"], d["below"], d["reviewed"]]]),
             f"<h2>{w['hist_fields']}</h2>", svg_histogram(d["field_hist"], REVIEW_THRESHOLD, w["hist_fields"]),
             f"<h2>{w['hist_cells']}</h2>", svg_histogram(d["cell_hist"], REVIEW_THRESHOLD, w["hist_cells"]),
             f"<h2>{w['checks']}</h2>",
             _table([w["rule"], w["passed"], w["failed_n"]], [[r, p, f] for r, (p, f) in sorted(d["checks"].items())])
             if d["checks"] else f"<p>{w['none']}</p>",
             f"<h2>{w['failures']}</h2>",
             _table([w["file"], w["error"]], d["failed_files"]) if d["failed_files"] else f"<p>{w['failed']}: {w['none']}</p>",
             f"<h3>{w['check_fail']}</h3>",
             _table([w["file"], w["rule"], w["detail"]], d["failed_checks"]) if d["failed_checks"] else f"<p>{w['none']}</p>"]
    style = ("body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}"
             "td,th{border:1px solid #999;padding:2px 8px;text-align:left}th{background:#dde7f3}")
    doc = (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
           f"<title>{w['title']}</title><style>{style}</style></head><body>{''.join(parts)}</body></html>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path
