"""Style families of the independent routes and the split of route × family into tune and held-out.

- ``flat``: indicators inside the main table with two target columns (实施周期/年度), tasks without 序号 but
  with an outcome column, 事业发展性支出 rows; budget in 万元, tasks in 元.
- ``cols``: a separate indicator table with 三级指标解释/对比符号/指标值/计量单位, 序号, 资金主管部门, no
  outcome column; everything in 万元.
- ``hybrid``: indicators inside the main table but with comparator columns, 序号 and an outcome column,
  units stated once in a note line (单位：万元) rather than in the headers.

HELD_OUT lists the route × family pairs no rule may be tuned on; each family and each route also appears
in the tune split, so the held-out documents differ by combination and by wording (``wording``), not by
something no tune document shows at all.
"""
from __future__ import annotations

import random
from dataclasses import replace

from corpus.layout import FormStyle  # only to drive corpus.content.make_form (which rows a form has)
from corpus.routes.grid import RouteStyle
from corpus.routes.wording import MONEY_FORMATS

FAMILIES = ("flat", "cols", "hybrid")
ROUTES = ("xlsx", "html")
HELD_OUT = {("xlsx", "hybrid"), ("html", "cols")}
TUNE = {(r, f) for r in ROUTES for f in FAMILIES} - HELD_OUT


def split_of(route: str, family: str) -> str:
    return "heldout" if (route, family) in HELD_OUT else "tune"


def random_route_style(rng: random.Random, family: str) -> RouteStyle:
    flip = rng.random
    if family == "flat":
        st = RouteStyle(family, indicators_separate=False, comparator_cols=False, seq=False, outcome=True,
                        dev_rows=True, competent=False, year_line=True, budget_unit="万元", task_unit="元")
    elif family == "cols":
        st = RouteStyle(family, indicators_separate=True, comparator_cols=True, seq=True, outcome=False,
                        dev_rows=False, competent=True, year_line=False, budget_unit="万元", task_unit="万元",
                        other_header=False)
    else:
        unit = rng.choice(["万元", "元"])
        st = RouteStyle(family, indicators_separate=False, comparator_cols=True, seq=True, outcome=True,
                        dev_rows=flip() < 0.5, competent=flip() < 0.5, year_line=flip() < 0.5, budget_unit=unit,
                        task_unit=unit, unit_note=True)
    return replace(st, money=rng.choice(MONEY_FORMATS), full_width=flip() < 0.4, pct_one=flip() < 0.5,
                   year_line=st.year_line if flip() < 0.8 else not st.year_line)


def content_style(st: RouteStyle) -> FormStyle:
    """The content generator's switches for a route style (rows and columns the form has)."""
    return FormStyle(family="jieyang" if st.seq else "dongguan", dev_rows=st.dev_rows, competent=st.competent,
                     seq=st.seq, outcome=st.outcome, year_line=st.year_line, comparator_cols=st.comparator_cols,
                     indicators_separate=st.indicators_separate, budget_unit=st.budget_unit,  # type: ignore[arg-type]
                     task_unit=st.task_unit)  # type: ignore[arg-type]
