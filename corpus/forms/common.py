"""What the form generators share: label variants by split, number formats, the document writer."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from corpus.render import FONTS, Block, PageStyle, TableBlock, render_document
from corpus.sheet import sheet_to_truth

Split = Literal["seen", "held_out", "held_out_2"]


@dataclass(frozen=True)
class Label:
    """Printed wordings of one label: ``seen`` ones, and ``held_out`` ones no declaration lists.

    ``held_out_2`` was written after the mapper's last change and run once, as a check that the first
    held-out split had not been fitted by looking at its failures."""

    seen: tuple[str, ...]
    held_out: tuple[str, ...]
    held_out_2: tuple[str, ...] = ()


def wording(rng: random.Random, label: Label, split: Split, mess: float = 0.25) -> str:
    """One printed wording; sometimes with stray spaces or wrapped over two lines."""
    text = rng.choice({"seen": label.seen, "held_out": label.held_out, "held_out_2": label.held_out_2 or label.held_out}[split])
    r = rng.random()
    if r < mess / 2 and len(text) >= 4:
        text = " ".join(text) if len(text) <= 5 else text[:2] + " " + text[2:]
    elif r < mess and len(text) >= 5 and "(" not in text and "（" not in text:
        k = len(text) // 2
        text = text[:k] + "\n" + text[k:]
    return text


@dataclass(frozen=True)
class MoneyStyle:
    unit: Literal["万元", "元"]
    fmt: Literal["plain", "comma2", "six"]

    def show(self, yuan: Decimal | None) -> str:
        if yuan is None:
            return ""
        v = yuan / 10000 if self.unit == "万元" else yuan
        if self.fmt == "comma2":
            return f"{v:,.2f}"
        if self.fmt == "six":
            return f"{v:.6f}"
        return f"{v:.2f}"


def money_style(rng: random.Random) -> MoneyStyle:
    """万元 or 元; two decimals, with thousands commas, or (万元 only: yuan to the cent) six decimals."""
    unit = rng.choice(["万元", "万元", "元"])
    return MoneyStyle(unit, rng.choice(["plain", "comma2", "six"] if unit == "万元" else ["plain", "comma2"]))


def yuan_str(d: Decimal | None) -> str | None:
    return None if d is None else str(d.quantize(Decimal("0.01")))


def amount(rng: random.Random, lo: int, hi: int) -> Decimal:
    """A yuan amount, a multiple of 100 (exact in 万元 with two decimals)."""
    return Decimal(rng.randint(lo // 100, hi // 100) * 100)


def split_total(rng: random.Random, total: Decimal, n: int) -> list[Decimal]:
    """``n`` multiples of 100 adding up to ``total`` (a multiple of 100)."""
    if n == 1:
        return [total]
    units = int(total / 100)
    cuts = sorted(rng.randint(0, units) for _ in range(n - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [units])]
    return [Decimal(p * 100) for p in parts]


def page_style(rng: random.Random) -> PageStyle:
    return PageStyle(font=rng.choice(list(FONTS)), margin_x=round(rng.uniform(40, 70), 1),
                     size="A4-landscape" if rng.random() < 0.15 else "A4")


@dataclass
class Generated:
    form: str
    blocks: list[Block]
    data: dict
    page: PageStyle
    variants: dict = field(default_factory=dict)


def write(doc_id: str, g: Generated, out: Path) -> dict:
    """``<doc_id>.pdf`` and ``<doc_id>.truth.json`` (doc_id, forms [{form, pages, data}], tables, render)."""
    out.mkdir(parents=True, exist_ok=True)
    spans = render_document(g.blocks, g.page, out / f"{doc_id}.pdf")
    pages = sorted({p for a, b in spans for p in range(a, b + 1)})
    tables = [sheet_to_truth(b.sheet, b.row_pages, b.cell_boxes).model_dump(mode="json")
              for b in g.blocks if isinstance(b, TableBlock)]
    truth = {"doc_id": doc_id, "forms": [{"form": g.form, "pages": pages, "data": g.data}], "tables": tables,
             "render": {"font": g.page.font, "style": g.form, **g.variants}}
    (out / f"{doc_id}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth
