"""Completeness: what went missing becomes a review item pointing at its place, and lowers confidence."""
from __future__ import annotations

import pytest

from extract.calibration import after_mapping, disabled
from extract.completeness import add_completeness, find_gaps, gaps_of
from extract.mapping import map_documents
from extract.review import review_queue
from extract.types import Result


@pytest.fixture(scope="module")
def jieyang(tmp_path_factory) -> Result:
    from corpus.generate import seed_document
    from extract.pipeline import extract_file

    out = tmp_path_factory.mktemp("seed")
    seed_document("seed-jieyang-2023", out)
    with disabled():
        return extract_file(out / "seed-jieyang-2023.pdf")


def _remapped(result: Result, tables) -> Result:
    return result.model_copy(update={"tables": tuple(tables), "documents": tuple(map_documents(tables, {}))})


def _blank_row(result: Result, table_id: str, row: int):
    out = []
    for t in result.tables:
        if t.id == table_id:
            t = t.model_copy(update={"cells": tuple(c.model_copy(update={"text": "", "spans": ()})
                                                    if c.row == row else c for c in t.cells)})
        out.append(t)
    return out


def test_an_intact_form_has_no_gap_and_stays_ok(jieyang):
    assert find_gaps(jieyang) == []
    done = after_mapping(jieyang)
    assert done.status == "ok" and not gaps_of(done)


def test_a_lost_task_row_is_a_seq_gap_with_its_region_and_lowers_the_document(jieyang):
    doc = jieyang.documents[0]
    third = doc.data["key_tasks"][2]
    assert third["seq"]["value"] == 3
    table, row = third["name"]["source"]["table"], third["name"]["source"]["cells"][0][0]
    lost = _remapped(jieyang, _blank_row(jieyang, table, row))
    assert [t["seq"]["value"] for t in lost.documents[0].data["key_tasks"]] == [1, 2, 4]
    gaps = find_gaps(lost)
    seq = [g for g in gaps if g.kind == "seq_gap"]
    assert len(seq) == 1 and seq[0].section == "key_tasks" and seq[0].document == 0
    assert "between 2 and 4" in seq[0].en and "第2与第4行之间缺行" in seq[0].zh
    assert seq[0].page is not None and seq[0].bbox is not None
    # the arithmetic says so too: Σ task amounts no longer equals 项目支出
    assert any(g.kind == "sum_short" and g.section == "key_tasks" for g in gaps)
    done = after_mapping(lost)
    assert done.documents[0].confidence <= 0.99
    queue = review_queue(done)
    assert queue[0].kind == "gap" and "row missing between 2 and 4?" in queue[0].reasons[0]
    assert any(i.stage == "completeness" and "缺行" in i.message for i in done.issues)
    # the fields of the gap's section say why they are doubtful
    task_items = [i for i in queue if i.kind == "field" and i.key.startswith("key_tasks")]
    assert all(any("section incomplete" in r for r in i.reasons) for i in task_items)


def test_a_row_no_field_took_is_reported_as_unread(jieyang):
    doc = jieyang.documents[0]
    data = {**doc.data, "indicators": doc.data["indicators"][:3] + doc.data["indicators"][4:]}
    dropped = doc.data["indicators"][3]["level3"]["source"]
    partial = jieyang.model_copy(update={"documents": (doc.model_copy(update={"data": data}),)})
    gaps = [g for g in find_gaps(partial) if g.kind == "row_unread"]
    assert len(gaps) == 1 and gaps[0].section == "indicators"
    assert gaps[0].page == dropped["page"] and "row missing?" in gaps[0].en


def test_a_form_like_table_that_mapped_to_nothing_is_an_issue(jieyang):
    nothing = jieyang.model_copy(update={"documents": ()})
    gaps = find_gaps(nothing)
    assert gaps and all(g.kind == "table_unmapped" for g in gaps)
    assert "form-like table not mapped" in gaps[0].en and "未映射" in gaps[0].zh
    done = add_completeness(nothing)
    assert any(i.kind == "table_unmapped" and i.bbox is not None for i in done.issues)
    assert review_queue(done)[0].kind == "gap"


def test_completeness_never_takes_a_result_down(jieyang):
    broken = jieyang.model_copy(update={"documents": (jieyang.documents[0].model_copy(update={"data": {"key_tasks": 3}}),)})
    assert add_completeness(broken).status == jieyang.status


def _with_data(result: Result, data: dict) -> Result:
    return result.model_copy(update={"documents": (result.documents[0].model_copy(update={"data": data}),)})


def test_a_column_no_field_took_is_a_gap_and_bounds_its_section(jieyang):
    from extract.calibration import calibrate
    from extract.completeness import section_coverage

    doc = jieyang.documents[0]
    blank = {"value": None, "confidence": 0.95, "raw": None, "source": None}
    inds = [{**i, "level3": blank} for i in doc.data["indicators"]]  # the 三级指标 column went unrecognised
    lost = _with_data(jieyang, {**doc.data, "indicators": inds})
    gaps = [g for g in find_gaps(lost) if g.kind == "column_unread"]
    assert len(gaps) == 1 and gaps[0].section == "indicators" and gaps[0].unread >= len(inds) - 2
    share = section_coverage(lost)[(0, "indicators")]
    assert 0.0 < share < 0.9
    done = calibrate(add_completeness(lost), {"intercept": 9.0, "weights": {}})
    confs = [leaf["confidence"] for i in done.documents[0].data["indicators"] for k, leaf in i.items()
             if leaf.get("source")]
    assert confs and max(confs) <= share + 1e-4


def test_a_field_whose_label_was_never_found_is_an_item(jieyang):
    doc = jieyang.documents[0]
    lost = _with_data(jieyang, {**doc.data, "year": {"value": None, "confidence": 0.0, "raw": None, "source": None}})
    gaps = [g for g in find_gaps(lost) if g.kind == "not_found"]
    assert [g.section for g in gaps] == ["year"] and "year not found" in gaps[0].en


def test_a_header_read_as_a_list_row_is_an_item(jieyang):
    doc = jieyang.documents[0]
    first = doc.data["key_tasks"][0]
    header = {**first, "name": {**first["name"], "value": "项目名称"}}
    lost = _with_data(jieyang, {**doc.data, "key_tasks": [header] + doc.data["key_tasks"][1:]})
    gaps = [g for g in find_gaps(lost) if g.kind == "label_row"]
    assert len(gaps) == 1 and gaps[0].section == "key_tasks" and "read as a row" in gaps[0].en


def test_a_row_read_twice_is_an_item_and_the_rows_after_it_are_doubted(jieyang):
    from extract.calibration_features import document_features

    doc = jieyang.documents[0]
    tasks = doc.data["key_tasks"]
    twice = tasks[:2] + [tasks[1]] + tasks[2:]  # the second task's row read twice: the rest out of step
    lost = _with_data(jieyang, {**doc.data, "key_tasks": twice})
    gaps = [g for g in find_gaps(lost) if g.kind == "duplicate_row"]
    assert len(gaps) == 1 and gaps[0].section == "key_tasks" and "key_tasks[2]" in gaps[0].en
    feats = document_features(add_completeness(lost), 0)
    assert feats["key_tasks[3].amount"]["after_duplicate"] == 1.0
    assert feats["key_tasks[3].amount"]["gap_duplicate_row"] == 1.0
    assert feats["key_tasks[0].amount"]["after_duplicate"] == 0.0
    assert feats["indicators[0].level3"]["gap_duplicate_row"] == 0.0  # another section: untouched
    # numbered goals split from one cell share it but differ in value: no row read twice
    assert not [g for g in find_gaps(jieyang) if g.kind == "duplicate_row"]


def test_a_completeness_item_lowers_the_confidence_of_its_section_under_the_shipped_fit(jieyang):
    doc = jieyang.documents[0]
    third = doc.data["key_tasks"][2]
    table, row = third["name"]["source"]["table"], third["name"]["source"]["cells"][0][0]
    lost = _remapped(jieyang, _blank_row(jieyang, table, row))
    before = after_mapping(_remapped(jieyang, list(jieyang.tables)))
    after = after_mapping(lost)
    assert any(g.kind == "seq_gap" for g in gaps_of(after))

    def conf(result, path):
        return result.documents[0].data["key_tasks"][0][path]["confidence"]

    assert conf(after, "amount") < conf(before, "amount")
    # a section the item does not name keeps its confidence
    assert after.documents[0].data["year"]["confidence"] == before.documents[0].data["year"]["confidence"]


def test_numbered_goals_read_as_one_are_an_item(jieyang):
    doc = jieyang.documents[0]
    goals = doc.data["overall_goals"]
    assert len(goals) >= 2
    one = {**goals[0], "value": "目标1：" + str(goals[0]["value"]) + "目标2，" + str(goals[1]["value"])}
    lost = _with_data(jieyang, {**doc.data, "overall_goals": [one] + goals[2:]})
    gaps = [g for g in find_gaps(lost) if g.kind == "merged_items"]
    assert len(gaps) == 1 and gaps[0].section == "overall_goals" and "items 1 and 2 read as one" in gaps[0].en
    # a task's content numbering its own points (1、… 2、…) is no merged row
    assert not [g for g in find_gaps(jieyang) if g.kind == "merged_items"]


def test_a_list_column_never_found_names_its_list(jieyang):
    """A list header not read as printed: whole rows may be missing, so the item points at the list, and a
    reviewer scoring the lost rows finds them through it."""
    from benchmarks.metrics.review import pointing_item

    doc = jieyang.documents[0]
    unfound = {"value": None, "confidence": 0.0, "raw": None, "source": None}
    tasks = [{**t, "content": unfound} for t in doc.data["key_tasks"][:1]]  # 内容 unfound, rows 2.. lost
    lost = add_completeness(_with_data(jieyang, {**doc.data, "key_tasks": tasks}))
    items = [g for g in gaps_of(lost) if g.kind == "not_found"]
    assert [g.fields for g in items] == [("key_tasks[].content", "key_tasks")]
    assert pointing_item(gaps_of(lost), 0, "key_tasks[3].name", set()) is not None
    # a scalar never found names only itself
    year = add_completeness(_with_data(jieyang, {**doc.data, "year": unfound}))
    assert [g.fields for g in gaps_of(year) if g.kind == "not_found"] == [("year",)]


def test_rows_read_from_one_cell_holding_several_rows_are_an_item(jieyang):
    doc = jieyang.documents[0]
    assert not [g for g in find_gaps(jieyang) if g.kind == "shared_rows"]  # level names filled down: no item
    inds = [dict(i) for i in doc.data["indicators"]]
    tall = inds[1]["level3"]
    merged = {**tall, "value": "".join(i["level3"]["value"] for i in inds[1:4])}  # three rows' texts, one cell
    for i in (1, 2):
        inds[i] = {**inds[i], "level3": merged}
    lost = _with_data(jieyang, {**doc.data, "indicators": inds[:3] + inds[4:]})
    gaps = [g for g in find_gaps(lost) if g.kind == "shared_rows"]
    assert len(gaps) == 1 and gaps[0].section == "indicators" and "rows missing" in gaps[0].en
    # numbered goals split from one cell share it with different texts: no item
    goals = doc.data["overall_goals"]
    src = goals[0]["source"]
    split = [{**g, "value": f"目标{n + 1}：第{n + 1}项工作任务全面完成", "source": src} for n, g in enumerate(goals)]
    assert not [g for g in find_gaps(_with_data(jieyang, {**doc.data, "overall_goals": split}))
                if g.kind == "shared_rows"]
