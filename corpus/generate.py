"""Documents with ground truth: the two seeds plus random forms in random styles, deterministic by seed.

Each document is ``<doc_id>.pdf`` and ``<doc_id>.truth.json`` (a :class:`~corpus.truth.DocTruth`).
Documents hold single forms, forms with narrative pages and unrelated ruled tables (部门收支总表) around
them, or several departments' forms one after another. Some carry Kangxi radicals in their text layer.
"""
from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from corpus.content import DEPTS, REGIONS, make_form
from corpus.layout import FormSpec, FormStyle, form_blocks, form_truth
from corpus.render import (FONTS, KANGXI_FONTS, Block, PageBreak, PageStyle, Paragraph, TableBlock, Title,
                           render_document)
from corpus.seeds import SEEDS
from corpus.sheet import Sheet, sheet_to_truth
from corpus.truth import DocTruth, FormInstance, RenderInfo

DEFAULT_OUT = Path(__file__).parent / "generated" / "born_digital"
NARRATIVE = ["本部门主要职责是贯彻落实党中央、国务院和省委、省政府关于{d}工作的方针政策和决策部署，",
             "组织编制本市{d}工作规划并组织实施，指导各镇街开展相关工作，",
             "负责本部门预算编制和执行，加强预算绩效管理，提高财政资金使用效益，",
             "按照全面实施预算绩效管理的要求，本部门对整体支出设定了绩效目标，",
             "下一步将继续强化绩效运行监控，确保绩效目标如期实现。"]


def random_style(rng: random.Random) -> FormStyle:
    jy = rng.random() < 0.5
    base = FormStyle(
        family="jieyang" if jy else "dongguan", budget_unit="万元", task_unit="万元" if jy else "元",
        money_format="plain" if jy else "comma2", year_line=not jy, class_label="财政支出分类" if jy else "部门预算支出",
        dev_rows=not jy, competent=jy, seq=jy, outcome=not jy, other_header=not jy,
        other_label="其他需完成任务" if jy else "其他需完成的任务(可选填)", indicators_separate=jy, comparator_cols=jy,
        comparator_ascii=frozenset(rng.sample(["≤", "≥"], rng.randint(0, 2))))
    flip = rng.random
    return replace(
        base, full_width=flip() < 0.3, split_labels=flip() < 0.2,
        class_label=rng.choice(["财政支出分类", "部门预算支出"]) if flip() < 0.2 else base.class_label,
        indicators_separate=not base.indicators_separate if flip() < 0.2 else base.indicators_separate,
        comparator_cols=not base.comparator_cols if flip() < 0.15 else base.comparator_cols,
        money_format=rng.choice(["plain", "comma2"]) if flip() < 0.2 else base.money_format,
        year_line=not base.year_line if flip() < 0.2 else base.year_line,
        label_w=round(rng.uniform(0.09, 0.15), 3), jitter=tuple(rng.uniform(-0.15, 0.15) for _ in range(7)),
        font_size=rng.choice([9.0, 9.5, 10.0, 10.5, 11.0, 12.0]), title_size=rng.choice([15.0, 16.0, 18.0, 20.0]),
        repeat_header=flip() < 0.7, continued_top_border=flip() < 0.3,
        competent_label="资金主管\n部门" if flip() < 0.3 else "资金主管部门")


def income_table(rng: random.Random) -> Sheet:
    """An unrelated ruled table (部门收支总表) with numbers, to sit beside the forms."""
    sheet = Sheet(kind="other")
    e = [0, 0.32, 0.5, 0.82, 1.0]
    sheet.add_row([(0, 0.5, "收入"), (0.5, 1.0, "支出")], "center", "header")
    sheet.add_row([(e[0], e[1], "项目"), (e[1], e[2], "预算数"), (e[2], e[3], "项目"), (e[3], e[4], "预算数")], "center")
    inc = ["一、一般公共预算拨款", "二、政府性基金预算拨款", "三、财政专户管理资金", "四、事业收入", "五、其他收入"]
    out = ["一、一般公共服务支出", "二、公共安全支出", "三、社会保障和就业支出", "四、卫生健康支出", "五、住房保障支出"]
    a = [Decimal(rng.randint(0, 500000)) / 100 for _ in inc]
    b = [Decimal(rng.randint(0, 500000)) / 100 for _ in out]
    for x, va, y, vb in zip(inc, a, out, b):
        sheet.add_row([(e[0], e[1], x), (e[1], e[2], f"{va:,.2f}"), (e[2], e[3], y), (e[3], e[4], f"{vb:,.2f}")])
    sheet.add_row([(e[0], e[1], "收入总计"), (e[1], e[2], f"{sum(a):,.2f}"), (e[2], e[3], "支出总计"),
                   (e[3], e[4], f"{sum(b):,.2f}")])
    return sheet


def narrative(rng: random.Random, dept: str, n: int) -> list[Block]:
    paras = ["".join(rng.sample(NARRATIVE, 3)).format(d=dept).rstrip("，。") + "。" for _ in range(n)]
    return [Title(rng.choice(["部门概况", "一、部门基本情况", "关于部门预算绩效目标的说明"]), 14.0)] + \
        [Paragraph(p, rng.choice([10.5, 12.0])) for p in paras]


def random_document(rng: random.Random) -> tuple[list[Block], PageStyle, list[tuple[FormSpec, range]]]:
    """Blocks of one document and, per form, the indices of its blocks."""
    font = rng.choice(list(FONTS))
    kangxi = font in KANGXI_FONTS and rng.random() < 0.3
    latin = rng.choice([None, None, "liberation-serif", "liberation-sans", "dejavu-sans"])
    page = PageStyle(font=font, latin_font=latin, size="A4-landscape" if rng.random() < 0.2 else "A4",
                     margin_x=round(rng.uniform(40, 70), 1), kangxi=kangxi)
    year, region = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS)
    layout = rng.choice(["single", "single", "narrative", "with_table", "several"])
    blocks: list[Block] = []
    forms: list[tuple[FormSpec, range]] = []
    if layout == "narrative":
        blocks += narrative(rng, rng.choice(DEPTS), rng.randint(2, 8)) + [PageBreak()]
    for k in range(rng.randint(2, 3) if layout == "several" else 1):
        if k:
            blocks.append(PageBreak())
        style = random_style(rng)
        spec = FormSpec(make_form(rng, style, year, region, rng.choice(DEPTS)), style)
        fb, _ = form_blocks(spec)
        forms.append((spec, range(len(blocks), len(blocks) + len(fb))))
        blocks += fb
    if layout == "with_table":
        blocks += [Title("部门收支总表", 14.0), TableBlock(income_table(rng), 10.0)]
    return blocks, page, forms


def write_document(doc_id: str, blocks: list[Block], page: PageStyle, forms: list[tuple[FormSpec, range]],
                   out: Path) -> DocTruth:
    spans = render_document(blocks, page, out / f"{doc_id}.pdf")
    tables = [sheet_to_truth(b.sheet, b.row_pages, b.cell_boxes) for b in blocks if isinstance(b, TableBlock)]
    instances = []
    for spec, idx in forms:
        pages = sorted({p for i in idx for p in range(spans[i][0], spans[i][1] + 1)})
        instances.append(FormInstance(pages=pages, data=form_truth(spec)))
    styles = [spec.style for spec, _ in forms]
    render = RenderInfo(font=page.font, latin_font=page.latin_font, font_size=styles[0].font_size if styles else 10.0,
                        style="+".join(s.family for s in styles), page_size=page.size, kangxi=page.kangxi,
                        variants=[_variants(s) for s in styles])
    truth = DocTruth(doc_id=doc_id, forms=instances, tables=tables, render=render)
    (out / f"{doc_id}.truth.json").write_text(truth.model_dump_json(indent=1), encoding="utf-8")
    return truth


def _variants(s: FormStyle) -> dict:
    keys = ["full_width", "split_labels", "class_label", "indicators_separate", "comparator_cols", "money_format",
            "year_line", "seq", "repeat_header", "continued_top_border"]
    return {k: getattr(s, k) for k in keys}


def seed_document(seed_id: str, out: Path, doc_id: str | None = None) -> DocTruth:
    """One of the two real forms, drawn like the original (``doc_id`` defaults to the seed id)."""
    spec = SEEDS[seed_id]()
    blocks, _ = form_blocks(spec)
    return write_document(doc_id or seed_id, blocks, PageStyle(), [(spec, range(len(blocks)))], out)


def generate(out: Path = DEFAULT_OUT, n: int = 40, seed: int = 0) -> list[DocTruth]:
    """Write the two seeds and ``n - 2`` random documents (at least the seeds) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    truths = [seed_document(doc_id, out) for doc_id in SEEDS]
    rng = random.Random(seed)
    for i in range(max(n - len(truths), 0)):
        blocks, page, forms = random_document(rng)
        truths.append(write_document(f"gen-{seed}-{i:04d}", blocks, page, forms, out))
    return truths
