"""Edit distances and the character error rate of cell text."""
from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable, Sequence


def levenshtein(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Unit-cost insert/delete/substitute distance between two sequences (strings or token lists)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def normalize_text(text: str | None) -> str:
    """Compare text as printed: width-folded (NFKC) with all whitespace removed.

    Whitespace is dropped because line breaks inside a cell are layout, not content, and CJK text has
    no spaces; every method is compared under the same rule.
    """
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def cer(predicted: str | None, truth: str | None) -> float:
    """Character error rate of one string: edits / len(truth); an empty truth gives 0 or 1."""
    p, t = normalize_text(predicted), normalize_text(truth)
    if not t:
        return 0.0 if not p else 1.0
    return levenshtein(p, t) / len(t)


def corpus_cer(pairs: Iterable[tuple[str | None, str]]) -> float | None:
    """Pooled CER over (predicted, truth) pairs: total edits / total truth characters."""
    edits = chars = 0
    for predicted, truth in pairs:
        p, t = normalize_text(predicted), normalize_text(truth)
        edits += levenshtein(p, t)
        chars += len(t)
    return None if chars == 0 else edits / chars
