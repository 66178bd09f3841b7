"""Printed text -> typed values: money, counts, comparators and numeric targets, numbered goals.

Each parser returns the value and a parse quality in [0, 1] that multiplies the field's confidence:
1.0 for a clean parse (or a blank), lower when the text had to be fixed up, low when nothing parsed.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, NamedTuple

CENT = Decimal("0.01")
YUAN_PER_WAN = Decimal(10000)
# Quality of a value that parsed only after fixing OCR-like slips (O->0, stray spaces, a unit suffix).
FIXED_UP_QUALITY = 0.8
# Quality of a money/count cell whose text is no number at all: the value is None, the raw text is kept.
FAILED_QUALITY = 0.2
# Longest unit suffix a numeric target may carry ("个培训项目" is 5).
MAX_UNIT_CHARS = 6

_WS_RE = re.compile(r"\s+")
_CLEAN_NUMBER_RE = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_BLANK_MARKS = {"", "-", "—", "——", "–", "/", "无", "\\"}
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "，": ",", "．": ".", "。": "."})
# ---- comparators: a grammar of symbols and words, in front of the number or after it ----------------------
# Symbols (after NFKC: ＞＜＝ are > < =): ≥/≤ as printed, ≧/≦ (the Dongguan seed 2024 prints ≧), >=/<= and
# =>/=< typed in a spreadsheet, ≮/≯ (not less / not more than, in some cities' forms), ≈ and ~ for about.
_SYMBOLS = {
    "≥": "≥", "≧": "≥", ">=": "≥", "=>": "≥", "≮": "≥",
    "≤": "≤", "≦": "≤", "<=": "≤", "=<": "≤", "≯": "≤",
    ">": ">", "<": "<", "=": "=", "==": "=", "≈": "≈", "~": "≈",
}
# Words in front of the number (Chinese usage: 不低于/不少于/至少 include the number, 大于/超过/高于 do not).
_PREFIX_WORDS = {
    "≥": ("大于等于", "大于或等于", "不低于", "不少于", "不小于", "不得低于", "不得少于", "至少", "最少", "最低"),
    "≤": ("小于等于", "小于或等于", "不高于", "不超过", "不多于", "不大于", "不得高于", "不得超过", "至多", "最多",
          "最高", "控制在"),
    ">": ("大于", "高于", "超过", "多于"),
    "<": ("小于", "低于", "少于", "不足", "不到", "不满"),
    "=": ("等于",),
    "≈": ("约等于", "大约", "约为", "约"),
}
# Words after the number and its unit: 以上/以下/以内 include the number (《民法典》第1259条 defines them so, and
# 不满/超过 as excluding it; these forms use them alike: 95%以上 for ≥95%); 左右/上下 say about.
_SUFFIX_WORDS = {
    "≥": ("及以上", "或以上", "以上"),
    "≤": ("及以下", "或以下", "以下", "以内", "之内"),
    "≈": ("左右", "上下"),
}
_COMPARATORS = {**_SYMBOLS, **{w: c for c, ws in _PREFIX_WORDS.items() for w in ws},
                **{w: c for c, ws in _SUFFIX_WORDS.items() for w in ws}}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # longest first: 大于等于 > 大于


_PREFIX_RE = _alternation(list(_SYMBOLS) + [w for ws in _PREFIX_WORDS.values() for w in ws])
_SUFFIX_RE = _alternation([w for ws in _SUFFIX_WORDS.values() for w in ws])
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# Range marks: hyphen, tildes (~ ～ 〜), dashes, 至/到; the unit may be printed on both ends (90%-95%).
_RANGE = r"(?:-|~|～|〜|—|–|至|到)"
_TARGET_RE = re.compile(
    rf"(?P<cmp>{_PREFIX_RE})?\s*"
    rf"(?P<a>{_NUMBER})\s*(?:(?P<unit_a>[^\d\s~～〜—–-]{{1,{MAX_UNIT_CHARS}}}?)\s*{_RANGE}\s*(?P<b1>{_NUMBER})"
    rf"|{_RANGE}\s*(?P<b2>{_NUMBER}))?\s*"
    rf"(?P<unit>.*?)\s*(?P<suffix>{_SUFFIX_RE})?\s*(?:\(含(?:本数)?\))?\s*(?:之间)?\s*[。;]?"
)  # 95%以上（含） says the bound is included; a cell typed as a sentence may end in 。 or ；
_PLAIN_NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CN_DIGITS = "一二三四五六七八九十"
_NUM = rf"\d{{1,2}}|[{_CN_DIGITS}]{{1,3}}"
# Goal numbering styles, each its own group so a chain keeps one style: 目标1: / 1、 1. / （1） （一） / 一、
_GOAL_MARK_RE = re.compile(
    rf"(?P<goal>目标\s*(?:{_NUM})\s*[:：、.．])|(?P<arabic>\d{{1,2}}\s*[、.．](?!\d))"
    rf"|(?P<paren>[(（]\s*(?:{_NUM})\s*[)）])|(?P<cn>[{_CN_DIGITS}]{{1,3}}\s*、)"
)
_GOAL_BOUNDARY = set("。；;！!？?\n ")


class Target(NamedTuple):
    comparator: str | None
    value_min: str | None
    value_max: str | None
    unit: str | None


NO_TARGET = Target(None, None, None, None)


def collapse_ws(text: str | None) -> str:
    """Text as printed with runs of whitespace (line breaks included) made one space, ends stripped."""
    return _WS_RE.sub(" ", text or "").strip()


def is_blank(text: str | None) -> bool:
    return collapse_ws(text) in _BLANK_MARKS


def _fold(text: str) -> str:
    """NFKC (full-width digits, ＝, ＞) without touching anything else we rely on."""
    return unicodedata.normalize("NFKC", text)


def parse_decimal(text: str | None) -> tuple[Decimal | None, float]:
    """A printed number -> (Decimal, quality); blank -> (None, 1.0); no number -> (None, FAILED_QUALITY)."""
    if is_blank(text):
        return None, 1.0
    s = _fold(collapse_ws(text))
    if _CLEAN_NUMBER_RE.fullmatch(s):
        return Decimal(s.replace(",", "")), 1.0
    fixed = re.sub(r"(万元|元|人|个|家)$", "", s.translate(_OCR_DIGITS).replace(" ", ""))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+\.\d{1,2}", fixed):  # 4.393.85: a thousands comma read as a dot
        fixed = fixed.replace(".", ",", fixed.count(".") - 1)
    if re.fullmatch(r"[-+]?[\d,]*\d(\.\d+)?", fixed):
        try:
            return Decimal(fixed.replace(",", "")), FIXED_UP_QUALITY
        except InvalidOperation:
            pass
    return None, FAILED_QUALITY


# A unit printed after the amount: 万元, 元, or 万 alone (12.5万, as amounts are written in prose).
_UNIT_SUFFIX_RE = re.compile(r"(万元|元|万)\s*$")
# A currency sign in front (¥1,234.56, ￥, 人民币) names the currency, not the scale: the unit is still the one
# printed after the number or stated for the column.
_CURRENCY_RE = re.compile(r"^(?:[¥￥]|人民币)\s*")


def money_unit(text: str | None, unit: str | None) -> str | None:
    """The unit an amount is in: one printed after the number (``"12.5万元"``) wins over the header's."""
    m = _UNIT_SUFFIX_RE.search(collapse_ws(text))
    return ("万元" if m.group(1) == "万" else m.group(1)) if m else unit


def money_value(text: str | None, unit: str | None) -> tuple[str | None, float]:
    """Printed amount -> (yuan decimal string quantised to cents, quality); 万元 amounts times 10000."""
    unit = money_unit(text, unit)
    amount, quality = parse_decimal(_UNIT_SUFFIX_RE.sub("", _CURRENCY_RE.sub("", collapse_ws(text))))
    if amount is None:
        return None, quality
    if unit == "万元":
        amount *= YUAN_PER_WAN
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP)), quality


def count_value(text: str | None) -> tuple[int | None, float]:
    """A printed count (people, units) -> (int, quality); fractions do not parse."""
    number, quality = parse_decimal(text)
    if number is None:
        return None, quality
    if number != number.to_integral_value():
        return None, FAILED_QUALITY
    return int(number), quality


def plain_decimal(d: Decimal | str) -> str:
    """Decimal string without trailing zeros or exponent: ``90``, ``0.5``."""
    return format(Decimal(str(d)).normalize(), "f")


def normalise_comparator(text: str | None) -> str | None:
    """Printed 对比符号 -> one of ≥ ≤ = > < ≈ (``<=``, ``≧``, ``不低于``, ``以上`` -> ``≥``; ``＝`` -> ``=``); None
    when blank or unknown."""
    s = _fold(collapse_ws(text)).replace(" ", "")
    return _COMPARATORS.get(s) if s else None


def _is_unit(text: str) -> bool:
    if len(text) > MAX_UNIT_CHARS:
        return False
    for ch in text:
        cat = unicodedata.category(ch)
        if ch not in "%‰℃" and (cat[0] in "PNZ" or ch in "*+/×x"):
            return False
    return True


def _number(text: str) -> str:
    return plain_decimal(text.replace(",", ""))


def parse_target(text: str | None, unit: str | None = None, comparator: str | None = None) -> Target:
    """Numeric target text -> (comparator, min, max, unit) or NO_TARGET.

    Grammar: [comparator] number [unit] [range mark number] [unit] [suffix word] [之间], spaces anywhere
    between. The comparator is a symbol or word in front (``≥``, ``≧``, ``>=``, ``不低于``, ``约``) or a word
    after the unit (``以上``, ``以下``, ``以内``, ``左右``); a range (``-``, ``~``, ``～``, ``至``, ``到``) without
    one is ≈; no comparator and no range is =. The unit is at most 6 characters without digits or
    punctuation (``%`` allowed) and may be printed on both ends of a range (``90%-95%``).
    ``≥90%`` -> (≥, 90, 90, %); ``95%以上`` -> (≥, 95, 95, %); ``约650-714家`` -> (≈, 650, 714, 家).

    ``unit`` and ``comparator`` are what the row prints in its own 计量单位 and 对比符号 columns: a bare
    ``1`` equal to its target in a column whose unit is ``%`` is a sheet cell holding 1 = 100% without
    its percent format (the Excel route prints it so), read as 100. A bound (``≤`` 1 in a % column:
    超支率 ≤ 1%) is a rate of 1%; a share between 0 and 1 is left as printed, since 0.5 in a % column
    is as likely 0.5% as 50%.
    """
    s = _fold(collapse_ws(text))
    m = _TARGET_RE.fullmatch(s)
    if not m:
        return NO_TARGET
    own_unit = m["unit"].replace(" ", "")
    if m["unit_a"] and m["unit_a"].strip() != own_unit:
        return NO_TARGET  # 3天-5人: two units are no range
    if not _is_unit(own_unit):
        return NO_TARGET
    a = _number(m["a"])
    second = m["b1"] or m["b2"]
    b = _number(second) if second else a
    words = [_COMPARATORS[w] for w in (m["cmp"], m["suffix"]) if w]
    if words:
        found = words[0]  # a prefix and a suffix that disagree (大于95%以下) : the prefix is read first
    elif second or m[0].endswith("之间"):
        found = "≈"
    else:
        found = "="
    if (not own_unit and second is None and a == "1" and _fold((unit or "").strip()) == "%"
            and (comparator or found) == "="):
        a = b = "100"
    return Target(found, a, b, own_unit or None)


def plain_number(text: str | None) -> str | None:
    """``"4"``, ``"1,200"``, ``"0.50"`` -> decimal string without trailing zeros; anything else None."""
    s = _fold(collapse_ws(text))
    return plain_decimal(s.replace(",", "")) if _PLAIN_NUMBER_RE.fullmatch(s) else None


def _numeral(text: str) -> int | None:
    """``"12"`` -> 12, ``"十二"`` -> 12, ``"二十"`` -> 20 (up to 99)."""
    m = re.search(rf"\d{{1,2}}|[{_CN_DIGITS}]{{1,3}}", text)
    if m is None:
        return None
    s = m.group(0)
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return _CN_DIGITS.index(s) + 1 if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_CN_DIGITS.index(ones) + 1 if ones else 0)


def _goal_marks(text: str) -> list[tuple[int, int, str]]:
    """(position, number, style) of each numbering mark at the start or after a sentence end."""
    marks = []
    for m in _GOAL_MARK_RE.finditer(text):
        start = m.start()
        num = _numeral(m.group(0))
        if num is not None and (start == 0 or text[start - 1] in _GOAL_BOUNDARY):
            marks.append((start, num, m.lastgroup or ""))
    return marks


def split_goals(text: str | None) -> list[str]:
    """Split 总体绩效目标 into its numbered goals (``目标1:``, ``1、``, ``（一）``, ``一、`` kept as printed).

    A goal starts at a marker of the first goal's style numbered one more than the last, at the start of
    the text or after a sentence end or line break; text that does not start with a marker is one goal.
    """
    s = (text or "").strip()
    if not s:
        return []
    marks = _goal_marks(s)
    if not marks or marks[0][0] != 0:
        return [collapse_ws(s)]
    starts, expected, style = [], marks[0][1], marks[0][2]
    for pos, num, kind in marks:
        if num == expected and kind == style:
            starts.append(pos)
            expected += 1
    ends = starts[1:] + [len(s)]
    return [collapse_ws(s[a:b]) for a, b in zip(starts, ends)]
