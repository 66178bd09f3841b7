"""Label matching: printed label text -> canonical key, through synonyms and fuzzy matching.

Labels are compared on :func:`label_key`: ``extract.text.normalize_label`` (radicals repaired, widths and
brackets folded, whitespace removed, so a label broken over lines such as ``"资金主管 部门"`` matches)
with parenthesised units and remarks dropped (``"拟投入的资金(元)"`` -> ``"拟投入的资金"``). The unit a
label states is read separately by :func:`label_unit`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from extract.text import normalize_label

# Fuzzy matching allows one edit (substitution, insertion, deletion) per FUZZY_CHARS_PER_EDIT characters
# of the synonym, at least one: 部门名祢 -> 部门名称 (4 characters, 1 edit) and 财政供养人贝数 -> 财政供养人员数
# match; 效益指标 vs 绩效指标 (2 edits) and 基本支出 vs 项目支出 (2 edits) do not.
FUZZY_CHARS_PER_EDIT = 4
# Labels this short must match exactly: one OCR slip in 名称 would make it another word.
FUZZY_MIN_LENGTH = 4


_PAREN_RE = re.compile(r"\([^()]*\)")
_TRAIL_RE = re.compile(r"[:：.。]+$")
_UNIT_RE = re.compile(r"\((万元|元)\)")

Vocabulary = dict[str, tuple[str, ...]]

# Canonical key -> printed variants. Variants are written as printed; they are normalised on use.
SECTIONS: Vocabulary = {
    "department": ("部门名称", "部门(单位)名称", "单位名称"),
    "basic_info": ("基本信息",),
    "budget": ("预算整体情况", "部门预算整体情况"),
    "goals": ("总体绩效目标", "部门总体绩效目标", "整体绩效目标"),
    "key_tasks": ("年度重点工作任务", "年度主要工作任务", "重点工作任务"),
    "other_tasks": ("其他需完成的任务", "其他需完成任务", "其他需要完成的任务"),
    "indicators": ("绩效指标", "年度绩效指标", "部门整体绩效指标"),
}

KV_FIELDS: Vocabulary = {
    "department": ("部门名称", "部门(单位)名称", "单位名称"),
    "competent_department": ("资金主管部门", "主管部门"),
    "staff_count": ("财政供养人员数", "财政供养人员数量", "财政供养人数"),
    "subordinate_units": ("下属二级单位数", "下属二级预算单位数", "下属单位数", "下属二级单位数量"),
    "basic_expenditure": ("基本支出",),
    "project_expenditure": ("项目支出",),
    "fiscal_appropriation": ("财政拨款",),
    "other_funds": ("其他资金",),
    "special_funds": ("财政专项资金",),
    "other_development_expenditure": ("其他事业发展性支出",),
    "municipal_funds": ("市本级使用资金", "本级使用资金"),
    "transfer_funds": ("拟用于对下转移支付资金", "对下转移支付资金", "拟对下转移支付资金"),
}

# Labels that group or head values but are no value themselves.
KV_GROUPS: Vocabulary = {
    "expenditure_group": ("部门预算支出", "财政支出分类", "支出分类"),
    "income_group": ("收入来源",),
    "development_group": ("事业发展性支出",),
    "level_group": ("按预算级次划分", "预算级次"),
    "amount_header": ("预算金额", "金额"),
}

TASK_COLUMNS: Vocabulary = {
    "seq": ("序号",),
    "name": ("名称", "任务名称", "项目名称"),
    "content": ("主要实施内容", "目标内容", "实施内容", "主要内容"),
    "amount": ("拟投入的资金", "拟投入金额", "拟投入资金", "拟投入的金额", "投入资金", "资金"),
    "expected_outcome": ("期望达到的目标", "期望达到的目标(概述)", "预期达到的目标", "预期目标"),
}

INDICATOR_COLUMNS: Vocabulary = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "explanation": ("三级指标解释", "指标解释", "指标说明"),
    "comparator": ("对比符号", "比较符号", "符号"),
    "period_target": ("实施周期指标值", "实施期指标值", "实施周期目标值", "实施周期"),
    "annual_target": ("年度指标值", "指标值", "年度目标值", "目标值", "年度"),
    "unit": ("计量单位", "单位"),
}


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
    m = _UNIT_RE.search(normalize_label(text))
    return m.group(1) if m else None


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
    if len(key) < FUZZY_MIN_LENGTH or len(key) > 24:
        return None
    best: LabelMatch | None = None
    for variant, name in variants:
        n = len(variant)
        allowed = max(1, n // FUZZY_CHARS_PER_EDIT)
        if n < FUZZY_MIN_LENGTH or abs(n - len(key)) > allowed:
            continue
        d = edit_distance(key, variant, allowed)
        quality = round(1 - d / n, 4)
        if d <= allowed and (best is None or quality > best.quality):
            best = LabelMatch(name, quality)
    return best


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
