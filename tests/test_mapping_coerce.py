"""Coercion of printed text (money, counts, targets, comparators, goals) and label matching."""
from __future__ import annotations

import pytest

from extract.mapping.coerce import (
    FAILED_QUALITY, count_value, money_value, normalise_comparator, parse_target, split_goals,
)
from extract.mapping.labels import (
    INDICATOR_COLUMNS, KV_FIELDS, SECTIONS, TASK_COLUMNS, label_key, label_unit, match_label,
)


@pytest.mark.parametrize("printed, unit, value", [
    ("4,393.85", "万元", "43938500.00"),
    ("565.58075", "万元", "5655807.50"),
    ("0.86075", "万元", "8607.50"),
    ("9,674,500.00", "元", "9674500.00"),
    ("0.00", "万元", "0.00"),
    ("１２３.４", "元", "123.40"),  # full-width digits
])
def test_money_clean(printed, unit, value):
    assert money_value(printed, unit) == (value, 1.0)


def test_money_fixed_up_blank_and_failed():
    value, q = money_value("4,3O3.85", "万元")  # letter O for zero
    assert value == "43038500.00" and q < 1.0
    value, q = money_value("1 662.00", "万元")  # stray space
    assert value == "16620000.00" and q < 1.0
    assert money_value("4.393.85", "万元") == ("43938500.00", 0.8)  # thousands comma read as a dot
    assert money_value("", "万元") == (None, 1.0)
    assert money_value("—", "元") == (None, 1.0)
    assert money_value("见附件", "元") == (None, FAILED_QUALITY)
    assert money_value("12.5万元", None) == ("125000.00", 1.0)  # the printed unit wins
    assert money_value("300元", "万元") == ("300.00", 1.0)


def test_counts():
    assert count_value("124") == (124, 1.0)
    assert count_value("") == (None, 1.0)
    assert count_value("3.5")[0] is None
    assert count_value("12人") == (12, pytest.approx(0.8))


@pytest.mark.parametrize("text, expected", [
    ("≥90%", ("≥", "90", "90", "%")),
    ("100%", ("=", "100", "100", "%")),
    ("约650-714家", ("≈", "650", "714", "家")),
    ("约25000-27400人", ("≈", "25000", "27400", "人")),
    ("约5人", ("≈", "5", "5", "人")),
    ("650-714家", ("≈", "650", "714", "家")),
    ("11个培训项目", ("=", "11", "11", "个培训项目")),
    ("<=3小时", ("≤", "3", "3", "小时")),
    ("＞＝0.50", ("≥", "0.5", "0.5", None)),
    ("1,200", ("=", "1200", "1200", None)),
    ("10至20天", ("≈", "10", "20", "天")),
    ("有效提高", (None, None, None, None)),
    ("7*24", (None, None, None, None)),
    ("新购2辆，并支付上年一辆车尾款", (None, None, None, None)),
    ("100个以上的重点项目", (None, None, None, None)),  # unit suffix longer than 6 characters
    ("", (None, None, None, None)),
])
def test_parse_target(text, expected):
    assert tuple(parse_target(text)) == expected


def test_comparators():
    assert [normalise_comparator(s) for s in ("<=", ">=", "＝", "≤", "＞", "", "大约", "见说明")] == [
        "≤", "≥", "=", "≤", ">", None, "≈", None]


def test_split_goals():
    assert split_goals("目标1: 甲。\n目标2: 乙, 2023年。目标3: 丙") == ["目标1: 甲。", "目标2: 乙, 2023年。", "目标3: 丙"]
    assert split_goals("1、确保7*24小时运行。 2、不少于4个项目。3、预案率100%。") == [
        "1、确保7*24小时运行。", "2、不少于4个项目。", "3、预案率100%。"]
    assert split_goals("完成 全年\n工作") == ["完成 全年 工作"]
    assert split_goals("1、甲；3、乙") == ["1、甲；3、乙"]  # numbering must run on
    assert split_goals("") == []
    assert split_goals("一、做好甲。二、做好乙（含1、2号楼）。三、丙") == ["一、做好甲。", "二、做好乙（含1、2号楼）。", "三、丙"]
    assert split_goals("（一）甲；（二）乙。(三)丙") == ["（一）甲；", "（二）乙。", "(三)丙"]
    assert split_goals("1.完成2.5万人次。2.乙") == ["1.完成2.5万人次。", "2.乙"]
    assert split_goals("目标一：甲。目标二：乙") == ["目标一：甲。", "目标二：乙"]
    assert split_goals("1、甲。（一）子项；（二）子项。2、乙") == ["1、甲。（一）子项；（二）子项。", "2、乙"]


def test_label_keys_and_units():
    assert label_key("资金主管 部门") == label_key("资金主管\n部门") == "资金主管部门"
    assert label_key("拟投入的资金（元）") == label_key("拟投入的资金(元)") == "拟投入的资金"
    assert label_unit("预算金额（万元）") == label_unit("预算金额(万元)") == "万元"
    assert label_unit("拟投入的资金(元)") == "元" and label_unit("名称") is None


@pytest.mark.parametrize("text, vocab, key", [
    ("其他需完成的任务(可选填)", SECTIONS, "other_tasks"),
    ("其他需完成任务", SECTIONS, "other_tasks"),
    ("部门预算支出", KV_FIELDS, None),
    ("资金主管 部门", KV_FIELDS, "competent_department"),
    ("拟投入金额(万元)", TASK_COLUMNS, "amount"),
    ("拟投入资金（万元）", TASK_COLUMNS, "amount"),
    ("期望达到的目标(概述)", TASK_COLUMNS, "expected_outcome"),
    ("指标值", INDICATOR_COLUMNS, "annual_target"),
    ("实施周期指标值", INDICATOR_COLUMNS, "period_target"),
    ("计量单位", INDICATOR_COLUMNS, "unit"),
    ("项目支出", KV_FIELDS, "project_expenditure"),
    ("名 称", TASK_COLUMNS, "name"),
])
def test_label_synonyms(text, vocab, key):
    m = match_label(text, vocab)
    assert (m.key if m else None) == key
    if m:
        assert m.quality == 1.0


def test_fuzzy_labels():
    m = match_label("财政供养人贝数", KV_FIELDS)  # one OCR slip
    assert m is not None and m.key == "staff_count" and 0.8 <= m.quality < 1.0
    assert match_label("基本支出", KV_FIELDS).key == "basic_expenditure"
    assert match_label("名林", TASK_COLUMNS) is None  # too short to match fuzzily
    assert match_label("部门名祢", SECTIONS) == ("department", 0.75)  # one slip in a 4-character anchor
    assert match_label("效益指标", SECTIONS) is None  # a level1 value, two edits from 绩效指标
    assert match_label("拟用于对下转移支付资全", KV_FIELDS).key == "transfer_funds"
    assert match_label("其他事业发展性支出费用", KV_FIELDS).key == "other_development_expenditure"
