"""How the independent routes word a form: labels, comparators, targets and money, in two disjoint pools.

Every label has the canonical wording (the one the Dongguan/Jieyang forms print) and variants seen on
other cities' forms or plausible for them: other words (资金来源 for 收入来源), abbreviations (供养人数,
总目标), enumerators (一、基本支出), stray spaces inside a label (部门 名称), full-width brackets, units
in the label or only in a note line above the table. The variants are
split into a TUNE pool and a HELDOUT pool with no wording in common: documents of the held-out split
draw only from HELDOUT, so a rule written while looking at the tune split has never seen them.
The canonical wording appears in both splits (``CANONICAL_SHARE`` of labels), as on real forms.
"""
from __future__ import annotations

import random
from decimal import Decimal

# Share of labels printed in the canonical wording; the rest from the split's pool. Real forms from
# other cities reuse most of the national template's wording, so most labels stay canonical.
CANONICAL_SHARE = 0.45

# key -> (canonical, tune variants, held-out variants)
LABELS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "department": ("部门名称", ("预算部门名称", "部门 名称", "单位（部门）名称"), ("预算单位名称", "部门名称：", "部 门 名 称")),
    "competent": ("资金主管部门", ("主管部门名称", "资金主管单位"), ("归口主管部门", "主管 部门")),
    "basic_info": ("基本信息", ("基本 信息", "部门基本信息"), ("基本情况", "单位基本信息")),
    "staff": ("财政供养人员数", ("财政供养人员数（人）", "财政供养 人员数", "财政供养人员数量(人)", "供养人数"),
              ("财政供养人员总数", "供养人员数（人）")),
    "units": ("下属二级单位数", ("下属二级单位（个）", "下属二级单位个数"), ("所属二级单位数", "下属单位（个）", "二级单位数")),
    "budget": ("预算整体情况", ("预算总体情况", "部门预算 整体情况", "预算情况"), ("预算安排情况", "整体预算情况")),
    "class": ("部门预算支出", ("支出构成", "按支出性质"), ("支出类别", "支出结构")),
    "amount_col": ("预算金额", ("金额", "预算数"), ("预算额", "安排金额")),
    "income": ("收入来源", ("资金来源", "收入 来源"), ("资金来源渠道", "经费来源")),
    "basic": ("基本支出", ("一、基本支出", "基本 支出"), ("（一）基本支出", "基本支出合计")),
    "project": ("项目支出", ("二、项目支出", "项目 支出"), ("（二）项目支出", "项目支出合计")),
    "fiscal": ("财政拨款", ("财政拨款收入", "一、财政拨款"), ("财政拨款资金", "（一）财政拨款")),
    "other_funds": ("其他资金", ("其他收入", "二、其他资金"), ("其他来源资金", "（二）其他资金")),
    "dev": ("事业发展性支出", ("事业发展性 支出",), ("事业发展类支出",)),
    "special": ("财政专项资金", ("财政专项 资金", "专项资金"), ("市财政专项资金", "财政专项经费")),
    "other_dev": ("其他事业发展性支出", ("其他事业发展 性支出", "其他发展性支出"), ("其他事业发展类支出",)),
    "levels": ("按预算级次划分", ("按预算级次", "预算级次划分"), ("按级次划分", "资金级次")),
    "municipal": ("市本级使用资金", ("市本级资金", "本级使用 资金"), ("市级使用资金", "本级使用经费")),
    "transfer": ("拟用于对下转移支付资金", ("对下转移支付资金", "拟对下转移支付"), ("转移支付资金", "拟用于转移支付资金")),
    "goals": ("总体绩效目标", ("部门整体绩效目标", "年度总体目标", "总体 绩效目标"),
              ("年度绩效总目标", "绩效总目标", "整体绩效目标（年度）", "总目标")),
    "key_tasks": ("年度重点工作任务", ("年度主要任务", "部门年度重点工作任务", "重点工作 任务"),
                  ("年度重点任务", "本年度重点工作", "年度工作重点")),
    "other_tasks": ("其他需完成的任务", ("其他需完成的工作任务", "其他任务（选填）"), ("其他工作任务", "其他需完成的任务（如有）")),
    "indicators": ("绩效指标", ("绩效指标体系", "年度绩效 指标"), ("部门绩效指标", "整体支出绩效指标")),
    "seq": ("序号", ("编号",), ("序 号",)),
    "name": ("名称", ("任务名称", "工作任务"), ("项目（任务）名称", "重点任务")),
    "content": ("主要实施内容", ("具体实施内容", "主要工作内容"), ("实施内容及措施", "工作内容")),
    "other_content": ("目标内容", ("工作内容",), ("任务内容",)),
    "amount": ("拟投入的资金", ("拟投入资金", "预算安排金额", "资金安排"), ("拟安排资金", "资金需求", "安排资金")),
    "outcome": ("期望达到的目标", ("预期效果", "预期绩效目标"), ("期望达到的效果", "任务目标")),
    "level1": ("一级指标", ("一级 指标",), ("一级指标名称",)),
    "level2": ("二级指标", ("二级 指标",), ("二级指标名称",)),
    "level3": ("三级指标", ("三级指标名称", "三级 指标"), ("具体指标", "三级指标（名称）")),
    "explanation": ("三级指标解释", ("指标内涵", "指标解释"), ("指标含义", "三级指标说明")),
    "comparator": ("对比符号", ("比较方式", "比较 符号"), ("运算符", "关系符号")),
    "value": ("指标值", ("目标值", "指标值（年度）"), ("年度目标", "指标目标值")),
    "unit": ("计量单位", ("度量单位", "计量 单位"), ("指标单位", "单位（计量）")),
    "period": ("实施周期指标值", ("实施期目标", "中长期指标值"), ("实施周期目标", "整体指标值")),
    "annual": ("年度指标值", ("年度目标值", "本年度指标值"), ("年度指标", "当年指标值")),
}


def pick_labels(rng: random.Random, split: str) -> dict[str, str]:
    """One wording per label key for a document of ``split`` ("tune" or "heldout")."""
    out = {}
    for key, (canonical, tune, held) in LABELS.items():
        pool = held if split == "heldout" else tune
        out[key] = canonical if rng.random() < CANONICAL_SHARE else rng.choice(pool)
    return out


# How a comparator prints in a 对比符号 column, by split (the truth is always the canonical symbol).
COMPARATOR_PRINT = {
    "tune": {"≥": ("≥", "≧", ">="), "≤": ("≤", "≦", "<="), "=": ("=", "＝"), ">": (">", "＞"), "≈": ("≈", "约")},
    "heldout": {"≥": ("≥", "≧", "大于等于"), "≤": ("≤", "≦", "小于等于"), "=": ("=", "等于"), ">": (">", "大于"),
                "≈": ("≈", "约等于")},
}

# How a one-cell target prints: {v} value, {a}-{b} range, {u} unit. Truth: the canonical comparator.
TARGET_PRINT = {
    "tune": {"≥": ("≥{v}{u}", "≧{v}{u}", ">={v}{u}", "≥ {v}{u}", "{v}{u}以上"),
             "≤": ("≤{v}{u}", "≦{v}{u}", "<={v}{u}", "{v}{u}以内"),
             "=": ("{v}{u}", "={v}{u}"), ">": (">{v}{u}",),
             "≈": ("约{v}{u}",), "range": ("{a}-{b}{u}", "约{a}-{b}{u}", "{a}～{b}{u}")},
    "heldout": {"≥": ("≥{v}{u}", "≧{v}{u}", "不低于{v}{u}", "≥{v} {u}"),
                "≤": ("≤{v}{u}", "≦{v}{u}", "不高于{v}{u}", "≤ {v}{u}"),
                "=": ("{v}{u}", "{v} {u}"), ">": (">{v}{u}", "超过{v}{u}"),
                "≈": ("约{v}{u}", "大约{v}{u}"), "range": ("{a}~{b}{u}", "{a}至{b}{u}", "约{a}—{b}{u}")},
}

MONEY_FORMATS = ("comma2", "plain", "six", "comma2_space", "plain2")


def money_text(yuan: str | None, unit: str, fmt: str) -> str:
    """A yuan truth value printed in ``unit``: ``1,234.50`` / ``1234.5`` / ``1234.500000`` (six decimals)."""
    if yuan is None:
        return ""
    amount = Decimal(yuan) / (10000 if unit == "万元" else 1)
    if fmt == "comma2":
        return f"{amount:,.2f}"
    if fmt == "comma2_space":
        return f" {amount:,.2f} "
    if fmt == "six":
        return f"{amount:.6f}"
    if fmt == "plain2":
        return f"{amount:.2f}"
    return format(amount.normalize(), "f") if amount != 0 else "0"


def number_format(fmt: str) -> str:
    """The Excel number format printing a numeric cell like :func:`money_text`."""
    return {"comma2": "#,##0.00", "comma2_space": "#,##0.00", "six": "0.000000", "plain2": "0.00"}.get(fmt, "General")


def bracket(text: str, full_width: bool) -> str:
    return text.replace("(", "（").replace(")", "）") if full_width else text.replace("（", "(").replace("）", ")")
