"""一般公共预算支出表 / 部门支出总表: 类/款/项 codes and names; 合计 = 基本支出 + 项目支出; parents = Σ children."""
from __future__ import annotations

import random
from decimal import Decimal

from corpus.content import DEPTS, REGIONS
from corpus.forms.common import Generated, Label, Split, amount, money_style, page_style, wording, yuan_str
from corpus.render import Paragraph, TableBlock, Title
from corpus.sheet import Sheet

FORM = "general_budget_expenditure"
CLASSES = {  # 类 -> (name, {款 -> (name, {项 -> name})})
    "201": ("一般公共服务支出", {"20101": ("人大事务", {"2010101": "行政运行", "2010102": "一般行政管理事务"}),
                          "20103": ("政府办公厅（室）及相关机构事务", {"2010301": "行政运行", "2010350": "事业运行"})}),
    "208": ("社会保障和就业支出", {"20805": ("行政事业单位养老支出", {"2080501": "行政单位离退休",
                                                         "2080505": "机关事业单位基本养老保险缴费支出"}),
                            "20808": ("抚恤", {"2080801": "死亡抚恤"})}),
    "210": ("卫生健康支出", {"21011": ("行政事业单位医疗", {"2101101": "行政单位医疗", "2101103": "公务员医疗补助"})}),
    "221": ("住房保障支出", {"22102": ("住房改革支出", {"2210201": "住房公积金", "2210203": "购房补贴"})}),
    "224": ("灾害防治及应急管理支出", {"22401": ("应急管理事务", {"2240101": "行政运行", "2240106": "安全监管",
                                                      "2240108": "应急救援"}),
                              "22407": ("自然灾害救灾及恢复重建支出", {"2240703": "自然灾害救灾补助"})}),
}
LABELS = {
    "code": Label(("科目编码", "功能分类科目编码"), ("功能科目编码", "科 目 编 码", "支出功能分类编码"), ("科目代码（功能分类）", "功能分类编码", "编码")),
    "name": Label(("科目名称", "功能分类科目名称"), ("功能科目名称", "科 目 名 称", "支出功能分类名称"), ("功能分类名称", "科目名 称", "名称")),
    "total": Label(("合计", "小计"), ("合 计", "合计（{unit}）", "支出合计"), ("合计数", "总计", "本年合计")),
    "basic": Label(("基本支出",), ("基本 支出", "基本支出（人员+公用）", "基本经费"), ("基本支出合计", "基本", "人员和公用经费")),
    "project": Label(("项目支出",), ("项目 支出", "项目支出（专项）", "项目经费"), ("项目支出合计", "项目", "专项支出")),
    "grand_total": Label(("合计", "总计"), ("合 计", "总 计", "支出合计"), ("合计数", "全部合计", "本年合计")),
}


def _rows(rng: random.Random, money_blank_zero: bool) -> list[dict]:
    """Rows in print order (类, its 款, each 款's 项), amounts of parents summed from their 项."""
    out = []
    for code in sorted(rng.sample(sorted(CLASSES), rng.randint(2, 4))):
        name, kuans = CLASSES[code]
        crow = {"code": code, "name": name}
        out.append(crow)
        picks = sorted(rng.sample(sorted(kuans), rng.randint(1, len(kuans))))
        sums = [Decimal(0), Decimal(0)]
        for k in picks:
            kname, xiangs = kuans[k]
            krow = {"code": k, "name": kname}
            out.append(krow)
            ksum = [Decimal(0), Decimal(0)]
            for x in sorted(rng.sample(sorted(xiangs), rng.randint(1, len(xiangs)))):
                basic = amount(rng, 0, 8_000_000) if rng.random() < 0.8 else Decimal(0)
                project = amount(rng, 0, 5_000_000) if rng.random() < 0.5 else Decimal(0)
                out.append({"code": x, "name": xiangs[x], "basic_d": basic, "project_d": project})
                ksum = [ksum[0] + basic, ksum[1] + project]
            krow.update(basic_d=ksum[0], project_d=ksum[1])
            sums = [sums[0] + ksum[0], sums[1] + ksum[1]]
        crow.update(basic_d=sums[0], project_d=sums[1])
    return out


def make(rng: random.Random, split: Split) -> Generated:
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    money = money_style(rng)
    blank_zero = rng.random() < 0.5
    rows = _rows(rng, blank_zero)
    lab = {k: wording(rng, v, split, mess=0.0).replace("{unit}", money.unit) for k, v in LABELS.items()}
    indent = rng.random() < 0.5
    e = [0, round(rng.uniform(0.14, 0.18), 3), round(rng.uniform(0.48, 0.55), 3), 0.68, 0.84, 1.0]
    sheet = Sheet()
    sheet.add_row([(e[0], e[1], lab["code"]), (e[1], e[2], lab["name"]), (e[2], e[3], lab["total"]),
                   (e[3], e[4], lab["basic"]), (e[4], e[5], lab["project"])], "center", "header")

    def shown(d: Decimal) -> str:
        return "" if blank_zero and d == 0 else money.show(d)

    def truth(d: Decimal) -> str | None:
        return None if blank_zero and d == 0 else yuan_str(d)

    tb = sum((r["basic_d"] for r in rows if len(r["code"]) == 3), Decimal(0))
    tp = sum((r["project_d"] for r in rows if len(r["code"]) == 3), Decimal(0))
    total_first = rng.random() < 0.6
    total_row = [(e[0], e[2], lab["grand_total"]), (e[2], e[3], shown(tb + tp)), (e[3], e[4], shown(tb)),
                 (e[4], e[5], shown(tp))]
    if total_first:
        sheet.add_row(total_row, "center")
    for r in rows:
        pad = "  " * ((len(r["code"]) - 3) // 2) if indent else ""
        sheet.add_row([(e[0], e[1], r["code"]), (e[1], e[2], pad + r["name"]),
                       (e[2], e[3], shown(r["basic_d"] + r["project_d"])), (e[3], e[4], shown(r["basic_d"])),
                       (e[4], e[5], shown(r["project_d"]))])
    if not total_first:
        sheet.add_row(total_row, "center")
    title = rng.choice([f"{year}年一般公共预算支出表", f"{region}{dept}局{year}年部门支出总表",
                        f"{year}年一般公共预算财政拨款支出表"])
    blocks: list = [Title(title, rng.choice([15.0, 16.0, 18.0])), Paragraph(f"单位：{money.unit}", 10.0, indent=False),
                    TableBlock(sheet, rng.choice([9.0, 9.5, 10.0]))]
    data = {"title": title, "year": year,
            "items": [{"code": r["code"], "name": r["name"], "total": truth(r["basic_d"] + r["project_d"]),
                       "basic": truth(r["basic_d"]), "project": truth(r["project_d"])} for r in rows],
            "grand_total": {"total": truth(tb + tp), "basic": truth(tb), "project": truth(tp)}}
    return Generated(FORM, blocks, data, page_style(rng),
                     {"split": split, "money": f"{money.unit}/{money.fmt}", "total_first": total_first})
