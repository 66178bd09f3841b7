"""The department form read where a scan made its label column unreadable (a narrow column of stacked
characters OCR blends into 部称, 领酸, 直作): the table's other labels, a task header row and a goal's
sentence tell the sections; rows cut or repeated by a page break are not extra list items; an optional
label run into a value leaves no confident blank."""
from __future__ import annotations

from extract.mapping import map_documents
from extract.types import Cell, Table, TextSpan

UP = "^"  # the cell above goes on over this row (a merged label)


def _table(rows: list[list[str]], pages: list[int] | None = None, tid: str = "t1") -> Table:
    """A table from rows of texts; ``UP`` extends the cell above by one row. Row r is on ``pages[r]``."""
    pages = pages or [1] * len(rows)
    n_cols = max(len(r) for r in rows)
    spans: dict[tuple[int, int], int] = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == UP:
                top = r - 1
                while rows[top][c] == UP:
                    top -= 1
                spans[(top, c)] = spans.get((top, c), 1) + 1
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == UP:
                continue
            rs = spans.get((r, c), 1)
            y = 100.0 + 20.0 * r
            cells.append(Cell(row=r, col=c, row_span=rs, text=text, page=pages[r], confidence=0.9,
                              bbox=(60.0 * c, y, 60.0 * (c + 1), y + 20.0 * rs)))
    return Table(id=tid, pages=tuple(sorted(set(pages))), n_rows=len(rows), n_cols=n_cols, cells=tuple(cells))


TITLE = {1: [TextSpan(text="某市部门整体预算绩效目标表", bbox=(0, 40, 300, 60))]}
TASK_HEADER = ["名称", "主要实施内容", "拟投入的资金(元)", "期望达到的目标"]
INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值"]


def _form(first_label: str, goal_label: str, task_label: str, other_label: str) -> list[list[str]]:
    return [
        [first_label, "某市交通运输局", "", "", ""],
        ["基本信息", "财政供养人员数", "120", "下属二级单位数", "3"],
        ["部门预算整体情况", "基本支出", "100.00", "财政拨款", "150.00"],
        [UP, "项目支出", "50.00", "其他资金", "0.00"],
        [goal_label, "目标1：完成全市交通运输安全检查工作，提升行业服务水平和群众满意度。", "", "", ""],
        [task_label, *TASK_HEADER],
        [UP, "安全检查项目", "完成安全检查。", "300000.00", "提升安全水平。"],
        [UP, "宣传项目", "完成宣传工作。", "200000.00", "提高群众意识。"],
        [other_label, *TASK_HEADER],
        [UP, "档案整理", "完成档案数字化。", "", ""],
        ["绩效指标", *INDICATOR_HEADER],
        [UP, "产出指标", "数量指标", "检查企业数量", "≥650家"],
        [UP, UP, "质量指标", "验收合格率", "100%"],
    ]


def _department(rows: list[list[str]], pages: list[int] | None = None) -> dict:
    docs = map_documents([_table(rows, pages)], TITLE)
    assert len(docs) == 1, docs
    return docs[0].data


def test_labels_read_well_give_the_reference_reading():
    data = _department(_form("部门名称", "总体绩效目标", "年度重点工作任务", "其他需完成的任务"))
    assert data["department"]["value"] == "某市交通运输局"
    assert [t["name"]["value"] for t in data["key_tasks"]] == ["安全检查项目", "宣传项目"]
    assert [t["name"]["value"] for t in data["other_tasks"]] == ["档案整理"]
    assert len(data["indicators"]) == 2


def test_unreadable_anchor_and_section_labels_are_told_by_place_and_content():
    data = _department(_form("部称", "领酸", "直作", "地宗的"))
    assert data["department"]["value"] == "某市交通运输局"
    assert data["overall_goals"][0]["value"].startswith("目标1")
    assert [t["name"]["value"] for t in data["key_tasks"]] == ["安全检查项目", "宣传项目"]
    assert [t["amount"]["value"] for t in data["key_tasks"]] == ["300000.00", "200000.00"]
    assert [t["name"]["value"] for t in data["other_tasks"]] == ["档案整理"]
    assert [i["level3"]["value"] for i in data["indicators"]] == ["检查企业数量", "验收合格率"]
    assert data["budget"]["basic_expenditure"]["value"] == "100.00"


def test_an_unreadable_anchor_without_the_forms_other_labels_starts_no_form():
    rows = [["部称", "某市交通运输局"], ["甲", "乙"], ["丙", "丁"]]
    assert map_documents([_table(rows)], TITLE) == []


def test_an_indicator_header_whose_label_cell_holds_the_repeated_anchor_heads_the_indicators():
    rows = _form("部门名称", "总体绩效目标", "年度重点工作任务", "其他需完成的任务")
    rows[10][0] = "绩效指标部门名称"  # the page's repeated 部门名称 run into the 绩效指标 label
    data = _department(rows)
    assert data["department"]["value"] == "某市交通运输局"
    assert [i["level3"]["value"] for i in data["indicators"]] == ["检查企业数量", "验收合格率"]


def test_a_task_row_cut_by_a_page_break_after_a_repeated_header_row_is_one_task():
    rows = _form("部门名称", "总体绩效目标", "年度重点工作任务", "其他需完成的任务")
    rows[7:8] = [
        [UP, "宣传", "完成宣传工作。", "200000.00", "提高群众"],
        [UP, "某市交通运输局", "", "", ""],       # the first row printed again at the top of page 2
        [UP, "项目", "", "", "意识。"],           # the rest of the cut row
    ]
    pages = [1] * 8 + [2] * (len(rows) - 8)
    data = _department(rows, pages)
    tasks = data["key_tasks"]
    assert [t["name"]["value"] for t in tasks] == ["安全检查项目", "宣传项目"]
    assert tasks[1]["expected_outcome"]["value"] == "提高群众意识。"
    assert tasks[1]["amount"]["value"] == "200000.00"


def test_a_new_task_at_the_top_of_a_page_is_no_continuation():
    rows = _form("部门名称", "总体绩效目标", "年度重点工作任务", "其他需完成的任务")
    rows[7] = [UP, "宣传项目", "完成宣传工作。", "", "提高群众意识。"]  # no amount printed, every text filled
    pages = [1] * 7 + [2] * (len(rows) - 7)
    tasks = _department(rows, pages)["key_tasks"]
    assert [t["name"]["value"] for t in tasks] == ["安全检查项目", "宣传项目"]


def test_an_indicator_cut_by_a_page_break_keeps_the_list_in_step():
    rows = _form("部门名称", "总体绩效目标", "年度重点工作任务", "其他需完成的任务")
    rows[11][4] = "提高社会安全意识，保障人民群"
    rows[12:12] = [[UP, UP, UP, "", "众生命财产安全"]]
    pages = [1] * 12 + [2] * (len(rows) - 12)
    items = _department(rows, pages)["indicators"]
    assert [i["level3"]["value"] for i in items] == ["检查企业数量", "验收合格率"]
    assert items[0]["annual_target"]["value"] == "提高社会安全意识，保障人民群众生命财产安全"


def test_an_optional_label_run_into_a_value_is_no_confident_blank():
    rows = _form("部门名称", "总体绩效目标", "年度重点工作任务", "其他需完成的任务")
    clean = _department(rows)["budget"]["municipal_funds"]
    assert clean["value"] is None and clean["confidence"] >= 0.9  # the form prints no such label: a sure blank
    rows[3][4] = "0.00本级使用资金"  # the label of an optional field read into the value cell beside it
    run_in = _department(rows)["budget"]["municipal_funds"]
    assert run_in["value"] is None and run_in["confidence"] < 0.5
