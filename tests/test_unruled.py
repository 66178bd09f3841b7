"""Unruled table finding on synthetic span layouts, and on one real ICDAR 2013 document."""
from __future__ import annotations

import pytest

from extract.structure.unruled import find_unruled_tables
from extract.structure.unruled_refine import reread_ruled_table
from extract.types import Cell, PageInfo, Ruling, Table, TextSpan

PAGE = PageInfo(page=1, width=595.0, height=842.0)
SIZE = 10.0
CHAR_W = 5.0


def span(text: str, x: float, y: float, size: float = SIZE, ocr: bool = False) -> TextSpan:
    """One text run at (x, top y); every character CHAR_W wide (CJK twice that)."""
    boxes, cx = [], x
    for ch in text:
        w = CHAR_W * (2 if ord(ch) > 0x2E80 else 1) * size / SIZE
        boxes.append((cx, y, cx + w, y + size))
        cx += w
    bbox = (x, y, cx, y + size)
    if ocr:
        return TextSpan(text=text, bbox=bbox, source="ocr", confidence=0.9)
    return TextSpan(text=text, bbox=bbox, char_boxes=tuple(boxes), font_size=size)


def right(text: str, x1: float, y: float) -> TextSpan:
    """A right-aligned number ending at x1."""
    width = sum(CHAR_W * (2 if ord(ch) > 0x2E80 else 1) for ch in text)
    return span(text, x1 - width, y)


def rows_of(table: Table) -> dict[int, dict[int, str]]:
    out: dict[int, dict[int, str]] = {}
    for c in table.cells:
        if c.text:
            out.setdefault(c.row, {})[c.col] = c.text
    return out


def cell(table: Table, text: str) -> Cell:
    return next(c for c in table.cells if c.text == text)


def budget_layout(y0: float = 100.0) -> list[TextSpan]:
    """Header, then rows with right-aligned numbers; one stub label wraps onto a second line."""
    spans = [span("Item", 60, y0), right("2022", 300, y0), right("2023", 400, y0)]
    rows = [("Salaries", "1,200.50", "1,300.00"), ("Travel", "80.00", "95.25"),
            ("Office equipment and", None, None), ("furniture", "300.00", "412.75"),
            ("Total", "1,580.50", "1,808.00")]
    y = y0 + 14
    for label, a, b in rows:
        spans.append(span(label, 60, y))
        if a:
            spans += [right(a, 300, y), right(b, 400, y)]
        y += 14
    return spans


def test_aligned_numeric_columns_with_a_wrapped_stub_label():
    (t,) = find_unruled_tables(PAGE, budget_layout(), [], [])
    assert t.structure == "unruled"
    assert (t.n_rows, t.n_cols) == (5, 3)
    rows = rows_of(t)
    assert rows[0] == {0: "Item", 1: "2022", 2: "2023"}
    assert rows[3] == {0: "Office equipment and furniture", 1: "300.00", 2: "412.75"}
    assert rows[4][1] == "1,580.50"
    assert 0 < t.confidence < 1 and all(c.confidence < 1 for c in t.cells)
    assert cell(t, "Office equipment and furniture").confidence < cell(t, "Salaries").confidence


def test_multi_level_header_spans_the_columns_below_it():
    y = 100.0
    spans = [span("Expenditure", 297.5, y), span("Department", 60, y + 14), right("Basic", 300, y + 14),
             right("Project", 370, y + 14), right("Total", 450, y + 14)]
    for i, (a, b, c) in enumerate([("10.0", "20.0", "30.0"), ("1.5", "2.5", "4.0"), ("7.0", "8.0", "15.0")]):
        yy = y + 28 + 14 * i
        spans += [span(f"Unit {i + 1}", 60, yy), right(a, 300, yy), right(b, 370, yy), right(c, 450, yy)]
    (t,) = find_unruled_tables(PAGE, spans, [], [])
    head = cell(t, "Expenditure")
    assert (head.row, head.col, head.col_span) == (0, 1, 2)
    assert (cell(t, "Basic").row, cell(t, "Basic").col) == (1, 1)
    dept = cell(t, "Department")
    assert dept.col == 0 and dept.row + dept.row_span - 1 == 1
    assert t.n_rows == 5 and t.n_cols == 4


def paragraph(x: float, y: float, n: int, width_chars: int = 60) -> list[TextSpan]:
    words = ("the budget of the department covers staff costs and projects that run over several "
             "years with funds from the city and the province as well as other sources").split()
    spans, k = [], 0
    for i in range(n):
        line, cx = [], x
        while len(" ".join(line)) < width_chars:
            line.append(words[k % len(words)])
            k += 1
        for w in line:
            spans.append(span(w, cx, y + 13 * i))
            cx += (len(w) + 1) * CHAR_W
    return spans


def test_a_paragraph_is_not_a_table():
    assert find_unruled_tables(PAGE, paragraph(60, 100, 8), [], []) == []


def test_two_column_running_text_is_not_a_table():
    spans = paragraph(50, 100, 10, width_chars=40) + paragraph(320, 100, 10, width_chars=40)
    assert find_unruled_tables(PAGE, spans, [], []) == []


def test_paragraph_above_and_notes_below_stay_out_of_the_table():
    spans = paragraph(60, 40, 3) + [span("单位：万元", 330, 86)] + budget_layout(100.0)
    spans += [span("Note: figures are provisional.", 60, 200)]
    (t,) = find_unruled_tables(PAGE, spans, [], [])
    texts = {c.text for c in t.cells}
    assert "单位：万元" not in texts and not any("budget" in s for s in texts)
    assert "单位：万元" in t.notes and "Note: figures are provisional." in t.notes
    assert t.n_rows == 5


def test_cjk_total_and_indented_sub_rows_stay_separate():
    y = 100.0
    spans = [span("项目", 60, y), right("预算数", 330, y), right("上年数", 430, y)]
    for i, (label, x, a, b) in enumerate([("合计", 60, "1,000.00", "900.00"), ("其中：人员经费", 80, "600.00", "500.00"),
                                          ("公用经费", 80, "400.00", "400.00")]):
        yy = y + 16 * (i + 1)
        spans += [span(label, x, yy), right(a, 330, yy), right(b, 430, yy)]
    (t,) = find_unruled_tables(PAGE, spans, [], [])
    rows = rows_of(t)
    assert [rows[r][0] for r in (1, 2, 3)] == ["合计", "其中：人员经费", "公用经费"]
    assert rows[2][1] == "600.00"


def test_rule_under_header_and_at_bottom_makes_it_partly_ruled():
    spans = budget_layout()
    rulings = [Ruling(orientation="h", bbox=(55, 111.5, 405, 112.0)),
               Ruling(orientation="h", bbox=(55, 180.5, 405, 181.0))]
    (t,) = find_unruled_tables(PAGE, spans, rulings, [])
    assert t.structure == "partly_ruled"
    assert rows_of(t)[3][0] == "Office equipment and furniture"


def test_excluded_regions_are_left_to_the_ruled_tables():
    assert find_unruled_tables(PAGE, budget_layout(), [], [(50, 90, 420, 200)]) == []


def test_ocr_boxes_without_character_boxes_work_too():
    spans = [TextSpan(text=s.text, bbox=s.bbox, source="ocr", confidence=0.9) for s in budget_layout()]
    (t,) = find_unruled_tables(PAGE, spans, [], [])
    assert t.n_cols == 3 and rows_of(t)[1] == {0: "Salaries", 1: "1,200.50", 2: "1,300.00"}
    assert all(c.confidence <= 0.9 for c in t.cells)


def test_a_ruled_grid_missing_its_body_rulings_is_reread():
    spans = budget_layout()
    # the ruled stage saw only an outer frame and a header rule: one body cell per column
    frame = (55.0, 98.0, 405.0, 182.0)
    cells = (Cell(row=0, col=0, bbox=(55, 98, 405, 112), text="Item 2022 2023"),
             Cell(row=1, col=0, bbox=(55, 112, 405, 182), text="Salaries 1,200.50 ..."))
    ruled = Table(id="t1", pages=(1,), n_rows=2, n_cols=1, cells=cells, bbox=frame, structure="ruled")
    rulings = [Ruling(orientation="h", bbox=(55, 111.5, 405, 112.0))]
    t = reread_ruled_table(PAGE, spans, rulings, ruled)
    assert t.structure == "partly_ruled" and t.n_cols == 3 and t.bbox == frame
    assert rows_of(t)[2] == {0: "Travel", 1: "80.00", 2: "95.25"}


def test_real_icdar_document_scores_above_floor():
    icdar = pytest.importorskip("benchmarks.icdar2013")
    pdf = icdar.DATA_DIR / "competition-dataset-us" / "us-034.pdf"
    if not pdf.exists():
        pytest.skip("ICDAR 2013 data not present")
    tables, _ = icdar.run_ours(pdf)
    score = icdar.score_against_alternatives(icdar.load_ground_truth(pdf), tables)
    # measured 0.95 (two monospace tables with dot leaders and '-----' rules); floor leaves room
    assert score.f1 >= 0.85


def test_caption_and_source_rows_inside_a_frame_become_notes():
    from extract.structure.unruled_notes import peel_rows

    def c(r, k, text, cs=1):
        return Cell(row=r, col=k, col_span=cs, text=text, bbox=(50 + 100 * k, 100 + 15 * r, 150 + 100 * k * cs, 115 + 15 * r))

    cells = [c(0, 0, "Table 3. Costs by unit", 2), c(1, 0, "Unit"), c(1, 1, "Cost"), c(2, 0, "A"), c(2, 1, "1.0"),
             c(3, 0, "B"), c(3, 1, "2.0"), c(4, 0, "Source: city budget", 2)]
    t = peel_rows(Table(id="t1", pages=(1,), n_rows=5, n_cols=2, cells=tuple(cells), bbox=(50, 100, 250, 175)))
    assert t.n_rows == 3 and rows_of(t)[0] == {0: "Unit", 1: "Cost"}
    assert t.notes == ("Table 3. Costs by unit", "Source: city budget")
    assert t.bbox[1] >= 115 and t.bbox[3] <= 160


def test_a_number_wrapped_in_a_narrow_ruled_cell_does_not_trigger_a_reread():
    spans = [span("9,953,200.", 60, 100), span("00", 60, 112), span("Total", 120, 100), span("1,200.00", 120, 112)]
    cells = (Cell(row=0, col=0, bbox=(55, 98, 110, 124), text="9,953,200. 00"),
             Cell(row=0, col=1, bbox=(110, 98, 200, 124), text="Total 1,200.00"))
    ruled = Table(id="t1", pages=(1,), n_rows=1, n_cols=2, cells=cells, bbox=(55, 98, 200, 124))
    assert reread_ruled_table(PAGE, spans, [], ruled) == ruled


def _two_cells(lines: list[str], width: float) -> Table:
    """Two ruled cells side by side, each holding ``lines`` (one per text line) in a cell ``width`` wide."""
    cells = tuple(Cell(row=0, col=k, bbox=(55 + k * width, 98, 55 + (k + 1) * width, 100 + 12 * len(lines)),
                       text=" ".join(lines)) for k in range(2))
    return Table(id="t1", pages=(1,), n_rows=1, n_cols=2, cells=cells, bbox=(55, 98, 55 + 2 * width, 100 + 12 * len(lines)))


def test_a_number_broken_over_three_full_lines_does_not_trigger_a_reread():
    """A browser breaks a long amount character by character (word-break: break-all): every line but the
    last fills the cell; rows of amounts the rulings missed leave the cell half empty."""
    lines, width = ["236570", "0.00000", "0"], 40.0  # 6 and 7 characters of 5 pt in a 40 pt cell
    spans = [span(t, 55 + k * width + 2, 100 + 12 * i) for k in range(2) for i, t in enumerate(lines)]
    ruled = _two_cells(lines, width)
    assert reread_ruled_table(PAGE, spans, [], ruled) == ruled
    wide = 100.0  # the same lines in a wide cell are three rows of numbers
    spans = [span(t, 55 + k * wide + 2, 100 + 12 * i) for k in range(2) for i, t in enumerate(lines)]
    assert reread_ruled_table(PAGE, spans, [], _two_cells(lines, wide)).structure == "partly_ruled"
