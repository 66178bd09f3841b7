"""Documents of the independent routes with their truth, by split: ``tune`` and ``heldout``.

``python -m corpus.routes --out corpus/generated/indep_born --n 12 --seed 0`` writes, per split,
``<split>/<doc_id>.pdf`` and ``<split>/<doc_id>.truth.json`` (a :class:`~corpus.truth.DocTruth`, same
format as the main corpus) and the authored sources under ``<split>/src/`` (``.xlsx`` / ``.html``).
Documents cycle over the split's route × family pairs (``styles.HELD_OUT`` / ``styles.TUNE``); the tune
split also holds the two real seed forms printed by the routes (``make_seed_doc``).
Truth: fields from the structured content (targets as printed); cells from the grid the author laid out,
each cell's page read back from the text layer (``locate``). Cell boxes are not given (neither printer
reports them).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

from corpus.content import DEPTS, REGIONS, make_form
from corpus.routes import html as html_route
from corpus.routes import xlsx as xlsx_route
from corpus.routes.grid import RouteDoc, RouteStyle, build_grids, route_table_truth
from corpus.routes.locate import read_pages, row_pages
from corpus.routes.styles import HELD_OUT, TUNE, content_style, random_route_style
from corpus.routes.wording import LABELS, bracket, pick_labels
from corpus.seeds import SEEDS
from corpus.truth import DocTruth, FormInstance, FormTruth, RenderInfo

FONTS = ("AR PL UMing CN", "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei")
TITLES = {"tune": ("{r}{y}年部门整体支出绩效目标表", "{r}{y}年度部门整体预算绩效目标表"),
          "heldout": ("{r}{y}年度部门整体支出绩效目标申报表", "{r}市直部门{y}年整体绩效目标表")}
NOTES = {"tune": ("单位：{u}", "金额单位：{u}"), "heldout": ("（单位：{u}）", "单位:{u}")}


@dataclass(frozen=True)
class Plan:
    doc_id: str
    route: str
    family: str
    split: str


def plan(split: str, n: int, seed: int = 0) -> list[Plan]:
    combos = sorted(HELD_OUT if split == "heldout" else TUNE)
    return [Plan(f"{r}-{f}-{seed}-{i:03d}", r, f, split) for i, (r, f) in
            ((i, combos[i % len(combos)]) for i in range(n))]


def make_doc(p: Plan, seed: int = 0, style: dict | None = None) -> tuple[RouteDoc, FormTruth]:
    """The document to print and its form truth; ``style`` overrides RouteStyle fields (tests)."""
    rng = random.Random(f"{seed}:{p.doc_id}")
    st = replace(random_route_style(rng, p.family), **(style or {}))
    if p.route == "html" and not st.indicators_separate and rng.random() < 0.5:
        st = replace(st, indicators_separate=True)  # its own table, so <thead> repeats the header on each page
    year, region, dept = rng.choice([2022, 2023, 2024, 2025]), rng.choice(REGIONS), rng.choice(DEPTS)
    form = make_form(rng, content_style(st), year, region, dept)
    if rng.random() > 0.4:  # another city's title wording (the region and year still in it)
        title = rng.choice(TITLES[p.split]).format(r=region, y=year)
        form = form.model_copy(update={"title": re.sub(r"\d{4}年度?", "", title) if st.year_line else title})
    labels = pick_labels(rng, p.split)
    truth, grids = build_grids(form, st, labels, rng, p.split)
    titles = [form.title or ""]
    if st.year_line:
        titles.append(bracket(f"({year}年)", st.full_width))
    unit = st.budget_unit
    note = rng.choice(NOTES[p.split]).format(u=unit) if st.unit_note else ""
    doc = RouteDoc(doc_id=p.doc_id, route=p.route, titles=titles, note=note, grids=grids, font=rng.choice(FONTS),
                   font_size=rng.choice([9.0, 10.0, 10.5, 11.0]), paper=rng.choice(["A4", "A4", "Letter"]),
                   landscape=rng.random() < 0.15, grey_rules=rng.random() < 0.5,
                   extra={"money": st.money, "family": p.family, "split": p.split, "labels": labels,
                          "style": {k: getattr(st, k) for k in ("seq", "outcome", "dev_rows", "competent",
                                                              "year_line", "unit_note", "full_width", "pct_one")}})
    doc.extra.update(xlsx_route.choices(rng) if p.route == "xlsx" else html_route.choices(rng))
    return doc, truth


SEED_ROUTES = (("seed-dongguan-2024", "xlsx"), ("seed-dongguan-2024", "html"), ("seed-jieyang-2023", "xlsx"))
SEED_STYLES = {
    "seed-dongguan-2024": RouteStyle("flat", indicators_separate=False, comparator_cols=False, seq=False, outcome=True,
                                     dev_rows=True, competent=False, year_line=True, budget_unit="万元",
                                     task_unit="元", money="comma2"),
    "seed-jieyang-2023": RouteStyle("cols", indicators_separate=True, comparator_cols=True, seq=True, outcome=False,
                                    dev_rows=False, competent=True, year_line=False, budget_unit="万元",
                                    task_unit="万元", money="plain", other_header=False),
}


def make_seed_doc(seed_id: str, route: str) -> tuple[RouteDoc, FormTruth]:
    """One of the two real forms (transcribed content, the national template's wording) on a route: the
    tune split's check that a real document survives another printer. (html × Jieyang's family is a
    held-out combination, so that pair is not made.)"""
    rng = random.Random(f"{seed_id}:{route}")
    st = SEED_STYLES[seed_id]
    spec = SEEDS[seed_id]()
    labels = {k: v[0] for k, v in LABELS.items()}
    truth, grids = build_grids(spec.form, st, labels, rng, "tune", verbatim=True)
    titles = [spec.form.title or ""] + ([f"({spec.form.year}年)"] if st.year_line else [])
    doc = RouteDoc(doc_id=f"{route}-{seed_id}", route=route, titles=titles, note="", grids=grids,
                   font="AR PL UMing CN", font_size=10.0, paper="A4",
                   extra={"money": st.money, "family": st.family, "split": "tune", "labels": labels, "seed": seed_id})
    doc.extra.update(xlsx_route.choices(rng) if route == "xlsx" else html_route.choices(rng))
    return doc, truth


def _truth(doc: RouteDoc, form: FormTruth, pdf: Path) -> DocTruth:
    pages = read_pages(pdf)
    tables, cursor = [], (0, -1.0)
    for g in doc.grids:
        rows, cursor = row_pages(g, pages, cursor)
        tables.append(route_table_truth(doc.route, g, rows))
    render = RenderInfo(font=doc.font, font_size=doc.font_size, style=doc.extra["family"], page_size=doc.paper,
                        route=doc.route, split=doc.extra["split"], landscape=doc.landscape,
                        grey_rules=doc.grey_rules, choices={k: v for k, v in doc.extra.items() if k != "labels"},
                        labels=doc.extra["labels"])
    return DocTruth(doc_id=doc.doc_id, forms=[FormInstance(pages=list(range(1, len(pages) + 1)), data=form)],
                    tables=tables, render=render)


def build(out: Path, split: str, n: int, seed: int = 0) -> list[DocTruth]:
    """Write ``n`` documents of ``split`` into ``out`` (PDFs, truth, sources under ``out/src``)."""
    docs = [make_doc(p, seed) for p in plan(split, n, seed)]
    if split == "tune":
        docs += [make_seed_doc(s, r) for s, r in SEED_ROUTES]
    return print_docs(out, docs, seed)


def print_routes(out: Path, docs: list[RouteDoc], seed: int = 0) -> None:
    """Author each document in its route and print it to ``out/<doc_id>.pdf`` (all workbooks in one
    LibreOffice run); the sources stay under ``out/src``. Shared by every form's route generator."""
    src = out / "src"
    src.mkdir(parents=True, exist_ok=True)
    xlsx = []
    for doc in docs:
        rng = random.Random(f"{seed}:{doc.doc_id}:print")
        if doc.route == "xlsx":
            path = src / f"{doc.doc_id}.xlsx"
            xlsx_route.write_xlsx(doc, path, rng)
            xlsx.append(path)
        else:
            path = src / f"{doc.doc_id}.html"
            html_route.write_html(doc, path, rng)
            html_route.print_pdf(path, out / f"{doc.doc_id}.pdf", doc)
    if xlsx:
        xlsx_route.convert(xlsx, out)


def print_docs(out: Path, docs: list[tuple[RouteDoc, FormTruth]], seed: int = 0) -> list[DocTruth]:
    """Author, print (all workbooks in one LibreOffice run) and write the truth of ``docs``."""
    print_routes(out, [doc for doc, _ in docs], seed)
    truths = []
    for doc, form in docs:
        truth = _truth(doc, form, out / f"{doc.doc_id}.pdf")
        (out / f"{doc.doc_id}.truth.json").write_text(truth.model_dump_json(indent=1), encoding="utf-8")
        truths.append(truth)
    return truths
