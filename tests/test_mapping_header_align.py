"""Task and indicator headers of the department form read by similarity, place and value type; a header
row of weak labels is never read as data; an optional column a header may hide is no confident blank."""
from __future__ import annotations

from extract.mapping import map_documents
from extract.types import Table
from tests.test_mapping_variants import _cells

FORM = "department_performance_targets"


def _tasks(header: list[str], row: list[str]) -> list[dict]:
    xs = [0, 100, 200, 300, 400, 500, 600][: len(header) + 2]
    cells = _cells(1, [
        [(0, 100, "部门名称"), (100, xs[-1], "某某局")],
        [(0, 100, "年度重点工作任务")] + [(xs[i + 1], xs[i + 2], h) for i, h in enumerate(header)],
        [(0, 100, "")] + [(xs[i + 1], xs[i + 2], v) for i, v in enumerate(row)],
    ])
    (doc,) = map_documents([Table(id="t1", pages=(1,), n_rows=3, n_cols=len(header) + 1, cells=cells)], {1: []},
                           form=FORM)
    return doc.data["key_tasks"]


def test_header_of_weak_labels_is_read_by_place_and_type_and_never_as_data():
    (task,) = _tasks(["任务名称", "实施安排", "安排资金(元)", "预期成效"], ["甲任务", "做甲事", "1000.00", "甲成效"])
    assert task["name"]["value"] == "甲任务" and task["name"]["confidence"] == 1.0
    assert task["content"]["value"] == "做甲事" and task["content"]["confidence"] <= 0.6  # told by its place
    assert task["amount"]["value"] == "1000.00"
    assert task["expected_outcome"]["value"] == "甲成效" and task["expected_outcome"]["confidence"] <= 0.6


def test_money_column_is_told_by_its_amounts():
    # 经费 names no column; the amounts under it make it the money column, the text after it the outcome
    (task,) = _tasks(["任务名称", "主要实施内容", "经费", "预期成效"], ["甲任务", "做甲事", "2,000.00", "甲成效"])
    assert task["amount"]["value"] == "2000.00" and task["expected_outcome"]["value"] == "甲成效"


def test_optional_column_a_header_may_hide_is_no_confident_blank():
    (task,) = _tasks(["任务名称", "负责科室", "主要实施内容", "拟投入的资金(元)"], ["甲任务", "办公室", "做甲事", "5.00"])
    assert task["content"]["value"] == "做甲事"
    assert task["expected_outcome"]["value"] is None and task["expected_outcome"]["confidence"] == 0.0
    # every header cell accounted for: the form has no such column, its blank is sure
    (task,) = _tasks(["任务名称", "主要实施内容", "拟投入的资金(元)"], ["甲任务", "做甲事", "5.00"])
    assert task["expected_outcome"]["value"] is None and task["expected_outcome"]["confidence"] >= 0.9


def test_grid_label_worded_past_recognition_is_told_by_its_place():
    cells = _cells(1, [
        [(0, 100, "部门名称"), (100, 400, "某某局")],
        [(0, 100, "预算情况"), (100, 200, "基本支出"), (200, 300, "10.00"), (300, 400, "")],
        [(0, 100, ""), (100, 200, "项目支出"), (200, 300, "20.00"), (300, 400, "")],
        [(0, 100, ""), (100, 200, "财政拨款"), (200, 300, "25.00"), (300, 400, "")],
        [(0, 100, ""), (100, 200, "自筹经费"), (200, 300, "5.00"), (300, 400, "")],
    ])
    (doc,) = map_documents([Table(id="t1", pages=(1,), n_rows=5, n_cols=4, cells=cells)], {1: []}, form=FORM)
    other, fiscal = doc.data["budget"]["other_funds"], doc.data["budget"]["fiscal_appropriation"]
    assert other["raw"] == "5.00"  # between 财政拨款 and the end (the optional blocks left out), by its place
    assert other["confidence"] < fiscal["confidence"]


def _form_rows(dept: str, y0: float) -> list[list[tuple[float, float, str]]]:
    return [[(0, 100, "部门名称"), (100, 300, dept)],
            [(0, 100, "年度重点工作任务"), (100, 200, "名称"), (200, 300, "主要实施内容")],
            [(0, 100, ""), (100, 200, f"任务{y0:.0f}"), (200, 300, "做某事")]]


def test_department_row_printed_again_on_the_next_page_continues_the_form_unless_a_title_says_otherwise():
    from extract.types import TextSpan

    t1 = Table(id="t1", pages=(1,), n_rows=3, n_cols=3, cells=_cells(1, _form_rows("某某局", 1)))
    t2 = Table(id="t2", pages=(2,), n_rows=3, n_cols=3, cells=_cells(2, _form_rows("某某局", 2)))
    running = "某市部门整体预算绩效目标表"
    header = lambda page: TextSpan(text=running, bbox=(50.0, 20.0, 300.0, 34.0))  # noqa: E731
    docs = map_documents([t1, t2], {1: [header(1)], 2: [header(2)]}, form=FORM)
    assert len(docs) == 1 and [t["name"]["value"] for t in docs[0].data["key_tasks"]] == ["任务1", "任务2"]
    title2 = TextSpan(text="某市部门整体预算绩效目标表（2025年）", bbox=(50.0, 40.0, 300.0, 54.0))
    docs = map_documents([t1, t2], {1: [header(1)], 2: [header(2), title2]}, form=FORM)
    assert len(docs) == 2


def test_form_found_under_its_title_though_its_anchor_is_worded_otherwise_and_levels_abbreviated():
    from extract.types import TextSpan

    cells = _cells(1, [
        [(0, 100, "预算部门"), (100, 400, "某某局")],
        [(0, 100, "财政供养人员数"), (100, 400, "12")],
        [(0, 100, "一级"), (100, 200, "二级"), (200, 300, "三级"), (300, 400, "年度指标值")],
        [(0, 100, "产出指标"), (100, 200, "数量指标"), (200, 300, "培训次数"), (300, 400, "≥3次")],
    ])
    table = Table(id="t1", pages=(1,), n_rows=4, n_cols=4, cells=cells)
    title = TextSpan(text="某市部门整体预算绩效目标表", bbox=(50.0, 40.0, 300.0, 54.0))
    (doc,) = map_documents([table], {1: [title]})
    assert doc.data["department"]["value"] == "某某局" and doc.data["department"]["confidence"] <= 0.6
    (ind,) = doc.data["indicators"]
    assert [ind[k]["value"] for k in ("level1", "level2", "level3", "annual_target")] == [
        "产出指标", "数量指标", "培训次数", "≥3次"]
    assert map_documents([table], {1: []}) == []  # no title: a weak anchor alone starts no form


def _grid(rows: list[list[tuple[int, int, str]]]) -> Table:
    """Rows of (column, row span, text), one grid column per 100 pt; the last column takes the rest."""
    from extract.types import Cell

    cells = [Cell(row=r, col=c, row_span=rs, col_span=1, text=t, page=1,
                  bbox=(100.0 * c, 100.0 + 20 * r, 100.0 * (c + 1), 100.0 + 20 * (r + rs)))
             for r, row in enumerate(rows) for c, rs, t in row]
    return Table(id="t1", pages=(1,), n_rows=len(rows), n_cols=6, cells=tuple(cells))


def _sections_form() -> dict:
    head = [(1, 1, "序号"), (2, 1, "名称"), (3, 1, "工作内容"), (4, 1, "资金安排")]
    levels = [(1, 1, "一级指标"), (2, 1, "二级指标"), (3, 1, "三级指标"), (4, 1, "中长期指标值"), (5, 1, "年度指标值")]
    table = _grid([
        [(0, 1, "部门名称"), (1, 1, "某某局")],
        [(0, 2, "年度重点工作任务")] + head + [(5, 1, "期望达到的目标")],
        [(1, 1, "1"), (2, 1, "甲任务"), (3, 1, "做甲事"), (4, 1, "10.00"), (5, 1, "甲成效")],
        [(0, 2, "其他需完成的任务")] + head + [(5, 1, "")],
        [(1, 1, "2"), (2, 1, "乙任务"), (3, 1, "做乙事"), (4, 1, "20.00"), (5, 1, "")],
        [(0, 4, "绩效指标")] + levels,
        [(1, 1, "产出指标"), (2, 1, "数量指标"), (3, 1, "培训人次"), (4, 1, "3000人次"), (5, 1, "1000人次")],
        [(1, 1, "产出指标"), (2, 1, "质量指标"), (3, 1, "验收合格率"), (4, 1, "≥95%"), (5, 1, "≥90%")],
        [(1, 1, "效益指标"), (2, 1, "社会效益指标"), (3, 1, "服务水平"), (4, 1, "持续提升"), (5, 1, "有效提高")],
    ])
    (doc,) = map_documents([table], {1: []}, form=FORM)
    return doc.data


def test_a_section_header_is_typed_by_its_own_rows_only():
    """资金安排 (a weak label) over one task and then the indicator rows of the same grid: the section label
    merged beside the header says where the tasks end, so the amounts alone make it the money column."""
    data = _sections_form()
    assert [t["amount"]["value"] for t in data["key_tasks"]] == ["10.00"]
    (other,) = data["other_tasks"]
    assert other["seq"]["value"] == 2 and other["amount"]["value"] == "20.00"
    assert other["expected_outcome"]["value"] is None


def test_a_qualified_label_outbid_for_its_column_takes_the_free_one_by_place():
    """中长期指标值 holds 指标值 (a synonym of 年度指标值); beside 年度指标值 itself it is the period target."""
    inds = _sections_form()["indicators"]
    assert [i["period_target"]["value"] for i in inds] == ["3000人次", "≥95%", "持续提升"]
    assert [i["annual_target"]["value"] for i in inds] == ["1000人次", "≥90%", "有效提高"]
    assert all(i["period_target"]["confidence"] <= 0.6 for i in inds)  # told by its place, not its label


def test_a_column_told_by_place_is_a_required_one_before_an_optional_one():
    """指标名称 is as near 三级指标 as 三级指标解释: a form with no explanation column still has its 三级指标."""
    levels = [(1, 1, "一级指标"), (2, 1, "二级指标"), (3, 1, "指标名称"), (4, 1, "实施周期指标值"), (5, 1, "年度指标值")]
    table = _grid([
        [(0, 1, "部门名称"), (1, 1, "某某局")],
        [(0, 3, "绩效指标")] + levels,
        [(1, 1, "产出指标"), (2, 1, "数量指标"), (3, 1, "培训人次"), (4, 1, "3000人次"), (5, 1, "1000人次")],
        [(1, 1, "效益指标"), (2, 1, "社会效益指标"), (3, 1, "服务水平"), (4, 1, "持续提升"), (5, 1, "有效提高")],
    ])
    (doc,) = map_documents([table], {1: []}, form=FORM)
    inds = doc.data["indicators"]
    assert [i["level3"]["value"] for i in inds] == ["培训人次", "服务水平"]
    assert all(i["explanation"]["value"] is None for i in inds)


def test_a_section_label_beside_the_task_columns_opens_the_next_section():
    """Under the key tasks' header, a first-column label no list names (其他工作任务), left of every task
    column, is the next section's label by its place, not a task."""
    head = [(1, 1, "序号"), (2, 1, "名称"), (3, 1, "主要实施内容"), (4, 1, "拟投入的资金"), (5, 1, "期望达到的目标")]
    table = _grid([
        [(0, 1, "部门名称"), (1, 1, "某某局")],
        [(0, 3, "年度重点工作任务")] + head,
        [(1, 1, "1"), (2, 1, "甲任务"), (3, 1, "做甲事"), (4, 1, "10.00"), (5, 1, "甲成效")],
        [(1, 1, "2"), (2, 1, "乙任务"), (3, 1, "做乙事"), (4, 1, "20.00"), (5, 1, "乙成效")],
        [(0, 2, "其他工作任务")] + head,
        [(1, 1, "3"), (2, 1, "丙任务"), (3, 1, "做丙事"), (4, 1, "30.00"), (5, 1, "")],
    ])
    (doc,) = map_documents([table], {1: []}, form=FORM)
    assert [t["name"]["value"] for t in doc.data["key_tasks"]] == ["甲任务", "乙任务"]
    assert [t["name"]["value"] for t in doc.data["other_tasks"]] == ["丙任务"]
