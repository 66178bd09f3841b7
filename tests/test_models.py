"""The department form model: contract field names, Field/Money leaves, JSON round trip."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from models import FORM_NAME, Budget, DepartmentPerformanceTargets, Field, Indicator, Money, Source, Task


def test_contract_field_names():
    assert FORM_NAME == "department_performance_targets"
    assert list(DepartmentPerformanceTargets.model_fields) == [
        "title", "region", "year", "department", "competent_department", "staff_count", "subordinate_units",
        "budget", "overall_goals", "key_tasks", "other_tasks", "indicators"]
    assert list(Budget.model_fields) == [
        "basic_expenditure", "project_expenditure", "fiscal_appropriation", "other_funds", "special_funds",
        "other_development_expenditure", "municipal_funds", "transfer_funds"]
    assert list(Task.model_fields) == ["seq", "name", "content", "amount", "expected_outcome"]
    assert list(Indicator.model_fields) == [
        "level1", "level2", "level3", "explanation", "comparator", "annual_target", "period_target", "unit",
        "value_min", "value_max"]


def test_json_round_trip_and_leaf_shape():
    doc = DepartmentPerformanceTargets(
        year=Field[int](value=2024, confidence=1.0, raw="(2024年)", source=Source(page=1)),
        budget=Budget(basic_expenditure=Money(value="43938500.00", raw="4,393.85", raw_unit="万元",
                                              confidence=0.97, source=Source(table="t1", cells=[(3, 2)], page=1))),
        key_tasks=[Task(seq=Field[int](value=1, confidence=1.0), amount=Money(value=None, confidence=0.9))],
        overall_goals=[Field[str](value="目标1: 甲", confidence=1.0)],
    )
    data = doc.model_dump(mode="json")
    assert data["budget"]["basic_expenditure"] == {
        "value": "43938500.00", "confidence": 0.97, "raw": "4,393.85",
        "source": {"table": "t1", "cells": [[3, 2]], "page": 1}, "raw_unit": "万元"}
    assert data["key_tasks"][0]["expected_outcome"] == {"value": None, "confidence": 0.0, "raw": None,
                                                        "source": None}
    assert data["overall_goals"][0]["value"] == "目标1: 甲"
    assert DepartmentPerformanceTargets.model_validate(data) == doc
    # defaults are not shared between instances
    assert DepartmentPerformanceTargets().key_tasks == [] and DepartmentPerformanceTargets().budget.other_funds.value is None


def test_leaves_validate():
    with pytest.raises(ValidationError):
        Money(value="4,393.85")  # not a decimal string: money is stored normalised
    with pytest.raises(ValidationError):
        Field[int](value="many")
    with pytest.raises(ValidationError):
        Field[str](value="x", confidence=1.2)
    with pytest.raises(ValidationError):
        DepartmentPerformanceTargets(unknown=Field[str]())
    assert Money(value="5655807.50").decimal() * 1 == Money(value="5655807.5").decimal()
