"""Label wordings of the declared forms on the independent routes, by split (``tune`` / ``heldout``).

Written for the routes, apart from ``corpus.forms`` (whose lists the mapper was fixed against) and from
the declarations in ``extract/forms/*.yaml``: no variant here is one of a declaration's synonyms
(``tests/test_form_routes.py`` asserts it). Variants are the ways other cities print the same label: another
wording, a qualifier, an abbreviation, stray spaces, a remark or a unit in (full-width) brackets. The
held-out pools were written before the mapper was run on any route document of these forms and are never
looked at while changing the mapper.
"""
from __future__ import annotations

import random

# Share of labels printed in the canonical wording (as in ``wording.CANONICAL_SHARE``: most cities keep
# the national template's wording for most labels).
CANONICAL_SHARE = 0.4

Pool = tuple[str, tuple[str, ...], tuple[str, ...]]  # (canonical, tune variants, held-out variants)

PROJECT: dict[str, Pool] = {
    "project_name": ("项目名称", ("项目 名称", "项目全称", "预算项目名称"), ("项目（资金）名称", "专项项目名称", "项 目 名 称")),
    "competent_department": ("主管部门", ("主管部门（单位）", "业务主管部门", "主管单位名称"),
                             ("归口主管部门", "预算主管单位", "主 管 部 门")),
    "implementing_unit": ("实施单位", ("项目执行单位", "实施单位名称", "项目承担单位名称"),
                          ("项目承担单位", "具体实施单位", "实施单位（盖章）")),
    "funds_section": ("项目资金", ("项目资金情况", "资金 情况", "资金投入"), ("项目资金来源", "资金安排情况", "年度资金")),
    "funds.total": ("年度资金总额", ("年度资金总额（合计）", "资金总额合计", "年度预算总额"),
                    ("年度资金合计", "年度资金总量", "本年度资金总额")),
    "funds.fiscal": ("其中：财政拨款", ("其中:财政拨款资金", "财政拨款资金", "其中：财政性资金"),
                     ("其中：本级财政拨款", "财政预算拨款", "其中 : 财政拨款")),
    "funds.other": ("其他资金", ("其他资金（自筹）", "其 他 资 金", "其他来源"), ("其中：其他资金", "单位自筹资金", "其他渠道资金")),
    "overall_goal": ("总体目标", ("年度总体目标概述", "项目年度目标", "绩效总目标"),
                     ("年度绩效总体目标", "项目总体绩效目标", "总 体 目 标")),
    "indicators": ("绩效指标", ("年度绩效指标", "绩效 指标"), ("项目绩效指标", "绩效指标体系")),
    "level1": ("一级指标", ("一级 指标", "一级指标名称"), ("一级指标项", "指标（一级）")),
    "level2": ("二级指标", ("二级 指标", "二级指标名称"), ("二级指标项", "指标（二级）")),
    "level3": ("三级指标", ("三级指标名称", "三级 指标"), ("三级指标项", "具体三级指标")),
    "target": ("指标值", ("年度目标值", "指 标 值", "指标值（年度）"), ("预期指标值", "绩效指标值", "指标目标值")),
}

INCOME: dict[str, Pool] = {
    "income_item": ("项目", ("收 入 类 别", "收入类别", "收入科目"), ("收入项目名称", "收入来源项目", "收入内容")),
    "expenditure_item": ("项目", ("支 出 科 目", "支出功能科目", "支出类别"), ("支出项目名称", "支出功能分类科目", "支出内容")),
    "amount": ("预算数", ("年初预算数", "预 算 数", "预算金额数"), ("本年预算金额", "预算安排数", "年初预算")),
    "income_year_total": ("本年收入合计", ("本年收入合计数", "本年 收入 合计", "本年收入小计"),
                          ("本年度收入合计", "当年收入合计", "收入本年合计")),
    "income_carried": ("上年结转", ("上年结转资金", "上年结转和结余", "上年结余结转"), ("用上年结余", "年初结转结余", "上年结转（结余）")),
    "income_total": ("收入总计", ("收 入 总 计", "收入总计数", "收入合计总计"), ("收入总额", "收入共计", "收入总计（合计）")),
    "expenditure_year_total": ("本年支出合计", ("本年支出合计数", "本年 支出 合计", "本年支出小计"),
                               ("本年度支出合计", "当年支出合计", "支出本年合计")),
    "expenditure_carried": ("结转下年", ("年末结转结余", "结转下年资金", "结转下年使用"),
                            ("年末结转和结余资金", "结转下年度", "年终结转")),
    "expenditure_total": ("支出总计", ("支 出 总 计", "支出总计数", "支出合计总计"), ("支出总额", "支出共计", "支出总计（合计）")),
}

EXPENDITURE: dict[str, Pool] = {
    "code": ("科目编码", ("科目 编码", "功能科目编码", "科目编号"), ("功能分类编码", "支出科目编码", "功能科目代码")),
    "name": ("科目名称", ("功能科目名称", "科目 名称", "支出科目名称"), ("功能分类名称", "支出功能科目名称", "科 目 名 称")),
    "total": ("合计", ("合 计", "金额合计", "合计数额"), ("合计数", "本年合计", "合计金额")),
    "basic": ("基本支出", ("基本 支出", "基本经费", "基本支出数额"), ("基本支出合计", "人员和公用经费", "基本支出数")),
    "project": ("项目支出", ("项目 支出", "项目经费", "专项支出"), ("项目支出合计", "项目支出数", "业务项目支出")),
    "grand_total": ("合计", ("合 计", "支出总计", "总 合 计"), ("合计数", "本年支出合计", "总计数")),
}

THREE_PUBLIC: dict[str, Pool] = {
    "item": ("项目", ("项 目", "经费项目"), ("支出项目", "费用项目")),
    "amount": ("预算数", ("年初预算数", "预 算 数"), ("本年预算", "预算安排数")),
    "total": ("合计", ("合 计", "“三公”经费合计"), ("三公经费合计", "合计数")),
    "abroad": ("因公出国（境）费", ("因公出国(境)费", "因公出国（境）经费"), ("出国（境）费", "因公出国境费用")),
    "reception": ("公务接待费", ("公务 接待费", "公务接待经费"), ("国内公务接待费", "接待费")),
    "vehicles": ("公务用车购置及运行费", ("公务用车购置及运行维护费", "公务用车费"), ("公务用车购置和运行费", "公车购置及运行费")),
    "purchase": ("公务用车购置费", ("其中：公务用车购置费", "购置费"), ("1.公务用车购置费", "车辆购置费")),
    "running": ("公务用车运行费", ("其中：公务用车运行费", "运行费"), ("2.公务用车运行维护费", "车辆运行维护费")),
}

UNIT_NOTES = {"tune": ("单位：{u}", "金额单位：{u}"), "heldout": ("（单位：{u}）", "单位:{u}", "货币单位：{u}")}


def pick(rng: random.Random, pools: dict[str, Pool], split: str) -> dict[str, str]:
    """One wording per key for a document of ``split``; sometimes wrapped over two lines (Alt+Enter)."""
    out = {}
    for key, (canonical, tune, held) in pools.items():
        text = canonical if rng.random() < CANONICAL_SHARE else rng.choice(held if split == "heldout" else tune)
        if len(text) >= 6 and " " not in text and rng.random() < 0.15:
            k = len(text) // 2
            text = text[:k] + "\n" + text[k:]
        out[key] = text
    return out


def all_variants(pools: dict[str, Pool]) -> set[str]:
    return {v for _, tune, held in pools.values() for v in (*tune, *held)}
