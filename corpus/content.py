"""Random but plausible form content, built from structured values so the truth never needs a parser.

Amounts are drawn in yuan (multiples of 100, so they print exactly in 万元 with two decimals) and obey the
identities of the real forms:
- 基本支出 + 项目支出 + 财政专项资金 + 其他事业发展性支出 = 财政拨款 + 其他资金 (the last two terms exist
  only where the form has the 事业发展性支出 rows; the Dongguan form satisfies this);
- 市本级使用资金 + 拟用于对下转移支付资金 = 财政专项资金 + 其他事业发展性支出 (same forms);
- without those rows (Jieyang family) 项目支出 = the sum of all task amounts; with them the sum of task
  amounts is at most 项目支出 + 财政专项资金 + 其他事业发展性支出.
Indicator targets are rendered from (comparator, min, max, unit) with the project's parse rules in mind.
"""
from __future__ import annotations

import random
from decimal import Decimal

from corpus.layout import FormStyle
from corpus.truth import BudgetTruth, FormTruth, IndicatorTruth, TaskTruth, plain_decimal

REGIONS = ["东莞市", "揭阳市", "广州市", "深圳市", "佛山市", "珠海市", "汕头市", "惠州市", "中山市", "江门市",
           "湛江市", "茂名市", "肇庆市", "梅州市", "清远市", "韶关市", "潮州市", "河源市", "阳江市", "云浮市"]
DEPTS = ["应急管理", "教育", "民政", "司法", "财政", "人力资源和社会保障", "自然资源", "生态环境", "住房和城乡建设",
         "交通运输", "水务", "农业农村", "商务", "文化广电旅游体育", "卫生健康", "市场监督管理", "统计",
         "医疗保障", "城市管理和综合执法", "林业"]
TOPICS = ["业务培训", "宣传推广", "信息化运维服务", "安全生产专项检查", "执法装备购置", "课题调研", "第三方技术服务",
          "应急演练", "档案数字化", "公共服务平台建设", "监测预警系统运维", "专家评审", "标准化建设", "法律顾问服务",
          "质量抽检", "统计调查", "队伍能力建设", "基础设施维护", "数据共享平台", "志愿服务"]
KINDS = ["项目", "专项经费", "工作经费", "服务项目", "建设项目"]
VERBS = ["完成", "组织开展", "持续推进", "委托第三方机构开展", "统筹做好", "全面落实"]
OBJECTS = ["全市重点企业", "各镇街", "基层单位", "相关从业人员", "辖区群众", "重点行业领域", "市直各单位"]
AIMS = ["提高工作效率", "保障系统稳定运行", "提升服务水平", "防范化解重大风险", "增强群众获得感",
        "推动工作规范化、标准化", "确保各项任务按期完成", "保障人民群众生命财产安全"]
TEXT_TARGETS = ["有效提高", "显著提升", "持续改善", "有效强化", "符合文件要求", "按计划完成", "逐步提高",
                "提高社会安全意识，保障人民群众生命财产安全", "促进经济社会全面协调可持续发展"]
NUMERIC = {  # level2 -> [(三级指标, unit, kind)]; kind: pct (higher is better) | pct_low | count | time
    "数量指标": [("培训人次", "人次", "count"), ("检查企业数量", "家", "count"), ("开展演练次数", "次", "count"),
             ("宣传活动场次", "场", "count"), ("购置设备数量", "台", "count"), ("覆盖镇街数量", "个", "count"),
             ("培训项目数量", "个培训项目", "count")],
    "质量指标": [("验收合格率", "%", "pct"), ("培训合格率", "%", "pct"), ("检查覆盖率", "%", "pct"),
             ("群众投诉率", "%", "pct_low")],
    "时效指标": [("完成及时率", "%", "pct"), ("应急处置到达时间", "小时", "time"), ("问题整改及时率", "%", "pct")],
    "成本指标": [("项目成本控制率", "%", "pct"), ("预算超支率", "%", "pct_low")],
    "经济效益指标": [("理赔额达标率", "%", "pct")],
    "服务对象满意度指标": [("群众满意度", "%", "pct"), ("培训对象满意度", "%", "pct"), ("服务对象满意度", "%", "pct")],
}
TEXTUAL = {"社会效益指标": ["应急处突能力提升", "提高管理水平", "宣传效果", "社会安全意识"],
           "生态效益指标": ["环境质量改善", "森林防火"],
           "可持续影响指标": ["长效机制建设", "服务水平持续提升", "制度体系完善"],
           "质量指标": ["工作质量", "培训质量"], "经济效益指标": ["资金使用效益"]}
LEVELS = [("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
          ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
          ("满意度指标", ["服务对象满意度指标"])]


def _amount(rng: random.Random, lo: int, hi: int) -> Decimal:
    """A yuan amount, a multiple of 100 (0.01 万元)."""
    return Decimal(rng.randint(lo // 100, hi // 100) * 100)


def _money(d: Decimal) -> str:
    return str(d.quantize(Decimal("0.01")))


def make_tasks(rng: random.Random, n: int, style: FormStyle, start_seq: int, other: bool = False) -> list[TaskTruth]:
    """Tasks; 其他需完成的任务 have no 期望达到的目标 column (its header cell is blank on the real form)."""
    tasks = []
    for i in range(n):
        topic = rng.choice(TOPICS)
        content = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}{topic}工作" + "".join(
            f"，{rng.choice(VERBS)}{rng.choice(OBJECTS)}{rng.choice(TOPICS)}" for _ in range(rng.randint(0, 4))) + "。"
        outcome = "，".join(rng.sample(AIMS, rng.randint(1, 3))) + "。" if style.outcome and not other else None
        tasks.append(TaskTruth(seq=start_seq + i if style.seq else i + 1, name=f"{topic}{rng.choice(KINDS)}",
                               content=content, amount=_money(_amount(rng, 20_000, 12_000_000)),
                               expected_outcome=outcome))
    return tasks


def make_budget(rng: random.Random, style: FormStyle, tasks_total: Decimal) -> BudgetTruth:
    basic = _amount(rng, 2_000_000, 90_000_000)
    special = _amount(rng, 0, 20_000_000) if style.dev_rows else Decimal(0)
    other_dev = _amount(rng, 0, 2_000_000) if style.dev_rows else Decimal(0)
    project = tasks_total
    if style.dev_rows:  # tasks fit in 项目支出 + 事业发展性支出, not always in 项目支出 alone (as in Dongguan)
        project = max(_amount(rng, 1_000_000, 60_000_000), tasks_total - special - other_dev)
    total = basic + project + special + other_dev
    other = rng.choice([Decimal(0), _amount(rng, 0, int(total) // 5)])
    b = BudgetTruth(basic_expenditure=_money(basic), project_expenditure=_money(project),
                    fiscal_appropriation=_money(total - other), other_funds=_money(other))
    if style.dev_rows:
        transfer = rng.choice([Decimal(0), _amount(rng, 0, int(special + other_dev))])
        b = b.model_copy(update={"special_funds": _money(special), "other_development_expenditure": _money(other_dev),
                                 "municipal_funds": _money(special + other_dev - transfer),
                                 "transfer_funds": _money(transfer)})
    return b


def _numeric_target(rng: random.Random, kind: str, cols: bool) -> tuple[str, Decimal, Decimal]:
    """(comparator, min, max) for a numeric indicator; ranges only where a single target column prints them."""
    if kind == "pct":
        comp = rng.choice(["=", "≥", "≥"])
        v = 100 if comp == "=" else rng.choice([80, 85, 90, 95, 98, Decimal("99.5")])
        return comp, Decimal(v), Decimal(v)
    if kind == "pct_low":
        v = Decimal(rng.choice([1, 2, 5, 10]))
        return "≤", v, v
    if kind == "time":
        v = Decimal(rng.choice([1, 2, 3, 24, 48]))
        return "≤", v, v
    lo = Decimal(rng.randint(2, 3000))
    comp = rng.choice(["=", "≥", "≈", ">"] + ([] if cols else ["≈range"]))
    if comp == "≈range":
        return "≈", lo, lo + rng.randint(5, 800)
    return comp, lo, lo


def target_text(comp: str, lo: Decimal, hi: Decimal, unit: str, rng: random.Random) -> str:
    """How a single target cell prints a structured target (约650-714家, ≥90%, 100%, 11个培训项目)."""
    a, b = plain_decimal(lo), plain_decimal(hi)
    if comp == "≈":
        core = f"{a}-{b}" if lo != hi else a
        prefix = "约" if lo == hi or rng.random() < 0.7 else ""  # a bare range reads as ≈ too
        return f"{prefix}{core}{unit}"
    return f"{'' if comp == '=' else comp}{a}{unit}"


def make_indicator(rng: random.Random, l1: str, l2: str, style: FormStyle) -> IndicatorTruth:
    cols = style.comparator_cols
    numeric = NUMERIC.get(l2, [])
    if numeric and (l2 not in TEXTUAL or rng.random() < 0.7):
        name, unit, kind = rng.choice(numeric)
        comp, lo, hi = _numeric_target(rng, kind, cols)
        if cols:
            value = plain_decimal(lo)
            return IndicatorTruth(level1=l1, level2=l2, level3=name, explanation=f"反映{name}情况", comparator=comp,
                                  annual_target=value, unit=unit, value_min=value, value_max=value)
        text = target_text(comp, lo, hi, unit, rng)
        return IndicatorTruth(level1=l1, level2=l2, level3=name, comparator=comp, annual_target=text,
                              period_target=text, unit=unit, value_min=plain_decimal(lo), value_max=plain_decimal(hi))
    name = rng.choice(TEXTUAL.get(l2, ["工作成效"]))
    text = rng.choice(TEXT_TARGETS)
    if cols:
        return IndicatorTruth(level1=l1, level2=l2, level3=name, explanation=f"反映{name}情况", annual_target=text)
    return IndicatorTruth(level1=l1, level2=l2, level3=name, annual_target=text, period_target=text)


def make_indicators(rng: random.Random, style: FormStyle) -> list[IndicatorTruth]:
    """Indicator rows as printed: some level2 groups left empty (a bare 成本指标 row, skipped by truth)."""
    rows = []
    for l1, level2s in LEVELS:
        for l2 in level2s:
            n = rng.choice([0, 1, 1, 2, 2, 3]) if l2 != "数量指标" else rng.randint(1, 4)
            if n == 0:
                if rng.random() < 0.6:
                    rows.append(IndicatorTruth(level1=l1, level2=l2))
                continue
            rows += [make_indicator(rng, l1, l2, style) for _ in range(n)]
    return rows


def make_goals(rng: random.Random, dept: str) -> list[str]:
    n = rng.randint(1, 4)
    numbering = rng.choice(["目标{}：", "目标{}:", "{}、", "{}."])
    goals = []
    for i in range(n):
        body = "，".join(f"{rng.choice(VERBS)}{rng.choice(TOPICS)}" for _ in range(rng.randint(2, 5)))
        goals.append(f"{numbering.format(i + 1)}{body}，{rng.choice(AIMS)}，推动{dept}各项工作高质量发展。")
    return goals


def make_form(rng: random.Random, style: FormStyle, year: int, region: str, dept_core: str) -> FormTruth:
    dept = f"{region}{dept_core}局"
    key = make_tasks(rng, rng.randint(1, 7), style, 1)
    other = make_tasks(rng, rng.choice([0, 0, 1, 2, 4]), style, len(key) + 1, other=True)
    total = sum((Decimal(t.amount) for t in key + other if t.amount), Decimal(0))
    title = (f"{region}部门整体预算绩效目标表" if style.year_line
             else rng.choice([f"{region}{year}年市直部门整体预算绩效目标表", f"{region}{year}年部门整体预算绩效目标表"]))
    return FormTruth(
        title=title, region=region, year=year, department=dept,
        competent_department=dept_core if style.competent else None,
        staff_count=rng.randint(8, 900), subordinate_units=rng.randint(0, 12),
        budget=make_budget(rng, style, total), overall_goals=make_goals(rng, dept),
        key_tasks=key, other_tasks=other, indicators=make_indicators(rng, style))
