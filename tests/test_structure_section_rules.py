"""Rulings under the header, between sections and above the total mark sections, not rows (cTDaR B2: 9 rows read as 3)."""
from __future__ import annotations

from extract.structure.unruled import find_unruled_tables
from extract.types import PageInfo, Ruling

from tests.test_unruled import right, span

PAGE = PageInfo(page=1, width=595.0, height=842.0)


def test_rows_between_a_header_rule_and_a_total_rule_stay_rows():
    rows = [("Code", "Item", "Amount"), ("D.1", "Compensation", "107,174"), ("D.11", "Salaries", "85,891"),
            ("D.12", "Social contributions", "21,283"), ("D.29", "Other taxes", "6,505"),
            ("D.39", "Other subsidies", "-3,484"), ("", "Total", "206,837")]
    spans = []
    for i, (code, item, amount) in enumerate(rows):
        y = 100 + 14 * i
        if code:
            spans.append(span(code, 72, y))
        spans += [span(item, 120, y), right(amount, 320, y)]
    rulings = [Ruling(orientation="h", bbox=(70, y, 322, y + 0.5)) for y in (98, 112.5, 140.5, 182.5, 198)]
    tables = find_unruled_tables(PAGE, spans, rulings, [])
    assert len(tables) == 1
    t = tables[0]
    assert t.n_rows == 7
    assert {c.text for c in t.cells if c.row == 3} >= {"D.12", "21,283"}
