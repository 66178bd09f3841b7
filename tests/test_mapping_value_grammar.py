"""Values in the wild: the comparator and range grammar of targets, the percent share, long decimals, the money
unit of note lines and headers, and the printed text kept as printed. Most wordings here are written for
this test (not taken from any corpus split), so they check the grammar, not a list."""
from __future__ import annotations

import pytest

from extract.mapping import map_documents
from extract.mapping.coerce import money_value, normalise_comparator, parse_target
from extract.mapping.units import column_units, header_unit, note_unit
from extract.text import repair_text
from mapping_seeds import seed_to_tables
from test_mapping_variants import _values, grid


@pytest.mark.parametrize("text, expected", [
    # prefix symbols, with and without spaces; full-width forms fold
    ("≧80%", ("≥", "80", "80", "%")),
    ("≦ 2%", ("≤", "2", "2", "%")),
    (">= 85 %", ("≥", "85", "85", "%")),
    ("=>70分", ("≥", "70", "70", "分")),
    ("＜＝3天", ("≤", "3", "3", "天")),
    ("≮90%", ("≥", "90", "90", "%")),
    ("≯5%", ("≤", "5", "5", "%")),
    ("＞ 1,000人", (">", "1000", "1000", "人")),
    # prefix words
    ("不低于90%", ("≥", "90", "90", "%")),
    ("不少于 3 次", ("≥", "3", "3", "次")),
    ("至少12场", ("≥", "12", "12", "场")),
    ("大于等于95%", ("≥", "95", "95", "%")),
    ("大于或等于 60 分", ("≥", "60", "60", "分")),
    ("不超过10个工作日", ("≤", "10", "10", "个工作日")),
    ("小于等于0.5‰", ("≤", "0.5", "0.5", "‰")),
    ("不高于 3%", ("≤", "3", "3", "%")),
    ("超过200家", (">", "200", "200", "家")),
    ("低于5%", ("<", "5", "5", "%")),
    ("不满 18 周岁", ("<", "18", "18", "周岁")),
    ("大于 0", (">", "0", "0", None)),
    ("大约 20 人", ("≈", "20", "20", "人")),
    # suffix words, after the unit or before it
    ("95%以上", ("≥", "95", "95", "%")),
    ("98 % 及以上", ("≥", "98", "98", "%")),
    ("3个工作日以内", ("≤", "3", "3", "个工作日")),
    ("5%以下", ("≤", "5", "5", "%")),
    ("20人左右", ("≈", "20", "20", "人")),
    ("95%以上（含）", ("≥", "95", "95", "%")),
    ("≥95%。", ("≥", "95", "95", "%")),
    ("不少于3次；", ("≥", "3", "3", "次")),
    ("300以上", ("≥", "300", "300", None)),
    # ranges: tildes, dashes, 至/到, the unit on one or both ends, 之间
    ("767～858台", ("≈", "767", "858", "台")),
    ("90%-95%", ("≈", "90", "95", "%")),
    ("90%～95%之间", ("≈", "90", "95", "%")),
    ("200到300人次", ("≈", "200", "300", "人次")),
    ("1,500 — 2,000 册", ("≈", "1500", "2000", "册")),
    ("约 5~8 个", ("≈", "5", "8", "个")),
    # not targets
    ("3天-5人", (None, None, None, None)),
    ("以上", (None, None, None, None)),
    ("全年100个以上的重点项目", (None, None, None, None)),
    ("逐步提高", (None, None, None, None)),
])
def test_target_grammar(text, expected):
    assert tuple(parse_target(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("≧", "≥"), ("≦", "≤"), (">=", "≥"), ("＞＝", "≥"), (" ≥ ", "≥"), ("大于等于", "≥"), ("不低于", "≥"),
    ("以上", "≥"), ("不超过", "≤"), ("小于", "<"), ("大于", ">"), ("等于", "="), ("＝", "="), ("约", "≈"),
    ("大约", "≈"), ("左右", "≈"), ("", None), ("定性", None), ("见说明", None),
])
def test_comparator_column_words(text, expected):
    assert normalise_comparator(text) == expected


def test_percent_share_one_is_100_only_for_an_equal_target():
    assert tuple(parse_target("1", "%")) == ("=", "100", "100", None)  # a sheet cell 1 = 100% unformatted
    assert tuple(parse_target("1.00", " % ", "=")) == ("=", "100", "100", None)
    assert parse_target("1", "%", "≤").value_min == "1"  # 超支率 ≤ 1%: a bound is a rate
    assert parse_target("1%", "%").value_min == "1"  # its own % sign says what it is
    assert parse_target("0.95", "%").value_min == "0.95"  # 0.95% or 95%: left as printed
    assert parse_target("1", "次").value_min == "1"
    assert parse_target("1").value_min == "1"


@pytest.mark.parametrize("printed, unit, value", [
    ("2287.880000", "万元", "22878800.00"),
    ("11,817,900.000000", "元", "11817900.00"),
    ("0.000000", "万元", "0.00"),
    ("140.480000", "万元", "1404800.00"),
    ("0.123456", "万元", "1234.56"),
])
def test_amounts_with_six_decimals(printed, unit, value):
    assert money_value(printed, unit) == (value, 1.0)


@pytest.mark.parametrize("printed, unit, value", [
    ("¥1,234.56", "元", "1234.56"),
    ("￥ 3.5万元", None, "35000.00"),
    ("12.5万", None, "125000.00"),
    ("人民币 200", "万元", "2000000.00"),
])
def test_amounts_with_currency_sign_or_wan(printed, unit, value):
    assert money_value(printed, unit) == (value, 1.0)


@pytest.mark.parametrize("text, unit", [
    ("单位：万元", "万元"), ("金额单位：万元", "万元"), ("（单位：万元）", "万元"), ("单位:元", "元"),
    ("(金额单位: 元)", "元"), ("货币单位：人民币万元", "万元"), ("单位：万元人民币", "万元"), ("资金单位为万元", "万元"),
    ("单位 元", "元"), ("编制单位：某某局        单位：万元", "万元"),
    ("编制单位：某某局", None), ("填报单位：元朗区政府", None), ("单位名称", None), ("2024年", None), ("", None),
    ("单位∶万元", "万元"), ("金额单位；元", "元"),  # the colon as OCR reads it
])
def test_note_line_unit(text, unit):
    assert note_unit(text) == unit


@pytest.mark.parametrize("text, unit", [
    ("预算额（万元）", "万元"), ("预算金额(万元)", "万元"), ("预算数【万元】", "万元"), ("本年预算 （ 万元 ）", "万元"),
    ("金额（单位：元）", "元"), ("拨款额/万元", "万元"), ("万元", "万元"), ("预算数 单位：万元", "万元"),
    ("资金安排（元）", "元"), ("计量单位", None), ("下属二级单位数", None), ("元旦活动场次", None), ("名称", None),
    ("完成全年工作任务，资金按进度拨付（元）" * 2, None),  # prose, not a header
    # a scan lost one bracket: the unit still ends the header; a word ending in 元 inside brackets is none
    ("预算金额数（万元", "万元"), ("预算数万元)", "万元"), ("项目资金情况（元", "元"), ("培训(第二单元)", None),
    ("元旦(次", None),
])
def test_header_unit(text, unit):
    assert header_unit(text) == unit


def test_range_mark_kept_as_printed():
    assert repair_text("767～858台")[0] == "767～858台"
    assert repair_text("１２３％")[0] == "123%"  # digits and % still fold


def test_department_form_reads_note_unit_header_unit_and_target_words():
    """A note line in another wording scales the budget; a header word no vocabulary lists still states its
    column's unit; 以上/不低于 targets and a bare 1 in a % unit column read as meant."""
    lines = ["某市部门整体预算绩效目标表", "（金额单位：人民币万元）"] + grid("""
部门名称 | 某某局 | | |
预算整体情况 | 按支出性质 | 本年安排数（万元） | 收入来源 | 本年安排数（万元）
| 基本支出 | 2287.880000 | 财政拨款 | 3000.000000
| 项目支出 | 712.12 | 其他资金 | 0
年度重点工作任务 | 名称 | 主要实施内容 | 拟投入金额 | 期望达到的目标
| 甲 | 内容 | 2 | 成效

一级指标 | 二级指标 | 三级指标 | 对比符号 | 指标值 | 计量单位
产出指标 | 数量指标 | 覆盖镇街 | | 767～858 | 个
| 质量指标 | 合格率 | | 95%以上 | %
| 时效指标 | 完成率 | = | 1 | %
| 成本指标 | 超支率 | ≤ | 1 | %
| 质量指标 | 满意度 | | 不低于 90 | %
""")
    tables, spans = seed_to_tables(lines)
    (doc,) = map_documents(tables, spans)
    v = _values(doc.data)
    assert v["budget"]["basic_expenditure"] == "22878800.00"
    assert v["budget"]["fiscal_appropriation"] == "30000000.00"
    assert v["key_tasks"][0]["amount"] == "20000.00"
    got = [(i["comparator"], i["value_min"], i["value_max"]) for i in v["indicators"]]
    assert got == [("≈", "767", "858"), ("≥", "95", "95"), ("=", "100", "100"), ("≤", "1", "1"), ("≥", "90", "90")]
    assert v["indicators"][0]["annual_target"] == "767～858"


def test_department_form_header_word_no_vocabulary_lists_states_its_columns_unit():
    lines = ["某市部门整体预算绩效目标表"] + grid("""
部门名称 | 某某局 | | |
预算整体情况 | 按支出性质 | 本年安排数（万元） | 收入来源 | 本年安排数（万元）
| 基本支出 | 2287.880000 | 财政拨款 | 3000.000000
| 项目支出 | 712.12 | 其他资金 | 0
""")
    tables, spans = seed_to_tables(lines)
    (doc,) = map_documents(tables, spans)
    v = _values(doc.data)
    assert v["budget"]["basic_expenditure"] == "22878800.00"
    assert v["budget"]["other_funds"] == "0.00"
    assert doc.data["budget"]["fiscal_appropriation"]["raw_unit"] == "万元"


def test_department_form_unit_note_printed_inside_the_table():
    """单位：万元 in the table's own first row (a corner cell) states the unit of every column, not only its own."""
    lines = ["某市部门整体预算绩效目标表"] + grid("""
| | | | 单位：万元
部门名称 | 某某局 | | |
预算整体情况 | 按支出性质 | 预算数 | 收入来源 | 预算数
| 基本支出 | 2287.880000 | 财政拨款 | 3000.000000
| 项目支出 | 712.12 | 其他资金 | 0
""")
    tables, spans = seed_to_tables(lines)
    (doc,) = map_documents(tables, spans)
    v = _values(doc.data)
    assert (v["budget"]["basic_expenditure"], v["budget"]["fiscal_appropriation"]) == ("22878800.00", "30000000.00")


def test_column_units_note_cell_header_cell_and_label():
    from extract.types import Cell

    def cells(*texts):
        return [Cell(row=0, col=i, text=t, bbox=(0, 0, 1, 1)) for i, t in enumerate(texts)]

    assert column_units(cells("", "", "（金额单位：元）"), 3, lambda t: False) == {0: "元", 1: "元", 2: "元"}
    assert column_units(cells("项目", "本年预算（万元）", "上年（元）"), 3, lambda t: False) == {1: "万元", 2: "元"}
    assert column_units(cells("基本支出（万元）", "1.5"), 2, lambda t: t.startswith("基本支出")) == {}
    assert column_units(cells("部门名称", "编制单位：某局"), 2, lambda t: False) == {}
