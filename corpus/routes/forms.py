"""The declared forms (项目支出绩效目标表, 部门收支总表, 一般公共预算支出表, "三公"经费预算表) on the independent
routes: laid out as :class:`~corpus.routes.grid.Grid` s, printed by LibreOffice (XLSX) or Chromium (HTML).

``python -m corpus.routes.forms --out corpus/generated/forms_indep_born --n 8 --seed 0`` writes, per split
(``tune`` / ``heldout``), ``<form>-<route>-<split>-<i>.pdf`` and ``.truth.json`` in the truth format of
``corpus.forms`` (``forms: [{form, pages, data}]``, ``tables``, ``render``). Scans: ``python -m corpus.scan``.
Content (amounts, codes, indicators) comes from ``corpus.forms``; layout and wording
(``form_wording``) are this route's own. Amounts are printed in 万元 or 元 with two or six decimals
(a workbook may store them as numbers with a number format), the unit in the amount headers or in a
note line above the table.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Callable

from corpus.content import DEPTS, KINDS, REGIONS, TOPICS
from corpus.forms.common import amount, split_total, yuan_str
from corpus.forms import expenditure as exp_content
from corpus.forms import income as inc_content
from corpus.forms import project as proj_content
from corpus.routes import form_wording as fw
from corpus.routes import html as html_route
from corpus.routes import xlsx as xlsx_route
from corpus.routes.grid import GCell, Grid, RouteDoc, route_table_truth
from corpus.routes.locate import read_pages, row_pages
from corpus.routes.wording import bracket, money_text

FONTS = ("AR PL UMing CN", "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei")
MONEY = ("comma2", "plain2", "six", "comma2_space")


class Made:
    """One form's printed grids, title lines, unit note and truth data."""

    def __init__(self, form: str, grids: list[Grid], titles: list[str], note: str, data: dict, widths: list,
                 ind_widths: list | None = None, variants: dict | None = None):
        self.form, self.grids, self.titles, self.note, self.data = form, grids, titles, note, data
        self.widths, self.ind_widths, self.variants = widths, ind_widths, variants or {}


def _money_style(rng: random.Random) -> tuple[str, str]:
    unit = rng.choice(["万元", "万元", "元"])
    fmt = rng.choice(MONEY if unit == "万元" else ("comma2", "plain2", "comma2_space"))
    return unit, fmt


def _unit_place(rng: random.Random, split: str, unit: str, full_width: bool) -> tuple[str, str]:
    """(note line, suffix for amount headers): the unit once above the table, or in each amount header."""
    if rng.random() < 0.5:
        return rng.choice(fw.UNIT_NOTES[split]).format(u=unit), ""
    return "", bracket(f"({unit})", full_width)


def _suffix(label: str, sfx: str) -> str:
    return label if not sfx or "（" in label or "(" in label else label + sfx


# ------------------------------------------------------------------ 项目支出绩效目标表

PROJECT_TITLES = {"tune": ("{y}年项目支出绩效目标表", "{r}{d}局{y}年度项目绩效目标表", "项目支出绩效目标表"),
                  "heldout": ("{y}年度项目支出绩效目标申报表", "{r}{y}年项目支出绩效目标表", "项目支出绩效目标表")}


def make_project(rng: random.Random, split: str) -> Made:
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    fwid = rng.random() < 0.4
    lab = {k: bracket(v, fwid) for k, v in fw.pick(rng, fw.PROJECT, split).items()}
    unit, fmt = _money_style(rng)
    note, sfx = _unit_place(rng, split, unit, fwid)
    project = f"{rng.choice(TOPICS)}{rng.choice(KINDS)}"
    other = amount(rng, 0, 3_000_000) if rng.random() < 0.6 else Decimal(0)
    fiscal = amount(rng, 100_000, 30_000_000)
    total = fiscal + other
    goal = (f"{rng.choice(['1、', '目标1：', ''])}通过{project}，{rng.choice(['全面提升', '有效保障', '持续推进'])}"
            f"{dept}领域{rng.choice(['服务能力', '工作质量', '管理水平'])}，确保年度任务按期完成。")
    items = proj_content._indicators(rng, True)
    g = Grid(6)
    g.row([(0, 1, lab["project_name"], "label"), (1, 6, project, "text")])
    competent, unit_name = f"{region}{dept}局", f"{region}{dept}事务中心"
    g.row([(0, 1, lab["competent_department"], "label"), (1, 3, competent, "text"),
           (3, 4, lab["implementing_unit"], "label"), (4, 6, unit_name, "text")])
    first = g.n_rows
    in_section = rng.random() < 0.5 and sfx
    for key, val in (("funds.total", total), ("funds.fiscal", fiscal), ("funds.other", other)):
        g.row([(1, 3, lab[key] if in_section else _suffix(lab[key], sfx), "text"),
               (3, 6, money_text(str(val), unit, fmt), "money")], {1: str(val)})
    g.label(first, lab["funds_section"] + (sfx if in_section else ""))
    g.row([(0, 1, lab["overall_goal"], "label"), (1, 6, goal, "text")])
    separate = rng.random() < 0.35
    ig = Grid(4, kind="indicators", caption=lab["indicators"]) if separate else g
    x0 = 0 if separate else 1
    first = ig.n_rows
    e = [x0, x0 + 1, x0 + 2, x0 + 2 + (1 if separate else 2)]
    ig.row([(e[0], e[1], lab["level1"], "header"), (e[1], e[2], lab["level2"], "header"),
            (e[2], e[3], lab["level3"], "header"), (e[3], e[3] + 1, lab["target"], "header")])
    top = ig.n_rows
    groups: list[list] = []
    for i, it in enumerate(items):
        ig.row([(e[2], e[3], it["level3"], "text"), (e[3], e[3] + 1, it["target"], "center")])
        if groups and groups[-1][2:] == [it["level1"], it["level2"]]:
            groups[-1][1] += 1
        else:
            groups.append([top + i, 1, it["level1"], it["level2"]])
    l1: dict[str, list[int]] = {}
    for start, n, a, b in groups:
        ig.cells.append(GCell(start, e[1], b, n, 1, "center"))
        l1.setdefault(a, [start, 0])[1] += n
    for a, (start, n) in l1.items():
        ig.cells.append(GCell(start, e[0], a, n, 1, "center"))
    if not separate:
        g.label(first, lab["indicators"])
    titles = [rng.choice(PROJECT_TITLES[split]).format(y=year, r=region, d=dept)]
    if str(year) not in titles[0]:
        titles.append(bracket(f"({year}年度)", fwid))
    fold = str.maketrans({"≧": "≥", "≦": "≤"})
    data = {"title": titles[0], "year": year, "project_name": project, "competent_department": competent,
            "implementing_unit": unit_name,
            "funds": {"total": yuan_str(total), "fiscal": yuan_str(fiscal), "other": yuan_str(other)},
            "overall_goal": goal, "indicators": [{**it, "target": it["target"].translate(fold)} for it in items]}
    widths = [(6, 9), (8, 11), (8, 14), (9, 14), (9, 13), (10, 16)]
    return Made(proj_content.FORM, [g] + ([ig] if separate else []), titles, note, data, widths,
                [(7, 10), (8, 12), (14, 24), (12, 18)], {"money": f"{unit}/{fmt}", "separate": separate})


# ------------------------------------------------------------------ 部门收支总表

INCOME_TITLES = {"tune": ("{y}年部门收支预算总表", "{r}{d}局{y}年收支总表", "{y}年部门收支总表"),
                 "heldout": ("{r}{d}局{y}年部门收支总表", "{y}年度部门收支总表", "{y}年部门收支预算总表")}


def make_income(rng: random.Random, split: str) -> Made:
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    fwid = rng.random() < 0.4
    lab = {k: bracket(v, fwid) for k, v in fw.pick(rng, fw.INCOME, split).items()}
    unit, fmt = _money_style(rng)
    note, sfx = _unit_place(rng, split, unit, fwid)
    names = inc_content.INCOME
    inc_names = [names[0]] + sorted(rng.sample(names[1:], rng.randint(1, 4)), key=names.index)
    exp_names = sorted(rng.sample(inc_content.SPEND, rng.randint(2, 7)), key=inc_content.SPEND.index)
    total = amount(rng, 1_000_000, 200_000_000)
    cin = amount(rng, 0, int(total) // 5) if rng.random() < 0.6 else Decimal(0)
    cout = amount(rng, 0, int(total) // 6) if rng.random() < 0.5 else Decimal(0)
    inc = split_total(rng, total - cin, len(inc_names))
    exp = split_total(rng, total - cout, len(exp_names))
    amount_head = _suffix(lab["amount"], sfx)
    g = Grid(4)
    if rng.random() < 0.6:
        g.row([(0, 2, rng.choice(["收入", "收 入"]), "header"), (2, 4, rng.choice(["支出", "支 出"]), "header")])
    g.row([(0, 1, lab["income_item"], "header"), (1, 2, amount_head, "header"),
           (2, 3, lab["expenditure_item"], "header"), (3, 4, amount_head, "header")])

    def m(v: Decimal) -> str:
        return money_text(str(v), unit, fmt)

    for i in range(max(len(inc_names), len(exp_names))):
        left = (inc_names[i], inc[i]) if i < len(inc_names) else ("", None)
        right = (exp_names[i], exp[i]) if i < len(exp_names) else ("", None)
        g.row([(0, 1, left[0], "text"), (1, 2, m(left[1]) if left[1] is not None else "", "money"),
               (2, 3, right[0], "text"), (3, 4, m(right[1]) if right[1] is not None else "", "money")],
              {1: None if left[1] is None else str(left[1]), 3: None if right[1] is None else str(right[1])})
    for a, va, b, vb in (("income_year_total", total - cin, "expenditure_year_total", total - cout),
                         ("income_carried", cin, "expenditure_carried", cout),
                         ("income_total", total, "expenditure_total", total)):
        g.row([(0, 1, lab[a], "center"), (1, 2, m(va), "money"), (2, 3, lab[b], "center"), (3, 4, m(vb), "money")],
              {1: str(va), 3: str(vb)})
    title = rng.choice(INCOME_TITLES[split]).format(y=year, r=region, d=dept)
    data = inc_content.truth_data(title, year, inc_names, inc, exp_names, exp, total, cin, cout)
    return Made(inc_content.FORM, [g], [title], note, data, [(16, 24), (10, 15), (18, 26), (10, 15)],
                variants={"money": f"{unit}/{fmt}"})


# ------------------------------------------------------------------ 一般公共预算支出表

EXP_TITLES = {"tune": ("{y}年一般公共预算支出表", "{r}{d}局{y}年部门支出总表", "{y}年一般公共预算财政拨款支出表"),
              "heldout": ("{r}{d}局{y}年一般公共预算支出表", "{y}年部门支出总表", "{y}年度一般公共预算支出表")}


def make_expenditure(rng: random.Random, split: str) -> Made:
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    fwid = rng.random() < 0.4
    lab = {k: bracket(v, fwid) for k, v in fw.pick(rng, fw.EXPENDITURE, split).items()}
    unit, fmt = _money_style(rng)
    note, sfx = _unit_place(rng, split, unit, fwid)
    blank_zero = rng.random() < 0.5
    rows = exp_content._rows(rng, blank_zero)
    indent = rng.random() < 0.5

    def shown(d: Decimal) -> str:
        return "" if blank_zero and d == 0 else money_text(str(d), unit, fmt)

    def truth(d: Decimal) -> str | None:
        return None if blank_zero and d == 0 else yuan_str(d)

    g = Grid(5)
    g.row([(0, 1, lab["code"], "header"), (1, 2, lab["name"], "header"), (2, 3, _suffix(lab["total"], sfx), "header"),
           (3, 4, _suffix(lab["basic"], sfx), "header"), (4, 5, _suffix(lab["project"], sfx), "header")])
    tb = sum((r["basic_d"] for r in rows if len(r["code"]) == 3), Decimal(0))
    tp = sum((r["project_d"] for r in rows if len(r["code"]) == 3), Decimal(0))
    total_first = rng.random() < 0.6

    def total_row() -> None:
        g.row([(0, 2, lab["grand_total"], "center"), (2, 3, shown(tb + tp), "money"), (3, 4, shown(tb), "money"),
               (4, 5, shown(tp), "money")], {1: truth(tb + tp), 2: truth(tb), 3: truth(tp)})

    if total_first:
        total_row()
    for r in rows:
        pad = "  " * ((len(r["code"]) - 3) // 2) if indent else ""
        s = r["basic_d"] + r["project_d"]
        g.row([(0, 1, r["code"], "center"), (1, 2, pad + r["name"], "text"), (2, 3, shown(s), "money"),
               (3, 4, shown(r["basic_d"]), "money"), (4, 5, shown(r["project_d"]), "money")],
              {2: truth(s), 3: truth(r["basic_d"]), 4: truth(r["project_d"])})
    if not total_first:
        total_row()
    title = rng.choice(EXP_TITLES[split]).format(y=year, r=region, d=dept)
    data = {"title": title, "year": year,
            "items": [{"code": r["code"], "name": r["name"], "total": truth(r["basic_d"] + r["project_d"]),
                       "basic": truth(r["basic_d"]), "project": truth(r["project_d"])} for r in rows],
            "grand_total": {"total": truth(tb + tp), "basic": truth(tb), "project": truth(tp)}}
    return Made(exp_content.FORM, [g], [title], note, data, [(9, 12), (24, 34), (11, 15), (11, 15), (11, 15)],
                variants={"money": f"{unit}/{fmt}", "total_first": total_first, "blank_zero": blank_zero})


# ------------------------------------------------------------------ "三公"经费预算表

THREE_FORM = "three_public_expenses"
THREE_TITLES = {"tune": ("{y}年“三公”经费预算表", "{r}{d}局{y}年“三公”经费预算情况表"),
                "heldout": ("{y}年度“三公”经费预算表", "{r}{d}局{y}年部门“三公”经费支出预算表")}


def make_three_public(rng: random.Random, split: str) -> Made:
    """A vertical 项目 | 预算数 list: 合计, the three items, the vehicle line's two parts (其中)."""
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    fwid = rng.random() < 0.4
    lab = {k: bracket(v, fwid) for k, v in fw.pick(rng, fw.THREE_PUBLIC, split).items()}
    unit, fmt = _money_style(rng)
    note, sfx = _unit_place(rng, split, unit, fwid)
    abroad = amount(rng, 0, 300_000) if rng.random() < 0.5 else Decimal(0)
    reception = amount(rng, 10_000, 500_000)
    purchase = amount(rng, 0, 400_000) if rng.random() < 0.4 else Decimal(0)
    running = amount(rng, 20_000, 600_000)
    vehicles = purchase + running
    total = abroad + reception + vehicles
    numbered = rng.random() < 0.5
    g = Grid(2)
    g.row([(0, 1, lab["item"], "header"), (1, 2, _suffix(lab["amount"], sfx), "header")])
    order = [("total", total), ("abroad", abroad), ("vehicles", vehicles), ("purchase", purchase),
             ("running", running), ("reception", reception)]
    if rng.random() < 0.3:  # 公务接待 before 公务用车 (the national order puts it last; some print it second)
        order = [order[0], order[1], order[5], order[2], order[3], order[4]]
    n = 0
    for key, val in order:
        text = lab[key]
        if numbered and key in ("abroad", "reception", "vehicles") and not text[0].isdigit():
            n += 1
            text = f"{n}.{text}"
        elif key in ("purchase", "running") and not text.startswith(("其中", "1.", "2.")):
            text = ("  " if rng.random() < 0.5 else "") + text
        g.row([(0, 1, text, "text"), (1, 2, money_text(str(val), unit, fmt), "money")], {1: str(val)})
    title = rng.choice(THREE_TITLES[split]).format(y=year, r=region, d=dept)
    data = {"title": title, "year": year, "total": yuan_str(total), "abroad": yuan_str(abroad),
            "reception": yuan_str(reception),
            "vehicles": {"total": yuan_str(vehicles), "purchase": yuan_str(purchase), "running": yuan_str(running)}}
    return Made(THREE_FORM, [g], [title], note, data, [(24, 34), (14, 20)], variants={"money": f"{unit}/{fmt}"})


SHEET_TITLES = {THREE_FORM: "三公经费", proj_content.FORM: "项目绩效目标", inc_content.FORM: "收支总表", exp_content.FORM: "支出表"}
MAKERS: dict[str, Callable[[random.Random, str], Made]] = {
    proj_content.FORM: make_project, inc_content.FORM: make_income, exp_content.FORM: make_expenditure,
    THREE_FORM: make_three_public}


# ------------------------------------------------------------------ documents

def route_doc(doc_id: str, route: str, made: Made, rng: random.Random, split: str) -> RouteDoc:
    doc = RouteDoc(doc_id=doc_id, route=route, titles=made.titles, note=made.note, grids=made.grids,
                   font=rng.choice(FONTS), font_size=rng.choice([9.0, 10.0, 10.5, 11.0]),
                   paper=rng.choice(["A4", "A4", "Letter"]), landscape=rng.random() < 0.15,
                   grey_rules=rng.random() < 0.5,
                   extra={"family": made.form, "split": split, "widths": made.widths, "ind_widths": made.ind_widths,
                          "sheet_title": SHEET_TITLES.get(made.form, "Sheet1"), **made.variants})
    doc.extra.update(xlsx_route.choices(rng) if route == "xlsx" else html_route.choices(rng))
    doc.extra["money"] = made.variants.get("money", "comma2").split("/")[-1]
    return doc


def _truth(doc: RouteDoc, form: str, data: dict, pdf: Path) -> dict:
    pages = read_pages(pdf)
    tables, cursor = [], (0, -1.0)
    for g in doc.grids:
        rows, cursor = row_pages(g, pages, cursor)
        tables.append(route_table_truth(doc.route, g, rows).model_dump(mode="json"))
    render = {"font": doc.font, "font_size": doc.font_size, "style": form, "page_size": doc.paper,
              "route": doc.route, "split": doc.extra["split"], "landscape": doc.landscape,
              "choices": {k: v for k, v in doc.extra.items() if k not in ("widths", "ind_widths")}}
    forms = [{"form": form, "pages": list(range(1, len(pages) + 1)), "data": data}] if form else []  # a look-alike: none
    return {"doc_id": doc.doc_id, "forms": forms,
            "tables": tables, "render": render}


def build(out: Path, split: str, n: int, seed: int = 0, forms: list[str] | None = None) -> list[dict]:
    """``n`` documents per form of ``split`` (routes alternating xlsx / html) into ``out``."""
    docs: list[tuple[RouteDoc, Made]] = []
    for form in forms or list(MAKERS):
        for i in range(n):
            route = ("xlsx", "html")[i % 2]
            doc_id = f"{form}-{route}-{split}-{i:03d}"
            rng = random.Random(f"{seed}:{doc_id}")
            made = MAKERS[form](rng, split)
            docs.append((route_doc(doc_id, route, made, rng, split), made))
    return print_docs(out, docs, seed)


def print_docs(out: Path, docs: list[tuple[RouteDoc, Made]], seed: int = 0) -> list[dict]:
    from corpus.routes.build import print_routes

    print_routes(out, [doc for doc, _ in docs], seed)
    truths = []
    for doc, made in docs:
        truth = _truth(doc, made.form, made.data, out / f"{doc.doc_id}.pdf")
        (out / f"{doc.doc_id}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        truths.append(truth)
    return truths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m corpus.routes.forms", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("corpus/generated/forms_indep_born"))
    ap.add_argument("--split", default="tune,heldout")
    ap.add_argument("--n", type=int, default=8, help="documents per form and split")
    ap.add_argument("--forms", default=",".join(MAKERS))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    for split in args.split.split(","):
        start = time.perf_counter()
        truths = build(args.out / split, split, args.n, args.seed, [f for f in args.forms.split(",") if f])
        print(f"{len(truths)} {split} documents in {args.out / split} ({time.perf_counter() - start:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
