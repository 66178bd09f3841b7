"""Printed label -> declared field, by exact synonym or by similarity; a weak or ambiguous match is a
quality below 1 that multiplies the field's confidence.

Similarity is difflib's ratio on :func:`~extract.mapping.labels.label_key` (folded, no whitespace, no
parenthesised units), raised for a label that holds a declared one whole (``项目实施单位`` holds
``实施单位``) or is held by it (an abbreviation). rapidfuzz's ``ratio`` is the same measure, faster;
difflib keeps the core free of it.
"""
from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple, Sequence

from extract.mapping.decl import FieldDecl
from extract.mapping.labels import label_key

# Below this similarity a cell is not the label: for four-character labels, three shared characters in
# order pass (年度资金总数 / 年度资金总额), two do not (基本支出 / 项目支出). Chosen a priori, above
# difflib's own close-match cutoff (0.6) because labels are short, and never tuned on the corpus. Labels of
# different fields can be closer than this (科目编码 / 科目名称 0.8): the best match decides between them.
MATCH_MIN = 0.72
# Labels this short (类, 款, 名称) must match exactly: one character more or less is another word.
EXACT_ONLY_CHARS = 2
# A label longer than this is a value (a sentence), not a label.
MAX_LABEL_CHARS = 30
# A label holding a declared one counts as that label with a qualifier (具体实施单位, 主管部门及代码) only
# while the rest is this short; more is a label run into its value (项目实施单位名称肇庆市财政事务中心).
MAX_QUALIFIER_CHARS = 4
# Two fields whose labels score within this of each other: the match is ambiguous and only half-sure.
AMBIGUITY_MARGIN = 0.05
AMBIGUOUS_QUALITY = 0.5


class Match(NamedTuple):
    field: FieldDecl
    quality: float


def similarity(a: str, b: str) -> float:
    """Similarity of two normalised labels in [0, 1]; 1.0 only when equal."""
    if a == b:
        return 1.0
    if min(len(a), len(b)) <= EXACT_ONLY_CHARS:
        # ... unless the other is that word with a qualifier in front (支出合计 is a 合计): a Chinese label's
        # head noun comes last
        short, long_ = sorted((a, b), key=len)
        if short and len(long_) <= 2 * len(short) and long_.endswith(short):
            return 0.6 + 0.4 * len(short) / len(long_)
        if short and len(long_) <= 2 * len(short) and long_.startswith(short):
            return 0.5 + 0.4 * len(short) / len(long_)  # 合计数, 项目 for 项目支出: a cut word, less sure
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    short, long_ = sorted((a, b), key=len)
    if short in long_ and len(long_) - len(short) <= MAX_QUALIFIER_CHARS:
        ratio = max(ratio, 0.6 + 0.4 * len(short) / len(long_))
    return min(ratio, 0.99)


def _may_reach(a: str, b: str, least: float) -> bool:
    """Whether ``similarity(a, b)`` can reach ``least``, told from cheap upper bounds of difflib's ratio
    where they suffice: its ``real_quick_ratio`` (the lengths), then its ``quick_ratio`` (the characters the
    two share as multisets). The exact ratio is what matching spent its time on; most pairs need none."""
    if a == b or min(len(a), len(b)) <= EXACT_ONLY_CHARS:
        return similarity(a, b) >= least
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short in long_ and len(long_) - len(short) <= MAX_QUALIFIER_CHARS \
            and min(0.6 + 0.4 * len(short) / len(long_), 0.99) >= least:
        return True
    total = len(a) + len(b)
    if min(2.0 * len(short) / total, 0.99) < least:
        return False
    return min(2.0 * sum(min(short.count(ch), long_.count(ch)) for ch in set(short)) / total, 0.99) >= least


@lru_cache(maxsize=1024)
def _keys_of(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(label_key(v) for v in labels)


@lru_cache(maxsize=16384)
def _score(key: str, fields: tuple[FieldDecl, ...], least: float = 0.0) -> tuple[tuple[float, int], ...]:
    """(similarity, index) of every field that reaches ``least``, best first; among equals the first
    declared. A label that cannot reach ``least`` is not compared at all (see ``_may_reach``)."""
    out = []
    for i, f in enumerate(fields):
        keys = [k for k in _keys_of(f.labels) if _may_reach(key, k, least)]
        best = max((similarity(key, k) for k in keys), default=0.0)
        if keys and best >= least:
            out.append((best, i))
    return tuple(sorted(out, key=lambda t: (-t[0], t[1])))


def match_field(text: str, fields: Sequence[FieldDecl], floor: float = MATCH_MIN) -> Match | None:
    """The declared field ``text`` is the label of, or None."""
    key = label_key(text)
    if not key or len(key) > MAX_LABEL_CHARS or not fields:
        return None
    # only a field within the ambiguity margin of the floor can be the match or its rival
    scores = _score(key, tuple(fields), floor - AMBIGUITY_MARGIN)
    if not scores or scores[0][0] < floor:
        return None
    best, i = scores[0]
    quality = best
    # a rival is a field printed with other labels (the two sides' 项目 columns are no rivals)
    rivals = [s for s, j in scores[1:] if fields[j].labels != fields[i].labels]
    if best < 1.0 and rivals and rivals[0] >= best - AMBIGUITY_MARGIN:
        quality *= AMBIGUOUS_QUALITY
    return Match(fields[i], round(quality, 4))
