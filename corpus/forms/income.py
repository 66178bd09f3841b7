"""部门收支总表: income lines beside expenditure lines; 本年合计 + 结转 = 总计 on each side, and they balance."""
from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from corpus.content import DEPTS, REGIONS
from corpus.forms.common import Generated, Label, Split, amount, money_style, page_style, split_total, wording, yuan_str
from corpus.render import Paragraph, TableBlock, Title
from corpus.sheet import Sheet

FORM = "department_income_expenditure"
INCOME = ["一、一般公共预算拨款收入", "二、政府性基金预算拨款收入", "三、国有资本经营预算拨款收入", "四、财政专户管理资金收入",
          "五、事业收入", "六、上级补助收入", "七、附属单位上缴收入", "八、事业单位经营收入", "九、其他收入"]
SPEND = ["一、一般公共服务支出", "二、公共安全支出", "三、教育支出", "四、科学技术支出", "五、文化旅游体育与传媒支出",
         "六、社会保障和就业支出", "七、卫生健康支出", "八、节能环保支出", "九、城乡社区支出", "十、农林水支出",
         "十一、交通运输支出", "十二、住房保障支出", "十三、灾害防治及应急管理支出"]
LABELS = {
    "income_item": Label(("项目", "收入项目"), ("项 目", "收入项目名称", "收入类别"), ("收入项目（按来源）", "收 入 项 目", "收入来源")),
    "expenditure_item": Label(("项目", "支出项目"), ("项 目", "支出项目名称", "支出功能分类"), ("支出项目（按功能）", "支 出 项 目", "支出科目")),
    "amount": Label(("预算数", "金额"), ("年初预算数", "预 算 数", "预算数（合计）"), ("本年预算", "预算金额（本年）", "全年预算数")),
    "income_year_total": Label(("本年收入合计",), ("本年收入合计数", "收入本年合计", "本 年 收 入 合 计"), ("本年收入小计", "当年收入合计", "收入合计（本年）")),
    "income_carried": Label(("上年结转",), ("上年结转资金", "上年结转和结余", "用上年结余"), ("上年结转结余资金", "上年结转收入", "年初结转和结余")),
    "income_total": Label(("收入总计",), ("收 入 总 计", "收入总计数", "全年收入总计"), ("收入总额", "收入总 计", "收入合计总计")),
    "expenditure_year_total": Label(("本年支出合计",), ("本年支出合计数", "支出本年合计", "本 年 支 出 合 计"), ("本年支出小计", "当年支出合计", "支出合计（本年）")),
    "expenditure_carried": Label(("结转下年",), ("年末结转结余", "结转下年资金", "结转下年使用"), ("结转下年支出", "年末结转", "结转和结余")),
    "expenditure_total": Label(("支出总计",), ("支 出 总 计", "支出总计数", "全年支出总计"), ("支出总额", "支出总 计", "支出合计总计")),
}


def truth_data(title: str, year: int, inc_names: list[str], inc: list[Decimal], exp_names: list[str],
               exp: list[Decimal], total: Decimal, cin: Decimal, cout: Decimal) -> dict[str, Any]:
    """The form's truth: both sides' lines, the year's totals, carried-over amounts and grand totals (yuan)."""
    return {
        "title": title, "year": year,
        "income": [{"income_item": a, "income_amount": yuan_str(v)} for a, v in zip(inc_names, inc)],
        "expenditure": [{"expenditure_item": a, "expenditure_amount": yuan_str(v)} for a, v in zip(exp_names, exp)],
        "income_year_total": {"income_amount": yuan_str(total - cin)},
        "income_carried": {"income_amount": yuan_str(cin)},
        "income_total": {"income_amount": yuan_str(total)},
        "expenditure_year_total": {"expenditure_amount": yuan_str(total - cout)},
        "expenditure_carried": {"expenditure_amount": yuan_str(cout)},
        "expenditure_total": {"expenditure_amount": yuan_str(total)},
    }


def make(rng: random.Random, split: Split) -> Generated:
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    money = money_style(rng)
    inc_names = [INCOME[0]] + sorted(rng.sample(INCOME[1:], rng.randint(1, 4)), key=INCOME.index)
    exp_names = sorted(rng.sample(SPEND, rng.randint(2, 7)), key=SPEND.index)
    total = amount(rng, 1_000_000, 200_000_000)
    cin = amount(rng, 0, int(total) // 5) if rng.random() < 0.6 else Decimal(0)
    cout = amount(rng, 0, int(total) // 6) if rng.random() < 0.5 else Decimal(0)
    inc = split_total(rng, total - cin, len(inc_names))
    exp = split_total(rng, total - cout, len(exp_names))
    lab = {k: wording(rng, v, split) for k, v in LABELS.items()}
    amount_label = wording(rng, LABELS["amount"], split)
    unit_in_header = rng.random() < 0.4 and "（" not in amount_label
    if unit_in_header:
        amount_label += f"（{money.unit}）"
    e = [0, round(rng.uniform(0.3, 0.36), 3), 0.5, round(rng.uniform(0.8, 0.86), 3), 1.0]
    sheet = Sheet()
    if rng.random() < 0.6:
        sheet.add_row([(e[0], e[2], "收 入" if rng.random() < 0.5 else "收入"),
                       (e[2], e[4], "支 出" if rng.random() < 0.5 else "支出")], "center", "header")
    sheet.add_row([(e[0], e[1], lab["income_item"]), (e[1], e[2], amount_label),
                   (e[2], e[3], lab["expenditure_item"]), (e[3], e[4], amount_label)], "center", "header")
    n = max(len(inc_names), len(exp_names))
    for i in range(n):
        left = (inc_names[i], money.show(inc[i])) if i < len(inc_names) else ("", "")
        right = (exp_names[i], money.show(exp[i])) if i < len(exp_names) else ("", "")
        sheet.add_row([(e[0], e[1], left[0]), (e[1], e[2], left[1]), (e[2], e[3], right[0]), (e[3], e[4], right[1])])
    for a, va, b, vb in (("income_year_total", total - cin, "expenditure_year_total", total - cout),
                         ("income_carried", cin, "expenditure_carried", cout),
                         ("income_total", total, "expenditure_total", total)):
        sheet.add_row([(e[0], e[1], lab[a]), (e[1], e[2], money.show(va)), (e[2], e[3], lab[b]),
                       (e[3], e[4], money.show(vb))])
    title = rng.choice([f"{year}年部门收支总表", f"{region}{dept}局{year}年部门收支总表", f"{year}年部门收支预算总表"])
    blocks: list = [Title(title, rng.choice([15.0, 16.0, 18.0]))]
    if not unit_in_header:
        blocks.append(Paragraph(f"单位：{money.unit}", 10.0, indent=False))
    blocks.append(TableBlock(sheet, rng.choice([9.5, 10.0, 10.5])))
    data = truth_data(title, year, inc_names, inc, exp_names, exp, total, cin, cout)
    return Generated(FORM, blocks, data, page_style(rng),
                     {"split": split, "money": f"{money.unit}/{money.fmt}", "unit_in_header": unit_in_header})
