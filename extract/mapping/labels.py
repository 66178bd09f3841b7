"""Label matching: printed label text -> canonical key, through synonyms and fuzzy matching.

Labels are compared on :func:`label_key`: ``extract.text.normalize_label`` (radicals repaired, widths and
brackets folded, whitespace removed, so a label broken over lines such as ``"资金主管 部门"`` matches)
with parenthesised units and remarks dropped (``"拟投入的资金(元)"`` -> ``"拟投入的资金"``). The unit a
label states is read separately by :func:`label_unit`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from extract.mapping.units import header_unit
from extract.text import normalize_label

if TYPE_CHECKING:
    from extract.mapping.decl import FieldDecl

# Fuzzy matching allows one edit (substitution, insertion, deletion) per FUZZY_CHARS_PER_EDIT characters
# of the synonym, at least one: 部门名祢 -> 部门名称 (4 characters, 1 edit) and 财政供养人贝数 -> 财政供养人员数
# match; 效益指标 vs 绩效指标 (2 edits) and 基本支出 vs 项目支出 (2 edits) do not.
FUZZY_CHARS_PER_EDIT = 4
# Labels this short must match exactly: one OCR slip in 名称 would make it another word.
FUZZY_MIN_LENGTH = 4


_PAREN_RE = re.compile(r"\([^()]*\)")
_TRAIL_RE = re.compile(r"[:：.。]+$")

Vocabulary = dict[str, tuple[str, ...]]

# The department form's vocabulary lives in its declaration; these are its label sets as the reader uses
# them (canonical key -> printed variants, normalised on use; order matters: the first exact variant wins).
DEPARTMENT_FORM = Path(__file__).resolve().parent.parent / "forms" / "department_performance_targets.yaml"


def _vocabularies(path: Path) -> dict[str, Vocabulary]:
    from extract.mapping.decl_load import load_form

    decl = load_form(path)
    rows = {p.key: p for p in decl.rows_parts()}
    voc = decl.vocabulary
    return {
        "sections": {k: tuple(v) for k, v in cast(dict[str, tuple[str, ...]], voc["sections"]).items()},
        "kv_fields": {f.key.split(".")[-1]: f.labels for f in decl.grid_fields()},
        "kv_groups": {k: tuple(v) for k, v in cast(dict[str, tuple[str, ...]], voc["groups"]).items()},
        "task_columns": {c.key: c.labels for c in rows["key_tasks"].printed},
        "indicator_columns": {c.key: c.labels for c in rows["indicators"].printed},
        "task_decls": rows["key_tasks"].printed,  # type: ignore[dict-item]
        "indicator_decls": rows["indicators"].printed,  # type: ignore[dict-item]
    }


_VOCAB = _vocabularies(DEPARTMENT_FORM)
SECTIONS: Vocabulary = _VOCAB["sections"]
KV_FIELDS: Vocabulary = _VOCAB["kv_fields"]
KV_GROUPS: Vocabulary = _VOCAB["kv_groups"]  # labels that group or head values but are no value themselves
TASK_COLUMNS: Vocabulary = _VOCAB["task_columns"]
INDICATOR_COLUMNS: Vocabulary = _VOCAB["indicator_columns"]
TASK_DECLS = cast("tuple[FieldDecl, ...]", _VOCAB.pop("task_decls"))  # the same columns as declared (label, type, order)
INDICATOR_DECLS = cast("tuple[FieldDecl, ...]", _VOCAB.pop("indicator_decls"))


class LabelMatch(NamedTuple):
    key: str
    quality: float  # 1.0 for an exact synonym, 1 - edits / length otherwise


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """Normalised label: folded, no whitespace, no parenthesised remarks or units, no trailing colon."""
    key = normalize_label(text)
    prev = None
    while prev != key:
        prev, key = key, _PAREN_RE.sub("", key)
    return _TRAIL_RE.sub("", key)


def label_unit(text: str) -> str | None:
    """The money unit a label or header states: ``"预算金额(万元)"`` -> ``"万元"``."""
    return header_unit(text)  # one unit grammar for every form (extract/mapping/units.py)


@lru_cache(maxsize=64)
def _variants(items: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((label_key(v), key) for key, variants in items for v in variants)


def match_label(text: str, vocab: Vocabulary) -> LabelMatch | None:
    """The vocabulary key ``text`` names, exact synonyms first, then the closest fuzzy match."""
    return _match(label_key(text), tuple(vocab.items()))


@lru_cache(maxsize=8192)
def _match(key: str, items: tuple[tuple[str, tuple[str, ...]], ...]) -> LabelMatch | None:
    if not key:
        return None
    variants = _variants(items)
    for variant, name in variants:
        if key == variant:
            return LabelMatch(name, 1.0)
    if len(key) > 24:
        return None
    if len(key) < FUZZY_MIN_LENGTH:
        return _similar(key, items)
    best: LabelMatch | None = None
    chars = set(key)
    for variant, name in variants:
        n = len(variant)
        allowed = max(1, n // FUZZY_CHARS_PER_EDIT)
        if n < FUZZY_MIN_LENGTH or abs(n - len(key)) > allowed:
            continue
        if len(chars.difference(variant)) > allowed:
            continue  # each character of the key the variant lacks is one edit at least: d > allowed
        d = edit_distance(key, variant, allowed)
        quality = round(1 - d / n, 4)
        if d <= allowed and (best is None or quality > best.quality):
            best = LabelMatch(name, quality)
    return best or _similar(key, items)


@lru_cache(maxsize=64)
def _name_keys(items: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((name, tuple(label_key(v) for v in variants)) for name, variants in items)


def _similar(key: str, items: tuple[tuple[str, tuple[str, ...]], ...]) -> LabelMatch | None:
    """Past one slip per four characters: the shared matcher's similarity (a qualifier in front, another
    city's wording), halved when two keys score alike (:func:`extract.mapping.match.match_field`)."""
    from extract.mapping.match import AMBIGUITY_MARGIN, AMBIGUOUS_QUALITY, MATCH_MIN, _may_reach, sharing, similarity

    # of the same length, two labels differ by substitutions, which the slips above cover: 效益指标 is no
    # 绩效指标; similarity is for a label a word longer or shorter (a qualifier, another city's wording).
    # A key that cannot reach the floor less the margin is not compared: it can neither be the match
    # (below MATCH_MIN) nor the rival that halves it (below best - margin), so the outcome is the same.
    # A name none of whose keys shares a character with the key scores 0.0 either way (``sharing``).
    least = MATCH_MIN - AMBIGUITY_MARGIN
    named = _name_keys(items)
    near = set(sharing(key, tuple(keys for _, keys in named)))
    scores = sorted(((max((similarity(key, k) for k in keys if len(k) != len(key) and _may_reach(key, k, least)),
                          default=0.0) if i in near else 0.0, name) for i, (name, keys) in enumerate(named)),
                    key=lambda t: -t[0])
    if not scores or scores[0][0] < MATCH_MIN:
        return None
    best, name = scores[0]
    if len(scores) > 1 and scores[1][0] >= best - AMBIGUITY_MARGIN:
        best *= AMBIGUOUS_QUALITY
    return LabelMatch(name, round(best, 4))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it is known to exceed ``limit``."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def is_note(text: str) -> bool:
    """A remark under the form (填报要求, 注, 说明) that ends it."""
    return bool(re.match(r"\s*(填报要求|填报说明|注[:：]|说明[:：]|备注[:：])", text))
