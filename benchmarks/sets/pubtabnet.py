"""PubTabNet examples: table images with HTML truth (structure tokens + cell tokens)."""
from __future__ import annotations

import html as html_escape
import json
from functools import cache
from pathlib import Path

from benchmarks.sets import BenchSet, Sample, evaldata_dir


def _root() -> Path:
    return evaldata_dir() / "pubtabnet_examples"


@cache
def _annotations() -> dict[str, dict]:
    out = {}
    with (_root() / "PubTabNet_Examples.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                item = json.loads(line)
                out[item["filename"]] = item
    return out


def samples(bench: BenchSet) -> list[Sample]:
    images = _root() / "images"
    return [Sample(bench.name, Path(name).stem, str(images / name), "image", name)
            for name in sorted(_annotations()) if (images / name).exists()]


def truth_html(filename: str) -> str:
    """The annotation as one HTML document: cell tokens poured into the structure's <td> slots."""
    item = _annotations()[filename]["html"]
    cells = iter(item["cells"])
    parts = []
    for token in item["structure"]["tokens"]:
        parts.append(token)
        if token in ("<td>", ">"):  # '>' closes '<td' + attributes
            tokens = next(cells)["tokens"]
            parts.append("".join(t if t.startswith("<") and t.endswith(">") else html_escape.escape(t, quote=False)
                                 for t in tokens))
    return "<html><body><table>" + "".join(parts) + "</table></body></html>"
