"""Consistency checks on a mapped form, and how their outcome moves field confidence.

Each check names the fields it read (paths like ``budget.basic_expenditure``, ``key_tasks[2].amount``).
A field in a failed check loses confidence (``FAIL_FACTOR``, or ``SPLIT_FACTOR`` when another cross-sum
vouches for it); a field only in passed cross-sums is raised toward 1 by ``PASS_RAISE`` of the remaining
gap. Inequalities and sanity checks (a plausible year) only ever lower confidence: passing them proves
little.

Rules for 部门整体预算绩效目标表, and what the two seed forms say about them:
- ``expenditure_equals_income``: 基本支出 + 项目支出 [+ 财政专项资金 + 其他事业发展性支出] = 财政拨款 + 其他资金.
  Dongguan 2024 holds only with the 事业发展性支出 block (4393.85 + 2804.13 + 1662.00 + 4.80 = 8864.78);
  Jieyang 2023 leaves 基本支出/财政拨款 blank, so the rule does not apply.
- ``level_split_equals_development``: 市本级使用资金 + 拟用于对下转移支付资金 = 财政专项资金 + 其他事业发展性支出
  (or = total expenditure); Dongguan leaves 市本级使用资金 blank, so it does not apply there.
- ``tasks_equal_project_expenditure``: Σ task amounts = 项目支出, on forms without a 事业发展性支出 block
  (Jieyang: 143+111+100+37+30+30+85+1.57+27.15+0.86075 = 565.58075 万元).
- ``tasks_within_budget``: Σ task amounts ≤ 项目支出 + 财政专项资金 + 其他事业发展性支出 (Dongguan: 3278.12 ≤
  4470.93 万元; Σ ≤ 项目支出 alone fails there, 3278.12 > 2804.13).
- ``year_plausible``, ``counts_non_negative``, ``amounts_non_negative``, ``task_seq_increasing``,
  ``indicator_range_ordered`` (value_min ≤ value_max), ``ordered_comparator_numeric`` (≥ ≤ > < need a
  number; ``=`` may compare text, e.g. Jieyang's ``= 7*24 小时``), ``indicator_levels_filled``.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from extract.types import Check

if TYPE_CHECKING:
    from extract.mapping.decl import CheckDecl
from models.budget import DepartmentPerformanceTargets, Task
from models.fields import Money

FAIL_FACTOR = 0.5
SPLIT_FACTOR = 0.75
PASS_RAISE = 0.5
_ORDERED = {"≥", "≤", ">", "<"}
# Rules whose pass is evidence that the numbers were read right: equalities between sums of independent
# cells. An inequality (tasks_within_budget) passes with slack, so passing it vouches for nothing.
CROSS_RULES = {"expenditure_equals_income", "level_split_equals_development", "tasks_equal_project_expenditure"}


def _amounts(doc: DepartmentPerformanceTargets, names: list[str]) -> dict[str, Decimal] | None:
    """``budget.<name> -> amount`` when every one is present, else None."""
    out: dict[str, Decimal] = {}
    for name in names:
        money: Money = getattr(doc.budget, name)
        amount = money.decimal()
        if amount is None:
            return None
        out[f"budget.{name}"] = amount
    return out


def _present(doc: DepartmentPerformanceTargets, names: list[str]) -> dict[str, Decimal]:
    return {f"budget.{n}": getattr(doc.budget, n).decimal() for n in names
            if getattr(doc.budget, n).decimal() is not None}


def _wan(x: Decimal) -> str:
    return f"{x / 10000:,.2f}万元"


def check_expenditure_income(doc: DepartmentPerformanceTargets) -> list[Check]:
    core = _amounts(doc, ["basic_expenditure", "project_expenditure", "fiscal_appropriation", "other_funds"])
    if core is None:
        return []
    dev = _present(doc, ["special_funds", "other_development_expenditure"])
    income = core["budget.fiscal_appropriation"] + core["budget.other_funds"]
    spend = core["budget.basic_expenditure"] + core["budget.project_expenditure"]
    fields = tuple(core) + tuple(dev)
    if spend == income:
        return [Check(rule="expenditure_equals_income", passed=True, fields=tuple(core),
                      detail=f"基本支出+项目支出 = 财政拨款+其他资金 = {_wan(income)}")]
    total = spend + sum(dev.values(), Decimal(0))
    passed = bool(dev) and total == income
    detail = (f"基本支出+项目支出{'+事业发展性支出' if dev else ''} = {_wan(total)}; "
              f"财政拨款+其他资金 = {_wan(income)}")
    return [Check(rule="expenditure_equals_income", passed=passed, detail=detail, fields=fields)]


def check_level_split(doc: DepartmentPerformanceTargets) -> list[Check]:
    split = _amounts(doc, ["municipal_funds", "transfer_funds"])
    dev = _present(doc, ["special_funds", "other_development_expenditure"])
    if split is None or not dev:
        return []
    total_split, total_dev = sum(split.values(), Decimal(0)), sum(dev.values(), Decimal(0))
    spend = _present(doc, ["basic_expenditure", "project_expenditure"])
    grand = total_dev + sum(spend.values(), Decimal(0))
    passed = total_split in (total_dev, grand)
    return [Check(rule="level_split_equals_development", passed=passed, fields=tuple(split) + tuple(dev),
                  detail=f"市本级+对下转移支付 = {_wan(total_split)}; 事业发展性支出 = {_wan(total_dev)}")]


def _task_amounts(doc: DepartmentPerformanceTargets) -> dict[str, Decimal]:
    out = {}
    for name in ("key_tasks", "other_tasks"):
        for i, task in enumerate(getattr(doc, name)):
            if task.amount.decimal() is not None:
                out[f"{name}[{i}].amount"] = task.amount.decimal()
    return out


def check_task_sums(doc: DepartmentPerformanceTargets) -> list[Check]:
    tasks = _task_amounts(doc)
    project = _present(doc, ["project_expenditure"])
    if not tasks or not project:
        return []
    total = sum(tasks.values(), Decimal(0))
    has_dev_block = any(getattr(doc.budget, n).source is not None
                        for n in ("special_funds", "other_development_expenditure"))
    checks = []
    if not has_dev_block:
        checks.append(Check(rule="tasks_equal_project_expenditure", passed=total == project[
            "budget.project_expenditure"], fields=tuple(project) + tuple(tasks),
            detail=f"Σ任务资金 = {_wan(total)}; 项目支出 = {_wan(project['budget.project_expenditure'])}"))
    dev = _present(doc, ["special_funds", "other_development_expenditure"])
    cap = sum(project.values(), Decimal(0)) + sum(dev.values(), Decimal(0))
    checks.append(Check(rule="tasks_within_budget", passed=total <= cap, fields=tuple(project) + tuple(dev)
                        + tuple(tasks), detail=f"Σ任务资金 = {_wan(total)} ≤ 项目支出"
                        f"{'+事业发展性支出' if dev else ''} = {_wan(cap)}"))
    return checks


def _seq_check(name: str, tasks: list[Task]) -> list[Check]:
    seqs = [(f"{name}[{i}].seq", t.seq.value) for i, t in enumerate(tasks)]
    if not seqs:
        return []
    bad = [p for (p, v), (_, prev) in zip(seqs[1:], seqs) if v is None or prev is None or v <= prev]
    if seqs[0][1] is None:
        bad.insert(0, seqs[0][0])
    return [Check(rule="task_seq_increasing", passed=not bad, fields=tuple(bad) or tuple(p for p, _ in seqs),
                  detail=f"{name}: {[v for _, v in seqs]}")]


def check_indicators(doc: DepartmentPerformanceTargets) -> list[Check]:
    inds = doc.indicators
    if not inds:
        return []
    cmp_ok, levels = [], []
    bad_cmp, bad_levels = [], []
    for i, ind in enumerate(inds):
        p = f"indicators[{i}]"
        if ind.comparator.value in _ORDERED:
            cmp_ok += [f"{p}.comparator", f"{p}.annual_target"]
            if ind.value_min.value is None:
                bad_cmp += [f"{p}.comparator", f"{p}.annual_target"]
        levels += [f"{p}.level1", f"{p}.level2"]
        bad_levels += [f"{p}.{k}" for k in ("level1", "level2") if getattr(ind, k).value is None]
    out = []
    for rule, fields, bad in (("ordered_comparator_numeric", cmp_ok, bad_cmp),
                              ("indicator_levels_filled", levels, bad_levels)):
        if fields:
            out.append(Check(rule=rule, passed=not bad, fields=tuple(bad or fields),
                             detail=f"{len(bad) // (1 if rule == 'indicator_levels_filled' else 2)} failing"))
    return out


CHECKS: tuple[Callable[[DepartmentPerformanceTargets], list[Check]], ...] = (
    check_expenditure_income, check_level_split, check_task_sums,
    lambda d: _seq_check("key_tasks", d.key_tasks) + _seq_check("other_tasks", d.other_tasks),
    check_indicators,
)


def run_checks(doc: DepartmentPerformanceTargets) -> list[Check]:
    """The department form's checks: the rules written here, then those its declaration states
    (``year_plausible``, ``counts_non_negative``, ``amounts_non_negative``, ``indicator_range_ordered``)."""
    from extract.mapping.rules import run_declared

    return [c for fn in CHECKS for c in fn(doc)] + run_declared(_declared_checks(), doc.model_dump(mode="json"))


@lru_cache(maxsize=1)
def _declared_checks() -> tuple[CheckDecl, ...]:
    from extract.mapping.decl_load import load_form
    from extract.mapping.labels import DEPARTMENT_FORM

    return load_form(DEPARTMENT_FORM).checks


_PATH_RE = re.compile(r"([A-Za-z_]\w*)(?:\[(\d+)\])?")


def _resolve(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    node: Any = data
    for part in path.split("."):
        m = _PATH_RE.fullmatch(part)
        if m is None or not isinstance(node, dict) or m.group(1) not in node:
            return None
        node = node[m.group(1)]
        if m.group(2) is not None:
            idx = int(m.group(2))
            if not isinstance(node, list) or idx >= len(node):
                return None
            node = node[idx]
    return node if isinstance(node, dict) and "confidence" in node else None


def apply_checks(data: dict[str, Any], checks: list[Check], cross: frozenset[str] | set[str] | None = None
                 ) -> dict[str, Any]:
    """A copy of the dumped form ``data`` with each checked field's confidence moved by the outcomes.

    A field only in failed checks is multiplied by ``FAIL_FACTOR``; one that also passed an independent
    cross-sum by ``SPLIT_FACTOR`` (the failure may lie elsewhere: a sum cannot say which term is wrong,
    the other check vouches for this one); one that only passed cross-sums is raised by ``PASS_RAISE``.
    ``cross`` names the rules that are cross-sums (the department form's ``CROSS_RULES`` by default).
    """
    cross = CROSS_RULES if cross is None else cross
    failed: dict[str, int] = {}
    vouched: dict[str, int] = {}
    for check in checks:
        for path in check.fields:
            if not check.passed:
                failed[path] = failed.get(path, 0) + 1
            elif check.rule in cross:
                vouched[path] = vouched.get(path, 0) + 1
    out = _copy_tree(data)
    for path in set(failed) | set(vouched):
        leaf = _resolve(out, path)
        if leaf is None:
            continue
        c = float(leaf["confidence"])
        if path in failed:
            c *= SPLIT_FACTOR if path in vouched else FAIL_FACTOR
        else:
            c += (1 - c) * PASS_RAISE
        leaf["confidence"] = round(c, 4)
    return dict(out)


def _copy_tree(node: Any) -> Any:
    """Copy of nested dicts and lists of JSON values (what ``model_dump(mode="json")`` gives)."""
    if isinstance(node, dict):
        return {k: _copy_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy_tree(v) for v in node]
    return node


def aggregate_confidence(data: Any) -> float:
    """Mean confidence of the leaves that hold a value (0.0 for a form with none)."""
    confs: list[float] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "confidence" in node and "value" in node:
                if node["value"] is not None:
                    confs.append(float(node["confidence"]))
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    return round(sum(confs) / len(confs), 4) if confs else 0.0
