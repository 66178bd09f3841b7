"""Text spans -> words -> text lines -> phrase segments: the raw material of unruled table finding.

A *word* is a run of characters without a space or a wide gap. A *line* is the words that share a
baseline band. A *segment* is a run of words on one line separated by no more than an ordinary word
space; the gaps between segments are where columns may be.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from extract.text import join_lines
from extract.types import BBox, TextSpan

WORD_GAP = 0.25  # x line height: a wider gap between characters ends a word
SEGMENT_GAP = 0.75  # x line height: a wider gap between words ends a segment (a candidate column gap)
NUMBER_GAP = 0.35  # x line height: two numbers further apart than a thin space are two cells
SAME_LINE_OVERLAP = 0.5  # share of the smaller height two words must overlap vertically to share a line
MARK_GAP = 1.5  # x line height: a footnote mark this close to a number belongs to it
_MARK = re.compile(r"^(\(\d{1,2}\)|\([a-z]\)|\*{1,3}|†|‡)$")
BULLETS = frozenset("•·▪■□◦●○‣")  # list bullets; dashes are left alone, tables use them for nil

_NUMERIC = re.compile(r"^[\(\[\-–−+±≥≤<>=~约]*[$€£¥%]?\s*[\d.,'\s]*\d[\d.,'\s]*%?[\)\]]?[%‰*a-zA-Z万元亿]{0,3}$")


_LEADER = re.compile(r"^[.·…_]{3,}$")
_RULE_CHARS = re.compile(r"^[-_=—─]{3,}$")


@dataclass
class Word:
    text: str
    bbox: BBox
    confidence: float
    span: TextSpan


@dataclass
class Segment:
    words: list[Word]

    @cached_property
    def bbox(self) -> BBox:
        return (min(w.bbox[0] for w in self.words), min(w.bbox[1] for w in self.words),
                max(w.bbox[2] for w in self.words), max(w.bbox[3] for w in self.words))

    @property
    def text(self) -> str:
        out = ""
        for w in self.words:
            out = join_lines([out, w.text]) if out else w.text
        return out

    @property
    def numeric(self) -> bool:
        return is_numeric(self.text)


@dataclass
class Line:
    words: list[Word]
    segments: list[Segment] = field(default_factory=list)

    @cached_property
    def bbox(self) -> BBox:
        return (min(w.bbox[0] for w in self.words), min(w.bbox[1] for w in self.words),
                max(w.bbox[2] for w in self.words), max(w.bbox[3] for w in self.words))

    @cached_property
    def height(self) -> float:
        hs = sorted(w.bbox[3] - w.bbox[1] for w in self.words)
        return max(hs[len(hs) // 2], 1.0)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


def is_numeric(text: str) -> bool:
    t = text.strip()
    return bool(t) and (bool(_NUMERIC.match(t)) or t in {"-", "–", "—", "...", "…", "n/a", "na", "x", "*"})


def _split_by_boxes(span: TextSpan) -> list[Word]:
    boxes = span.char_boxes
    assert boxes is not None
    words: list[Word] = []
    cur: list[int] = []

    def flush() -> None:
        if cur:
            bb = [boxes[i] for i in cur]
            box = (min(b[0] for b in bb), min(b[1] for b in bb), max(b[2] for b in bb), max(b[3] for b in bb))
            words.append(Word("".join(span.text[i] for i in cur), box, span.confidence, span))
            cur.clear()

    for i, ch in enumerate(span.text):
        if ch.isspace():
            flush()
            continue
        if cur:
            prev, box = boxes[cur[-1]], boxes[i]
            h = max(prev[3] - prev[1], box[3] - box[1], 1.0)
            if box[0] - prev[2] > WORD_GAP * h:
                flush()
        cur.append(i)
    flush()
    return words


def _split_by_spaces(span: TextSpan) -> list[Word]:
    """Without character boxes (OCR), place each space-separated word by its share of the characters."""
    x0, y0, x1, y1 = span.bbox
    n = max(len(span.text), 1)
    step = (x1 - x0) / n
    return [Word(m.group(), (x0 + m.start() * step, y0, x0 + m.end() * step, y1), span.confidence, span)
            for m in re.finditer(r"\S+", span.text)]


def spans_to_words(spans: list[TextSpan], exclude: list[BBox]) -> list[Word]:
    words: list[Word] = []
    for span in spans:
        if span.char_boxes is not None and len(span.char_boxes) == len(span.text):
            words.extend(_split_by_boxes(span))
        else:
            words.extend(_split_by_spaces(span))
    return [w for w in words if not _LEADER.match(w.text) and not any(_centre_in(w.bbox, b) for b in exclude)]


def text_rules(lines: list[Line]) -> tuple[list[Line], list[BBox]]:
    """Lines drawn with characters (-----, =====) are rulings, not text."""
    keep, rules = [], []
    for ln in lines:
        if all(_RULE_CHARS.match(w.text) for w in ln.words):
            rules.append(ln.bbox)
        else:
            keep.append(ln)
    return keep, rules


def _centre_in(box: BBox, region: BBox) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


def words_to_lines(words: list[Word]) -> list[Line]:
    """Group words into lines by vertical overlap, top to bottom; each line's words left to right."""
    groups: list[list[Word]] = []
    # Each group's band is the mean top and mean bottom of its words, not their union: a union grows with
    # every word, so header lines set half a line apart chained into one line (cTDaR, ICDAR headers).
    bands: list[list[float]] = []
    for w in sorted(words, key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0])):
        placed = False
        for k in range(len(groups) - 1, max(len(groups) - 4, -1), -1):
            top, bottom = bands[k]
            ov = min(bottom, w.bbox[3]) - max(top, w.bbox[1])
            if ov >= SAME_LINE_OVERLAP * min(bottom - top, w.bbox[3] - w.bbox[1]):
                n = len(groups[k])
                groups[k].append(w)
                bands[k] = [(top * n + w.bbox[1]) / (n + 1), (bottom * n + w.bbox[3]) / (n + 1)]
                placed = True
                break
        if not placed:
            groups.append([w])
            bands.append([w.bbox[1], w.bbox[3]])
    lines = [Line(g) for g in groups]
    for line in lines:
        line.words.sort(key=lambda w: w.bbox[0])
        line.segments = line_segments(line)
    lines.sort(key=lambda ln: ln.bbox[1])
    return lines


def _joins(prev: Word, w: Word, h: float) -> bool:
    if prev.text in BULLETS:
        return True  # a list bullet belongs to the text after it, however wide the indent
    gap = w.bbox[0] - prev.bbox[2]
    if _MARK.match(w.text) and is_numeric(prev.text) and gap <= MARK_GAP * h:
        return True  # "10,000 (1)": a footnote mark stays with its number
    if gap > SEGMENT_GAP * h:
        return False
    return not (gap > NUMBER_GAP * h and is_numeric(prev.text) and is_numeric(w.text))


def line_segments(line: Line) -> list[Segment]:
    h = line.height
    segs: list[Segment] = []
    for w in line.words:
        if segs and _joins(segs[-1].words[-1], w, h):
            segs[-1].words.append(w)
        else:
            segs.append(Segment([w]))
    return segs
