"""Typed target models: every leaf value is a Field carrying confidence and its source cell."""
from models.budget import FORM_NAME, Budget, DepartmentPerformanceTargets, Indicator, Task
from models.fields import Field, Money, Source

__all__ = [
    "FORM_NAME", "Budget", "DepartmentPerformanceTargets", "Field", "Indicator", "Money", "Source", "Task",
]
