"""Text repair: every radical in U+2E80–U+2FDF is repaired or documented as left alone."""
from __future__ import annotations

import unicodedata

import pytest

from extract.text import (
    RADICAL_NO_EQUIVALENT,
    RADICAL_SUPPLEMENT,
    join_lines,
    normalize_label,
    repair_text,
)


def _unified(ch: str) -> bool:
    cp = ord(ch)
    return len(ch) == 1 and (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF)


def test_every_radical_code_point_is_repaired_or_documented():
    for cp in range(0x2E80, 0x2FE0):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cn":  # unassigned (U+2E9A, U+2EF4–2EFF, U+2FD6–2FDF)
            continue
        fixed, n = repair_text(ch)
        if ch in RADICAL_NO_EQUIVALENT:
            assert fixed == ch and n == 0, hex(cp)
        else:
            assert _unified(fixed), f"U+{cp:04X} {ch} -> {fixed!r}"
            assert n == 1


def test_tables_are_disjoint_and_inside_the_supplement():
    assert not set(RADICAL_SUPPLEMENT) & set(RADICAL_NO_EQUIVALENT)
    for ch in list(RADICAL_SUPPLEMENT) + list(RADICAL_NO_EQUIVALENT):
        assert 0x2E80 <= ord(ch) <= 0x2EF3
        assert unicodedata.category(ch) == "So"


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("⼈⺠", "人民"),
        ("部⻔名称", "部门名称"),
        ("⾦额", "金额"),
        ("⽀出", "支出"),
        ("⻓期⻛险", "长期风险"),
        ("⻜⻢⻥⻦⻅⻉⻋⻆⻚⻄⻩⻬⻮⻳⻰⻘⻝", "飞马鱼鸟见贝车角页西黄齐齿龟龙青食"),
        ("⼾籍", "户籍"),
    ],
)
def test_radical_look_alikes_are_repaired(printed, expected):
    fixed, n = repair_text(printed)
    assert fixed == expected
    assert n == sum(1 for a, b in zip(printed, expected) if a != b)


def test_width_folding_keeps_chinese_punctuation_and_units():
    fixed, n = repair_text("预算金额（万元）：１２３．５０　ＡＢ％，m²㎡①")
    assert fixed == "预算金额（万元）：123.50 AB%，m²㎡①"
    assert n == 0  # width folding is not a repair


def test_clean_text_is_untouched():
    text = "东莞市应急管理局 4,393.85 ≥90%"
    assert repair_text(text) == (text, 0)


def test_join_lines():
    assert join_lines(["部门整体", "预算绩效"]) == "部门整体预算绩效"
    assert join_lines(["total", "amount"]) == "total amount"
    assert join_lines(["预算金额", "(万元)"]) == "预算金额(万元)"
    assert join_lines(["4,393", "万元"]) == "4,393万元"
    assert join_lines(["  a ", "", " b"]) == "a b"


def test_normalize_label_matches_bracket_widths_and_spacing():
    keys = {normalize_label(s) for s in ["预算金额（万元）", "预算金额 (万元)", "预算⾦额(万元)", "预算金额【万元】"]}
    assert keys == {"预算金额(万元)"}
    assert normalize_label("资金主管 部门") == "资金主管部门"
    assert normalize_label("Ａbc：") == "abc:"
