"""The "三公"经费 form (declared in YAML only) and the generic reader's mechanisms its tune split needed:
a unit in a header above the first field, a better label taking a field over from an ambiguous one,
a money field without a unit taking its siblings' unit; its checks lower confidence when they fail."""
from __future__ import annotations

from mapping_seeds import seed_to_tables
from test_forms_generic import PROJECT, grid

from extract.mapping import map_documents

THREE = """
2024年“三公”经费预算表
经费项目 | 预算数（万元）
“三公”经费合计 | 60.00
1.因公出国(境)费 | 10.00
2.公务用车费 | 30.00
其中：公务用车购置费 | 12.00
公务用车运行费 | 18.00
3.公务接待费 | 20.00
"""


def _docs(text: str):
    tables, lines = seed_to_tables(grid(text))
    return map_documents(tables, lines, form="auto")


def _vals(d: dict) -> dict:
    return {"total": d["total"]["value"], "abroad": d["abroad"]["value"], "reception": d["reception"]["value"],
            **{f"vehicles.{k}": v["value"] for k, v in d["vehicles"].items()}}


def test_three_public_expenses_read_with_header_unit_and_by_place():
    (doc,) = _docs(THREE)
    assert doc.form == "three_public_expenses"
    assert _vals(doc.data) == {"total": "600000.00", "abroad": "100000.00", "reception": "200000.00",
                               "vehicles.total": "300000.00", "vehicles.purchase": "120000.00",
                               "vehicles.running": "180000.00"}
    assert all(c.passed for c in doc.checks) and {c.rule for c in doc.checks} >= {"total_adds_up", "vehicles_add_up"}
    # 公务用车费 was told by its place, “三公”经费合计 by its place too: less sure than an exact label
    assert doc.data["vehicles"]["total"]["confidence"] < doc.data["vehicles"]["running"]["confidence"]


def test_three_public_failed_sum_lowers_confidence():
    (ok,) = _docs(THREE)
    (bad,) = _docs(THREE.replace("公务用车运行费 | 18.00", "公务用车运行费 | 28.00"))
    assert {c.rule: c.passed for c in bad.checks}["vehicles_add_up"] is False
    assert bad.data["vehicles"]["running"]["confidence"] < ok.data["vehicles"]["running"]["confidence"]
    assert bad.confidence < ok.confidence


def test_money_field_without_unit_takes_its_siblings_unit():
    text = PROJECT.replace("项目资金（万元）", "项目资金").replace("| 年度资金总额 |", "| 年度资金总额（合计） |") \
        .replace("其中：财政拨款 |", "其中：财政拨款（万元） |").replace("| 其他资金 |", "| 其他资金（万元） |")
    tables, lines = seed_to_tables(grid(text))
    (doc,) = map_documents(tables, lines, form="auto")
    funds = doc.data["funds"]
    assert [funds[k]["value"] for k in ("total", "fiscal", "other")] == ["1200000.00", "1000000.00", "200000.00"]
    assert funds["total"]["confidence"] < funds["fiscal"]["confidence"]  # inferred, not printed
