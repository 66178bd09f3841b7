"""CJK text repair: radical look-alikes, width folding, line joining.

Why: PDF producers often map a Chinese glyph to the *radical* code point that shares its
shape (``⻔`` U+2ED4 for 门, ``⼈`` U+2F08 for 人). The text looks right but matches nothing.
``repair_text`` puts the unified ideograph back. Choices, stated once:

- Kangxi Radicals (U+2F00–U+2FD5) fold by NFKC, except where NFKC gives the traditional
  form of a character whose simplified-Chinese glyph the radical shares (``_KANGXI_SIMPLIFIED``).
- CJK Radicals Supplement (U+2E80–U+2EF3) has almost no NFKC mapping, so ``RADICAL_SUPPLEMENT``
  lists every code point with a unified equivalent in the BMP CJK blocks (after Unicode's
  EquivalentUnifiedIdeograph data; ``⺼`` MEAT goes to 月, the shape it prints as). The rest are
  in ``RADICAL_NO_EQUIVALENT``, with the reason, and are left as printed.
- CJK Compatibility Ideographs fold to their canonical ideograph.
- Width: full-width digits, Latin letters and the symbols that occur inside numbers and units
  (``％ ＋ － ． ／ ＝ ＜ ＞``) fold to ASCII, the ideographic space to a space. Chinese punctuation
  (``，：；（）、。``) stays as printed: it *is* the printed text, and Field.raw keeps it.
  ``normalize_label`` folds those too, for matching.
- We do not apply blanket NFKC: it would turn ``m²``/``㎡`` into ``m2`` and ``①`` into ``1``.

The count returned by ``repair_text`` is the number of look-alike repairs (radicals,
compatibility ideographs): those lower a span's confidence. Width folding is normalisation
of correct text and is not counted.
"""
from __future__ import annotations

import re
import unicodedata

# --- CJK Radicals Supplement -------------------------------------------------------------
# code point -> unified ideograph (URO U+4E00–U+9FFF or Ext A U+3400–U+4DBF)
RADICAL_SUPPLEMENT: dict[str, str] = {
    "\u2e81": "厂", "\u2e82": "乛", "\u2e83": "乚", "\u2e85": "亻", "\u2e86": "冂",
    "\u2e89": "刂", "\u2e8a": "卜", "\u2e8b": "㔾", "\u2e8c": "小", "\u2e8d": "小",
    "\u2e8e": "兀", "\u2e8f": "尣", "\u2e90": "尢", "\u2e92": "巳", "\u2e93": "幺",
    "\u2e94": "彑", "\u2e95": "彐", "\u2e96": "忄", "\u2e97": "㣺", "\u2e98": "扌",
    "\u2e99": "攵", "\u2e9b": "旡", "\u2e9c": "日", "\u2e9d": "月", "\u2e9e": "歺",
    "\u2e9f": "母", "\u2ea0": "民", "\u2ea1": "氵", "\u2ea2": "氺", "\u2ea3": "灬",
    "\u2ea4": "爫", "\u2ea5": "爫", "\u2ea6": "丬", "\u2ea7": "牛", "\u2ea8": "犭",
    "\u2ea9": "王", "\u2eab": "罒", "\u2eac": "示", "\u2ead": "礻", "\u2eaf": "糹",
    "\u2eb0": "纟", "\u2eb1": "罓", "\u2eb2": "罒", "\u2eb3": "㓁", "\u2eb9": "耂",
    "\u2eba": "肀", "\u2ebb": "聿", "\u2ebc": "月", "\u2ebe": "艹", "\u2ebf": "艹",
    "\u2ec0": "艹", "\u2ec1": "虎", "\u2ec2": "衤", "\u2ec3": "覀", "\u2ec4": "西",
    "\u2ec5": "见", "\u2ec6": "角", "\u2ec8": "讠", "\u2ec9": "贝", "\u2ecb": "车",
    "\u2ecc": "辶", "\u2ecd": "辶", "\u2ece": "辶", "\u2ecf": "阝", "\u2ed0": "钅",
    "\u2ed1": "長", "\u2ed2": "镸", "\u2ed3": "长", "\u2ed4": "门", "\u2ed5": "阜",
    "\u2ed6": "阝", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦", "\u2eda": "页",
    "\u2edb": "风", "\u2edc": "飞", "\u2edd": "食", "\u2edf": "飠", "\u2ee0": "饣",
    "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟",
    "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eeb": "斉",
    "\u2eec": "齐", "\u2eed": "歯", "\u2eee": "齿", "\u2eef": "竜", "\u2ef0": "龙",
    "\u2ef1": "龜", "\u2ef2": "亀", "\u2ef3": "龟",
}

# Assigned supplement code points left as printed, and why.
RADICAL_NO_EQUIVALENT: dict[str, str] = {
    "\u2e80": "REPEAT: a two-dot component mark, no character of its own",
    "\u2e84": "SECOND THREE: a hook component of 乙, no character of its own",
    "\u2e87": "TABLE: equivalent 𠘨 is in Ext B, outside the blocks we fold to",
    "\u2e88": "KNIFE ONE: equivalent 𠂊 is in Ext B",
    "\u2e91": "LAME FOUR: equivalent 𡯂 is in Ext B",
    "\u2eaa": "BOLT OF CLOTH: equivalent 𤴔 is in Ext B",
    "\u2eae": "BAMBOO: equivalent 𥫗 is in Ext B",
    "\u2eb4": "NET FOUR: a component form of 网 with no BMP ideograph",
    "\u2eb5": "MESH: equivalent 𦉫 is in Ext B",
    "\u2eb6": "SHEEP: the top-of-美 form 𦍌 is in Ext B",
    "\u2eb7": "RAM: equivalent is in Ext B",
    "\u2eb8": "EWE: equivalent 𦍋 is in Ext B",
    "\u2ebd": "MORTAR: the split form 𦥑 is in Ext B",
    "\u2ec7": "HORN: equivalent 𧢲 is in Ext B",
    "\u2eca": "FOOT: equivalent 𧾷 is in Ext B",
    "\u2ede": "EAT TWO: equivalent 𩙿 is in Ext B",
    "\u2ee1": "HEAD: equivalent 𩠐 is in Ext B",
}

# Kangxi radicals whose NFKC result is a traditional form; a simplified-Chinese font draws the
# radical with the simplified character's glyph, so that is what the text said.
_KANGXI_SIMPLIFIED: dict[str, str] = {"\u2f3e": "户", "\u2fad": "青"}

# Full-width forms that fold to ASCII: letters, digits and number/unit symbols.
_WIDTH_FOLD_KEEP = set("，：；（）！？、。～")  # Chinese punctuation (～ the range mark of 767～858台) stays as printed


def _build_tables() -> tuple[dict[int, str], dict[int, str]]:
    repairs: dict[int, str] = {ord(k): v for k, v in RADICAL_SUPPLEMENT.items()}
    for cp in range(0x2F00, 0x2FD6):
        repairs[cp] = unicodedata.normalize("NFKC", chr(cp))
    repairs.update({ord(k): v for k, v in _KANGXI_SIMPLIFIED.items()})
    for cp in list(range(0xF900, 0xFB00)) + list(range(0x2F800, 0x2FA20)):
        folded = unicodedata.normalize("NFC", chr(cp))
        if folded != chr(cp):
            repairs[cp] = folded
    widths: dict[int, str] = {0x3000: " "}
    for cp in range(0xFF01, 0xFF5F):
        if chr(cp) not in _WIDTH_FOLD_KEEP:
            widths[cp] = chr(cp - 0xFEE0)
    return repairs, widths


_REPAIRS, _WIDTHS = _build_tables()

def is_cjk(ch: str) -> bool:
    """True for CJK ideographs and radicals, kana, CJK punctuation and symbols, full/half-width forms."""
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFE30 <= cp <= 0xFE4F
            or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF)


def is_garbled_code_point(cp: int) -> bool:
    """A character a text layer gives when it has no real mapping: U+FFFD, NUL, private use, controls."""
    if cp in (0, 0xFFFD, 0xFFFE, 0xFFFF):
        return True
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return True
    return unicodedata.category(chr(cp)) == "Cc" and cp not in (0x09, 0x0A, 0x0D)


def looks_garbled(text: str) -> bool:
    """Text a reader can't trust as printed: garbled code points or pdfminer-style ``(cid:NN)``."""
    return "(cid:" in text or any(is_garbled_code_point(ord(ch)) for ch in text)


def repair_text(text: str) -> tuple[str, int]:
    """Return the repaired text and how many look-alike characters were repaired.

    Width folding is applied too but not counted (see the module docstring).
    """
    repaired = text.translate(_REPAIRS)
    n = sum(1 for ch in text if ord(ch) in _REPAIRS) if repaired != text else 0
    return repaired.translate(_WIDTHS), n


def join_lines(lines: list[str]) -> str:
    """Join the lines of one cell: no space between CJK characters, one space between Latin words/numbers."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
            out += " "
        out += line
    return out


_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")",
                           "[": "(", "]": ")", "｛": "(", "｝": ")"})
_SPACE_RE = re.compile(r"\s+")


def normalize_label(s: str) -> str:
    """Key for matching a printed label: repaired, NFKC-folded, brackets unified, no whitespace, lower case.

    ``"预算金额（万元）"``, ``"预算金额 (万元)"`` and ``"预算⾦额(万元)"`` give the same key.
    """
    text, _ = repair_text(s)
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return _SPACE_RE.sub("", text).lower()
