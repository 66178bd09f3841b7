"""The run's record (JSON with commit and machine), one markdown table per set, and two PNG plots."""
from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.methods import UNAVAILABLE
from benchmarks.sets import REPO, SETS

COLUMNS = {
    "corpus": [("teds", "TEDS"), ("teds_struct", "TEDS-struct"), ("merged_cell_acc", "merged cells"),
               ("cell_cer", "cell CER ↓"), ("field_acc", "field acc"), ("fields_wrong", "wrong fields ↓"), ("review_catch_5", "caught@5%"),
               ("review_catch_10", "caught@10%"), ("review_catch_20", "caught@20%"),
               ("conf_errors", "errors incl. missing"), ("wrong_at_0.9", "wrong ≥0.9 ↓"), ("ece", "ECE ↓"), ("auroc", "AUROC")],
    "icdar2013": [("adj_f1", "adjacency F1"), ("adj_precision", "P"), ("adj_recall", "R"),
                  ("adj_micro_f1", "micro F1")],
    "ctdar2019": [("cell_f1", "cell F1@IoU0.6"), ("cell_precision", "P"), ("cell_recall", "R")],
    "pubtabnet": [("teds", "TEDS"), ("teds_struct", "TEDS-struct")],
}
SPEED = [("sec_per_page", "s/page ↓"), ("peak_rss_mib", "peak MiB ↓"), ("docs", "docs")]
HEADLINE = {"corpus": "field_acc", "icdar2013": "adj_f1", "ctdar2019": "cell_f1", "pubtabnet": "teds"}


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "ci": bool(os.environ.get("CI"))}


def git_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def new_record(quick: bool) -> dict[str, Any]:
    return {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "quick": quick,
            **git_commit(), "machine": machine_info(), "sets": {}, "checks": {}}


def _fmt(value: Any, key: str) -> str:
    if value is None:
        return "–"
    if key == "peak_rss_mib":
        return f"{value:.0f}"
    if key in ("docs", "fields_wrong", "conf_errors", "wrong_at_0.9"):
        return str(value)
    if key == "sec_per_page":
        return f"{value:.2f}"
    return f"{value:.3f}"


def set_table(set_name: str, entry: dict[str, Any]) -> str:
    columns = COLUMNS[set_name.split("-")[0]] + SPEED
    lines = ["| method | " + " | ".join(label for _, label in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for method, result in entry["methods"].items():
        figures = result.get("figures") or {}
        lines.append(f"| {method} | " + " | ".join(_fmt(figures.get(k), k) for k, _ in columns) + " |")
    notes = [f"- {m}: {r['note']}" for m, r in entry["methods"].items() if r.get("note") and m not in UNAVAILABLE]
    return "\n".join(lines + ([""] + notes if notes else []))


def markdown(record: dict[str, Any]) -> str:
    head = [f"# Benchmark {'(quick slice)' if record['quick'] else '(full)'}", "",
            f"Commit `{record['commit'][:10]}`{' (uncommitted changes)' if record['dirty'] else ''}, "
            f"{record['started']}, {record['machine']['cpu']} × {record['machine']['cores']} cores, "
            f"Python {record['machine']['python']}; {record.get('duration_s', 0):.0f} s in all.", "",
            "A dash means the method cannot run that set (input kind it does not take, or not installed) "
            "or the metric does not apply; it is never a zero. ↓ marks lower-is-better.", ""]
    head += [f"Not run: {m}: {reason}" for m, reason in UNAVAILABLE.items()
             if any(m in e["methods"] for e in record["sets"].values())] + [""]
    for name, entry in record["sets"].items():
        head += [f"## {SETS[name].title if name in SETS else name} — {entry['docs']} documents", "",
                 set_table(name, entry), ""]
    if record.get("checks"):
        head += ["## Self-checks", ""] + [f"- {k}: {v}" for k, v in record["checks"].items()] + [""]
    return "\n".join(head)


def reliability_bins(outcomes: list[tuple[float, bool]], edges=(0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001)) -> list[dict]:
    out = []
    for lo, hi in zip(edges, edges[1:]):
        inside = [w for c, w in outcomes if lo <= c < hi]
        out.append({"lo": lo, "hi": min(hi, 1.0), "n": len(inside),
                    "error_rate": sum(inside) / len(inside) if inside else None})
    return out


def plot(record: dict[str, Any], out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    bins = record.get("reliability", {})
    if bins:
        fig, ax = plt.subplots(figsize=(6, 4))
        for set_name, rows in bins.items():
            xs = [(b["lo"] + b["hi"]) / 2 for b in rows if b["error_rate"] is not None]
            ys = [b["error_rate"] for b in rows if b["error_rate"] is not None]
            ax.plot(xs, ys, marker="o", label=set_name)
        ax.plot([0, 1], [1, 0], ls=":", c="grey", label="perfectly calibrated")
        ax.set_xlabel("field confidence (bin centre)")
        ax.set_ylabel("share of fields wrong")
        ax.set_title("ours: confidence vs error rate")
        ax.legend(fontsize=8)
        paths.append(out_dir / "confidence_vs_error.png")
        fig.tight_layout()
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    sets = list(record["sets"].items())
    if sets:
        from matplotlib.ticker import FormatStrFormatter, NullFormatter

        n_cols = min(3, len(sets))
        n_rows = -(-len(sets) // n_cols)
        fig, axes = plt.subplots(n_rows, n_cols, figsize=(4.2 * n_cols, 3.4 * n_rows), squeeze=False)
        for ax in axes.flat[len(sets):]:
            ax.set_visible(False)
        for ax, (name, entry) in zip(axes.flat, sets):
            key = HEADLINE[name.split("-")[0]]
            points = [(m, (r.get("figures") or {}).get("sec_per_page"), (r.get("figures") or {}).get(key))
                      for m, r in entry["methods"].items()]
            points = [(m, x, y) for m, x, y in points if x and y is not None]
            for method, x, y in points:
                ax.scatter(x, y, s=30)
                ax.annotate(method, (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
            ax.set_xscale("log")
            if points:
                xs = [x for _, x, _ in points]
                ax.set_xlim(min(xs) / 2, max(xs) * 3)
            ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_title(name, fontsize=9)
            ax.set_xlabel("seconds per page (log)", fontsize=8)
            ax.set_ylabel(key, fontsize=8)
        fig.tight_layout()
        paths.append(out_dir / "accuracy_vs_speed.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    return paths


def headline(record: dict[str, Any]) -> str:
    """One compact table for the project README: each set's headline figure and speed per method."""
    sets = list(record["sets"])
    methods = list(dict.fromkeys(m for e in record["sets"].values() for m in e["methods"] if m not in UNAVAILABLE))
    cols = [f"{s} {HEADLINE[s.split('-')[0]].replace('_', ' ')}" for s in sets]
    lines = ["| method | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for m in methods:
        cells = []
        for s in sets:
            f = (record["sets"][s]["methods"].get(m) or {}).get("figures") or {}
            value = f.get(HEADLINE[s.split("-")[0]])
            speed = f" ({f['sec_per_page']:.2f} s/p)" if f.get("sec_per_page") is not None else ""
            cells.append("–" if value is None else f"{value:.3f}{speed}")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    docs = ", ".join(f"{s}: {record['sets'][s]['docs']}" for s in sets)
    return "\n".join(lines + ["", f"Documents per set: {docs}. Commit `{record['commit'][:10]}`, "
                                  f"{record['machine']['cores']} cores, {record.get('duration_s', 0) / 60:.0f} min."])
