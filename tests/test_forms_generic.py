"""Declared forms read by the generic reader: recognition, look-alikes, declared checks and their effect."""
from __future__ import annotations

from mapping_seeds import seed_to_tables

from extract.mapping import map_documents


def grid(text: str) -> list[str]:
    return ["\t".join(c.strip() for c in ln.strip().split("|")) if "|" in ln else ln.strip()
            for ln in text.strip("\n").split("\n")]


PROJECT = """
2024年度项目支出绩效目标表
项目名称 | 应急演练项目 | |
主管部门 | 某市应急管理局 | 实施单位 | 某市应急事务中心
项目资金（万元） | 年度资金总额 | 120.00 |
| 其中：财政拨款 | 100.00 |
| 其他资金 | 20.00 |
总体目标 | 完成全市应急演练。 | |
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值
| 产出指标 | 数量指标 | 演练次数 | ≧12次
| 产出指标 | 质量指标 | 合格率 | 100%
| 满意度指标 | 服务对象满意度指标 | 群众满意度 | 约85-90%
"""


def _docs(text: str, form: str = "auto"):
    tables, lines = seed_to_tables(grid(text))
    return map_documents(tables, lines, form=form)


def _v(field: dict):
    return field["value"]


def test_project_form_is_read_from_its_declaration():
    (doc,) = _docs(PROJECT)
    d = doc.data
    assert doc.form == "project_performance_targets" and _v(d["year"]) == 2024
    assert (_v(d["project_name"]), _v(d["implementing_unit"])) == ("应急演练项目", "某市应急事务中心")
    # the unit comes from the section label 项目资金（万元） spanning the three rows
    assert [_v(d["funds"][k]) for k in ("total", "fiscal", "other")] == ["1200000.00", "1000000.00", "200000.00"]
    a, b, c = d["indicators"]
    assert (_v(a["level1"]), _v(a["comparator"]), _v(a["value_min"]), _v(a["unit"])) == ("产出指标", "≥", "12", "次")
    assert (_v(b["comparator"]), _v(b["value_max"])) == ("=", "100")
    assert (_v(c["comparator"]), _v(c["value_min"]), _v(c["value_max"])) == ("≈", "85", "90")
    assert {c.rule: c.passed for c in doc.checks}["funds_add_up"] is True


def test_a_failed_declared_check_lowers_the_fields_it_read():
    (ok,) = _docs(PROJECT)
    (bad,) = _docs(PROJECT.replace("| 20.00 |", "| 25.00 |"))
    assert {c.rule: c.passed for c in bad.checks}["funds_add_up"] is False
    for key in ("total", "fiscal", "other"):
        assert bad.data["funds"][key]["confidence"] < ok.data["funds"][key]["confidence"]
    assert bad.confidence < ok.confidence


def test_without_a_title_the_form_is_found_with_less_certainty():
    (titled,) = _docs(PROJECT)
    (untitled,) = _docs(PROJECT.replace("2024年度项目支出绩效目标表", ""))
    assert untitled.form == "project_performance_targets"
    assert untitled.confidence < titled.confidence


SELF_EVALUATION = """
2024年度项目支出绩效自评表
项目名称 | 应急演练项目 | |
主管部门 | 某市应急管理局 | 实施单位 | 某市应急事务中心
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 全年完成值 | 得分
| 产出指标 | 数量指标 | 演练次数 | ≥12次 | 12次 | 10
"""

APPLICATION = """
项目申报书
项目名称 | 应急演练项目 | |
主管部门 | 某市应急管理局 | 实施单位 | 某市应急事务中心
立项依据 | 根据有关文件。 | |
申报理由 | 需要开展演练。 | |
"""

SPREADSHEET = """
2024年工作台账
序号 | 事项 | 责任人 | 完成时间
1 | 编制预算 | 张三 | 3月
2 | 组织培训 | 李四 | 5月
"""


def test_look_alikes_map_to_no_form():
    for text in (SELF_EVALUATION, APPLICATION, SPREADSHEET):
        assert _docs(text) == [], text.split("\n")[1]
    # the self-evaluation without its title still carries 全年完成值: not a target table
    assert _docs(SELF_EVALUATION.replace("2024年度项目支出绩效自评表", "")) == []


def test_a_look_alike_read_as_the_form_on_request_is_doubted():
    (doc,) = _docs(SELF_EVALUATION, form="project_performance_targets")
    assert doc.confidence <= 0.35


EXPENDITURE = """
2024年一般公共预算支出表
单位：万元
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
合计 | 合计 | 30.00 | 20.00 | 10.00
201 | 一般公共服务支出 | 30.00 | 20.00 | 10.00
20101 | 人大事务 | 30.00 | 20.00 | 10.00
2010101 | 行政运行 | 18.00 | 18.00 |
2010102 | 一般行政管理事务 | 12.00 | 2.00 | 10.00
"""


def test_code_hierarchy_holds_and_a_wrong_child_breaks_it():
    (doc,) = _docs(EXPENDITURE)
    assert doc.form == "general_budget_expenditure"
    assert [_v(i["code"]) for i in doc.data["items"]] == ["201", "20101", "2010101", "2010102"]
    assert _v(doc.data["grand_total"]["total"]) == "300000.00"
    assert doc.checks and all(c.passed for c in doc.checks)
    (bad,) = _docs(EXPENDITURE.replace("| 12.00 | 2.00 | 10.00", "| 12.00 | 3.00 | 10.00"))
    failed = {c.rule for c in bad.checks if not c.passed}
    assert failed == {"row_adds_up", "parent_is_sum_of_children"}
    assert bad.data["items"][3]["basic"]["confidence"] < doc.data["items"][3]["basic"]["confidence"]


INCOME = """
2024年部门收支总表
单位：元
收入 | | 支出 |
项目 | 预算数 | 项目 | 预算数
一、一般公共预算拨款收入 | 700.00 | 一、一般公共服务支出 | 900.00
二、事业收入 | 250.00 | 二、教育支出 | 100.00
三、其他收入 | 50.00 | |
本年收入合计 | 1,000.00 | 本年支出合计 | 1,000.00
上年结转 | 0.00 | 结转下年 | 0.00
收入总计 | 1,000.00 | 支出总计 | 1,000.00
"""


def test_income_and_expenditure_side_by_side_balance():
    (doc,) = _docs(INCOME)
    d = doc.data
    assert [_v(x["expenditure_item"]) for x in d["expenditure"]] == ["一、一般公共服务支出", "二、教育支出"]
    assert [_v(x["income_amount"]) for x in d["income"]] == ["700.00", "250.00", "50.00"]
    assert _v(d["expenditure_total"]["expenditure_amount"]) == "1000.00"
    assert {c.rule for c in doc.checks} >= {"totals_balance", "income_lines_add_up", "expenditure_lines_add_up"}
    assert all(c.passed for c in doc.checks)


def test_review_reruns_declared_checks_and_types_corrections():
    from extract.review_app.decisions import coerce_correction, recompute_checks

    (doc,) = _docs(EXPENDITURE.replace("| 12.00 | 2.00 | 10.00", "| 12.00 | 3.00 | 10.00"))
    data = doc.data
    assert not all(c["passed"] for c in recompute_checks(doc.form, data))
    # a person corrects the misread amount in 万元; the typed model turns it into yuan, the checks pass again
    value = coerce_correction(doc.form, data, "items[3].basic", "2.00万元")
    assert value == "20000.00"
    data["items"][3]["basic"]["value"] = value
    assert all(c["passed"] for c in recompute_checks(doc.form, data))
    assert recompute_checks("no_such_form", data) is None


DEPT_SELF_EVALUATION = """
2024年度部门整体支出绩效自评表
部门名称 | 某市应急管理局 | |
总体绩效目标 | 完成全年工作。 | |
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 全年完成值 | 得分
| 产出指标 | 数量指标 | 演练次数 | ≥12次 | 12次 | 10
"""


def test_department_form_look_alike_is_not_the_department_form():
    assert _docs(DEPT_SELF_EVALUATION) == []
    assert _docs(DEPT_SELF_EVALUATION.replace("自评表", "表").replace("| 全年完成值 | 得分", "")
                 .replace("| 12次 | 10", ""))[0].form == "department_performance_targets"


def test_two_header_labels_run_together_in_one_cell_are_both_read():
    """A scan lost the ruling between 科目编码 and 科目名称: one header cell over both columns."""
    from extract.types import TextSpan

    table = _table([[("科目编码功能分类科目名称", 2), ("合计", 1), ("基本支出", 1), ("项目支出", 1)],
                    [("201", 1), ("一般公共服务支出", 1), ("3.00", 1), ("2.00", 1), ("1.00", 1)]], n_cols=5)
    title = TextSpan(text="2024年一般公共预算支出表", bbox=(50.0, 10.0, 300.0, 30.0))
    (doc,) = map_documents([table], {1: [title]})
    (item,) = doc.data["items"]
    assert (_v(item["code"]), _v(item["name"]), _v(item["basic"])) == ("201", "一般公共服务支出", "2.00")
    assert item["code"]["confidence"] < 1.0  # the label was read out of a joined cell


def _table(rows: list[list[tuple[str, int]]], table_id: str = "t1", n_cols: int = 4):
    from extract.types import Cell, Table

    cells = []
    for r, row in enumerate(rows):
        c = 0
        for text, span in row:
            cells.append(Cell(row=r, col=c, col_span=span, text=text, page=1,
                              bbox=(50.0 + 100 * c, 40.0 + 20 * r, 50.0 + 100 * (c + span), 60.0 + 20 * r)))
            c += span
    return Table(id=table_id, pages=(1,), n_rows=len(rows), n_cols=n_cols, cells=tuple(cells))


def test_an_amount_run_into_the_next_columns_label_is_cut_out_of_it():
    """A scan lost the ruling between the income amount and the expenditure item: one cell holds
    ``700.00一、一般公共服务支出``; the amount goes to 预算数, the words to 支出项目, both less sure."""
    from extract.types import TextSpan

    rows = [[("收入项目", 1), ("预算数", 1), ("支出项目", 1), ("预算数", 1)],
            [("一、一般公共预算拨款收入", 1), ("700.00一、一般公共服务支出", 2), ("900.00", 1)],
            [("二、事业收入", 1), ("300.00", 1), ("二、教育支出", 1), ("100.00", 1)],
            [("本年收入合计", 1), ("1,000.00本年支出合计", 2), ("1,000.00", 1)],
            [("收入总计", 1), ("1,000.00", 1), ("支出总计", 1), ("1,000.00", 1)]]
    title = TextSpan(text="2024年部门收支总表", bbox=(50.0, 10.0, 300.0, 30.0))
    (doc,) = map_documents([_table(rows)], {1: [title]})
    d = doc.data
    assert [_v(x["income_amount"]) for x in d["income"]] == ["700.00", "300.00"]
    assert [_v(x["expenditure_item"]) for x in d["expenditure"]] == ["一、一般公共服务支出", "二、教育支出"]
    assert _v(d["income_year_total"]["income_amount"]) == "1000.00"
    assert _v(d["expenditure_year_total"]["expenditure_amount"]) == "1000.00"
    assert d["expenditure"][0]["expenditure_item"]["confidence"] < d["expenditure"][1]["expenditure_item"]["confidence"]
    assert {c.rule: c.passed for c in doc.checks}["income_lines_add_up"] is True


def test_an_ordinal_or_a_label_alone_is_not_cut_as_an_amount():
    from extract.mapping.repair import _split_text

    assert _split_text("1.公务用车购置费", amount_first=True) is None
    assert _split_text("2、运行费", amount_first=True) is None
    assert _split_text("一般公共服务支出", amount_first=True) is None
    assert _split_text("3,192,400.00三、教育支出", amount_first=True) == ("3,192,400.00", "三、教育支出")
    assert _split_text("本年支出合计 129162800.00", amount_first=False) == ("129162800.00", "本年支出合计")
    assert _split_text("12.50", amount_first=True) is None
    assert _split_text("297.84000 0结转下年资金", amount_first=True) == ("297.84000 0", "结转下年资金")


def test_a_value_past_a_blank_cell_right_of_its_label_is_read():
    """A spurious column (a scan's stray ruling) between 年度资金总额 and its amount: the amount is still its
    value, not the label under it; a blank followed by another label stays blank."""
    text = (PROJECT.replace("| 年度资金总额 | 120.00 |", "| 年度资金总额 | | 120.00")
            .replace("| 其中：财政拨款 | 100.00 |", "| 其中：财政拨款 | | 100.00")
            .replace("| 其他资金 | 20.00 |", "| 其他资金 | | 20.00"))
    (doc,) = _docs(text)
    assert [_v(doc.data["funds"][k]) for k in ("total", "fiscal", "other")] == ["1200000.00", "1000000.00", "200000.00"]
    (blank,) = _docs(PROJECT.replace("主管部门 | 某市应急管理局 |", "主管部门 | |"))
    assert _v(blank.data["competent_department"]) is None
    assert _v(blank.data["implementing_unit"]) == "某市应急事务中心"


def test_a_header_cell_over_two_columns_naming_one_is_cut_and_the_other_half_told_by_place():
    """预算数支出类别 over the income amount and the expenditure item columns: 预算数 is one column's label,
    支出类别 names none; cut in two, 支出类别 takes the expenditure item by its place."""
    from extract.types import TextSpan

    rows = [[("收入类别", 1), ("预算数（元）支出类别", 2), ("预算数", 1)],
            [("一、一般公共预算拨款收入", 1), ("700.00", 1), ("一、一般公共服务支出", 1), ("900.00", 1)],
            [("二、事业收入", 1), ("200.00", 1), ("二、教育支出", 1), ("0.00", 1)],
            [("本年收入合计", 1), ("900.00", 1), ("本年支出合计", 1), ("900.00", 1)]]
    title = TextSpan(text="2024年部门收支总表", bbox=(50.0, 10.0, 300.0, 30.0))
    (doc,) = map_documents([_table(rows)], {1: [title]})
    d = doc.data
    assert [_v(x["expenditure_item"]) for x in d["expenditure"]] == ["一、一般公共服务支出", "二、教育支出"]
    assert [_v(x["income_amount"]) for x in d["income"]] == ["700.00", "200.00"]
    assert d["expenditure"][0]["expenditure_item"]["confidence"] < 0.6  # told by place, out of a cut cell
    # a heading that names a column exactly over two sub-columns is not cut
    from extract.mapping.decl_load import load_form
    from extract.mapping.forms import BUILTIN_DIR
    from extract.mapping.repair import split_half_named

    (part,) = load_form(BUILTIN_DIR / "department_income_expenditure.yaml").rows_parts()
    head = _table([[("预算数", 2), ("项目", 1), ("x", 1)]]).cells[0]
    assert split_half_named([head], list(part.printed), []) == ([head], set())
