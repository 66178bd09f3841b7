"""The two seed forms, built into Table cells from their text, mapped field by field.

Expected values are written by hand from /work/shared/seeds (amounts converted to yuan by the project
rule: 万元 x 10000, quantised to cents); they are not taken from the mapper's output.
"""
from __future__ import annotations

import pytest

from corpus.truth import flatten_values
from extract.mapping import map_documents
from mapping_seeds import DONGGUAN, JIEYANG, jieyang_lines, seed_lines, seed_to_tables

FORM = "department_performance_targets"

DG_GOALS = [
    "目标1: 持续深化“七个一”建设。优化应急指挥、强化联动共管、搭建数据平台、夯实宣传矩阵、完善培训体系、推动地方性立法、"
    "改革巡查考核等方面同步发力, 成体系地补短板、强基础、提效能, 推动提升我市应急管理能力和水平。",
    "目标2: 抓好安全生产、应急管理工作。完成重点领域企业安全生产隐患排查整治工作、化工医药及危险化学品企业安全生产全覆盖检查"
    "和特种作业考试等项目, 推动企业落实安全生产主体责任, 建立风险管控和隐患排查治理“双重预防机制”, 防患于未然, "
    "确保全市工贸行业安全生产形势持续稳定向好。",
    "目标3: 抓好自然灾害防治和防灾减灾工作。完成巨灾保险续保工作、市应急管理演练项目和应急管理预案修编工作, "
    "提高应急处置响应能力和社会各界防灾减灾的意识。",
    "目标4: 抓好森林防灭火工作。加强对市森林消防大队人员队伍建设和扑灭火装备的维护, 完成修订《东莞市森林火灾应急预案》, "
    "提高森林火灾防火水平, 保障人民群众生命财产安全。",
]

# (name, content, amount in yuan, expected outcome); 序号 is the 1-based order (no 序号 column)
DG_TASKS = [
    ("东莞市巨灾保险续保工作", "完成东莞市巨灾保险续保工作。", "9674500.00",
     "充分发挥商业保险的社会管理功能, 运用市场手段完善社会治理机制, 进一步健全我市灾害救助手段, "
     "提升突发事件应急管理效率, 减轻财政负担, 保障社会稳定运行。"),
    ("应急管理宣传项目",
     "完成应急管理视频、音频公益宣传; 应急管理专题报道、海报宣传; 聘请应急管理新闻信息采编专业团队; 应急管理微信号运营; "
     "应急管理短视频定向投流广告; 安全宣传“五进”项目; 应急管理舆情监测项目; 防灾减灾日主题宣传活动等宣传项目。",
     "3325000.00",
     "为适应新时代应急管理工作的新形势和新要求, 建立“大应急、大宣传”格局, 大力开展应急管理、防灾减灾、"
     "安全生产各类知识的宣传普及力度, 开展形式多样、覆盖面广的宣传活动, 提高社会各界安全意识和市民群众防灾减灾的能力。"),
    ("应急管理培训项目",
     "完成专职安全生产监督检查员培训、应急救援队伍培训、危险化学品、化工医药企业负责人及安全管理人员安全生产培训、"
     "森林防灭火培训、法治专题培训、新闻宣传业务能力提升培训、自然灾害情况统计调查业务培训、"
     "东莞市应急管理系统干部专业化能力提升班培训、三防培训、加油站业务专项培训、复工复产线上培训等项目。",
     "1767500.00",
     "组织完成应急管理培训, 强化事故灾害防范意识, 提高自救互救能力, 杜绝违章作业、违章指挥、违反劳动纪律和盲目施救等现象发生。"),
    ("特种作业等项目考试经费", "完成特种作业考试、高危行业企业主要负责人及安全管理人员考核工作。", "4500000.00",
     "满足相关人员考证需求, 增强相关人员安全意识, 提高持证上岗率, 保障人民群众生命财产安全。"),
    ("森林消防大队专项",
     "完成日常管理办公经费、人员经费、队员意外伤害保险、工具车租赁、营房水电费, 车辆油费和运行维护费、扑火装备运行维护费、"
     "修订《东莞市森林火灾应急预案》等子项目。",
     "5864600.00",
     "维持市森林消防大队正常运转, 提高我市专业森林消防队伍建设和管理水平, 降低森林火灾发生率, 确保人民生命财产安全。"),
    ("重点领域企业安全生产隐患排查整治工作",
     "完成金属冶炼、粉尘涉爆、液氨制冷、珍珠棉、锂离子电池组装企业等重点领域企业安全生产隐患排查整治工作。", "2900000.00",
     "推动企业落实安全生产主体责任, 建立风险管控和隐患排查治理“双重预防机制”, 防患于未然, 确保我市重大风险防控取得明显成效, "
     "全市工贸行业安全生产形势持续稳定向好。"),
    ("化工医药及危险化学品企业安全生产全覆盖检查",
     "委托安全生产技术服务机构协助执法人员开展2023年化工医药及危险化学品企业安全生产监管检查全覆盖工作。", "1478400.00",
     "充分利用社会力量助力安全生产工作, 指导帮助基层有效解决化工医药及危险化学品安全生产工作中的突出问题, "
     "在摸清风险、找准问题、抓实措施的基础上, 狠抓重点工作落实, 推动企业落实安全生产主体责任, "
     "提高化工医药及危险化学品安全生产水平。通过全覆盖工作, 提升企业防范化解安全风险能力和基层安全监管人员业务水平, "
     "提升全市化工医药及危险化学品安全管理水平。"),
    ("市应急管理局信息化运维服务项目",
     "完成智慧应急项目一期、二期运营服务项目; 无人机应急服务项目; 网络安全与数据安全技术服务项目; "
     "东莞市特种作业实操系统运维项目; 东莞市自助一体打证机系统运维项目; 东莞市安全生产培训及考试服务系统运维项目。",
     "3271200.00", "保障各信息系统的安全高效运行, 提升日常工作效率, 确保应急指挥业务稳定开展。"),
]

_P, _B = "产出指标", "效益指标"
# (level1, level2, level3, target as printed in both value columns, comparator, min, max, unit)
DG_INDICATORS = [
    (_P, "数量指标", "参加考试人数", "约25000-27400人", "≈", "25000", "27400", "人"),
    (_P, "数量指标", "宣传推广工作完成率", "100%", "=", "100", "100", "%"),
    (_P, "数量指标", "检查企业数量", "约650-714家", "≈", "650", "714", "家"),
    (_P, "数量指标", "车辆购置数", "新购2辆，并支付上年一辆车尾款", None, None, None, None),
    (_P, "数量指标", "培训项目数量", "11个培训项目", "=", "11", "11", "个培训项目"),
    (_P, "数量指标", "保险内容", "完成巨灾保险续保和森林火灾扑救人员购买人身意外伤害保险", None, None, None, None),
    (_P, "质量指标", "检查质量", "符合文件要求", None, None, None, None),
    (_P, "质量指标", "宣传项目验收合格率", "100%", "=", "100", "100", "%"),
    (_P, "质量指标", "培训质量", "提高培训对象业务能力和安全生产意识", None, None, None, None),
    (_P, "时效指标", "监督检查完成及时率", "100%", "=", "100", "100", "%"),
    (_P, "时效指标", "宣传工作完成及时率", "100%", "=", "100", "100", "%"),
    (_P, "时效指标", "应急处置及时率", "100%", "=", "100", "100", "%"),
    (_P, "时效指标", "培训目标完成及时率", "100%", "=", "100", "100", "%"),
    (_B, "经济效益指标", "理赔额达标率", "100%", "=", "100", "100", "%"),
    (_B, "社会效益指标", "提高持证上岗率情况", "有效提高", None, None, None, None),
    (_B, "社会效益指标", "应急处突能力提升", "显著提升", None, None, None, None),
    (_B, "社会效益指标", "提高应急管理专业化水平", "有效提高", None, None, None, None),
    (_B, "社会效益指标", "宣传效果", "提高社会安全意识，保障人民群众生命财产安全", None, None, None, None),
    (_B, "社会效益指标", "强化终端软件管理", "有效强化", None, None, None, None),
    (_B, "生态效益指标", "森林防火", "有效预防和扑灭森林火灾", None, None, None, None),
    (_B, "可持续影响指标", "应急管理培训效果", "提高培训人员安全意识，减少安全生产事故发生", None, None, None, None),
    (_B, "可持续影响指标", "森林火灾应急响应速度", "显著提升", None, None, None, None),
    (_B, "可持续影响指标", "提高管理、决策和支持服务水平", "有效提高", None, None, None, None),
    (_B, "可持续影响指标", "促进经济社会全面协调可持续发展", "促进经济全面协调可持续，为东莞保驾护航",
     None, None, None, None),
    (_B, "服务对象满意度指标", "受聘人员满意度", "100%", "=", "100", "100", "%"),
    (_B, "服务对象满意度指标", "培训对象的满意度（%）", "≥90%", "≥", "90", "90", "%"),
]


def _dg_expected() -> dict:
    return {
        "title": "东莞市部门整体预算绩效目标表", "region": "东莞市", "year": 2024,
        "department": "东莞市应急管理局", "competent_department": None,
        "staff_count": 124, "subordinate_units": 3,
        "budget": {
            "basic_expenditure": "43938500.00", "project_expenditure": "28041300.00",
            "fiscal_appropriation": "88647800.00", "other_funds": "0.00", "special_funds": "16620000.00",
            "other_development_expenditure": "48000.00", "municipal_funds": None, "transfer_funds": "0.00",
        },
        "overall_goals": DG_GOALS,
        "key_tasks": [{"seq": i, "name": n, "content": c, "amount": a, "expected_outcome": o}
                      for i, (n, c, a, o) in enumerate(DG_TASKS, start=1)],
        "other_tasks": [],
        "indicators": [{"level1": l1, "level2": l2, "level3": l3, "explanation": None, "comparator": cmp,
                        "annual_target": t, "period_target": t, "unit": u, "value_min": lo, "value_max": hi}
                       for l1, l2, l3, t, cmp, lo, hi, u in DG_INDICATORS],
    }


JY_GOALS = [
    "1、提升我市应急救援能力水平，通过揭阳市指挥信息网项目，提高我市应急指挥网络监控技术，确保系统监测预警时段达7*24小时，"
    "为各级应急管理提供统一高效、稳定可靠的网络通信保障。",
    "2、通过购买第三方技术服务，对我市大南海石化工业区及惠来县等县区有关炼油一体化项目等重点化工项目（企业）有关建设项目安全审查、"
    "企业（项目）安全检查专家技术服务事项提供技术支持、技术服务，第三方机构审查不少于4个项目。",
    "3、通过《揭阳市危险化学品安全风险评估报告》和《揭阳市危险化学品事故应急预案》编制工作，形成预案率100%，"
    "协助处置的重大、特别重大危险化学品事故，协调处置的一般危险化学品事故，确保人民群众生命财产安全。",
]

JY_KEY_TASKS = [
    (1, "揭阳市重点化工项目（企业）安全审查、安全检查专家技术服务",
     "针对我市大南海石化工业区及惠来县等县区有关炼油一体化项目等重点化工项目（企业）有关建设项目安全审查、"
     "企业（项目）安全检查专家技术服务事项，在第三方技术服务上需国家级或省级以上专家提供技术支持服务。", "1430000.00"),
    (2, "揭阳市应急管理局2023年度综合运维服务项目",
     "为保证市应急指挥中心各信息系统平稳运行，确保网络原因对业务运行影响最小化，确保网络故障快速定位并解决，"
     "确保网络信息安全可控可查，确保不断优化系统的运行效率和性能，确保各类系统正常可靠运行，"
     "确保目标系统7×24正常工作的综合性运维服务项目，项目包括解决指挥平台技术支持保障服务、网络线路运营服务、网络安全服务、"
     "物联网卡流量服务、卫星便携站运维服务、无人机保险服务、天通卫星终端通信服务、视频会商系统主要设备厂商运维服务等。",
     "1110000.00"),
    (3, "安全生产专项经费", "该项目主要用于应急管理宣传培训、应急救援队伍建设、购买第三方服务和执法标准化建设。", "1000000.00"),
    (4, "《揭阳市危险化学品安全风险评估报告》和《揭阳市危险化学品事故应急预案》编制项目",
     "评估报告和应急预案制定之后将适用于揭阳市危险化学品生产、储存、使用、经营、运输和废弃危险化学品处置过程中发生的，"
     "需要由市危险化学品事故应急指挥部负责处置的较大危险化学品事故，协助处置的重大、特别重大危险化学品事故，"
     "协调处置的一般危险化学品事故。同时，本预案指导各县（市、区）一般危险化学品事故应急预案的编制，"
     "各县（市、区）危险化学品事故应急预案应与本预案衔接。", "370000.00"),
]

JY_OTHER_TASKS = [
    (5, "专业应急救援力量建设",
     "1、主要用于组织市自然灾害类、森林防灭火类、安全生产类专业应急救援队伍（含社会应急救援队伍）应急知识、技能培训、训练、"
     "演练，配置、补助相关急需装备，补助救援队伍办公场所、训练基地建设等队伍、基地、装备建设方面，"
     "综合提升我市应急救援队伍应对突发事件应急处置救援能力。 2、组织全市6个县（市、区）森林消防队伍进行演练、"
     "到省里参加技能比赛（比武），提高专业队伍救援能力。组织队伍参加省森林消防业务技能比赛购买装备及参赛经费。", "300000.00"),
    (6, "安全生产责任险信息管理平台建设", "建立健全安全生产责任保险信息化管理平台，强化安全生产各类信息互联共享。", "300000.00"),
    (7, "应急管理业务费", "主要用于开展应急管理工作，开展三防、森防等工作，行使安全生产综合监管职责，做好隐患排查治理。"
     "聘请常年法律顾问。", "850000.00"),
    (8, "大南海石化项目安全检查和试生产安全诊断专项服务项目", "2022年度项目尾款", "15700.00"),
    (9, "中委广东石化项目安全设施设计审查和安全条件变更审查等技术审查项目", "2021年度项目尾款", "271500.00"),
    (10, "购买2020年度安全生产第三方技术服务（第四次）", "2022年度项目尾款", "8607.50"),
]

# (level1, level2, level3, explanation, comparator, 指标值, unit, min=max)
JY_INDICATORS = [
    ("产出指标", "数量指标", "提供安全审查、检查项目", "由第三方机构提供安全审查、检查项目", "≥", "4", "个", "4"),
    ("产出指标", "质量指标", "编制应急预案率", "形成应急预案率", "=", "100", "%", "100"),
    ("产出指标", "时效指标", "应急处置到达时间", "应急处置到达时间", "≤", "3", "小时", "3"),
    ("效益指标", "社会效益指标", "抢险救灾率", "抢险救灾率", "=", "100", "%", "100"),
    ("效益指标", "可持续影响指标", "监测预警时段", "系统监测预警时段", "=", "7*24", "小时", None),
]


def _tasks(rows: list[tuple]) -> list[dict]:
    return [{"seq": s, "name": n, "content": c, "amount": a, "expected_outcome": None} for s, n, c, a in rows]


def _jy_expected() -> dict:
    return {
        "title": "揭阳市2023年市直部门整体预算绩效目标表", "region": "揭阳市", "year": 2023,
        "department": "揭阳市应急管理局", "competent_department": "应急管理",
        "staff_count": 43, "subordinate_units": None,
        "budget": {
            "basic_expenditure": None, "project_expenditure": "5655807.50", "fiscal_appropriation": None,
            "other_funds": None, "special_funds": None, "other_development_expenditure": None,
            "municipal_funds": None, "transfer_funds": None,
        },
        "overall_goals": JY_GOALS,
        "key_tasks": _tasks(JY_KEY_TASKS),
        "other_tasks": _tasks(JY_OTHER_TASKS),
        "indicators": [{"level1": l1, "level2": l2, "level3": l3, "explanation": ex, "comparator": cmp,
                        "annual_target": t, "period_target": None, "unit": u, "value_min": v, "value_max": v}
                       for l1, l2, l3, ex, cmp, t, u, v in JY_INDICATORS],
    }


@pytest.fixture(scope="module")
def dongguan():
    tables, lines = seed_to_tables(seed_lines(DONGGUAN))
    docs = map_documents(tables, lines)
    assert len(docs) == 1
    return docs[0]


@pytest.fixture(scope="module")
def jieyang():
    tables, lines = seed_to_tables(jieyang_lines())
    docs = map_documents(tables, lines)
    assert len(docs) == 1
    return docs[0]


def test_jieyang_as_printed_in_the_seed_text_has_no_level1_on_its_first_rows():
    """Without the fix-up, the first rows' 一级指标 cell is the header cell: no level, and the check says so."""
    tables, lines = seed_to_tables(seed_lines(JIEYANG))
    (doc,) = map_documents(tables, lines)
    levels = [i["level1"]["value"] for i in doc.data["indicators"]]
    assert levels == [None, None, None, "效益指标", "效益指标"]
    failed = next(c for c in doc.checks if c.rule == "indicator_levels_filled")
    assert failed.passed is False and "indicators[0].level1" in failed.fields
    assert doc.data["indicators"][0]["level1"]["confidence"] == 0.0


def _assert_same(got: dict, want: dict) -> None:
    got_flat, want_flat = flatten_values(got), flatten_values(want)
    assert sorted(got_flat) == sorted(want_flat)
    wrong = {k: (got_flat[k], want_flat[k]) for k in want_flat if got_flat[k] != want_flat[k]}
    assert wrong == {}


def test_dongguan_every_field(dongguan):
    assert dongguan.form == FORM
    _assert_same(dongguan.data, _dg_expected())


def test_jieyang_every_field(jieyang):
    assert jieyang.form == FORM
    _assert_same(jieyang.data, _jy_expected())


def test_money_keeps_printed_text_and_unit(dongguan, jieyang):
    basic = dongguan.data["budget"]["basic_expenditure"]
    assert (basic["raw"], basic["raw_unit"]) == ("4,393.85", "万元")
    task = dongguan.data["key_tasks"][0]["amount"]
    assert (task["raw"], task["raw_unit"]) == ("9,674,500.00", "元")
    last = jieyang.data["other_tasks"][-1]["amount"]
    assert (last["raw"], last["raw_unit"], last["value"]) == ("0.86075", "万元", "8607.50")


def test_sources_point_at_cells(dongguan, jieyang):
    # Dongguan: 部门名称 value is row 0 col 1 of the first table; 基本支出 value row 3 col 2
    assert dongguan.data["department"]["source"] == {"table": "t1", "cells": [[0, 1]], "page": 1}
    assert dongguan.data["budget"]["basic_expenditure"]["source"]["cells"] == [[3, 2]]
    # a blank value keeps its source cell: 市本级使用资金 (row 6, col 4), Jieyang 下属二级单位数 (row 1, col 4)
    assert dongguan.data["budget"]["municipal_funds"]["source"]["cells"] == [[6, 4]]
    assert jieyang.data["subordinate_units"]["source"]["cells"] == [[1, 4]]
    # Jieyang's 其他需完成任务 and 绩效指标 are tables of their own
    assert jieyang.data["other_tasks"][0]["amount"]["source"]["table"] == "t2"
    assert jieyang.data["indicators"][0]["level3"]["source"]["table"] == "t3"
    # level1 filled down from the merged 产出指标 cell: every row points at the same cell
    srcs = {tuple(map(tuple, ind["level1"]["source"]["cells"])) for ind in jieyang.data["indicators"][:3]}
    assert srcs == {((1, 0),)}


def _checks(doc) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for c in doc.checks:
        out[c.rule] = out.get(c.rule, True) and c.passed
    return out


def test_dongguan_checks(dongguan):
    checks = _checks(dongguan)
    # 4393.85 + 2804.13 + 1662.00 + 4.80 = 8864.78: holds only with the 事业发展性支出 block
    assert checks["expenditure_equals_income"] is True
    # Σ tasks 3278.12 万元 > 项目支出 2804.13, but ≤ 项目支出 + 事业发展性支出 4470.93
    assert checks["tasks_within_budget"] is True
    assert "tasks_equal_project_expenditure" not in checks  # the form has a 事业发展性支出 block
    assert "level_split_equals_development" not in checks  # 市本级使用资金 is blank
    for rule in ("year_plausible", "counts_non_negative", "amounts_non_negative", "task_seq_increasing",
                 "indicator_range_ordered", "ordered_comparator_numeric", "indicator_levels_filled"):
        assert checks[rule] is True, rule
    income = next(c for c in dongguan.checks if c.rule == "expenditure_equals_income")
    assert {"budget.basic_expenditure", "budget.special_funds", "budget.fiscal_appropriation"} <= set(income.fields)


def test_jieyang_checks(jieyang):
    checks = _checks(jieyang)
    # 143+111+100+37+30+30+85+1.57+27.15+0.86075 = 565.58075 万元 = 项目支出
    assert checks["tasks_equal_project_expenditure"] is True
    assert checks["tasks_within_budget"] is True
    assert "expenditure_equals_income" not in checks  # 基本支出/财政拨款 blank
    assert checks["task_seq_increasing"] is True
    assert checks["ordered_comparator_numeric"] is True  # "= 7*24 小时" compares text, no ordering
    total = next(c for c in jieyang.checks if c.rule == "tasks_equal_project_expenditure")
    assert "key_tasks[3].amount" in total.fields and "other_tasks[5].amount" in total.fields


def test_seed_confidence_is_high_and_documents_span_their_pages(dongguan, jieyang):
    assert dongguan.pages == (1,) and jieyang.pages == (1,)
    assert dongguan.confidence > 0.95 and jieyang.confidence > 0.9
    # passing cross-sums raise the amounts they read to 1.0 on a clean text layer
    assert jieyang.data["budget"]["project_expenditure"]["confidence"] == 1.0
