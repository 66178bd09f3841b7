"""CJK text repair: radical look-alikes, width folding, line joining.

(Placeholder interface; the loading stage owner fills in the full repair tables.)
"""
from __future__ import annotations

import re
import unicodedata

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_RE = re.compile(f"[{_CJK}]")


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def join_lines(lines: list[str]) -> str:
    """Join the lines of one cell: no space between CJK characters, one space between Latin words/numbers."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (_is_cjk(out[-1]) or _is_cjk(line[0])):
            out += " "
        out += line
    return out


def repair_text(text: str) -> tuple[str, int]:
    """Return the repaired text and how many characters were changed."""
    fixed = unicodedata.normalize("NFKC", text)
    return fixed, sum(1 for a, b in zip(text, fixed) if a != b) + abs(len(text) - len(fixed))
