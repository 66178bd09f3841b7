"""Label and layout variants of 部门整体预算绩效目标表, several forms in one document, unrelated tables."""
from __future__ import annotations

import pytest

from extract.mapping import map_documents
from extract.types import Cell, Table, TextSpan
from mapping_seeds import DONGGUAN, jieyang_lines, seed_lines, seed_to_tables


def grid(text: str) -> list[str]:
    """Rows written ``a | b | c`` (a leading ``|`` is a blank first cell) -> the seed's tab convention."""
    out = []
    for line in text.strip("\n").split("\n"):
        line = line.strip()
        out.append("\t".join(c.strip() for c in line.split("|")) if "|" in line else line)
    return out


# Full-width brackets, amounts in 元, 序号 column, 目标内容/拟投入的资金（元）, one 指标值 column with
# 计量单位 and no 对比符号, a label broken over two lines, 下属二级单位数 with its value below it.
FOSHAN = """
佛山市部门整体预算绩效目标表
（2025年）
部门名称 | 佛山市测试局 | | 资金主管\\n部门 | 佛山市财政局
基本信息 | 财政供养\\n人员数 | 下属二级单位数 | |
| 1,024 | 2 | |
预算整体情况 | 财政支出分类 | 预算金额（元） | 收入来源 | 预算金额（元）
| 基本支出 | 1,000,000.00 | 财政拨款 | 1,500,000.00
| 项目支出 | 500,000.00 | 其他资金 | 0
总体绩效目标 | 目标1：做好甲项工作。\\n目标2：完成乙项任务，达到100%。
年度重点工作任务 | 序号 | 名称 | 目标内容 | 拟投入的资金（元） | 期望达到的目标
| 1 | 任务甲 | 内容甲 | 300,000.00 | 成效甲
| 2 | 任务乙 | 内容乙 | 200,000.00 | 成效乙
其他需完成的任务（可选填） | 序号 | 名称 | 目标内容 | 拟投入的资金（元） | 期望达到的目标
| 3 | 任务丙 | 内容丙 | | 成效丙

一级指标 | 二级指标 | 三级指标 | 指标值 | 计量单位
产出指标 | 数量指标 | 培训人次 | 1,200 | 人次
| 质量指标 | 合格率 | ≥95 | %
效益指标 | 社会效益指标 | 群众满意 | 明显提高 |
"""


@pytest.fixture(scope="module")
def foshan():
    tables, lines = seed_to_tables(grid(FOSHAN))
    docs = map_documents(tables, lines)
    assert len(docs) == 1
    return docs[0].data


def _values(obj):
    if isinstance(obj, dict) and "value" in obj and "confidence" in obj:
        return obj["value"]
    if isinstance(obj, dict):
        return {k: _values(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_values(v) for v in obj]
    return obj


def test_variant_header_fields(foshan):
    v = _values(foshan)
    assert (v["title"], v["region"], v["year"]) == ("佛山市部门整体预算绩效目标表", "佛山市", 2025)
    assert (v["department"], v["competent_department"]) == ("佛山市测试局", "佛山市财政局")
    assert (v["staff_count"], v["subordinate_units"]) == (1024, 2)  # values below their labels


def test_variant_amounts_in_yuan(foshan):
    b = foshan["budget"]
    assert b["basic_expenditure"]["value"] == "1000000.00" and b["basic_expenditure"]["raw_unit"] == "元"
    assert b["fiscal_appropriation"]["value"] == "1500000.00"
    assert b["other_funds"]["value"] == "0.00"
    assert b["special_funds"]["value"] is None and b["special_funds"]["source"] is None


def test_variant_goals_and_tasks(foshan):
    v = _values(foshan)
    assert v["overall_goals"] == ["目标1：做好甲项工作。", "目标2：完成乙项任务，达到100%。"]
    assert v["key_tasks"] == [
        {"seq": 1, "name": "任务甲", "content": "内容甲", "amount": "300000.00", "expected_outcome": "成效甲"},
        {"seq": 2, "name": "任务乙", "content": "内容乙", "amount": "200000.00", "expected_outcome": "成效乙"},
    ]
    assert v["other_tasks"] == [
        {"seq": 3, "name": "任务丙", "content": "内容丙", "amount": None, "expected_outcome": "成效丙"}]
    assert foshan["key_tasks"][0]["amount"]["raw_unit"] == "元"


def test_variant_one_value_column_with_unit_column(foshan):
    v = _values(foshan)["indicators"]
    assert [(i["level1"], i["level2"], i["level3"]) for i in v] == [
        ("产出指标", "数量指标", "培训人次"), ("产出指标", "质量指标", "合格率"), ("效益指标", "社会效益指标", "群众满意")]
    first, second, third = v
    assert (first["annual_target"], first["period_target"], first["comparator"], first["value_min"],
            first["value_max"], first["unit"]) == ("1,200", None, "=", "1200", "1200", "人次")
    assert (second["comparator"], second["value_min"], second["value_max"], second["unit"]) == ("≥", "95", "95", "%")
    assert (third["comparator"], third["value_min"], third["unit"]) == (None, None, None)


def test_variant_checks():
    tables, lines = seed_to_tables(grid(FOSHAN))
    doc = map_documents(tables, lines)[0]
    rules = {c.rule: c.passed for c in doc.checks}
    assert rules["expenditure_equals_income"] is True  # 1,000,000 + 500,000 = 1,500,000 + 0
    assert rules["tasks_equal_project_expenditure"] is True  # 300,000 + 200,000 (+ blank) = 500,000


# Half-width brackets, 拟投入资金(万元), no 序号, 实施周期指标值 + 年度指标值 with 对比符号 and 三级指标解释,
# the 绩效指标 header in the same table as the rest, a merged value cell over the two target columns.
def _shantou() -> list[str]:
    return grid("""
汕头市2026年部门整体预算绩效目标表
部门名称 | 汕头市样例中心 | | |
基本信息 | 财政供养人员数 | 7 | 下属二级单位数 | 0
预算整体情况 | 部门预算支出 | 预算金额(万元) | 收入来源 | 预算金额(万元)
| 基本支出 | 10.5 | 财政拨款 | 30.5
| 项目支出 | 20 | 其他资金 |
总体绩效目标 | 完成年度工作。
年度重点工作任务 | 名称 | 主要实施内容 | 拟投入资金(万元) | 期望达到的目标(概述)
| 任务一 | 内容一 | 12.345 | 目标一
| 任务二 | 内容二 | 7.655 | 目标二
其他需完成任务 | 名称 | 目标内容 | 拟投入资金(万元) |
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 三级指标解释 | 对比符号 | 实施周期指标值 | 年度指标值
| 产出指标 | 数量指标 | 服务人数 | 全年服务人数 | >= | 约5人 | 约5人
| | | 覆盖率 | 覆盖比例 | ＝ | 100% | 98%
""")


def test_two_target_columns_and_comparator_column():
    tables, lines = seed_to_tables(_shantou())
    (doc,) = map_documents(tables, lines)
    v = _values(doc.data)
    assert (v["title"], v["region"], v["year"]) == ("汕头市2026年部门整体预算绩效目标表", "汕头市", 2026)
    assert v["budget"]["basic_expenditure"] == "105000.00" and v["budget"]["other_funds"] is None
    assert v["overall_goals"] == ["完成年度工作。"]  # no numbering: one goal
    assert [(t["seq"], t["amount"]) for t in v["key_tasks"]] == [(1, "123450.00"), (2, "76550.00")]
    assert v["other_tasks"] == []
    first, second = v["indicators"]
    assert (first["explanation"], first["comparator"], first["period_target"], first["annual_target"],
            first["value_min"], first["unit"]) == ("全年服务人数", "≥", "约5人", "约5人", "5", "人")
    assert (second["comparator"], second["period_target"], second["annual_target"], second["value_min"],
            second["level1"], second["level2"]) == ("=", "100%", "98%", "98", "产出指标", "数量指标")
    rules = {c.rule: c.passed for c in doc.checks}
    assert "expenditure_equals_income" not in rules  # 其他资金 blank
    assert rules["tasks_within_budget"] is True  # 12.345 + 7.655 = 20 万元


def _continuation_table(source: str = "pdf") -> Table:
    """A value cell merged over both target columns; a blank (unmerged) 二级指标 continues the one above."""
    def cell(r, c, text, rs=1, cs=1):
        bbox = (c * 50, 100 + r * 20, (c + cs) * 50, 100 + (r + rs) * 20)
        spans = (TextSpan(text=text, bbox=bbox, source=source),) if text else ()
        return Cell(row=r, col=c, row_span=rs, col_span=cs, text=text, bbox=bbox, spans=spans)
    cells = [
        cell(0, 0, "部门名称"), cell(0, 1, "某某局", cs=4),
        cell(1, 0, "总体绩效目标"), cell(1, 1, "1、目标一；2、目标二。", cs=4),
        cell(2, 0, "一级指标"), cell(2, 1, "二级指标"), cell(2, 2, "三级指标"),
        cell(2, 3, "实施周期指标值"), cell(2, 4, "年度指标值"),
        cell(3, 0, "满意度指标", rs=2), cell(3, 1, "服务对象满意度指标"), cell(3, 2, "群众满意度"),
        cell(3, 3, "≥90%", cs=2),
        cell(4, 1, ""), cell(4, 2, "企业满意度"), cell(4, 3, "≥85%"), cell(4, 4, "≥88%"),
    ]
    return Table(id="m1", pages=(1,), n_rows=5, n_cols=5, cells=tuple(cells))


def test_merged_cells_and_blank_continuation_levels():
    (doc,) = map_documents([_continuation_table()], {1: []}, form="department_performance_targets")
    v = _values(doc.data)
    assert v["overall_goals"] == ["1、目标一；", "2、目标二。"]
    a, b = v["indicators"]
    assert (a["period_target"], a["annual_target"], a["value_min"]) == ("≥90%", "≥90%", "90")
    assert (b["level1"], b["level2"], b["annual_target"], b["value_min"]) == ("满意度指标", "服务对象满意度指标",
                                                                            "≥88%", "88")
    # the filled-down level2 points at the cell it came from and is a little less sure
    assert doc.data["indicators"][1]["level2"]["source"]["cells"] == [[3, 1]]
    assert doc.data["indicators"][1]["level2"]["confidence"] < doc.data["indicators"][0]["level2"]["confidence"]


UNRELATED = grid("""
2024年部门收支总表
收入 | 金额 | 支出 | 金额
一般公共预算拨款收入 | 8,864.78 | 一般公共服务支出 | 100.00
收入总计 | 8,864.78 | 支出总计 | 8,864.78

""")

PROJECT_TABLE = grid("""

项目支出绩效目标表
项目名称 | 某某项目 | |
一级指标 | 二级指标 | 三级指标 | 指标值
产出指标 | 数量指标 | 项目数量 | 99个
""")


def _two_forms() -> tuple[list[Table], dict]:
    """Page 1: 收支总表, then Dongguan from mid-page. Page 2: Jieyang, then a project table after it."""
    t1, l1 = seed_to_tables(UNRELATED + seed_lines(DONGGUAN), page=1, prefix="a")
    t2, l2 = seed_to_tables(jieyang_lines() + PROJECT_TABLE, page=2, prefix="b")
    return t1 + t2, {**l1, **l2}


def test_two_forms_with_unrelated_tables():
    tables, lines = _two_forms()
    found = map_documents(tables, lines)
    # the 收支总表 and the project table are forms of their own now, each found where it is printed
    assert sorted((d.form, d.pages) for d in found if d.form != "department_performance_targets") == [
        ("department_income_expenditure", (1,)), ("project_performance_targets", (2,))]
    docs = [d for d in found if d.form == "department_performance_targets"]
    assert [d.data["department"]["value"] for d in docs] == ["东莞市应急管理局", "揭阳市应急管理局"]
    dg, jy = docs
    assert dg.pages == (1,) and jy.pages == (2,)
    assert (dg.data["title"]["value"], dg.data["year"]["value"]) == ("东莞市部门整体预算绩效目标表", 2024)
    assert (jy.data["title"]["value"], jy.data["year"]["value"]) == ("揭阳市2023年市直部门整体预算绩效目标表", 2023)
    assert len(dg.data["indicators"]) == 26 and len(jy.data["indicators"]) == 5
    assert all(i["level3"]["value"] != "项目数量" for i in jy.data["indicators"])
    assert len(dg.data["key_tasks"]) == 8 and len(jy.data["other_tasks"]) == 6
    sources = {c["source"]["table"] for d in docs for c in (d.data["budget"]["basic_expenditure"],)}
    assert "a1" not in sources  # nothing read from the 收支总表


def test_two_forms_in_one_stitched_table():
    """Two departments' forms run together in one table (stitched over a page break)."""
    body = [ln for ln in grid(FOSHAN) if "\t" in ln and not ln.startswith("一级指标")]
    form_rows = body[: body.index(next(ln for ln in body if ln.startswith("其他需完成"))) + 2]
    second = [ln.replace("佛山市测试局", "佛山市另一局").replace("任务甲", "任务丁") for ln in form_rows]
    tables, lines = seed_to_tables(["佛山市部门整体预算绩效目标表"] + form_rows + second)
    assert len(tables) == 1
    docs = map_documents(tables, lines)
    assert [d.data["department"]["value"] for d in docs] == ["佛山市测试局", "佛山市另一局"]
    assert [t["name"]["value"] for t in docs[1].data["key_tasks"]] == ["任务丁", "任务乙"]
    assert docs[1].data["title"]["value"] is None  # the title line belongs to the first form only


def test_form_none_and_unknown_and_no_form():
    tables, lines = seed_to_tables(seed_lines(DONGGUAN))
    assert map_documents(tables, lines, form="none") == []
    with pytest.raises(ValueError):
        map_documents(tables, lines, form="no_such_form")
    only_unrelated, l2 = seed_to_tables(UNRELATED)  # a 收支总表: its own form, nothing of the department's
    assert [d.form for d in map_documents(only_unrelated, l2)] == ["department_income_expenditure"]
    assert map_documents([], {}) == []


def test_bare_department_label_is_not_a_form_in_auto_mode():
    tables, lines = seed_to_tables(grid("部门名称 | 某某局\n负责人 | 张三"))
    assert map_documents(tables, lines) == []
    assert len(map_documents(tables, lines, form="department_performance_targets")) == 1


def _cells(page: int, rows: list[list[tuple[float, float, str]]], y0: float = 100.0) -> tuple[Cell, ...]:
    """Rows of (x0, x1, text); column index = position of x0 among all x0s of the table."""
    xs = sorted({x0 for row in rows for x0, _, _ in row} | {x1 for row in rows for _, x1, _ in row})
    out = []
    for r, row in enumerate(rows):
        for x0, x1, text in row:
            c0, c1 = xs.index(x0), xs.index(x1)
            out.append(Cell(row=r, col=c0, col_span=c1 - c0, text=text, page=page,
                            bbox=(x0, y0 + 20 * r, x1, y0 + 20 * (r + 1))))
    return tuple(out)


def test_continuation_on_next_page_with_another_grid_is_read_by_x():
    """A task list and an indicator list continued on page 2 where the grid has an extra column."""
    p1 = _cells(1, [
        [(0, 100, "部门名称"), (100, 500, "某某局")],
        [(0, 100, "年度重点工作任务"), (100, 200, "名称"), (200, 300, "主要实施内容"), (300, 400, "拟投入的资金(元)"),
         (400, 500, "期望达到的目标")],
        [(0, 100, ""), (100, 200, "任务A"), (200, 300, "内容A"), (300, 400, "100.00"), (400, 500, "成效A")],
    ])
    p2 = _cells(2, [
        [(0, 100, ""), (100, 200, "任务B"), (200, 300, "内容B"), (300, 400, "200.00"), (400, 500, "成效B")],
        [(0, 100, ""), (100, 200, "任务C"), (200, 250, "内容C"), (250, 300, ""), (300, 400, "50"), (400, 500, "")],
        [(0, 100, "绩效指标"), (100, 200, "一级指标"), (200, 300, "二级指标"), (300, 400, "三级指标"),
         (400, 500, "指标值")],
        [(0, 100, "绩效指标"), (100, 200, "产出指标"), (200, 300, "数量指标"), (300, 400, "任务数"), (400, 500, "3个")],
    ])
    p3 = _cells(3, [
        [(0, 100, ""), (100, 150, ""), (150, 200, ""), (200, 300, ""), (300, 400, "完成率"), (400, 500, "100%")],
    ])
    tables = [Table(id="t1", pages=(1,), n_rows=3, n_cols=5, cells=p1),
              Table(id="t2", pages=(2,), n_rows=4, n_cols=6, cells=p2),
              Table(id="t3", pages=(3,), n_rows=1, n_cols=6, cells=p3)]
    (doc,) = map_documents(tables, {1: [], 2: [], 3: []}, form="department_performance_targets")
    v = _values(doc.data)
    assert [(t["seq"], t["name"], t["content"], t["amount"], t["expected_outcome"]) for t in v["key_tasks"]] == [
        (1, "任务A", "内容A", "100.00", "成效A"), (2, "任务B", "内容B", "200.00", "成效B"),
        (3, "任务C", "内容C", "50.00", None)]
    assert doc.data["key_tasks"][1]["amount"]["confidence"] < doc.data["key_tasks"][0]["amount"]["confidence"]
    assert [(i["level1"], i["level2"], i["level3"], i["annual_target"]) for i in v["indicators"]] == [
        ("产出指标", "数量指标", "任务数", "3个"), ("产出指标", "数量指标", "完成率", "100%")]
    assert doc.pages == (1, 2, 3)


@pytest.mark.parametrize("title, region, year", [
    ("2024年广州市部门整体预算绩效目标表", "广州市", 2024),
    ("广东省东莞市部门整体预算绩效目标表\n(2023年度)", "东莞市", 2023),
    ("揭阳市2023年市直部门整体预算绩效目标表", "揭阳市", 2023),
    ("某某区部门整体支出绩效目标表\n（2022年）", "某某区", 2022),
])
def test_title_region_and_year(title, region, year):
    lines = title.split("\n") + grid("部门名称 | 某某局\n总体绩效目标 | 1、甲。")
    tables, spans = seed_to_tables(lines)
    (doc,) = map_documents(tables, spans)
    assert (doc.data["region"]["value"], doc.data["year"]["value"]) == (region, year)
    assert doc.data["title"]["value"] == title.split("\n")[0]


def test_project_table_title_is_not_this_form():
    lines = ["某某市项目支出绩效目标表"] + grid("部门名称 | 某某局\n项目概况 | 某某")
    tables, spans = seed_to_tables(lines)
    assert map_documents(tables, spans) == []


def test_wrapped_title_year_line_and_unit_line():
    """Title over two lines, the year on a line of its own, 单位：万元 for headers that state no unit."""
    lines = ["清远市部门整体预算", "绩效目标表", "编制年度：2024年", "单位：万元"] + grid("""
部门名称 | 清远市样例局 | |
预算整体情况 | 部门预算支出 | 预算金额 | 收入来源 | 预算金额
| 基本支出 | 1.5 | 财政拨款 | 3.5万元
| 项目支出 | 2 | 其他资金 | 0
年度重点工作任务 | 名称 | 主要实施内容 | 拟投入金额 | 期望达到的目标
| 甲 | 内容 | 2 | 成效
""")
    tables, spans = seed_to_tables(lines)
    (doc,) = map_documents(tables, spans)
    v = _values(doc.data)
    assert (v["title"], v["region"], v["year"]) == ("清远市部门整体预算绩效目标表", "清远市", 2024)
    assert v["budget"]["basic_expenditure"] == "15000.00" and v["budget"]["fiscal_appropriation"] == "35000.00"
    assert v["key_tasks"][0]["amount"] == "20000.00"
    assert doc.data["key_tasks"][0]["amount"]["raw_unit"] == "万元"
    assert {c.rule: c.passed for c in doc.checks}["expenditure_equals_income"] is True


def test_two_row_indicator_header_and_goals_one_per_row():
    lines = ["某市部门整体预算绩效目标表（2024年）"] + grid("""
部门名称 | 某某局 | | | |
总体绩效目标 | 做好甲项工作。 | | | |
| 做好乙项工作。 | | | |
一级指标 | 二级指标 | 三级指标 | 指标值 | |
| | | 实施周期 | 年度 |
产出指标 | 数量指标 | 培训次数 | 10次 | 3次 |
""")
    tables, spans = seed_to_tables(lines)
    (doc,) = map_documents(tables, spans)
    v = _values(doc.data)
    assert v["overall_goals"] == ["做好甲项工作。", "做好乙项工作。"]
    (ind,) = v["indicators"]
    assert (ind["level3"], ind["period_target"], ind["annual_target"], ind["value_min"], ind["unit"]) == (
        "培训次数", "10次", "3次", "3", "次")


def test_a_level_filled_down_through_a_blank_scanned_cell_is_doubtful():
    # on a scan the blank may be a label OCR lost (measured: 1 of 5 filled-down levels wrong on harsh scans)
    (printed,) = map_documents([_continuation_table()], {1: []}, form="department_performance_targets")
    (scanned,) = map_documents([_continuation_table("ocr")], {1: []}, form="department_performance_targets")
    first, filled = (i["level2"]["confidence"] for i in scanned.data["indicators"])
    assert filled <= 0.8 * first
    assert printed.data["indicators"][1]["level2"]["confidence"] >= 0.9


def test_a_section_label_alone_behind_a_blank_cell_starts_its_section():
    # regression (harsh scan): the grid missed the ruling under the 其他需完成的任务 label column, so the
    # 绩效指标 row read "| 绩效指标" and became a second other task with confidence 1.0
    lines = seed_lines(DONGGUAN)
    i = next(k for k, ln in enumerate(lines) if ln.startswith("其他需完成的任务"))
    n = len(map_documents(*seed_to_tables(lines))[0].data["indicators"])
    lines[i + 1:i + 1] = ["\t任务X\t内容X\t100.00\t", "\t绩效指标"]
    (doc,) = map_documents(*seed_to_tables(lines))
    assert [t["name"] for t in _values(doc.data)["other_tasks"]] == ["任务X"]
    assert len(doc.data["indicators"]) == n


def test_a_task_whose_name_and_content_are_one_cell_is_doubtful():
    # regression (mild scan): a '绩效指标' label read '绩效指' spanned 名称 and 内容 and became a task, confidence 1.0
    cells = _cells(1, [
        [(0, 100, "部门名称"), (100, 500, "某某局")],
        [(0, 100, "年度重点工作任务"), (100, 200, "名称"), (200, 300, "主要实施内容"), (300, 400, "拟投入的资金(元)"),
         (400, 500, "期望达到的目标")],
        [(0, 100, ""), (100, 200, "任务A"), (200, 300, "内容A"), (300, 400, "100.00"), (400, 500, "成效A")],
        [(0, 100, ""), (100, 300, "绩效指"), (300, 400, ""), (400, 500, "")],
    ])
    (doc,) = map_documents([Table(id="t1", pages=(1,), n_rows=4, n_cols=5, cells=cells)], {1: []},
                           form="department_performance_targets")
    # '绩效指' is now matched by similarity as the 绩效指标 section label (alone behind a blank cell): it opens
    # that section and makes no task; a cell spanning 名称 and 内容 that names nothing is still doubtful
    (a,) = doc.data["key_tasks"]
    assert a["name"]["confidence"] >= 0.9 and a["content"]["confidence"] >= 0.9
    cells = tuple(c.model_copy(update={"text": "某项其他工作"}) if c.text == "绩效指" else c for c in cells)
    (doc,) = map_documents([Table(id="t1", pages=(1,), n_rows=4, n_cols=5, cells=cells)], {1: []},
                           form="department_performance_targets")
    a, b = doc.data["key_tasks"]
    assert b["name"]["value"] == b["content"]["value"] == "某项其他工作"
    assert b["name"]["confidence"] <= 0.5 and b["content"]["confidence"] <= 0.5
