"""项目支出绩效目标表: project, units, funds by source, overall goal, three-level indicators."""
from __future__ import annotations

import random
from decimal import Decimal

from corpus.content import DEPTS, KINDS, LEVELS, NUMERIC, REGIONS, TEXT_TARGETS, TEXTUAL, TOPICS
from corpus.forms.common import Generated, Label, Split, amount, money_style, page_style, wording, yuan_str
from corpus.render import Paragraph, TableBlock, Title
from corpus.sheet import Sheet, SheetCell

FORM = "project_performance_targets"
LABELS = {
    "project_name": Label(("项目名称",), ("预算项目名称", "项 目 名 称", "项目名称（全称）"), ("项目名 称", "资金项目名称", "专项名称")),
    "competent_department": Label(("主管部门", "项目主管部门"), ("主管部门及代码", "预算主管部门", "主管部门（单位）"), ("一级主管部门", "主管部门名称", "主管单位")),
    "implementing_unit": Label(("实施单位", "项目实施单位"), ("具体实施单位", "项目执行单位", "项目实施单位名称"), ("实施单位名称", "项目承担单位", "实施单位（盖章）")),
    "funds.total": Label(("年度资金总额", "资金总额"), ("年度资金总数", "资金总额合计", "年度资金总额（合计）"), ("项目总投入", "年度预算资金总额", "资金总额（{unit}）")),
    "funds.fiscal": Label(("其中：财政拨款", "财政拨款"), ("其中:财政拨款资金", "当年财政拨款", "财政拨款（含结转）"), ("其中：财政资金", "财政拨款资金", "本级财政拨款")),
    "funds.other": Label(("其他资金",), ("其他来源", "自筹及其他资金", "其 他 资 金"), ("其中：其他资金", "其他渠道资金", "单位自筹")),
    "overall_goal": Label(("总体目标", "年度总体目标"), ("项目年度总体目标", "总体绩效目标", "年度总体目标（概述）"), ("项目总体目标（年度）", "年度目标", "绩效总目标")),
    "level1": Label(("一级指标",), ("一级 指标", "一级指标名称"), ("一级", "一级指标项")),
    "level2": Label(("二级指标",), ("二级 指标", "二级指标名称"), ("二级", "二级指标项")),
    "level3": Label(("三级指标",), ("三级指标（名称）", "三级指标名称"), ("三级指标内容", "具体指标")),
    "target": Label(("指标值", "年度指标值"), ("年度目标值", "指标值（包含数字及文字描述）", "指 标 值"), ("指标目标值", "预期指标值", "年度指标值（目标）")),
}
FUND_KEYS = ("funds.total", "funds.fiscal", "funds.other")
FUNDS_SECTION = ("项目资金", "资金情况", "项目资金情况")
INDICATOR_SECTION = ("绩效指标", "年度绩效指标", "绩效目标指标")
CMP_PRINT = {"≥": ("≥", "≧", ">="), "≤": ("≤", "≦", "<="), "=": ("=", "")}
WILD_CMP = ("≧", "≦")  # drawn only in fonts that have them (wqy-zenhei, uming; not droid)
WILD_FONTS = ("wqy-zenhei", "uming")


def _target(rng: random.Random, level2: str, wild: bool) -> tuple[str, dict]:
    """(printed target, truth of its comparator/bounds/unit)."""
    if level2 in TEXTUAL and (level2 not in NUMERIC or rng.random() < 0.3):
        return rng.choice(TEXT_TARGETS), {"comparator": None, "value_min": None, "value_max": None, "unit": None}
    name, unit, kind = rng.choice(NUMERIC[level2])
    if kind == "count" and rng.random() < 0.2:
        a = rng.randint(10, 600)
        b = a + rng.randint(5, 80)
        return f"约{a}-{b}{unit}", {"comparator": "≈", "value_min": str(a), "value_max": str(b), "unit": unit,
                                     "name": name}
    cmp = {"pct": "≥", "pct_low": "≤", "count": "≥", "time": "≤"}[kind]
    if kind == "pct" and rng.random() < 0.25:
        cmp, v = "=", 100
    else:
        v = rng.choice([85, 90, 95, 98]) if kind == "pct" else rng.choice([1, 2, 3, 5]) if kind == "pct_low" \
            else rng.randint(2, 48) if kind == "time" else rng.randint(3, 900)
    printed = rng.choice([c for c in CMP_PRINT[cmp] if wild or c not in WILD_CMP])
    return f"{printed}{v}{unit}", {"comparator": cmp, "value_min": str(v), "value_max": str(v), "unit": unit,
                                   "name": name}


def _indicators(rng: random.Random, wild: bool) -> list[dict]:
    out = []
    for level1, level2s in LEVELS:
        for level2 in rng.sample(level2s, rng.randint(1, min(2, len(level2s)))):
            for _ in range(rng.randint(1, 2)):
                text, parsed = _target(rng, level2, wild)
                name = parsed.pop("name", None) or rng.choice(TEXTUAL.get(level2, ["工作成效"]))
                # the target's truth folds ≧/≦ to ≥/≤ (one symbol, two glyphs); the page prints it as drawn
                out.append({"level1": level1, "level2": level2, "level3": name, "target": text, **parsed})
    return out


def _indicator_rows(sheet: Sheet, items: list[dict], labels: dict, x0: float, section: str | None) -> None:
    e = [x0, x0 + (1 - x0) * 0.18, x0 + (1 - x0) * 0.40, x0 + (1 - x0) * 0.72, 1.0]
    top = sheet.add_row([(e[0], e[1], labels["level1"]), (e[1], e[2], labels["level2"]),
                         (e[2], e[3], labels["level3"]), (e[3], e[4], labels["target"])], "center", "header")
    if section is not None:
        sheet.add_cell(SheetCell(top, 0.0, x0, section, len(items) + 1, "center", "label"))
    r = top + 1
    groups: list[tuple[int, int, str, str]] = []
    for i, it in enumerate(items):
        sheet.add_cell(SheetCell(r + i, e[2], e[3], it["level3"]))
        sheet.add_cell(SheetCell(r + i, e[3], e[4], it["target"]))
        if groups and groups[-1][2] == it["level1"] and groups[-1][3] == it["level2"]:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1, it["level1"], it["level2"])
        else:
            groups.append((r + i, 1, it["level1"], it["level2"]))
    l1: dict[str, list[int]] = {}
    for start, n, a, b in groups:
        sheet.add_cell(SheetCell(start, e[1], e[2], b, n, "center"))
        l1.setdefault(a, [start, 0])[1] += n
    for a, (start, n) in l1.items():
        sheet.add_cell(SheetCell(start, e[0], e[1], a, n, "center"))


def make(rng: random.Random, split: Split) -> Generated:
    page = page_style(rng)
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    project = f"{rng.choice(TOPICS)}{rng.choice(KINDS)}"
    units_in = rng.choice(["label", "section", "note"])
    money = money_style(rng)
    other = amount(rng, 0, 3_000_000) if rng.random() < 0.6 else Decimal(0)
    fiscal = amount(rng, 100_000, 30_000_000)
    total = fiscal + other
    goal = (f"{rng.choice(['1、', '目标1：', ''])}通过{project}，{rng.choice(['全面提升', '有效保障', '持续推进'])}"
            f"{dept}领域{rng.choice(['服务能力', '工作质量', '管理水平'])}，确保年度任务按期完成。")
    items = _indicators(rng, page.font in WILD_FONTS)
    labels = {k: wording(rng, v, split).replace("{unit}", money.unit) for k, v in LABELS.items()}
    unit_sfx = f"（{money.unit}）"
    sheet = Sheet()
    lw = round(rng.uniform(0.16, 0.22), 3)
    sheet.add_row([(0, lw, labels["project_name"]), (lw, 1.0, project)])
    mid = round(rng.uniform(0.5, 0.6), 3)
    sheet.add_row([(0, lw, labels["competent_department"]), (lw, mid, f"{region}{dept}局"),
                   (mid, mid + 0.15, labels["implementing_unit"]), (mid + 0.15, 1.0, f"{region}{dept}事务中心")])
    sec = rng.choice(FUNDS_SECTION) + (unit_sfx if units_in == "section" else "")
    r0 = sheet.n_rows
    sheet.add_cell(SheetCell(r0, 0, lw, sec, 3, "center", "label"))
    for r, key, val in zip(range(r0, r0 + 3), FUND_KEYS, (total, fiscal, other)):
        label = labels[key] + (unit_sfx if units_in == "label" and "（" not in labels[key] else "")
        sheet.add_cell(SheetCell(r, lw, mid, label))
        sheet.add_cell(SheetCell(r, mid, 1.0, money.show(val), 1, "right"))
    sheet.add_row([(0, lw, labels["overall_goal"]), (lw, 1.0, goal)])
    separate = rng.random() < 0.3
    blocks: list = []
    year_line = rng.random() < 0.4
    blocks.append(Title("项目支出绩效目标表" if year_line else f"{year}年度项目支出绩效目标表", rng.choice([15.0, 16.0, 18.0])))
    if year_line:
        blocks.append(Paragraph(f"（{year}年度）", 11.0, indent=False))
    if units_in == "note" or (units_in == "label" and any("（" in labels[k] for k in FUND_KEYS)):
        blocks.append(Paragraph(f"单位：{money.unit}", 10.0, indent=False))
    if separate:
        blocks.append(TableBlock(sheet, rng.choice([9.5, 10.0, 10.5])))
        ind = Sheet()
        _indicator_rows(ind, items, labels, 0.0, None)
        blocks.append(TableBlock(ind, rng.choice([9.5, 10.0, 10.5])))
    else:
        _indicator_rows(sheet, items, labels, lw, rng.choice(INDICATOR_SECTION))
        blocks.append(TableBlock(sheet, rng.choice([9.5, 10.0, 10.5])))
    fold = str.maketrans({"≧": "≥", "≦": "≤"})
    truth_items = [{**it, "target": it["target"].translate(fold)} for it in items]
    data = {"title": None, "year": year, "project_name": project, "competent_department": f"{region}{dept}局",
            "implementing_unit": f"{region}{dept}事务中心",
            "funds": {"total": yuan_str(total), "fiscal": yuan_str(fiscal), "other": yuan_str(other)},
            "overall_goal": goal, "indicators": truth_items}
    title = blocks[0].text
    data["title"] = title
    return Generated(FORM, blocks, data, page,
                     {"split": split, "units_in": units_in, "money": f"{money.unit}/{money.fmt}",
                      "indicators_separate": separate})
