"""An unruled table whose stub is blank under a group label: each line of values is its own row (issue 10)."""
from __future__ import annotations

from test_unruled import PAGE, rows_of, span

from extract.structure.unruled import find_unruled_tables


def _layout(extra_wrap: bool = False):
    spans = [span("Level", 60, 100), span("Indicator", 160, 100), span("Target", 300, 100), span("Note", 420, 100)]
    data = [("Output", "Tasks done", "all tasks", "on time"), (None, "Quality", "full marks", "checked"),
            (None, "Cost", "within plan", "audited"), ("Effect", "Satisfaction", "above plan", "survey")]
    y = 114.0
    for stub, a, b, c in data:
        if stub:
            spans.append(span(stub, 60, y))
        spans += [span(a, 160, y), span(b, 300, y), span(c, 420, y)]
        y += 14
        if extra_wrap and a == "Quality":
            spans.append(span("of work", 160, y))  # a wrapped indicator name: one column only
            y += 14
    return spans


def test_lines_of_values_under_a_blank_stub_are_rows_of_their_own():
    (t,) = find_unruled_tables(PAGE, _layout(), [], [])
    rows = rows_of(t)
    assert t.n_rows == 5, rows
    assert rows[2] == {1: "Quality", 2: "full marks", 3: "checked"}
    assert rows[3] == {1: "Cost", 2: "within plan", 3: "audited"}


def test_a_wrapped_cell_under_a_blank_stub_still_continues_its_row():
    (t,) = find_unruled_tables(PAGE, _layout(extra_wrap=True), [], [])
    rows = rows_of(t)
    assert t.n_rows == 5, rows
    assert rows[2] == {1: "Quality of work", 2: "full marks", 3: "checked"}
    assert rows[3][1] == "Cost"
