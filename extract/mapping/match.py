"""Printed label -> declared field, by exact synonym or by similarity; a weak or ambiguous match is a
quality below 1 that multiplies the field's confidence.

Similarity is difflib's ratio on :func:`~extract.mapping.labels.label_key` (folded, no whitespace, no
parenthesised units), raised for a label that holds a declared one whole (``项目实施单位`` holds
``实施单位``) or is held by it (an abbreviation). rapidfuzz's ``ratio`` is the same measure, faster;
difflib keeps the core free of it. The ratio is computed by :func:`matched`, difflib's own algorithm
without its object and junk machinery (the labels have no junk), and each pair's similarity is kept.
"""
from __future__ import annotations

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


def matched(a: str, b: str) -> int:
    """The characters in difflib's matching blocks of ``a`` and ``b`` (``SequenceMatcher(None, a, b,
    autojunk=False)``): the longest common block, earliest in ``a`` then in ``b`` among equals, then the
    same on either side of it. Without junk difflib's extension of a block past its ends adds nothing, so
    this is its count, with none of the object set-up that cost more than the matching on short labels."""
    b2j: dict[str, list[int]] = {}
    for j, ch in enumerate(b):
        b2j.setdefault(ch, []).append(j)
    total = 0
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        besti, bestj, bestsize = alo, blo, 0
        j2len: dict[int, int] = {}
        for i in range(alo, ahi):
            new: dict[int, int] = {}
            for j in b2j.get(a[i], ()):
                if j < blo:
                    continue
                if j >= bhi:
                    break
                k = new[j] = j2len.get(j - 1, 0) + 1
                if k > bestsize:
                    besti, bestj, bestsize = i - k + 1, j - k + 1, k
            j2len = new
        if bestsize:
            total += bestsize
            if alo < besti and blo < bestj:
                stack.append((alo, besti, blo, bestj))
            if besti + bestsize < ahi and bestj + bestsize < bhi:
                stack.append((besti + bestsize, ahi, bestj + bestsize, bhi))
    return total


@lru_cache(maxsize=65536)
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
    ratio = 2.0 * matched(a, b) / (len(a) + len(b))
    short, long_ = sorted((a, b), key=len)
    if short in long_ and len(long_) - len(short) <= MAX_QUALIFIER_CHARS:
        ratio = max(ratio, 0.6 + 0.4 * len(short) / len(long_))
    return min(ratio, 0.99)


def _may_reach(a: str, b: str, least: float) -> bool:
    """Whether ``similarity(a, b)`` can reach ``least``, told from cheap upper bounds of difflib's ratio
    where they suffice: its ``real_quick_ratio`` (the lengths), then its ``quick_ratio`` (the characters the
    two share as multisets). The exact ratio is what matching spent its time on; most pairs need none."""
    la, lb = len(a), len(b)
    short, long_, ls, ll = (a, b, la, lb) if la <= lb else (b, a, lb, la)
    if ls <= EXACT_ONLY_CHARS or a == b:
        return similarity(a, b) >= least
    if ll - ls <= MAX_QUALIFIER_CHARS and short in long_ and min(0.6 + 0.4 * ls / ll, 0.99) >= least:
        return True
    total = la + lb
    if min(2.0 * ls / total, 0.99) < least:
        return False
    # each character of ``short`` that ``long_`` lacks is one position fewer shared: a bound on the next
    chars = set(short)
    if min(2.0 * (ls - len(chars.difference(long_))) / total, 0.99) < least:
        return False
    return min(2.0 * sum(min(short.count(ch), long_.count(ch)) for ch in chars) / total, 0.99) >= least


@lru_cache(maxsize=1024)
def _keys_of(labels: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(label_key(v) for v in vs) for vs in labels)


def sharing(key: str, keys: tuple[tuple[str, ...], ...]) -> list[int]:
    """Indices of the groups of ``keys`` with a key that shares a character with ``key``, in order. Any
    other group scores 0.0 with ``key`` (no branch of ``similarity`` gives more to strings that share no
    character), so a caller that wants a positive score need not compare them: most pairs are such."""
    by_char = _by_char(keys)
    return sorted(set().union(*[by_char.get(ch, ()) for ch in set(key)]))


@lru_cache(maxsize=1024)
def _by_char(keys: tuple[tuple[str, ...], ...]) -> dict[str, frozenset[int]]:
    out: dict[str, set[int]] = {}
    for i, group in enumerate(keys):
        for k in group:
            for ch in k:
                out.setdefault(ch, set()).add(i)
    return {ch: frozenset(ix) for ch, ix in out.items()}


@lru_cache(maxsize=16384)
def _score(key: str, labels: tuple[tuple[str, ...], ...], least: float = 0.0) -> tuple[tuple[float, int], ...]:
    """(similarity, index) of every field (given by its labels) that reaches ``least``, best first; among
    equals the first declared. A label that cannot reach ``least`` is not compared at all (see
    ``_may_reach``), nor a field none of whose labels shares a character with ``key`` (``sharing``).
    Keyed by the labels, not the declarations: hashing those was a third of the cost."""
    keys_of = _keys_of(labels)
    out = []
    for i in sharing(key, keys_of) if least > 0 else range(len(keys_of)):
        keys = [k for k in keys_of[i] if _may_reach(key, k, least)]
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
    labels = tuple([f.labels for f in fields])
    scores = _score(key, labels, floor - AMBIGUITY_MARGIN)
    if not scores or scores[0][0] < floor:
        return None
    best, i = scores[0]
    quality = best
    # a rival is a field printed with other labels (the two sides' 项目 columns are no rivals)
    rivals = [s for s, j in scores[1:] if labels[j] != labels[i]]
    if best < 1.0 and rivals and rivals[0] >= best - AMBIGUITY_MARGIN:
        quality *= AMBIGUOUS_QUALITY
    return Match(fields[i], round(quality, 4))


def names_exactly(text: str, fields: Sequence[FieldDecl]) -> bool:
    """Whether ``match_field(text, fields)`` is a match of quality 1.0: only an exact synonym scores 1.0
    (``similarity``) and a best of 1.0 is never halved, so this is a lookup, not a fuzzy comparison."""
    return bool(fields) and is_exact_key(label_key(text), exact_keys(fields))


def exact_keys(fields: Sequence[FieldDecl]) -> frozenset[str]:
    """The label keys of ``fields``, for :func:`is_exact_key` (one set for many texts)."""
    return _exact_keys(tuple([f.labels for f in fields]))


def is_exact_key(key: str, keys: frozenset[str]) -> bool:
    return bool(key) and len(key) <= MAX_LABEL_CHARS and key in keys


@lru_cache(maxsize=1024)
def _exact_keys(labels: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(k for ks in _keys_of(labels) for k in ks)
