"""Tables that resemble a declared form but are none (issue 12, part 6), printed by the same routes.

- a 项目支出绩效自评表: the project form's labels (项目名称, 主管部门, 年度资金总额, 一级/二级/三级指标,
  年度指标值) with the columns of a self-evaluation (全年预算数, 全年执行数, 全年完成值, 分值, 得分, 偏差原因);
- an ordinary spreadsheet: a purchase list (序号, 品名, 规格, 数量, 单价, 金额, 合计), amounts and a 合计 row
  like the disclosure tables, no form's labels.
Their truth has no form (``forms: []``): a reader that maps them to one is wrong.
"""
from __future__ import annotations

import random
from decimal import Decimal

from corpus.content import DEPTS, KINDS, REGIONS, TOPICS
from corpus.forms import project as proj_content
from corpus.forms.common import amount
from corpus.routes.forms import Made
from corpus.routes.grid import GCell, Grid
from corpus.routes.wording import money_text


def make_self_evaluation(rng: random.Random, titled: bool = True) -> Made:
    year, region, dept = rng.choice([2022, 2023, 2024]), rng.choice(REGIONS), rng.choice(DEPTS)
    project = f"{rng.choice(TOPICS)}{rng.choice(KINDS)}"
    budget = amount(rng, 100_000, 5_000_000)
    spent = budget * Decimal(rng.choice(["0.92", "0.95", "1"]))
    g = Grid(8)
    g.row([(0, 2, "项目名称", "label"), (2, 8, project, "text")])
    g.row([(0, 2, "主管部门", "label"), (2, 4, f"{region}{dept}局", "text"), (4, 5, "实施单位", "label"),
           (5, 8, f"{region}{dept}事务中心", "text")])
    g.row([(0, 2, "项目资金（万元）", "label"), (2, 3, "年初预算数", "header"), (3, 4, "全年预算数", "header"),
           (4, 5, "全年执行数", "header"), (5, 6, "分值", "header"), (6, 7, "执行率", "header"), (7, 8, "得分", "header")])
    rate = f"{spent / budget * 100:.2f}%"
    g.row([(0, 2, "年度资金总额", "text"), (2, 3, money_text(str(budget), "万元", "plain2"), "money"),
           (3, 4, money_text(str(budget), "万元", "plain2"), "money"), (4, 5, money_text(str(spent), "万元", "plain2"), "money"),
           (5, 6, "10", "center"), (6, 7, rate, "center"), (7, 8, "9.5", "center")])
    g.row([(0, 2, "年度总体目标", "label"), (2, 5, "预期目标", "header"), (5, 8, "实际完成情况", "header")])
    g.row([(0, 2, "", "blank"), (2, 5, f"通过{project}提升{dept}工作水平。", "text"),
           (5, 8, "已按计划完成年度任务。", "text")])
    g.row([(0, 1, "一级指标", "header"), (1, 2, "二级指标", "header"), (2, 3, "三级指标", "header"),
           (3, 4, "年度指标值", "header"), (4, 5, "全年完成值", "header"), (5, 6, "分值", "header"),
           (6, 7, "得分", "header"), (7, 8, "偏差原因分析及改进措施", "header")])
    items = proj_content._indicators(rng, False)
    top = g.n_rows
    for it in items:
        g.row([(2, 3, it["level3"], "text"), (3, 4, it["target"], "center"), (4, 5, it["target"], "center"),
               (5, 6, "10", "center"), (6, 7, "10", "center"), (7, 8, "无", "text")])
    runs: list[list] = []
    for i, it in enumerate(items):
        if runs and runs[-1][2] == it["level1"]:
            runs[-1][1] += 1
        else:
            runs.append([top + i, 1, it["level1"]])
    for start, n, a in runs:
        g.cells.append(GCell(start, 0, a, n, 1, "center"))
    for i, it in enumerate(items):
        g.cells.append(GCell(top + i, 1, it["level2"], 1, 1, "center"))
    titles = [f"{year}年度项目支出绩效自评表"] if titled else []
    return Made("", [g], titles or [" "], "", {}, [(6, 8), (8, 11), (12, 18), (9, 12), (9, 12), (5, 7), (6, 8), (12, 18)])


def make_ordinary_sheet(rng: random.Random) -> Made:
    """A purchase list with amounts and a 合计 row (numbers and totals, but no form's labels)."""
    goods = [("A4复印纸", "70g 500张/包", "包"), ("签字笔", "0.5mm 黑色", "支"), ("文件盒", "55mm 蓝色", "个"),
             ("硒鼓", "HP 88A", "个"), ("订书机", "中号", "台"), ("档案袋", "牛皮纸", "个"), ("U盘", "64G", "个")]
    g = Grid(6)
    g.row([(0, 1, "序号", "header"), (1, 2, "品名", "header"), (2, 3, "规格型号", "header"), (3, 4, "数量", "header"),
           (4, 5, "单价（元）", "header"), (5, 6, "金额（元）", "header")])
    total = Decimal(0)
    for i, (name, spec, unit) in enumerate(rng.sample(goods, rng.randint(4, 7)), start=1):
        qty = rng.randint(2, 60)
        price = Decimal(rng.randint(5, 900))
        total += qty * price
        g.row([(0, 1, str(i), "center"), (1, 2, name, "text"), (2, 3, spec, "text"), (3, 4, f"{qty}{unit}", "center"),
               (4, 5, f"{price:.2f}", "money"), (5, 6, f"{qty * price:,.2f}", "money")])
    g.row([(0, 5, "合计", "center"), (5, 6, f"{total:,.2f}", "money")])
    title = f"{rng.choice(REGIONS)}{rng.choice(DEPTS)}局办公用品采购清单"
    return Made("", [g], [title], "经办人：          审核人：", {}, [(5, 7), (12, 16), (14, 18), (8, 10), (10, 13), (12, 15)])
