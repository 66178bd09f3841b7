"""部门整体预算绩效目标表 (department budget performance target table) as a typed model.

Every leaf is a :class:`~models.fields.Field` (or :class:`~models.fields.Money`) so each value carries
its confidence, the text as printed and the cell it came from. The shape follows ``CONTRACT.md``.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from models.fields import Field, Money

FORM_NAME = "department_performance_targets"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Budget(_Model):
    """预算整体情况: every amount in yuan whatever unit the form printed."""

    basic_expenditure: Money = Money()  # 基本支出
    project_expenditure: Money = Money()  # 项目支出
    fiscal_appropriation: Money = Money()  # 财政拨款
    other_funds: Money = Money()  # 其他资金
    special_funds: Money = Money()  # 财政专项资金
    other_development_expenditure: Money = Money()  # 其他事业发展性支出
    municipal_funds: Money = Money()  # 市本级使用资金
    transfer_funds: Money = Money()  # 拟用于对下转移支付资金


class Task(_Model):
    """One row of 年度重点工作任务 or 其他需完成的任务."""

    seq: Field[int] = Field[int]()  # printed 序号, else the 1-based order in its list
    name: Field[str] = Field[str]()
    content: Field[str] = Field[str]()  # 主要实施内容 / 目标内容
    amount: Money = Money()  # 拟投入的资金
    expected_outcome: Field[str] = Field[str]()  # 期望达到的目标; value None where the form has no such column


class Indicator(_Model):
    """One 绩效指标 row; level1/level2 filled down from their merged cells."""

    level1: Field[str] = Field[str]()
    level2: Field[str] = Field[str]()
    level3: Field[str] = Field[str]()
    explanation: Field[str] = Field[str]()  # 三级指标解释
    comparator: Field[str] = Field[str]()  # ≥ ≤ = > < ≈
    annual_target: Field[str] = Field[str]()  # 年度指标值, or 指标值 where there is one value column
    period_target: Field[str] = Field[str]()  # 实施周期指标值
    unit: Field[str] = Field[str]()
    value_min: Field[str] = Field[str]()  # decimal string without trailing zeros
    value_max: Field[str] = Field[str]()


class DepartmentPerformanceTargets(_Model):
    title: Field[str] = Field[str]()
    region: Field[str] = Field[str]()
    year: Field[int] = Field[int]()
    department: Field[str] = Field[str]()  # 部门名称
    competent_department: Field[str] = Field[str]()  # 资金主管部门
    staff_count: Field[int] = Field[int]()  # 财政供养人员数
    subordinate_units: Field[int] = Field[int]()  # 下属二级单位数
    budget: Budget = Budget()
    overall_goals: list[Field[str]] = []
    key_tasks: list[Task] = []
    other_tasks: list[Task] = []
    indicators: list[Indicator] = []
